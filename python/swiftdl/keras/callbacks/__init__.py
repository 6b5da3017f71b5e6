"""swiftdl.keras.callbacks."""
from .callback import Callback, CallbackList
from .builtin import EarlyStopping, History, LambdaCallback, ModelCheckpoint, ProgbarLogger
from .csv_logger import CSVLogger
from .learning_rate import LearningRateScheduler, ReduceLROnPlateau
from .monitor import MonitorCallback
from .tensorboard import TensorBoard
from .terminate_on_nan import TerminateOnNaN
