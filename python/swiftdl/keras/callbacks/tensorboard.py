"""TensorBoard: scalar logs that TensorBoard reads, written without tensorflow."""
import numbers
import os

import numpy as np

from .callback import Callback
from ...summary._event_file import EventFileWriter


def _scalars(logs, prefix, strip=""):
    """(tag, float) pairs for the loggable values in `logs`; arrays (per-class metrics) are skipped."""
    pairs = []
    for name, value in (logs or {}).items():
        if strip and name.startswith(strip):
            name = name[len(strip):]
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            continue
        if array.ndim == 0:
            pairs.append((f"{prefix}{name}", float(array)))
    return pairs


class TensorBoard(Callback):
    """Writes the epoch (and optionally batch) logs as TensorBoard scalars.

    Like Keras: training values go to `<log_dir>/train` as `epoch_<name>` (plus
    `epoch_learning_rate`), validation values to `<log_dir>/validation` as `epoch_<name>`,
    `evaluate()` results as `evaluation_<name>_vs_iterations`, and with an integer
    `update_freq` every that many batches as `batch_<name>`.

    Args:
        log_dir: the root directory of the logs ("logs").
        update_freq: "epoch", "batch" or an integer number of batches.
        histogram_freq, write_graph, write_images, write_steps_per_second, profile_batch,
        embeddings_freq, embeddings_metadata: accepted for Keras compatibility; swiftdl
            writes scalars only, so histograms, images, graphs, profiles and embeddings
            must stay off (write_graph is ignored).
    """

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0, embeddings_freq=0,
                 embeddings_metadata=None):
        super().__init__()
        unsupported = {"histogram_freq": histogram_freq, "write_images": write_images,
                       "profile_batch": profile_batch, "embeddings_freq": embeddings_freq}
        used = [f"{key}={value!r}" for key, value in unsupported.items() if value]
        if used:
            raise ValueError(f"swiftdl's TensorBoard callback writes scalars only; unsupported: {', '.join(used)}")
        if update_freq == "batch":
            update_freq = 1
        if update_freq != "epoch" and (not isinstance(update_freq, numbers.Integral) or isinstance(update_freq, bool)
                                       or update_freq < 1):
            raise ValueError(f"`update_freq` must be 'epoch', 'batch' or a positive integer; received {update_freq!r}")
        self.log_dir = os.fspath(log_dir)
        self.update_freq = update_freq
        self.write_graph = write_graph
        self.write_steps_per_second = write_steps_per_second
        self._writers = {}
        self._global_train_batch = 0
        self._in_fit = False

    def _writer(self, kind):
        writer = self._writers.get(kind)
        if writer is None or writer.closed:
            writer = self._writers[kind] = EventFileWriter(os.path.join(self.log_dir, kind))
        return writer

    def _learning_rate(self):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not hasattr(optimizer, "learning_rate"):
            return None
        try:
            return float(np.asarray(optimizer.learning_rate))
        except (TypeError, ValueError):
            return None

    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        self._in_fit = True

    def on_train_batch_end(self, batch, logs=None):
        self._global_train_batch += 1
        if self.update_freq == "epoch" or self._global_train_batch % self.update_freq:
            return
        self._writer("train").add_scalars(_scalars(logs, "batch_"), step=self._global_train_batch)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        train = {key: value for key, value in logs.items() if not key.startswith("val_")}
        if "learning_rate" not in train:
            rate = self._learning_rate()
            if rate is not None:
                train["learning_rate"] = rate
        if train:
            writer = self._writer("train")
            writer.add_scalars(_scalars(train, "epoch_"), step=epoch)
            writer.flush()
        validation = {key: value for key, value in logs.items() if key.startswith("val_")}
        if validation:
            writer = self._writer("validation")
            writer.add_scalars(_scalars(validation, "epoch_", strip="val_"), step=epoch)
            writer.flush()

    def on_test_end(self, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not hasattr(optimizer, "iterations") or not logs:
            return
        step = int(np.asarray(optimizer.iterations))
        writer = self._writer("validation")
        writer.add_scalars([(f"evaluation_{name}_vs_iterations", value)
                            for name, value in _scalars(logs, "")], step=step)
        writer.flush()
        if not self._in_fit:  # a standalone evaluate(): nothing else will close it
            writer.close()

    def on_train_end(self, logs=None):
        self._in_fit = False
        for writer in self._writers.values():
            writer.close()

    def __del__(self):
        for writer in getattr(self, "_writers", {}).values():
            writer.close()
