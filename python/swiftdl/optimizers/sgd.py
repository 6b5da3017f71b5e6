"""Stochastic gradient descent (keras.optimizers.SGD)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import numbers

from .. import _C
from .base_optimizer import Optimizer

if TYPE_CHECKING:
    from .._autograd import Variable
    from .._tensor import Tensor
    from .base_optimizer import _LearningRate


class SGD(Optimizer):
    """Gradient descent with optional momentum and Nesterov momentum, as Keras 3:

        momentum == 0:  w ← w - lr·g
        otherwise:      m ← momentum·m - lr·g;  w ← w + m
        nesterov:       m ← momentum·m - lr·g;  w ← w + momentum·m - lr·g

    Args:
        learning_rate: float or schedule (default 0.01).
        momentum: float in [0, 1] (default 0).
        nesterov: whether to use Nesterov momentum.
        **kwargs: the base optimizer's arguments (weight_decay, clipnorm, ...).
    """

    def __init__(self, learning_rate: _LearningRate = 0.01, momentum: float = 0.0, nesterov: bool = False,
                 weight_decay: float | None = None, clipnorm: float | None = None, clipvalue: float | None = None,
                 global_clipnorm: float | None = None, use_ema: bool = False, ema_momentum: float = 0.99,
                 ema_overwrite_frequency: int | None = None, loss_scale_factor: float | None = None,
                 gradient_accumulation_steps: int | None = None, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor, gradient_accumulation_steps=gradient_accumulation_steps,
                         **kwargs)
        if not isinstance(momentum, numbers.Real) or isinstance(momentum, bool) or momentum < 0 or momentum > 1:
            raise ValueError("`momentum` must be a float between [0, 1].")
        self.momentum: float = float(momentum)
        self.nesterov: bool = bool(nesterov)

    def _build_slots(self, variables: Sequence[Variable]) -> None:
        if self.momentum != 0:
            self.add_optimizer_variables(variables, "momentum")

    def _update(self, options: tuple[Any, ...], variables: Sequence[Variable], gradients: list[Tensor]) -> None:
        momentums = self._slot_list("momentum", variables) if self.momentum != 0 else None
        _C.optimizer_sgd(options, variables, gradients, momentums, self.momentum, self.nesterov)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
