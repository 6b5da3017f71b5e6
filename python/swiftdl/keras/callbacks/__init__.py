"""swiftdl.keras.callbacks."""
from .callback import Callback, CallbackList
from .builtin import EarlyStopping, History, LambdaCallback, ModelCheckpoint, ProgbarLogger
from .csv_logger import CSVLogger
from .learning_rate import LearningRateScheduler, ReduceLROnPlateau
from .monitor import MonitorCallback
from .terminate_on_nan import TerminateOnNaN
from .backup_and_restore import BackupAndRestore
from .swap_ema_weights import SwapEMAWeights
from .remote_monitor import RemoteMonitor

_LAZY = ["TensorBoard"]
__all__ = ["BackupAndRestore", "Callback", "CallbackList", "CSVLogger", "EarlyStopping", "History", "LambdaCallback",
           "LearningRateScheduler", "ModelCheckpoint", "MonitorCallback", "ProgbarLogger", "ReduceLROnPlateau",
           "RemoteMonitor", "SwapEMAWeights", "TerminateOnNaN"] + _LAZY


def __getattr__(name):
    # TensorBoard (with its event-file writer) loads on first use.
    if name == "TensorBoard":
        from .tensorboard import TensorBoard
        return TensorBoard
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
