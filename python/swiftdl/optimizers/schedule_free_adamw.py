"""Schedule-free AdamW (keras.optimizers.ScheduleFreeAdamW), written with engine ops in Python."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import swiftdl as _sd

from .base_optimizer import Optimizer
from .python_update import clip_and_decay

if TYPE_CHECKING:
    from .._autograd import Variable
    from .._tensor import Tensor
    from .base_optimizer import _LearningRate


class ScheduleFreeAdamW(Optimizer):
    """Schedule-free AdamW (Defazio et al., 2024) with Keras 3's formulas (t = iterations + 1,
    lr scaled by min(t/warmup_steps, 1) when warmup_steps > 0):

        v ← v + (g² - v)(1 - β₂);  z' = z - lr·g/(√(v/(1 - β₂ᵗ)) + ε)
        x = (y - (1 - β₁)·z)/β₁;  x' = (1 - 1/t)·x + z'/t
        y ← (1 - β₁)·z' + β₁·x';  z ← z'

    The model's variables hold y; the "momentum" slot holds z and starts as a copy of the
    variable. Evaluate with the variables as they are (Keras keeps no separate x). The update
    runs a few engine ops per variable from Python (not one fused call).

    Args:
        learning_rate: float or schedule (default 0.0025).
        beta_1: the interpolation between z and x (0.9).
        beta_2: decay rate of the second moment (0.999).
        epsilon: added outside the square root (1e-8).
        warmup_steps: linear warmup of the rate over this many steps (0: none).
        **kwargs: the base optimizer's arguments (weight_decay, clipnorm, ...).
    """

    def __init__(self, learning_rate: _LearningRate = 0.0025, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-8, warmup_steps: int = 0, weight_decay: float | None = None,
                 clipnorm: float | None = None, clipvalue: float | None = None, global_clipnorm: float | None = None,
                 use_ema: bool = False, ema_momentum: float = 0.99, ema_overwrite_frequency: int | None = None,
                 loss_scale_factor: float | None = None, gradient_accumulation_steps: int | None = None,
                 name: str | None = None, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor, gradient_accumulation_steps=gradient_accumulation_steps,
                         **kwargs)
        if warmup_steps < 0:
            raise ValueError(f"`warmup_steps` must be >= 0. Received: warmup_steps={warmup_steps}")
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.warmup_steps = warmup_steps

    def _build_slots(self, variables: Sequence[Variable]) -> None:
        self.add_optimizer_variables(variables, ["momentum", "velocity"])
        for variable, z in zip(variables, self._slot_list("momentum", variables)):
            z.assign(variable)

    def _update(self, options: tuple[Any, ...], variables: Sequence[Variable], gradients: list[Tensor]) -> None:
        learning_rate, gradients = clip_and_decay(options, variables, gradients)
        step = self._step_count() + 1
        if self.warmup_steps > 0:
            learning_rate = learning_rate * min(step / self.warmup_steps, 1.0)
        beta_1, beta_2 = self.beta_1, self.beta_2
        second_correction = 1 - beta_2 ** step
        weight = 1.0 / step
        for variable, gradient, z, v in zip(variables, gradients, self._slot_list("momentum", variables),
                                            self._slot_list("velocity", variables)):
            x = (variable - z * (1 - beta_1)) / beta_1  # from z before this step's update
            v.assign(v + (gradient * gradient - v) * (1 - beta_2))
            z.assign(z - gradient * learning_rate / (_sd.sqrt(v / second_correction) + self.epsilon))
            x = x * (1 - weight) + z * weight
            variable.assign(z * (1 - beta_1) + x * beta_1)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                       "warmup_steps": self.warmup_steps})
        return config
