"""Lion (keras.optimizers.Lion), written with engine ops in Python."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import swiftdl as _sd

from .base_optimizer import Optimizer
from .python_update import clip_and_decay

if TYPE_CHECKING:
    from .._autograd import Variable
    from .._tensor import Tensor
    from .base_optimizer import _LearningRate


class Lion(Optimizer):
    """Lion (EvoLved Sign Momentum) with Keras 3's formulas:

        w ← w - lr·sign(β₁·m + (1 - β₁)·g)
        m ← β₂·m + (1 - β₂)·g

    The update runs a few engine ops per variable from Python (not one fused call).

    Args:
        learning_rate: float or schedule (default 0.001).
        beta_1: interpolation between momentum and gradient for the step's sign (0.9).
        beta_2: decay rate of the momentum (0.99).
        **kwargs: the base optimizer's arguments (weight_decay, clipnorm, ...).

    Raises:
        ValueError: when beta_1 is not in (0, 1].
    """

    def __init__(self, learning_rate: _LearningRate = 0.001, beta_1: float = 0.9, beta_2: float = 0.99,
                 weight_decay: float | None = None, clipnorm: float | None = None, clipvalue: float | None = None,
                 global_clipnorm: float | None = None, use_ema: bool = False, ema_momentum: float = 0.99,
                 ema_overwrite_frequency: int | None = None, loss_scale_factor: float | None = None,
                 gradient_accumulation_steps: int | None = None, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor, gradient_accumulation_steps=gradient_accumulation_steps,
                         **kwargs)
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError("Argument `beta_1` must be in the [0, 1] range. Otherwise, the optimizer degenerates "
                             f"to SignSGD. Received: beta_1={beta_1}.")
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def _build_slots(self, variables: Sequence[Variable]) -> None:
        self.add_optimizer_variables(variables, "momentum")

    def _update(self, options: tuple[Any, ...], variables: Sequence[Variable], gradients: list[Tensor]) -> None:
        learning_rate, gradients = clip_and_decay(options, variables, gradients)
        for variable, gradient, m in zip(variables, gradients, self._slot_list("momentum", variables)):
            direction = _sd.sign(m * self.beta_1 + gradient * (1 - self.beta_1))
            variable.assign(variable - direction * learning_rate)
            m.assign(m * self.beta_2 + gradient * (1 - self.beta_2))

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2})
        return config
