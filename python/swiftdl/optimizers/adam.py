"""Adam (keras.optimizers.Adam)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from .. import _C
from .base_optimizer import Optimizer

if TYPE_CHECKING:
    from .._autograd import Variable
    from .._tensor import Tensor
    from .base_optimizer import _LearningRate


class Adam(Optimizer):
    """Adam with Keras 3's formulas (t = iterations + 1):

        lr_t ← lr·√(1 - β₂ᵗ)/(1 - β₁ᵗ)
        m ← m + (g - m)(1 - β₁);  v ← v + (g² - v)(1 - β₂)
        amsgrad: v̂ ← max(v̂, v), used in place of v
        w ← w - lr_t·m/(√v + ε)

    Args:
        learning_rate: float or schedule (default 0.001).
        beta_1, beta_2: decay rates of the moment estimates (0.9, 0.999).
        epsilon: added outside the square root (1e-7, Keras's default).
        amsgrad: use the AMSGrad variant.
        **kwargs: the base optimizer's arguments (weight_decay, clipnorm, ...).
    """

    def __init__(self, learning_rate: _LearningRate = 0.001, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7,
                 amsgrad: bool = False, weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: int | None = None, loss_scale_factor: float | None = None,
                 gradient_accumulation_steps: int | None = None, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor, gradient_accumulation_steps=gradient_accumulation_steps,
                         **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def _build_slots(self, variables: Sequence[Variable]) -> None:
        self.add_optimizer_variables(variables, ["momentum", "velocity"])
        if self.amsgrad:
            self.add_optimizer_variables(variables, "velocity_hat")

    def _update(self, options: tuple[Any, ...], variables: Sequence[Variable], gradients: list[Tensor]) -> None:
        hats = self._slot_list("velocity_hat", variables) if self.amsgrad else None
        step = self._step_count() + 1
        _C.optimizer_adam(options, variables, gradients, self._slot_list("momentum", variables),
                          self._slot_list("velocity", variables), hats, float(self.beta_1), float(self.beta_2),
                          float(self.epsilon), bool(self.amsgrad), step)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon, "amsgrad": self.amsgrad})
        return config
