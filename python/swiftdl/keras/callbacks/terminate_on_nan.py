"""TerminateOnNaN: stops training at the first batch whose loss is NaN or infinite."""
import math

from ..utils.io_utils import print_msg
from .callback import Callback


class TerminateOnNaN(Callback):
    """Sets `model.stop_training` (or raises, with `raise_error=True`) when a batch's loss
    is NaN or ±inf."""

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        loss = float(loss)
        if math.isnan(loss) or math.isinf(loss):
            if self.raise_error:
                raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. "
                                   "Terminating training immediately.")
            print_msg(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True
