"""Muon (keras.optimizers.Muon): orthogonalized momentum for matrices, AdamW for the rest,
written with engine ops in Python."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

import swiftdl as _sd

from .base_optimizer import Optimizer
from .python_update import clip_and_decay

if TYPE_CHECKING:
    from .._autograd import Variable
    from .._tensor import Tensor
    from .base_optimizer import _LearningRate


def _swap_last_axes(x: Tensor) -> Tensor:
    order = list(range(x.ndim))
    order[-2], order[-1] = order[-1], order[-2]
    return _sd.transpose(x, order)


class Muon(Optimizer):
    """Muon (Jordan et al., 2024; Liu et al., 2025) with Keras 3's formulas.

    A 2-D variable (not an embedding when exclude_embeddings, not matching exclude_layers)
    takes the Muon step, every other variable the AdamW step (t = iterations + 1):

        Muon:  m ← μ·m + g;  G = g + μ·m (nesterov) or m
               O = NewtonSchulz5(G)  (X = G/(‖G‖_F + 1e-7), then ns_steps times
                                      A = XXᵀ;  X ← a·X + (b·A + c·A²)·X, on the wide orientation)
               w ← w - lr·O·√max(rows, cols)·rms_rate   (without the last factor when rms_rate is None)
        AdamW: lr' = lr·adam_lr_ratio·√(1-β₂ᵗ)/(1-β₁ᵗ);  m ← m + (g-m)(1-β₁);  v ← v + (g²-v)(1-β₂)
               w ← w - lr'·m/(√v + ε)

    Before the step each variable decays w ← w - w·wd·lr, wd being weight_decay for the
    Muon variables and adam_weight_decay for the AdamW ones. Slots: "momentum" for every
    variable, "velocity" for the AdamW ones (interleaved per variable, as Keras). The update
    runs a few engine ops per variable from Python (not one fused call).

    Args:
        learning_rate: float or schedule (default 0.001).
        adam_beta_1, adam_beta_2: the AdamW step's decay rates (0.9, 0.999).
        adam_weight_decay: the AdamW variables' decoupled weight decay (0.004).
        epsilon: the AdamW step's epsilon, outside the square root (1e-7).
        weight_decay: the Muon variables' decoupled weight decay (0.004).
        exclude_layers: regular expressions; a variable whose path matches one takes AdamW.
        exclude_embeddings: variables whose path contains "embedding" take AdamW (True).
        muon_a, muon_b, muon_c: the Newton-Schulz polynomial (3.4445, -4.7750, 2.0315).
        adam_lr_ratio: the AdamW step's learning rate over the Muon one (1).
        momentum: μ (0.95).
        ns_steps: Newton-Schulz iterations (5).
        nesterov: use Nesterov momentum (True).
        rms_rate: the update's RMS-matching factor (0.2), or None.
        **kwargs: the base optimizer's other arguments (clipnorm, use_ema, ...).
    """

    def __init__(self, learning_rate: _LearningRate = 0.001, adam_beta_1: float = 0.9, adam_beta_2: float = 0.999,
                 adam_weight_decay: float | None = 0.004, epsilon: float = 1e-7, weight_decay: float | None = 0.004,
                 clipnorm: float | None = None, clipvalue: float | None = None, global_clipnorm: float | None = None,
                 use_ema: bool = False, ema_momentum: float = 0.99, ema_overwrite_frequency: int | None = None,
                 loss_scale_factor: float | None = None, gradient_accumulation_steps: int | None = None,
                 name: str | None = None, exclude_layers: Sequence[str] | None = None, exclude_embeddings: bool = True,
                 muon_a: float = 3.4445, muon_b: float = -4.7750, muon_c: float = 2.0315, adam_lr_ratio: float = 1,
                 momentum: float = 0.95, ns_steps: int = 5, nesterov: bool = True, rms_rate: float | None = 0.2,
                 **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor, gradient_accumulation_steps=gradient_accumulation_steps,
                         **kwargs)
        if not isinstance(ns_steps, (int, np.integer)) or isinstance(ns_steps, bool) or ns_steps < 0:
            raise ValueError(f"`ns_steps` must be a non-negative integer. Received: ns_steps={ns_steps!r}")
        self.adam_beta_1 = adam_beta_1
        self.adam_beta_2 = adam_beta_2
        self.epsilon = epsilon
        self.muon_a = muon_a
        self.muon_b = muon_b
        self.muon_c = muon_c
        self.adam_lr_ratio = adam_lr_ratio
        self.momentum = momentum
        self.ns_steps = int(ns_steps)
        self.nesterov = nesterov
        self.exclude_embeddings = exclude_embeddings
        self.exclude_layers = list(exclude_layers or [])
        self.adam_weight_decay = adam_weight_decay
        self.rms_rate = rms_rate

    def _should_use_adamw(self, variable: Variable) -> bool:
        """AdamW for anything not 2-D, embeddings (when excluded) and excluded layers."""
        if len(variable.shape) != 2:
            return True
        path = str(getattr(variable, "path", variable.name))
        if self.exclude_embeddings and "embedding" in path.lower():
            return True
        return any(re.search(keyword, path) for keyword in self.exclude_layers)

    def _build_slots(self, variables: Sequence[Variable]) -> None:
        for variable in variables:
            self.add_optimizer_variables([variable], "momentum")
            if self._should_use_adamw(variable):
                self.add_optimizer_variables([variable], "velocity")

    def zeropower_via_newtonschulz5(self, x: Tensor, steps: int) -> Tensor:
        """Keras's quintic Newton-Schulz iteration towards the orthogonal factor UVᵀ of x.

        Raises:
            ValueError: for x of rank < 2.
        """
        if x.ndim < 2:
            raise ValueError(f"Expected gradient or momentum to have at least 2 dimensions. Received: shape={tuple(x.shape)}")
        a, b, c = self.muon_a, self.muon_b, self.muon_c
        tall = x.shape[-2] > x.shape[-1]
        if tall:
            x = _swap_last_axes(x)
        # Bring the spectral norm to at most 1 (the Frobenius norm bounds it).
        x = x / (_sd.sqrt(_sd.sum(x * x, axis=(-2, -1), keepdims=True)) + 1e-7)
        for _ in range(steps):
            gram = _sd.matmul(x, _swap_last_axes(x))
            x = a * x + _sd.matmul(b * gram + c * _sd.matmul(gram, gram), x)
        return _swap_last_axes(x) if tall else x

    def _update(self, options: tuple[Any, ...], variables: Sequence[Variable], gradients: list[Tensor]) -> None:
        # Clip with the base rules; decay here, with the weight decay of each variable's step.
        learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, mask = options
        learning_rate, gradients = clip_and_decay((learning_rate, 0.0, clipnorm, clipvalue, global_clipnorm, None),
                                                  variables, gradients)
        for variable in variables:
            decay = self.adam_weight_decay if self._should_use_adamw(variable) else self.weight_decay
            if decay and self._use_weight_decay(variable):
                variable.assign(variable - variable * (decay * learning_rate))
        step = self._step_count() + 1
        adam_rate = learning_rate * self.adam_lr_ratio
        adam_alpha = adam_rate * np.sqrt(1 - self.adam_beta_2 ** step) / (1 - self.adam_beta_1 ** step)
        velocities = self._slots.get("velocity", {})
        for variable, gradient, m in zip(variables, gradients, self._slot_list("momentum", variables)):
            v = velocities.get(id(variable))
            if v is not None:
                m.assign(m + (gradient - m) * (1 - self.adam_beta_1))
                v.assign(v + (gradient * gradient - v) * (1 - self.adam_beta_2))
                variable.assign(variable - m * adam_alpha / (_sd.sqrt(v) + self.epsilon))
                continue
            m.assign(m + gradient + m * (self.momentum - 1))
            direction = gradient + m * self.momentum if self.nesterov else m
            update = self.zeropower_via_newtonschulz5(direction, self.ns_steps) * learning_rate
            if self.rms_rate is not None:
                update = update * (np.sqrt(max(variable.shape[0], variable.shape[1])) * self.rms_rate)
            variable.assign(variable - update)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"adam_beta_1": self.adam_beta_1, "adam_beta_2": self.adam_beta_2, "epsilon": self.epsilon,
                       "exclude_layers": self.exclude_layers, "muon_a": self.muon_a, "muon_b": self.muon_b,
                       "muon_c": self.muon_c, "adam_lr_ratio": self.adam_lr_ratio, "momentum": self.momentum,
                       "ns_steps": self.ns_steps, "nesterov": self.nesterov,
                       "exclude_embeddings": self.exclude_embeddings, "adam_weight_decay": self.adam_weight_decay,
                       "rms_rate": self.rms_rate})
        return config
