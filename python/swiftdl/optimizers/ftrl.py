"""FTRL-Proximal (keras.optimizers.Ftrl), written with engine ops in Python."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import swiftdl as _sd

from .base_optimizer import Optimizer
from .python_update import clip_and_decay

if TYPE_CHECKING:
    from .._autograd import Variable
    from .._tensor import Tensor
    from .base_optimizer import _LearningRate


class Ftrl(Optimizer):
    """Follow-the-regularized-leader (McMahan et al., 2013) with Keras 3's formulas
    (p = -learning_rate_power, λ₂ = l2_regularization_strength + beta / (2·lr)):

        g' = g + 2·l2_shrinkage·w;  n' = n + g²
        z ← z + g' - (n'ᵖ - nᵖ)/lr · w
        w ← (clip(z, -λ₁, λ₁) - z) / (n'ᵖ/lr + 2λ₂);  n ← n'

    The update runs a few engine ops per variable from Python (not one fused call).

    Args:
        learning_rate: float or schedule (default 0.001).
        learning_rate_power: <= 0; how the rate falls as gradients accumulate (-0.5).
        initial_accumulator_value: >= 0; the starting value of n (0.1).
        l1_regularization_strength: λ₁ >= 0 (0.0).
        l2_regularization_strength: λ₂ >= 0, a stabilization penalty (0.0).
        l2_shrinkage_regularization_strength: >= 0, a magnitude penalty added to the
            gradient (0.0).
        beta: added to λ₂ as beta / (2·lr) (0.0).
        **kwargs: the base optimizer's arguments (weight_decay, clipnorm, ...).

    Raises:
        ValueError: for a negative accumulator value or strength, or a positive power.
    """

    def __init__(self, learning_rate: _LearningRate = 0.001, learning_rate_power: float = -0.5,
                 initial_accumulator_value: float = 0.1, l1_regularization_strength: float = 0.0,
                 l2_regularization_strength: float = 0.0, l2_shrinkage_regularization_strength: float = 0.0,
                 beta: float = 0.0, weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: int | None = None,
                 loss_scale_factor: float | None = None, gradient_accumulation_steps: int | None = None,
                 name: str | None = None, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor, gradient_accumulation_steps=gradient_accumulation_steps,
                         **kwargs)
        if initial_accumulator_value < 0.0:
            raise ValueError("`initial_accumulator_value` needs to be positive or zero. Received: "
                             f"initial_accumulator_value={initial_accumulator_value}.")
        if learning_rate_power > 0.0:
            raise ValueError("`learning_rate_power` needs to be negative or zero. Received: "
                             f"learning_rate_power={learning_rate_power}.")
        if l1_regularization_strength < 0.0:
            raise ValueError("`l1_regularization_strength` needs to be positive or zero. Received: "
                             f"l1_regularization_strength={l1_regularization_strength}.")
        if l2_regularization_strength < 0.0:
            raise ValueError("`l2_regularization_strength` needs to be positive or zero. Received: "
                             f"l2_regularization_strength={l2_regularization_strength}.")
        if l2_shrinkage_regularization_strength < 0.0:
            raise ValueError("`l2_shrinkage_regularization_strength` needs to be positive or zero. Received: "
                             f"l2_shrinkage_regularization_strength={l2_shrinkage_regularization_strength}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def _build_slots(self, variables: Sequence[Variable]) -> None:
        # Keras interleaves them per variable: accumulator (filled with the initial value), linear.
        for variable in variables:
            self.add_optimizer_variables([variable], "accumulator", initializer=self.initial_accumulator_value)
            self.add_optimizer_variables([variable], "linear")

    def _update(self, options: tuple[Any, ...], variables: Sequence[Variable], gradients: list[Tensor]) -> None:
        learning_rate, gradients = clip_and_decay(options, variables, gradients)
        power = -self.learning_rate_power
        l1 = self.l1_regularization_strength
        l2 = self.l2_regularization_strength + self.beta / (2.0 * learning_rate)
        shrinkage = 2 * self.l2_shrinkage_regularization_strength
        for variable, gradient, n, z in zip(variables, gradients, self._slot_list("accumulator", variables),
                                            self._slot_list("linear", variables)):
            adjusted = gradient + variable * shrinkage if shrinkage else gradient
            new_n = n + gradient * gradient
            new_n_power = new_n ** power
            z.assign(z + adjusted - (new_n_power - n ** power) / learning_rate * variable)
            quadratic = new_n_power / learning_rate + 2 * l2
            variable.assign((_sd.clip(z, -l1, l1) - z) / quadratic)
            n.assign(new_n)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"learning_rate_power": self.learning_rate_power,
                       "initial_accumulator_value": self.initial_accumulator_value,
                       "l1_regularization_strength": self.l1_regularization_strength,
                       "l2_regularization_strength": self.l2_regularization_strength,
                       "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
                       "beta": self.beta})
        return config
