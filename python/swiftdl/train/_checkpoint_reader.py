"""Reading swiftdl checkpoints without building the model: tf.train.load_checkpoint,
list_variables, load_variable, get_checkpoint_state, checkpoints_iterator, and
CheckpointOptions (accepted by Checkpoint's save/write/read/restore).

Variables are named as the checkpoint file stores them, `<attribute>/<index>` (see
_checkpoint), with "save_counter/0" beside them; TensorFlow's `.index` files are not read.
"""
import os
import time

import numpy as np

from ..errors import NotFoundError
from ._checkpoint import DATA_SUFFIX, _read_state


def _data_path(ckpt_dir_or_file):
    path = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(path):
        latest, _ = _read_state(path)
        if latest is None:
            raise ValueError(f"Couldn't find 'checkpoint' file or checkpoints in given directory {path}")
        path = latest
    data = path if path.endswith(DATA_SUFFIX) else path + DATA_SUFFIX
    if not os.path.exists(data):
        raise NotFoundError(None, None, f"Unsuccessful TensorSliceReader constructor: Failed to find any matching "
                            f"files for {path} (no {data}); swiftdl reads checkpoints that swiftdl wrote")
    return data


class CheckpointReader:
    """A checkpoint file's variables by name (tf.train.load_checkpoint's result)."""

    def __init__(self, path):
        import h5py
        self._values = {}
        with h5py.File(path, "r") as store:
            store.visititems(lambda name, item: self._values.__setitem__(name, np.array(item))
                             if isinstance(item, h5py.Dataset) else None)

    def has_tensor(self, name):
        return name in self._values

    def get_tensor(self, name):
        """The value stored under `name` (a numpy array).

        Raises:
            NotFoundError: when the checkpoint has no such variable.
        """
        if name not in self._values:
            raise NotFoundError(None, None, f"Key {name} not found in checkpoint")
        return self._values[name].copy()

    def get_variable_to_shape_map(self):
        return {name: list(value.shape) for name, value in self._values.items()}

    def get_variable_to_dtype_map(self):
        from .._tf_dtypes import as_dtype
        return {name: as_dtype(value.dtype) for name, value in self._values.items()}


def load_checkpoint(ckpt_dir_or_file):
    """A CheckpointReader for a checkpoint prefix, or a directory's latest checkpoint."""
    return CheckpointReader(_data_path(ckpt_dir_or_file))


def list_variables(ckpt_dir_or_file):
    """[(name, shape)] of the checkpoint's variables, sorted by name."""
    shapes = load_checkpoint(ckpt_dir_or_file).get_variable_to_shape_map()
    return sorted(shapes.items())


def load_variable(ckpt_dir_or_file, name):
    """The value of one variable of a checkpoint (a trailing ":0" is ignored, as TensorFlow)."""
    return load_checkpoint(ckpt_dir_or_file).get_tensor(name[:-2] if name.endswith(":0") else name)


class CheckpointState:
    """The directory's `checkpoint` file: the latest path and all kept paths."""

    def __init__(self, model_checkpoint_path, all_model_checkpoint_paths):
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths)

    def __repr__(self):
        return (f"CheckpointState(model_checkpoint_path={self.model_checkpoint_path!r}, "
                f"all_model_checkpoint_paths={self.all_model_checkpoint_paths!r})")


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """The CheckpointState of a directory, or None when it has no `checkpoint` file."""
    latest, paths = _read_state(os.fspath(checkpoint_dir), latest_filename)
    return None if latest is None else CheckpointState(latest, paths)


def checkpoints_iterator(checkpoint_dir, min_interval_secs=0, timeout=None, timeout_fn=None):
    """Yields each new latest checkpoint of a directory as it appears, waiting between
    polls; stops after `timeout` seconds without a new one unless timeout_fn() says False."""
    from ._checkpoint import latest_checkpoint
    checkpoint_dir = os.fspath(checkpoint_dir)
    last = None
    while True:
        deadline = None if timeout is None else time.time() + timeout
        path = latest_checkpoint(checkpoint_dir)
        while path is None or path == last:
            if deadline is not None and time.time() > deadline:
                path = None
                break
            time.sleep(1.0 if timeout is None else min(1.0, max(0.0, deadline - time.time())))
            path = latest_checkpoint(checkpoint_dir)
        if path is None:
            if timeout_fn is None or timeout_fn():
                return
            continue
        started = time.time()
        last = path
        yield path
        remaining = started + min_interval_secs - time.time()
        if remaining > 0:
            time.sleep(remaining)


class CheckpointOptions:
    """Options for saving and restoring (tf.train.CheckpointOptions). swiftdl writes one
    local file synchronously, so these are recorded and have no effect."""

    def __init__(self, experimental_io_device=None, experimental_enable_async_checkpoint=False,
                 experimental_write_callbacks=None, enable_async=False, experimental_skip_slot_variables=False,
                 experimental_sharding_callback=None):
        self.experimental_io_device = experimental_io_device
        self.experimental_enable_async_checkpoint = experimental_enable_async_checkpoint
        self.experimental_write_callbacks = experimental_write_callbacks
        self.enable_async = enable_async
        self.experimental_skip_slot_variables = experimental_skip_slot_variables
        self.experimental_sharding_callback = experimental_sharding_callback
