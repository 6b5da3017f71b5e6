"""keras.mixed_precision: the dtype-policy names under their older module.

The engine computes in float32 or float64; `set_global_policy("mixed_float16")` and
`"mixed_bfloat16"` raise NotImplementedError, as `keras.config.set_dtype_policy` does.
"""
from ..config import dtype_policy, set_dtype_policy
from ..dtype_policies import DTypePolicy

Policy = DTypePolicy
global_policy = dtype_policy
set_global_policy = set_dtype_policy


def __getattr__(name):
    # The optimizers module defines it; loaded on first use so importing keras stays light.
    if name == "LossScaleOptimizer":
        from ..optimizers import LossScaleOptimizer
        return LossScaleOptimizer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["DTypePolicy", "Policy", "dtype_policy", "global_policy", "set_dtype_policy", "set_global_policy"]
