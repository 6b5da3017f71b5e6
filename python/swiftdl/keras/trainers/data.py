"""Turning fit/evaluate/predict's arrays into engine tensors and slicing batches from them."""
import math

import numpy as np

import swiftdl as _sd

from ..backend import floatx
from ..layers.keras_tensor import flatten


def to_tensor(value):
    """numpy or list data as an engine tensor; float64 becomes keras.config.floatx(),
    float32 numpy arrays are shared without copying."""
    if value is None or isinstance(value, _sd.Tensor):
        return value
    array = np.asarray(value)
    if array.dtype.kind in "US" or array.dtype == object and array.size and all(isinstance(v, str) for v in array.flat):
        return array  # text stays in numpy for a TextVectorization layer inside the model
    if array.dtype == np.float64:
        array = array.astype(floatx())
    elif array.dtype.kind in "iu" and array.dtype not in (np.int32, np.int64, np.uint8):
        array = array.astype(np.int64)
    elif array.dtype == object:
        raise ValueError("Failed to convert the training data: object arrays (ragged sequences?) are not supported; "
                         "pad them first, e.g. with keras.utils.pad_sequences")
    return _sd.asarray(array, copy=None)


def structure_to_tensors(structure):
    if isinstance(structure, (list, tuple)):
        return type(structure)(structure_to_tensors(item) for item in structure)
    if isinstance(structure, dict):
        return {key: structure_to_tensors(value) for key, value in structure.items()}
    return to_tensor(structure)


def num_samples(*structures):
    """The common first dimension of every array, or a clear error."""
    sizes = {}
    for name, structure in zip(("x", "y", "sample_weight"), structures):
        for leaf in flatten(structure):
            if leaf is not None:
                if leaf.ndim == 0:
                    raise ValueError(f"Expected `{name}` arrays with a batch dimension; received a scalar")
                sizes.setdefault(name, set()).add(leaf.shape[0])
    all_sizes = {size for values in sizes.values() for size in values}
    if len(all_sizes) > 1:
        detail = ", ".join(f"'{name}' sizes: {sorted(values)}" for name, values in sizes.items())
        raise ValueError(f"Data cardinality is ambiguous. Make sure all arrays contain the same number of samples. {detail}")
    if not all_sizes:
        raise ValueError("Expected at least one input array")
    return all_sizes.pop()


def take_batch(structure, rows, start, stop):
    """One batch of every array: rows [start, stop) as a view when `rows` is None
    (unshuffled), else the given rows (the batch's slice of the shuffled order), gathered
    by one engine take per array."""
    def pick(tensor):
        if tensor is None:
            return None
        if rows is None:
            return tensor[start:stop]
        if isinstance(tensor, np.ndarray):  # text: pick rows by the same shuffled order
            return tensor[np.asarray(rows)]
        return _sd._C.take(tensor, rows, 0)
    if isinstance(structure, (list, tuple)):
        return type(structure)(take_batch(item, rows, start, stop) for item in structure)
    if isinstance(structure, dict):
        return {key: take_batch(value, rows, start, stop) for key, value in structure.items()}
    return pick(structure)


def check_batch_size(batch_size, name="batch_size"):
    if batch_size is None:
        return 32
    if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) or batch_size <= 0:
        raise ValueError(f"Expected `{name}` to be a positive integer; received {name}={batch_size!r}")
    return int(batch_size)


def split_validation(x, y, sample_weight, fraction):
    """Keras's validation_split: the last `fraction` of the samples, taken before shuffling."""
    if not 0 < fraction < 1:
        raise ValueError(f"`validation_split` must be between 0 and 1; received {fraction}")
    n = num_samples(x, y, sample_weight)
    split_at = int(math.floor(n * (1.0 - fraction)))
    if split_at == 0 or split_at == n:
        raise ValueError(f"Training data contains {n} samples, which is not sufficient to split it into a "
                         f"validation and training set as specified by `validation_split={fraction}`.")
    head = lambda s: take_batch(s, None, 0, split_at)
    tail = lambda s: take_batch(s, None, split_at, n)
    return (head(x), head(y), head(sample_weight)), (tail(x), tail(y), tail(sample_weight))


def unpack_validation_data(data):
    if isinstance(data, (list, tuple)):
        if len(data) == 2:
            return data[0], data[1], None
        if len(data) == 3:
            return data
    raise ValueError(f"validation_data must be a tuple (x, y) or (x, y, sample_weight); received {type(data).__name__}")


class ArrayBatches:
    """In-memory arrays cut into batches: the same epoch interface as the EpochIterator that
    serves datasets, generators and PyDatasets (keras/utils/data_adapter.py)."""

    def __init__(self, x, y, sample_weight, batch_size, shuffle=False, steps=None):
        self.data = (x, y, sample_weight)
        self.size = num_samples(x, y, sample_weight)
        self.batch_size = batch_size
        self.shuffle = shuffle
        batches = (self.size + batch_size - 1) // batch_size
        self.num_batches = batches if steps is None else min(batches, int(steps))

    def enumerate_epoch(self):
        order = _sd.random.permutation(self.size) if self.shuffle else None
        for step in range(self.num_batches):
            start, stop = step * self.batch_size, min((step + 1) * self.batch_size, self.size)
            rows = None if order is None else order[start:stop]  # sliced once for x, y and weights
            yield step, tuple(take_batch(s, rows, start, stop) for s in self.data)


def class_weight_to_sample_weight(y, class_weight, sample_weight=None):
    """Keras's class_weight: each sample weighted by its class's weight (integer labels, or
    the argmax of one-hot labels), times any sample_weight given."""
    if not isinstance(class_weight, dict) or not class_weight:
        raise ValueError(f"`class_weight` must be a non-empty dict {{class index: weight}}; received {class_weight!r}")
    if isinstance(y, (list, tuple)):
        raise ValueError("`class_weight` is only supported for models with a single output")
    classes = max(int(k) for k in class_weight) + 1
    table = np.ones(classes, dtype=np.float32)
    for key, weight in class_weight.items():
        if int(key) < 0:
            raise ValueError(f"class_weight keys must be non-negative class indices; received {key}")
        table[int(key)] = float(weight)
    labels = y.argmax(axis=-1) if y.ndim > 1 and y.shape[-1] > 1 else _sd.reshape(y, (-1,)).astype(np.int64)
    if labels.size and int(labels.max()) >= classes:
        # Classes without an entry keep weight 1, as in Keras.
        table = np.concatenate([table, np.ones(int(labels.max()) + 1 - classes, dtype=np.float32)])
    weights = _sd.take(_sd.asarray(table), labels, axis=0)
    return weights if sample_weight is None else weights * _sd.reshape(sample_weight, tuple(weights.shape))
