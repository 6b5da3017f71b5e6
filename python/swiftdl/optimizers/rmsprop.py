"""RMSprop (keras.optimizers.RMSprop)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from .. import _C
from .base_optimizer import Optimizer

if TYPE_CHECKING:
    from .._autograd import Variable
    from .._tensor import Tensor
    from .base_optimizer import _LearningRate


class RMSprop(Optimizer):
    """RMSprop with Keras 3's formulas:

        s ← ρ·s + (1 - ρ)·g²
        centered: ḡ ← ρ·ḡ + (1 - ρ)·g, and the denominator is √(s - ḡ² + ε), else √(s + ε)
        Δ ← lr·g / denominator
        momentum > 0: m ← momentum·m + Δ; w ← w - m        otherwise w ← w - Δ

    Args:
        learning_rate: float or schedule (default 0.001).
        rho: discount of the squared-gradient average (0.9).
        momentum: momentum (0).
        epsilon: added inside the square root (1e-7), as Keras.
        centered: normalise by the estimated variance of the gradient.
    """

    def __init__(self, learning_rate: _LearningRate = 0.001, rho: float = 0.9, momentum: float = 0.0, epsilon: float = 1e-7,
                 centered: bool = False, weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: int | None = None, loss_scale_factor: float | None = None,
                 gradient_accumulation_steps: int | None = None, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency, loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def _build_slots(self, variables: Sequence[Variable]) -> None:
        self.add_optimizer_variables(variables, "velocity")
        if self.momentum > 0:
            self.add_optimizer_variables(variables, "momentum")
        if self.centered:
            self.add_optimizer_variables(variables, "average_gradient")

    def _update(self, options: tuple[Any, ...], variables: Sequence[Variable], gradients: list[Tensor]) -> None:
        momentums = self._slot_list("momentum", variables) if self.momentum > 0 else None
        averages = self._slot_list("average_gradient", variables) if self.centered else None
        _C.optimizer_rmsprop(options, variables, gradients, self._slot_list("velocity", variables), momentums, averages,
                             float(self.rho), float(self.momentum), float(self.epsilon), bool(self.centered))

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon, "centered": self.centered})
        return config
