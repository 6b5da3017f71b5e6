"""LAMB (keras.optimizers.Lamb), written with engine ops in Python."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import swiftdl as _sd

from .base_optimizer import Optimizer
from .python_update import clip_and_decay

if TYPE_CHECKING:
    from .._autograd import Variable
    from .._tensor import Tensor
    from .base_optimizer import _LearningRate


class Lamb(Optimizer):
    """LAMB (You et al., 2019), Adam with a per-variable trust ratio, with Keras 3's formulas
    (t = iterations + 1):

        m ← m + (g - m)(1 - β₁);  v ← v + (g² - v)(1 - β₂)
        u = (m/(1 - β₁ᵗ)) / (√(v/(1 - β₂ᵗ)) + ε)
        r = ‖w‖/‖u‖ when both norms are positive, else 1;  w ← w - r·lr·u

    The update runs a few engine ops per variable from Python (not one fused call).

    Args:
        learning_rate: float or schedule (default 0.001).
        beta_1, beta_2: decay rates of the moment estimates (0.9, 0.999).
        epsilon: added outside the square root (1e-7).
        **kwargs: the base optimizer's arguments (weight_decay, clipnorm, ...).
    """

    def __init__(self, learning_rate: _LearningRate = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: int | None = None,
                 loss_scale_factor: float | None = None, gradient_accumulation_steps: int | None = None,
                 name: str | None = None, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor, gradient_accumulation_steps=gradient_accumulation_steps,
                         **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def _build_slots(self, variables: Sequence[Variable]) -> None:
        self.add_optimizer_variables(variables, ["momentum", "velocity"])

    def _update(self, options: tuple[Any, ...], variables: Sequence[Variable], gradients: list[Tensor]) -> None:
        learning_rate, gradients = clip_and_decay(options, variables, gradients)
        step = self._step_count() + 1
        first_correction = 1.0 - self.beta_1 ** step
        second_correction = 1.0 - self.beta_2 ** step
        for variable, gradient, m, v in zip(variables, gradients, self._slot_list("momentum", variables),
                                            self._slot_list("velocity", variables)):
            m.assign(m + (gradient - m) * (1 - self.beta_1))
            v.assign(v + (gradient * gradient - v) * (1 - self.beta_2))
            update = (m / first_correction) / (_sd.sqrt(v / second_correction) + self.epsilon)
            weight_norm = _sd.sqrt(_sd.sum(variable * variable))
            update_norm = _sd.sqrt(_sd.sum(update * update))
            # The trust ratio stays a 0-d tensor: no scalar read back from the engine per variable.
            both_positive = _sd.logical_and(_sd.greater(weight_norm, 0.0), _sd.greater(update_norm, 0.0))
            ratio = _sd.where(both_positive, weight_norm / _sd.where(both_positive, update_norm, 1.0), 1.0)
            variable.assign(variable - update * (ratio * learning_rate))

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
