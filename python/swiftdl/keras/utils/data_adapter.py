"""Batches for fit/evaluate/predict from iterable sources: swiftdl.data.Dataset,
keras.utils.PyDataset/Sequence and Python generators or iterators.

The trainer's hook (numpy inputs keep their own path):

    if is_data_source(x):
        iterator = EpochIterator(x, y, sample_weight, steps_per_epoch=steps_per_epoch)
        steps = iterator.num_batches          # None: unknown, the progress bar counts up
        for epoch in ...:
            for step, batch in iterator.enumerate_epoch():   # batch = (x, y, sample_weight)
                logs = self.train_step(batch)
            ...

Each batch is a tuple (x, y, sample_weight) of engine tensors (or structures of them);
y and sample_weight may be None.
"""
import concurrent.futures
import itertools
import types
import warnings

import numpy as np

from swiftdl.data import Dataset
from swiftdl.data.dataset import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY
from swiftdl.data.structure import map_structure, to_tensor

from .py_dataset import PyDataset


def is_data_source(x):
    """True for the inputs this module adapts (not numpy arrays, tensors, lists or dicts)."""
    return isinstance(x, (Dataset, PyDataset, types.GeneratorType)) or (
        hasattr(x, "__next__") and hasattr(x, "__iter__"))


def unpack_x_y_sample_weight(data):
    """(x, y, sample_weight) from a batch as Keras's steps receive it: a list or tuple of 1,
    2 or 3 items is (x,), (x, y) or (x, y, sample_weight); anything else (a tensor, a dict)
    is x alone. For a custom `train_step(self, data)`."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data
    raise ValueError("Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, "
                     f"found a tuple of {len(data)} items")


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """The batch Keras hands to `train_step`, `test_step` and `predict_step`: x alone (or
    (x,) when x is itself a list or tuple), (x, y), or (x, y, sample_weight)."""
    if y is None:
        return (x,) if isinstance(x, (list, tuple)) else x
    if sample_weight is None:
        return x, y
    return x, y, sample_weight


def _as_batch(data):
    x, y, sample_weight = unpack_x_y_sample_weight(data)
    convert = lambda s: None if s is None else map_structure(to_tensor, s)
    return convert(x), convert(y), convert(sample_weight)


class _DatasetAdapter:
    def __init__(self, dataset):
        self._dataset = dataset
        count = dataset.cardinality()
        self.num_batches = None if count in (INFINITE_CARDINALITY, UNKNOWN_CARDINALITY) else count
        self.restartable = True

    def get_iterator(self):
        return (_as_batch(element) for element in self._dataset)

    def on_epoch_begin(self):
        pass

    def on_epoch_end(self):
        pass


class _PyDatasetAdapter:
    def __init__(self, dataset):
        self._dataset = dataset
        self.num_batches = dataset.num_batches
        self.restartable = True

    def get_iterator(self):
        count = self.num_batches
        indices = itertools.count() if count is None else range(count)
        workers = self._dataset.workers
        if workers <= 1:
            return (_as_batch(self._dataset[index]) for index in indices)
        return self._threaded(indices, workers)

    def _threaded(self, indices, workers):
        # Keeps up to max_queue_size batches in flight, yielded in index order.
        pending = []
        with concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="swiftdl-pydataset") as pool:
            for index in indices:
                pending.append(pool.submit(self._dataset.__getitem__, index))
                if len(pending) >= self._dataset.max_queue_size:
                    yield _as_batch(pending.pop(0).result())
            while pending:
                yield _as_batch(pending.pop(0).result())

    def on_epoch_begin(self):
        self._dataset.on_epoch_begin()

    def on_epoch_end(self):
        self._dataset.on_epoch_end()


class _GeneratorAdapter:
    """A generator can be read once: epochs continue where the previous one stopped."""

    def __init__(self, generator):
        self._generator = generator
        self.num_batches = None
        self.restartable = False

    def get_iterator(self):
        return (_as_batch(data) for data in self._generator)

    def on_epoch_begin(self):
        pass

    def on_epoch_end(self):
        pass


def get_data_adapter(x, y=None, sample_weight=None):
    """The adapter for `x`: a swiftdl.data.Dataset, a PyDataset/Sequence or a generator.

    Raises:
        ValueError: when y or sample_weight are passed separately (they belong in x's
            elements), as Keras does.
    """
    for name, value in (("y", y), ("sample_weight", sample_weight)):
        if value is not None:
            raise ValueError(f"`{name}` argument is not supported when using a dataset, generator or PyDataset as "
                             f"input; yield (x, y, sample_weight) from it instead. Received: {name}={type(value).__name__}")
    if isinstance(x, Dataset):
        return _DatasetAdapter(x)
    if isinstance(x, PyDataset):
        return _PyDatasetAdapter(x)
    if is_data_source(x):
        return _GeneratorAdapter(x)
    raise ValueError(f"Unrecognized data type: x={type(x).__name__}")


class EpochIterator:
    """Steps through a data source epoch by epoch, as Keras's EpochIterator does.

    Without `steps_per_epoch` an epoch is one full pass (a generator's epoch ends when it
    is exhausted; a later epoch then has no data and warns). With it, each epoch takes that
    many batches and the next epoch continues from the same iterator; when the data runs
    out the epoch ends early with Keras's warning, and a restartable source (Dataset,
    PyDataset) starts a new pass in the next epoch.
    """

    def __init__(self, x, y=None, sample_weight=None, steps_per_epoch=None):
        if steps_per_epoch is not None and (not isinstance(steps_per_epoch, (int, np.integer))
                                            or isinstance(steps_per_epoch, bool) or steps_per_epoch < 1):
            raise ValueError(f"`steps_per_epoch` must be a positive integer or None; received {steps_per_epoch!r}")
        self.adapter = get_data_adapter(x, y, sample_weight)
        self.steps_per_epoch = None if steps_per_epoch is None else int(steps_per_epoch)
        self._iterator = None
        self._exhausted = False

    @property
    def num_batches(self):
        """Batches per epoch, or None when unknown."""
        return self.steps_per_epoch if self.steps_per_epoch is not None else self.adapter.num_batches

    def enumerate_epoch(self):
        """Yields (step, (x, y, sample_weight)) for one epoch."""
        self.adapter.on_epoch_begin()
        if self.steps_per_epoch is None:
            if self._iterator is None or self.adapter.restartable:
                self._iterator = iter(self.adapter.get_iterator())
            elif self._exhausted:
                warnings.warn("Your input ran out of data; interrupting training. Make sure that your dataset or "
                              "generator can generate at least `steps_per_epoch * epochs` batches.", stacklevel=2)
            step = -1
            for step, batch in enumerate(self._iterator):
                yield step, batch
            self._exhausted = True
        else:
            if self._iterator is None:
                self._iterator = iter(self.adapter.get_iterator())
            for step in range(self.steps_per_epoch):
                try:
                    batch = next(self._iterator)
                except StopIteration:
                    warnings.warn("Your input ran out of data; interrupting training. Make sure that your dataset or "
                                  "generator can generate at least `steps_per_epoch * epochs` batches.", stacklevel=2)
                    self._exhausted = True
                    if self.adapter.restartable:
                        self._iterator = None  # the next epoch starts a new pass
                    break
                yield step, batch
        self.adapter.on_epoch_end()
