"""LossScaleOptimizer (keras.optimizers.LossScaleOptimizer): dynamic loss scaling around
another optimizer."""
from __future__ import annotations

from typing import Any, Iterable, Sequence

import numpy as np

import swiftdl as _sd

from .._autograd import Variable
from .base_optimizer import Optimizer

# The base arguments Keras's LossScaleOptimizer accepts only at their defaults (older
# configs wrote them out); any other value belongs on the inner optimizer.
_BASE_DEFAULTS: dict[str, Any] = {"weight_decay": None, "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
                                  "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
                                  "loss_scale_factor": None, "gradient_accumulation_steps": None}


class LossScaleOptimizer(Optimizer):
    """Wraps an optimizer with Keras's dynamic loss scaling.

    `scale_loss(loss)` multiplies the loss by the current scale (`fit` does this before
    taking gradients); `apply` then checks the gradients: if all are finite it divides them
    by the scale and lets the inner optimizer apply them, doubling the scale after every
    `dynamic_growth_steps` finite steps; otherwise it skips the step and halves the scale.

    swiftdl computes in float32 or float64 (mixed_float16 is not supported), where gradients
    rarely underflow: the wrapper is then an exact pass-through of the inner optimizer's
    updates (the scale is a power of two, so scaling and unscaling lose nothing), kept for
    Keras's API, configs and files.

    Args:
        inner_optimizer: the `Optimizer` to wrap (its loss_scale_factor is reset to None).
        initial_scale: the starting loss scale (2**15).
        dynamic_growth_steps: finite steps between doublings of the scale (2000).
        name: the optimizer's name.
        **kwargs: `dynamic=True` only, and the base arguments only at their defaults.

    Raises:
        ValueError: for `dynamic=False`, a base argument other than its default, or any
            other keyword.
        TypeError: when inner_optimizer is not an Optimizer.
    """

    def __init__(self, inner_optimizer: Optimizer, initial_scale: float = 2.0 ** 15, dynamic_growth_steps: int = 2000,
                 name: str | None = None, **kwargs: Any) -> None:
        if not kwargs.pop("dynamic", True):
            raise ValueError("LossScaleOptimizer no longer supports `dynamic=False`. Instead, simply set "
                             "`loss_scale_factor` directly on the `inner_optimizer`.")
        for argument, default in _BASE_DEFAULTS.items():
            if argument in kwargs and kwargs.pop(argument) != default:
                raise ValueError(f"LossScaleOptimizer does not support `{argument}`. Instead, set `{argument}` on the "
                                 "`inner_optimizer`.")
        if kwargs:
            raise ValueError(f"LossScaleOptimizer does not support arguments: `{'`, `'.join(kwargs.keys())}`.")
        if not isinstance(inner_optimizer, Optimizer):
            raise TypeError(f"LossScaleOptimizer's inner_optimizer must be a swiftdl Optimizer; received "
                            f"{type(inner_optimizer).__name__}")
        super().__init__(learning_rate=0.0, name=name)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps
        # The inner optimizer must not unscale a second time.
        self.inner_optimizer.loss_scale_factor = None
        self.step_counter: Variable | None = None
        self.dynamic_scale: Variable | None = None

    def build(self, variables: Sequence[Variable]) -> None:
        """Creates step_counter and dynamic_scale (once), then builds the inner optimizer."""
        if self.step_counter is None:
            self.step_counter = Variable(np.int64(0), trainable=False, name="step_counter")
            self.dynamic_scale = Variable(np.float32(self.initial_scale), trainable=False, name="dynamic_scale")
            self._variables += [self.step_counter, self.dynamic_scale]
        for variable in variables:
            self._known.setdefault(id(variable), variable)
        self.inner_optimizer.build(variables)
        self.built = True

    @property
    def variables(self) -> list[Variable]:
        """This wrapper's variables (iteration, learning_rate, step_counter, dynamic_scale),
        then the inner optimizer's, as Keras orders them."""
        return self._variables + self.inner_optimizer.variables

    @property
    def iterations(self) -> Variable:
        return self.inner_optimizer.iterations

    @property
    def learning_rate(self) -> Any:
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, learning_rate: Any) -> None:
        self.inner_optimizer.learning_rate = learning_rate

    def scale_loss(self, loss: Any) -> Any:
        """The loss times the current scale (the initial scale before the first build)."""
        scale = float(np.asarray(self.dynamic_scale)) if self.dynamic_scale is not None else self.initial_scale
        return loss * scale

    def apply_gradients(self, grads_and_vars: Iterable[tuple[Any, Variable]]) -> Variable:
        pairs = list(grads_and_vars)
        if pairs:
            grads, variables = zip(*pairs)
            self.apply(grads, variables)
        return self.iterations

    def apply(self, grads: Iterable[Any], trainable_variables: Iterable[Variable] | None = None) -> None:
        """Unscales finite gradients into the inner optimizer, or skips a non-finite step;
        then updates the scale as Keras does."""
        grads = [g if g is None or isinstance(g, _sd.Tensor) else _sd.asarray(g) for g in grads]
        if trainable_variables is None:
            if not self.built:
                raise ValueError("When passing `grads` without `variables`, the optimizer must already be built on a "
                                 "list of variables. Call `optimizer.build(trainable_variables)` first.")
            trainable_variables = list(self._known.values())
        trainable_variables = list(trainable_variables)
        self.build(trainable_variables)
        assert self.step_counter is not None and self.dynamic_scale is not None
        finite = all(bool(_sd.all(_sd.isfinite(g))) for g in grads if g is not None)
        if not finite:
            self.step_counter.assign(np.int64(0))
            self.dynamic_scale.assign(self.dynamic_scale * 0.5)
            return
        scale = float(np.asarray(self.dynamic_scale))
        self.inner_optimizer.apply([None if g is None else g / scale for g in grads], trainable_variables)
        if int(np.asarray(self.step_counter)) == self.dynamic_growth_steps - 1:
            self.step_counter.assign(np.int64(0))
            self.dynamic_scale.assign(self.dynamic_scale * 2.0)
        else:
            self.step_counter.assign_add(np.int64(1))

    def finalize_variable_values(self, var_list: Sequence[Variable]) -> None:
        self.inner_optimizer.finalize_variable_values(var_list)

    def get_config(self) -> dict[str, Any]:
        from . import serialize
        return {"name": self.name, "inner_optimizer": serialize(self.inner_optimizer), "initial_scale": self.initial_scale,
                "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Any:
        from . import deserialize
        config = dict(config)
        inner = config.pop("inner_optimizer")
        if isinstance(inner, dict):
            inner = deserialize(inner, custom_objects=custom_objects)
        return cls(inner, **config)
