"""Adafactor (keras.optimizers.Adafactor), written with engine ops in Python."""
from __future__ import annotations

import re
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


def _rms(x: Tensor) -> Tensor:
    return _sd.sqrt(_sd.mean(x * x))


class Adafactor(Optimizer):
    """Adafactor (Shazeer & Stern, 2018) with Keras 3's formulas (t = iterations + 1):

        ρ = min(lr, 1/√t);  α = max(ε₂, rms(w))·ρ;  β = 1 - t^beta_2_decay;  G = g² + ε₁
        rank >= 2: r ← β·r + (1-β)·mean(G, -1);  c ← β·c + (1-β)·mean(G, -2)
                   v = (r / mean(r, -1))[..., None] · c[..., None, :]   (factored over the last two axes)
        rank < 2:  v ← β·v + (1-β)·G
        u = g/√v;  w ← w - α·u / max(1, rms(u)/clip_threshold)

    Slots, per variable as in Keras: r (its shape without the last axis), c (without the
    second-to-last) and v; for a variable of rank < 2, r and c are unused int32 scalars. The update runs a few
    engine ops per variable from Python (not one fused call).

    Args:
        learning_rate: float or schedule (default 0.001).
        beta_2_decay: the exponent of the second moment's decay schedule (-0.8).
        epsilon_1: added to the squared gradient (1e-30).
        epsilon_2: lower bound of the relative step's weight scale (1e-3).
        clip_threshold: the update's root mean square is clipped to this (1.0).
        relative_step: cap the learning rate at 1/√t (True; Keras caps it either way).
        **kwargs: the base optimizer's arguments (weight_decay, clipnorm, ...).
    """

    def __init__(self, learning_rate: _LearningRate = 0.001, beta_2_decay: float = -0.8, epsilon_1: float = 1e-30,
                 epsilon_2: float = 1e-3, clip_threshold: float = 1.0, relative_step: bool = True,
                 weight_decay: float | None = None, clipnorm: float | None = None, clipvalue: float | None = None,
                 global_clipnorm: float | None = None, use_ema: bool = False, ema_momentum: float = 0.99,
                 ema_overwrite_frequency: int | None = None, loss_scale_factor: float | None = None,
                 gradient_accumulation_steps: int | None = None, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor, gradient_accumulation_steps=gradient_accumulation_steps,
                         **kwargs)
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def _add_slot(self, variable: Variable, name: str, shape: tuple[int, ...], dtype: Any = None) -> None:
        label = re.sub(r"[/:]", "_", str(getattr(variable, "name", "variable")))
        slot = _Variable(np.zeros(shape, dtype=dtype or variable.dtype), trainable=False, name=f"{label}_{name}")
        self._slots.setdefault(name, {})[id(variable)] = slot
        self._variables.append(slot)

    def _build_slots(self, variables: Sequence[Variable]) -> None:
        for variable in variables:
            shape = tuple(variable.shape)
            if len(shape) >= 2:
                self._add_slot(variable, "row_factor", shape[:-1])
                self._add_slot(variable, "column_factor", shape[:-2] + shape[-1:])
            else:
                # NOTE: Keras gives an unfactored variable two unused int32 scalars in the
                # factors' places, and they count among its variables: kept so that the
                # optimizer's state lines up with Keras's files.
                self._add_slot(variable, "row_factor", (), np.int32)
                self._add_slot(variable, "column_factor", (), np.int32)
            self._add_slot(variable, "velocity", shape)

    def _update(self, options: tuple[Any, ...], variables: Sequence[Variable], gradients: list[Tensor]) -> None:
        learning_rate, gradients = clip_and_decay(options, variables, gradients)
        step = self._step_count() + 1
        # NOTE: Keras caps the rate at 1/√t twice (once for relative_step, once for ρ): the
        # same cap, so relative_step changes nothing but the config.
        rho = min(learning_rate, 1.0 / np.sqrt(step))
        beta = 1.0 - float(step) ** self.beta_2_decay
        rows = self._slots.get("row_factor", {})
        columns = self._slots.get("column_factor", {})
        for variable, gradient, v in zip(variables, gradients, self._slot_list("velocity", variables)):
            alpha = _sd.maximum(_rms(variable), self.epsilon_2) * rho
            squared = gradient * gradient + self.epsilon_1
            if len(variable.shape) >= 2:
                r, c = rows[id(variable)], columns[id(variable)]
                r.assign(r * beta + _sd.mean(squared, axis=-1) * (1 - beta))
                c.assign(c * beta + _sd.mean(squared, axis=-2) * (1 - beta))
                v.assign(_sd.expand_dims(r / _sd.mean(r, axis=-1, keepdims=True), -1) * _sd.expand_dims(c, -2))
            else:
                v.assign(v * beta + squared * (1 - beta))
            update = gradient / _sd.sqrt(v)
            update = update / _sd.maximum(_rms(update) / self.clip_threshold, 1.0)
            variable.assign(variable - update * alpha)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"beta_2_decay": self.beta_2_decay, "epsilon_1": self.epsilon_1, "epsilon_2": self.epsilon_2,
                       "clip_threshold": self.clip_threshold, "relative_step": self.relative_step})
        return config
