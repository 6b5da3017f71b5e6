"""Nadam (keras.optimizers.Nadam), written with engine ops in Python."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

import swiftdl as _sd

from .._autograd import Variable as _Variable
from .base_optimizer import Optimizer
from .python_update import clip_and_decay

if TYPE_CHECKING:
    from .._autograd import Variable
    from .._tensor import Tensor
    from .base_optimizer import _LearningRate


class Nadam(Optimizer):
    """Nadam (Adam with Nesterov momentum) with Keras 3's formulas (t = iterations + 1):

        μ_t = β₁(1 - ½·0.96ᵗ);  μ_{t+1} = β₁(1 - ½·0.96ᵗ⁺¹);  Π ← Π·μ_t (the "u_product")
        m ← m + (g - m)(1 - β₁);  v ← v + (g² - v)(1 - β₂)
        m̂ = μ_{t+1}·m/(1 - Π·μ_{t+1}) + (1 - μ_t)·g/(1 - Π);  v̂ = v/(1 - β₂ᵗ)
        w ← w - lr·m̂/(√v̂ + ε)

    Π is one scalar Variable created with the first slots (after them in `variables`, as
    Keras). The update runs a few engine ops per variable from Python (not one fused call).

    Args:
        learning_rate: float or schedule (default 0.001).
        beta_1, beta_2: decay rates of the moment estimates (0.9, 0.999).
        epsilon: added outside the square root (1e-7).
        **kwargs: the base optimizer's arguments (weight_decay, clipnorm, ...).
    """

    def __init__(self, learning_rate: _LearningRate = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None, use_ema: bool = False,
                 ema_momentum: float = 0.99,
                 ema_overwrite_frequency: int | None = None, loss_scale_factor: float | None = None,
                 gradient_accumulation_steps: int | None = None, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor, gradient_accumulation_steps=gradient_accumulation_steps,
                         **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self._u_product: _Variable | None = None

    def _build_slots(self, variables: Sequence[Variable]) -> None:
        self.add_optimizer_variables(variables, ["momentum", "velocity"])
        if self._u_product is None:
            self._u_product = _Variable(np.asarray(1.0, dtype=variables[0].dtype), trainable=False, name="u_product")
            self._variables.append(self._u_product)

    def _update(self, options: tuple[Any, ...], variables: Sequence[Variable], gradients: list[Tensor]) -> None:
        learning_rate, gradients = clip_and_decay(options, variables, gradients)
        assert self._u_product is not None  # built by apply() before _update
        step = self._step_count() + 1
        beta_1, beta_2 = self.beta_1, self.beta_2
        u_t = beta_1 * (1.0 - 0.5 * 0.96 ** step)
        u_t_1 = beta_1 * (1.0 - 0.5 * 0.96 ** (step + 1))
        u_product = float(np.asarray(self._u_product)) * u_t
        self._u_product.assign(np.asarray(u_product, dtype=self._u_product.dtype))
        u_product_t_1 = u_product * u_t_1
        beta_2_power = beta_2 ** step
        for variable, gradient, m, v in zip(variables, gradients, self._slot_list("momentum", variables),
                                            self._slot_list("velocity", variables)):
            m.assign(m + (gradient - m) * (1 - beta_1))
            v.assign(v + (gradient * gradient - v) * (1 - beta_2))
            m_hat = m * (u_t_1 / (1 - u_product_t_1)) + gradient * ((1 - u_t) / (1 - u_product))
            v_hat = v / (1 - beta_2_power)
            variable.assign(variable - m_hat * learning_rate / (_sd.sqrt(v_hat) + self.epsilon))

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
