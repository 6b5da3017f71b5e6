"""Adadelta (keras.optimizers.Adadelta), written with engine ops in Python."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import swiftdl as _sd

from .base_optimizer import Optimizer
from .python_update import clip_and_decay

if TYPE_CHECKING:
    from .._autograd import Variable
    from .._tensor import Tensor
    from .base_optimizer import _LearningRate


class Adadelta(Optimizer):
    """Adadelta with Keras 3's formulas (rms(x) = √(x + ε)):

        a ← ρ·a + (1 - ρ)·g²
        Δ ← -rms(d)·g / rms(a);  d ← ρ·d + (1 - ρ)·Δ²
        w ← w + lr·Δ

    The update runs a few engine ops per variable from Python (not one fused call).

    Args:
        learning_rate: float or schedule (default 0.001, Keras's; the paper uses 1.0).
        rho: decay rate of the accumulators (0.95).
        epsilon: added inside the square roots (1e-7).
        **kwargs: the base optimizer's arguments (weight_decay, clipnorm, ...).
    """

    def __init__(self, learning_rate: _LearningRate = 0.001, rho: float = 0.95, epsilon: float = 1e-7,
                 weight_decay: float | None = None, clipnorm: float | None = None, clipvalue: float | None = None,
                 global_clipnorm: float | None = None, use_ema: bool = False, ema_momentum: float = 0.99,
                 ema_overwrite_frequency: int | None = None, loss_scale_factor: float | None = None,
                 gradient_accumulation_steps: int | None = None, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor, gradient_accumulation_steps=gradient_accumulation_steps,
                         **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def _build_slots(self, variables: Sequence[Variable]) -> None:
        self.add_optimizer_variables(variables, ["accumulated_grad", "accumulated_delta_var"])

    def _update(self, options: tuple[Any, ...], variables: Sequence[Variable], gradients: list[Tensor]) -> None:
        learning_rate, gradients = clip_and_decay(options, variables, gradients)
        rho, epsilon = self.rho, self.epsilon
        for variable, gradient, a, d in zip(variables, gradients, self._slot_list("accumulated_grad", variables),
                                            self._slot_list("accumulated_delta_var", variables)):
            a.assign(a * rho + gradient * gradient * (1 - rho))
            delta = -(_sd.sqrt(d + epsilon) * gradient) / _sd.sqrt(a + epsilon)
            d.assign(d * rho + delta * delta * (1 - rho))
            variable.assign(variable + delta * learning_rate)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
