"""numpy's dtype rules for the numpy-style functions built on keras.ops's engine compositions.

keras.ops computes these functions on the engine, but with Keras's dtype rules (Python
floats become float32, integers become floatx in float-valued functions). The numpy face
converts its operands with numpy's rules first, so the keras.ops function sees operands
that already have the dtype numpy would compute in.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ._convert import asarray
from ._tensor import Tensor


def operand(x: Any) -> Tensor:
    """`x` as a tensor, converted as numpy converts it (Python floats are float64)."""
    return x if isinstance(x, Tensor) else asarray(x, copy=None)


def floating(x: Any) -> Tensor:
    """`x` in the dtype numpy computes a float-valued function in: float32 and float64 stay,
    int32 and int64 become float64. (numpy takes uint8 and bool to float16, which swiftdl does
    not have: they become float32, as in the engine's own ufuncs.)"""
    x = operand(x)
    if x.dtype.kind == "f":
        return x
    return x.astype(np.float32 if x.dtype in (np.uint8, np.bool_) else np.float64)


def result_dtype(*values: Any) -> np.dtype:
    """numpy 2's promotion of the operands' dtypes (Python scalars are weak, as in numpy)."""
    return np.result_type(*(v.dtype if isinstance(v, Tensor) else v if isinstance(v, (bool, int, float))
                            else np.asarray(v).dtype for v in values))


def promoted(*values: Any) -> list[Tensor]:
    """The operands as tensors of their common numpy dtype."""
    dtype = result_dtype(*values)
    return [operand(v).astype(dtype) if operand(v).dtype != dtype else operand(v) for v in values]


def no_out(name: str, out: Any) -> None:
    """swiftdl's numpy-style functions return new tensors; `out=` is refused, not ignored."""
    if out is not None:
        raise TypeError(f"swiftdl.{name} does not support out=; assign the result instead (out[...] = result)")
