"""swiftdl.keras.callbacks."""
from .callback import Callback, CallbackList
from .builtin import EarlyStopping, History, LambdaCallback, ModelCheckpoint, ProgbarLogger
from .csv_logger import CSVLogger
from .learning_rate import LearningRateScheduler, ReduceLROnPlateau
from .monitor import MonitorCallback
from .terminate_on_nan import TerminateOnNaN


def __getattr__(name):
    # TensorBoard (with its event-file writer) loads on first use.
    if name == "TensorBoard":
        from .tensorboard import TensorBoard
        return TensorBoard
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
