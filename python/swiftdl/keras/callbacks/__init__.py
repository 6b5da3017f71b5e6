"""swiftdl.keras.callbacks."""
from .callback import Callback, CallbackList
from .builtin import EarlyStopping, History, LambdaCallback, ModelCheckpoint, ProgbarLogger
