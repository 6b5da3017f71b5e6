"""Stochastic gradient descent (keras.optimizers.SGD)."""
import numbers

from .. import _C
from .base_optimizer import Optimizer


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

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor, gradient_accumulation_steps=gradient_accumulation_steps,
                         **kwargs)
        if not isinstance(momentum, numbers.Real) or isinstance(momentum, bool) or momentum < 0 or momentum > 1:
            raise ValueError("`momentum` must be a float between [0, 1].")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def _build_slots(self, variables):
        if self.momentum != 0:
            self.add_optimizer_variables(variables, "momentum")

    def _update(self, options, variables, gradients):
        momentums = self._slot_list("momentum", variables) if self.momentum != 0 else None
        _C.optimizer_sgd(options, variables, gradients, momentums, self.momentum, self.nesterov)

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
