"""SwapEMAWeights: evaluate and predict with the optimizer's exponential moving averages of
the weights (use_ema=True), training on with the raw weights."""
from .callback import Callback


class SwapEMAWeights(Callback):
    """Swaps the model's trainable weights with their moving averages for evaluation and
    prediction, and back afterwards; with `swap_on_epoch`, also at each epoch's end (the
    averages stay in the model after the last epoch, as Keras leaves them).

    Unlike Keras 3.15, whose `on_predict_end` tests the flag the wrong way round and leaves
    the averages in the model after a predict, the raw weights come back after predicting.
    """

    def __init__(self, swap_on_epoch=False):
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._ema_weights_in_model = False

    def _pairs(self):
        optimizer = self.model.optimizer
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)
        if not getattr(optimizer, "use_ema", False):
            raise ValueError(f"SwapEMAWeights must be used when `use_ema=True` is set on the optimizer. Received: "
                             f"use_ema={getattr(optimizer, 'use_ema', None)}")
        averages = optimizer._slots.get("average", {})
        return [(variable, averages[id(variable)]) for variable in self.model.trainable_variables
                if id(variable) in averages]

    def _swap_variables(self):
        import numpy as np
        for variable, average in self._pairs():
            raw = np.array(variable)
            variable.assign(np.array(average))
            average.assign(raw)

    def _finalize_ema_values(self):
        import numpy as np
        for variable, average in self._pairs():
            average.assign(np.array(variable))

    def on_epoch_begin(self, epoch, logs=None):
        if self.swap_on_epoch and self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_epoch_end(self, epoch, logs=None):
        if self.swap_on_epoch and not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True
            if epoch == self.params["epochs"] - 1:
                self._finalize_ema_values()

    def on_test_begin(self, logs=None):
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True

    def on_test_end(self, logs=None):
        if self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    on_predict_begin = on_test_begin
    on_predict_end = on_test_end
