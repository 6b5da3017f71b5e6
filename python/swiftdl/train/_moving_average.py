"""tf.train.ExponentialMovingAverage: shadow variables that follow other variables (or
tensors) with exponential decay, for evaluating a model with averaged weights."""
import numpy as np

from .. import _autograd
from .._convert import TensorBase


class ExponentialMovingAverage:
    """Maintains moving averages of variables: after `apply(var_list)`, each
    `average(var)` holds shadow -= (1 - decay) * (shadow - var) per apply.

    Args:
        decay: the decay, typically close to 1 (0.999, 0.9999).
        num_updates: an optional step count (an int or a Variable, read at each apply); the
            decay used is then min(decay, (1 + num_updates) / (10 + num_updates)), so early
            averages move fast.
        zero_debias: for tensors (not variables) TensorFlow debiases the average as Adam
            does; accepted, and applied here to tensors likewise.
        name: the suffix of the shadow variables' names.
    """

    def __init__(self, decay, num_updates=None, zero_debias=False, name="ExponentialMovingAverage"):
        self._decay = decay
        self._num_updates = num_updates
        self._zero_debias = zero_debias
        self._name = name
        self._averages = {}        # id(var) -> (var, shadow, steps for debiasing)

    @property
    def name(self):
        return self._name

    def _current_decay(self):
        decay = float(np.asarray(self._decay))
        if self._num_updates is not None:
            steps = float(np.asarray(self._num_updates))
            decay = min(decay, (1.0 + steps) / (10.0 + steps))
        return decay

    def apply(self, var_list=None):
        """Creates shadow variables for new entries of var_list (initialised to their
        values) and moves every listed shadow one step towards its variable.

        Raises:
            TypeError: for entries that are not float variables or tensors.
        """
        if var_list is None:
            raise ValueError("[ExponentialMovingAverage.apply] var_list is required in eager execution")
        decay = self._current_decay()
        for var in var_list:
            if not isinstance(var, TensorBase) or var.dtype.kind != "f":
                raise TypeError(f"The variables must be half, float, or double: {getattr(var, 'name', var)!r}")
            entry = self._averages.get(id(var))
            if entry is None:
                initial = np.zeros(var.shape, var.dtype) if self._debiased(var) else np.array(var)
                shadow = _autograd.Variable(initial, trainable=False, name=self.average_name(var))
                entry = self._averages[id(var)] = [var, shadow, 0, np.zeros(var.shape, var.dtype)]
            _, shadow, steps, biased = entry
            if self._debiased(var):
                biased = biased - (1.0 - decay) * (biased - np.array(var))
                entry[2], entry[3] = steps + 1, biased
                shadow.assign((biased / (1.0 - decay ** (steps + 1))).astype(var.dtype))
            else:
                shadow.assign(shadow - (1.0 - decay) * (shadow - var))
        return None

    def _debiased(self, var):
        return self._zero_debias and not isinstance(var, _autograd.Variable)

    def average(self, var):
        """The shadow variable of `var`, or None if apply() has not seen it."""
        entry = self._averages.get(id(var))
        return None if entry is None else entry[1]

    def average_name(self, var):
        """`var`'s name (without ":0") followed by "/" and this object's name."""
        base = getattr(var, "name", None) or "Variable"
        return f"{base.split(':')[0]}/{self._name}"

    def variables_to_restore(self, moving_avg_variables=None):
        """{shadow name: variable}, for restoring averaged values into the model's variables."""
        chosen = list(moving_avg_variables) if moving_avg_variables is not None else [v for v, *_ in
                                                                                          self._averages.values()]
        return {self.average_name(var): var for var in chosen}
