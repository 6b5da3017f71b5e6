"""swiftdl.data.Dataset: tf.data's everyday pipeline over engine tensors.

    ds = Dataset.from_tensor_slices((x, y)).shuffle(1000, seed=0).batch(32).prefetch(2)
    for xb, yb in ds: ...

While a pipeline only reorders, repeats or cuts the rows of in-memory tensors
(from_tensor_slices → shuffle / take / skip / repeat / cache), it is planned on index arrays
and `batch` fetches each batch with one engine gather per component; nothing loops over
rows in Python. A `map` before `batch` has to call the function once per element (as
tf.data does, without a graph to vectorise it), so map after batch where you can.
"""
from __future__ import annotations

import itertools
import queue
import threading
from typing import Any, Callable, Iterator

import numpy as np

import swiftdl as _sd

from .._text_array import as_text_array
from .structure import convert_element, flatten, is_text, map_structure, to_tensor

AUTOTUNE = -1
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2


def _integer(value):
    """A Python int from an int, a numpy integer or a scalar integer tensor (what a map function passes on)."""
    if hasattr(value, "numpy") or isinstance(value, np.ndarray):
        array = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
        if array.shape == () and array.dtype.kind in "iu":
            return int(array)
    return value


def _check_count(value, name, allow_minus_one=False):
    value = _integer(value)
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"`{name}` must be an integer; received {value!r}")
    if value < (-1 if allow_minus_one else 0):
        raise ValueError(f"`{name}` must be {'>= -1' if allow_minus_one else '>= 0'}; received {value}")
    return int(value)


class Dataset:
    """A re-iterable sequence of elements (tensors, or tuples/dicts of tensors).

    Build one with `from_tensor_slices` (or `range`) and chain transformations; each
    iteration (`for element in ds`) starts again from the beginning, reshuffling when
    `shuffle(..., reshuffle_each_iteration=True)`.
    """

    # Set by `with_options` on the copy it returns; None means the default Options.
    _options: Any = None

    # ---- sources ------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors: Any) -> Dataset:
        """A dataset whose elements are the rows (first-axis slices) of `tensors`, a tensor,
        array, or tuple/dict of them with the same first dimension.

        Raises:
            ValueError: for scalars or mismatched first dimensions.
        """
        data = convert_element(tensors)  # a list is one tensor; tuples and dicts are structures
        sizes = set()
        for leaf in flatten(data):
            if leaf.ndim == 0:
                raise ValueError("from_tensor_slices needs tensors with at least one dimension; received a scalar")
            sizes.add(leaf.shape[0])
        if len(sizes) != 1:
            raise ValueError(f"Dimensions of the components do not match: first dimensions {sorted(sizes)}")
        return _Rows(data, sizes.pop())

    @staticmethod
    def range(*args: int, dtype: Any = "int64") -> Dataset:
        """Dataset.range(stop) / (start, stop[, step]): scalar int64 elements."""
        args = tuple(_integer(a) for a in args)
        if len(args) == 1:
            return Dataset.from_tensor_slices(_sd.arange(args[0], dtype=dtype))
        if len(args) in (2, 3):
            step = args[2] if len(args) == 3 else 1
            return Dataset.from_tensor_slices(_sd.arange(args[0], args[1], step, dtype=dtype))
        raise TypeError(f"Dataset.range takes 1 to 3 positional arguments (start, stop, step); received {len(args)}")

    @staticmethod
    def from_generator(generator: Callable[..., Any], output_types: Any = None, output_shapes: Any = None,
                       args: Any = None, output_signature: Any = None) -> Dataset:
        """Elements yielded by `generator(*args)`, called anew for each pass (see _combinators)."""
        from ._combinators import from_generator
        return from_generator(generator, output_types, output_shapes, args, output_signature)

    @staticmethod
    def from_tensors(tensors: Any) -> Dataset:
        """A dataset of the single element `tensors`."""
        from ._combinators import from_tensors
        return from_tensors(tensors)

    @staticmethod
    def zip(*datasets: Any) -> Dataset:
        """Elements are tuples (or dicts) with one element of each dataset; stops at the shortest."""
        from ._combinators import zip_datasets
        return zip_datasets(*datasets)

    @staticmethod
    def counter(start: int = 0, step: int = 1, dtype: Any = "int64", name: str | None = None) -> Dataset:
        """start, start + step, ... forever."""
        from ._pipeline_ops import counter
        return counter(start, step, dtype)

    @staticmethod
    def random(seed: int | None = None, rerandomize_each_iteration: bool | None = None,
               name: str | None = None) -> Dataset:
        """Random int64 values forever (the same each pass for a seed, unless rerandomized)."""
        from ._pipeline_ops import random_source
        return random_source(seed, rerandomize_each_iteration)

    @staticmethod
    def list_files(file_pattern: Any, shuffle: bool | None = None, seed: int | None = None,
                   name: str | None = None) -> Dataset:
        """The file names matching `file_pattern` (a glob, or a list of them), shuffled unless
        shuffle=False, as tf.data does.

        Raises:
            InvalidArgumentError: when nothing matches.
        """
        import glob
        patterns = [file_pattern] if isinstance(file_pattern, (str, bytes)) else list(file_pattern)
        names = sorted({path for pattern in patterns
                        for path in glob.glob(pattern.decode() if isinstance(pattern, bytes) else str(pattern))})
        if not names:
            from .. import errors
            raise errors.InvalidArgumentError(None, None, f"Expected 'tf.Tensor(False, shape=(), dtype=bool)' to "
                                                          f"be true. No files matched pattern: {file_pattern}")
        files = Dataset.from_tensor_slices(np.asarray(names, dtype=object))
        return files.shuffle(len(names), seed=seed) if shuffle is None or shuffle else files

    @staticmethod
    def sample_from_datasets(datasets: Any, weights: Any = None, seed: int | None = None,
                             stop_on_empty_dataset: bool = False, rerandomize_each_iteration: bool | None = None
                             ) -> Dataset:
        """Elements drawn at random from `datasets` with probabilities `weights` (uniform)."""
        from ._pipeline_ops import sample_from_datasets
        return sample_from_datasets(datasets, weights, seed, stop_on_empty_dataset)

    @staticmethod
    def choose_from_datasets(datasets: Any, choice_dataset: Dataset, stop_on_empty_dataset: bool = True) -> Dataset:
        """Elements of datasets[c] for each c of `choice_dataset`, in order."""
        from ._pipeline_ops import choose_from_datasets
        return choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset)

    # ---- iteration ------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Any]:
        from .iterator import Iterator as DatasetIterator
        return DatasetIterator(self._elements(), dataset=self)

    def _elements(self):
        """An iterable of the elements of one pass."""
        raise NotImplementedError

    def _index_stream(self):
        """For pipelines that only rearrange in-memory rows: (source tensors, an iterator of
        int64 index arrays). None otherwise."""
        return None

    def as_numpy_iterator(self) -> Iterator[Any]:
        """The elements with numpy arrays in place of tensors."""
        from .iterator import NumpyIterator
        return NumpyIterator(self._elements(), dataset=self)

    def reduce(self, initial_state: Any, reduce_func: Callable[..., Any]) -> Any:
        """state = reduce_func(state, element) over the elements; the final state."""
        from ._pipeline_ops import reduce
        return reduce(self, initial_state, reduce_func)

    def get_single_element(self, name: str | None = None) -> Any:
        """The dataset's only element (InvalidArgumentError for none or several)."""
        from ._pipeline_ops import get_single_element
        return get_single_element(self)

    def options(self) -> Any:
        from .options import Options
        return self._options or Options()

    def with_options(self, options: Any, name: str | None = None) -> Dataset:
        """The same dataset carrying `options` (merged with any it had)."""
        from copy import copy
        result = copy(self)
        result._options = self.options().merge(options)
        return result

    def cardinality(self) -> int:
        """The number of elements, INFINITE_CARDINALITY (-1) or UNKNOWN_CARDINALITY (-2)."""
        return UNKNOWN_CARDINALITY

    def __len__(self) -> int:
        count = self.cardinality()
        if count == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if count == UNKNOWN_CARDINALITY:
            raise TypeError("The dataset length is unknown.")
        return count

    # ---- transformations ------------------------------------------------------------------
    def batch(self, batch_size: int, drop_remainder: bool = False) -> Dataset:
        """Combines consecutive elements into batches (the last one may be smaller unless
        `drop_remainder`)."""
        batch_size = _check_count(batch_size, "batch_size")
        if batch_size == 0:
            raise ValueError("`batch_size` must be positive; received 0")
        return _Batch(self, batch_size, bool(drop_remainder))

    def shuffle(self, buffer_size: int, seed: int | None = None, reshuffle_each_iteration: bool = True) -> Dataset:
        """Randomly shuffles the elements with tf.data's buffer algorithm: a buffer of
        `buffer_size` elements from which each next element is drawn uniformly. A buffer at
        least as large as the dataset gives a uniform permutation."""
        buffer_size = _check_count(buffer_size, "buffer_size", allow_minus_one=True)
        if buffer_size == 0:
            raise ValueError("`buffer_size` must be greater than zero (or -1 for the whole dataset)")
        return _Shuffle(self, buffer_size, seed, reshuffle_each_iteration)

    def map(self, map_func: Callable[..., Any], num_parallel_calls: int | None = None,
            deterministic: bool | None = None) -> Dataset:
        """Applies `map_func` to each element (tuples are passed as separate arguments)."""
        if not callable(map_func):
            raise TypeError(f"`map_func` must be callable; received {type(map_func).__name__}")
        return _Map(self, map_func)

    def padded_batch(self, batch_size: int, padded_shapes: Any = None, padding_values: Any = None,
                     drop_remainder: bool = False) -> Dataset:
        """Batches elements of different shapes by padding each component at the end of its axes:
        to `padded_shapes` (None or -1 entries, or no padded_shapes, mean the longest in the
        batch) with `padding_values` (0 by default). Components are flat tensors, or a tuple/dict
        of them with matching padded_shapes/padding_values structures."""
        batch_size = _check_count(batch_size, "batch_size")
        if batch_size == 0:
            raise ValueError("`batch_size` must be positive; received 0")
        from ._combinators import _PaddedBatch
        return _PaddedBatch(self, batch_size, padded_shapes, padding_values, bool(drop_remainder))

    def unbatch(self) -> Dataset:
        """Splits each element into the rows of its first dimension (batch's inverse)."""
        from ._combinators import _Unbatch
        return _Unbatch(self)

    def filter(self, predicate: Callable[..., Any]) -> Dataset:
        """Keeps the elements for which `predicate` returns a scalar True."""
        if not callable(predicate):
            raise TypeError(f"`predicate` must be callable; received {type(predicate).__name__}")
        from ._combinators import _Filter
        return _Filter(self, predicate)

    def enumerate(self, start: int = 0) -> Dataset:
        """(index, element) pairs, the index an int64 scalar counting from `start`."""
        from ._combinators import _Enumerate
        return _Enumerate(self, _check_count(start, "start"))

    def take(self, count: int) -> Dataset:
        """At most `count` elements (-1: all)."""
        return _Take(self, _check_count(count, "count", allow_minus_one=True))

    def skip(self, count: int) -> Dataset:
        """All but the first `count` elements."""
        return _Skip(self, _check_count(count, "count", allow_minus_one=True))

    def repeat(self, count: int | None = None) -> Dataset:
        """The dataset `count` times over (None or -1: forever)."""
        count = -1 if count is None else _check_count(count, "count", allow_minus_one=True)
        return _Repeat(self, count)

    def concatenate(self, dataset: Dataset, name: str | None = None) -> Dataset:
        """This dataset's elements, then `dataset`'s."""
        from ._pipeline_ops import concatenate
        return concatenate(self, dataset)

    def flat_map(self, map_func: Callable[..., Any], name: str | None = None) -> Dataset:
        """The elements of the datasets map_func returns for each element, one after another."""
        from ._pipeline_ops import flat_map
        return flat_map(self, map_func)

    def interleave(self, map_func: Callable[..., Any], cycle_length: int | None = None, block_length: int | None = None,
                   num_parallel_calls: int | None = None, deterministic: bool | None = None,
                   name: str | None = None) -> Dataset:
        """Elements of `cycle_length` of map_func's datasets at a time, `block_length` from each
        in turn (tf.data's default cycle length: the number of CPU cores)."""
        import os

        from ._pipeline_ops import interleave
        cycle = os.cpu_count() or 1 if cycle_length in (None, AUTOTUNE) else _check_count(cycle_length, "cycle_length")
        block = 1 if block_length is None else _check_count(block_length, "block_length")
        if cycle < 1 or block < 1:
            raise ValueError("cycle_length and block_length must be positive")
        return interleave(self, map_func, cycle, block)

    def shard(self, num_shards: int, index: int, name: str | None = None) -> Dataset:
        """Every num_shards-th element, starting at `index`."""
        from ._pipeline_ops import shard
        return shard(self, int(num_shards), int(index))

    def window(self, size: int, shift: int | None = None, stride: int = 1, drop_remainder: bool = False,
               name: str | None = None) -> Dataset:
        """Datasets of `size` consecutive elements (every `stride`-th), starting every `shift`."""
        from ._pipeline_ops import window
        size = _check_count(size, "size")
        shift = size if shift is None else _check_count(shift, "shift")
        stride = _check_count(stride, "stride")
        if min(size, shift, stride) < 1:
            raise ValueError("window's size, shift and stride must be positive")
        return window(self, size, shift, stride, bool(drop_remainder))

    def scan(self, initial_state: Any, scan_func: Callable[..., Any], name: str | None = None) -> Dataset:
        """The outputs of (state, output) = scan_func(state, element), state carried along."""
        from ._pipeline_ops import scan
        return scan(self, initial_state, scan_func)

    def take_while(self, predicate: Callable[..., Any], name: str | None = None) -> Dataset:
        """The elements up to the first for which `predicate` is False."""
        from ._pipeline_ops import take_while
        return take_while(self, predicate)

    def unique(self, name: str | None = None) -> Dataset:
        """Each distinct (int or string scalar) element once, at its first appearance."""
        from ._pipeline_ops import unique
        return unique(self)

    def apply(self, transformation_func: Callable[[Dataset], Dataset]) -> Dataset:
        """transformation_func(self): chains a function of a whole dataset."""
        result = transformation_func(self)
        if not isinstance(result, Dataset):
            raise TypeError("`transformation_func` must return a Dataset")
        return result

    def group_by_window(self, key_func: Callable[..., Any], reduce_func: Callable[..., Any],
                        window_size: int | None = None, window_size_func: Callable[..., Any] | None = None,
                        name: str | None = None) -> Dataset:
        """Elements grouped by key into windows, each turned into a dataset by reduce_func."""
        from ._pipeline_ops import group_by_window
        return group_by_window(self, key_func, reduce_func, window_size, window_size_func)

    def bucket_by_sequence_length(self, element_length_func: Callable[..., Any], bucket_boundaries: Any,
                                  bucket_batch_sizes: Any, padded_shapes: Any = None, padding_values: Any = None,
                                  pad_to_bucket_boundary: bool = False, no_padding: bool = False,
                                  drop_remainder: bool = False, name: str | None = None) -> Dataset:
        """Padded batches of elements of similar length, one batch size per length bucket."""
        from ._pipeline_ops import bucket_by_sequence_length
        return bucket_by_sequence_length(self, element_length_func, bucket_boundaries, bucket_batch_sizes,
                                         padded_shapes, padding_values, pad_to_bucket_boundary, no_padding,
                                         drop_remainder)

    def rebatch(self, batch_size: Any, drop_remainder: bool = False, name: str | None = None) -> Dataset:
        """The same rows in batches of `batch_size` (or a cycle of sizes)."""
        from ._pipeline_ops import rebatch
        return rebatch(self, batch_size, drop_remainder)

    def cache(self, filename: str = "") -> Dataset:
        """Keeps the elements of the first complete pass in memory and replays them
        (a file cache is not supported)."""
        if filename:
            raise ValueError("swiftdl.data caches in memory only; call cache() without a filename")
        return _Cache(self)

    def prefetch(self, buffer_size: int) -> Dataset:
        """Produces up to `buffer_size` elements ahead in a background thread (the engine
        releases the GIL, so batching overlaps with training). AUTOTUNE picks 2."""
        buffer_size = _check_count(buffer_size, "buffer_size", allow_minus_one=True)
        return _Prefetch(self, 2 if buffer_size == AUTOTUNE else max(1, buffer_size))


class _Rows(Dataset):
    def __init__(self, data, size):
        self._data, self._size = data, size

    def _index_stream(self):
        return self._data, iter([np.arange(self._size, dtype=np.int64)])

    def _elements(self):
        return _rows_from_stream(self._data, iter([np.arange(self._size, dtype=np.int64)]))

    def cardinality(self):
        return self._size


def _rows_from_stream(data, stream):
    for indices in stream:
        for index in indices.tolist():
            yield map_structure(lambda tensor: _row(tensor, index), data)


def _row(leaf, index):
    # A text leaf's row stays an array (0-d for a scalar string), as a tensor's row does.
    return as_text_array(np.asarray(leaf[index], dtype=object)) if is_text(leaf) else leaf[index]


def _rows(leaf, positions):
    return as_text_array(leaf[np.asarray(positions)]) if is_text(leaf) else _sd.take(leaf, positions, axis=0)


class _Derived(Dataset):
    """A transformation of one input dataset; row pipelines stay on index arrays."""

    def __init__(self, source):
        self._source = source

    def _transform(self, stream):
        raise NotImplementedError

    def _index_stream(self):
        upstream = self._source._index_stream()
        if upstream is None:
            return None
        data, stream = upstream
        return data, self._transform(stream)

    def _elements(self):
        planned = self._index_stream()
        if planned is not None:
            return _rows_from_stream(*planned)
        return self._transform_elements(iter(self._source))

    def _transform_elements(self, elements):
        raise NotImplementedError


class _Take(_Derived):
    def __init__(self, source, count):
        super().__init__(source)
        self._count = count

    def _transform(self, stream):
        left = self._count
        for indices in stream:
            if left == 0:
                return
            piece = indices if left < 0 else indices[:left]
            left = left - len(piece) if left > 0 else left
            yield piece

    def _transform_elements(self, elements):
        return elements if self._count < 0 else itertools.islice(elements, self._count)

    def cardinality(self):
        upstream = self._source.cardinality()
        if self._count < 0:
            return upstream
        if upstream == INFINITE_CARDINALITY:
            return self._count
        return upstream if upstream == UNKNOWN_CARDINALITY else min(upstream, self._count)


class _Skip(_Derived):
    def __init__(self, source, count):
        super().__init__(source)
        self._count = count

    def _transform(self, stream):
        if self._count < 0:
            return
        left = self._count
        for indices in stream:
            if left:
                dropped = min(left, len(indices))
                indices, left = indices[dropped:], left - dropped
            if len(indices):
                yield indices

    def _transform_elements(self, elements):
        return iter(()) if self._count < 0 else itertools.islice(elements, self._count, None)

    def cardinality(self):
        upstream = self._source.cardinality()
        if upstream < 0:
            return upstream
        return 0 if self._count < 0 else max(0, upstream - self._count)


class _Repeat(_Derived):
    def __init__(self, source, count):
        super().__init__(source)
        self._count = count

    def _index_stream(self):
        if self._source._index_stream() is None:
            return None
        data = self._source._index_stream()[0]
        passes = itertools.count() if self._count < 0 else range(self._count)
        return data, (indices for _ in passes for indices in self._source._index_stream()[1])

    def _elements(self):
        planned = self._index_stream()
        if planned is not None:
            return _rows_from_stream(*planned)
        passes = itertools.count() if self._count < 0 else range(self._count)
        return (element for _ in passes for element in self._source)

    def cardinality(self):
        upstream = self._source.cardinality()
        if self._count < 0:
            return 0 if upstream == 0 else INFINITE_CARDINALITY
        return upstream if upstream < 0 else upstream * self._count


class _Shuffle(_Derived):
    def __init__(self, source, buffer_size, seed, reshuffle_each_iteration):
        super().__init__(source)
        self._buffer_size = buffer_size
        self._seeds = np.random.SeedSequence(seed)
        self._reshuffle = reshuffle_each_iteration

    def _generator(self):
        # Each pass draws from a new child of the seed: reproducible with `seed`, and a new
        # order per pass when reshuffling; the same order every pass otherwise.
        return np.random.default_rng(self._seeds.spawn(1)[0] if self._reshuffle else self._seeds)

    def _transform(self, stream):
        rng = self._generator()
        if self._source.cardinality() == INFINITE_CARDINALITY:
            pieces = stream  # an endless stream: shuffle each upstream pass on its own
        else:
            pieces = [np.concatenate(list(stream) or [np.zeros(0, np.int64)])]
        for indices in pieces:
            if self._buffer_size == -1 or self._buffer_size >= len(indices):
                yield indices[rng.permutation(len(indices))]
            else:
                yield _buffer_shuffle(indices, self._buffer_size, rng)

    def _transform_elements(self, elements):
        rng = self._generator()
        buffer: list[Any] = []
        for element in elements:
            if len(buffer) < self._buffer_size or self._buffer_size == -1:
                buffer.append(element)
                continue
            slot = int(rng.integers(len(buffer)))
            yield buffer[slot]
            buffer[slot] = element
        while buffer:
            yield buffer.pop(int(rng.integers(len(buffer))))

    def cardinality(self):
        return self._source.cardinality()


def _buffer_shuffle(indices, buffer_size, rng):
    """tf.data's shuffle on an index array: fill a buffer, emit a random slot and refill it
    with the next index, then drain the buffer randomly. (A loop over indices, not data.)"""
    buffer = list(indices[:buffer_size])
    out = np.empty(len(indices), dtype=np.int64)
    picks = rng.integers(0, buffer_size, len(indices) - buffer_size)
    for position, (slot, incoming) in enumerate(zip(picks.tolist(), indices[buffer_size:].tolist())):
        out[position] = buffer[slot]
        buffer[slot] = incoming
    tail = np.asarray(buffer, dtype=np.int64)
    out[len(indices) - buffer_size:] = tail[rng.permutation(len(tail))]
    return out


class _Cache(_Derived):
    def __init__(self, source):
        super().__init__(source)
        self._cached_indices = None
        self._cached_elements = None

    def _index_stream(self):
        upstream = self._source._index_stream()
        if upstream is None:
            return None
        if self._cached_indices is not None:
            return upstream[0], iter([self._cached_indices])
        data, stream = upstream
        return data, self._record(stream)

    def _record(self, stream):
        seen = []
        for indices in stream:
            seen.append(indices)
            yield indices
        self._cached_indices = np.concatenate(seen) if seen else np.zeros(0, np.int64)

    def _elements(self):
        planned = self._index_stream()
        if planned is not None:
            return _rows_from_stream(*planned)
        if self._cached_elements is not None:
            return iter(self._cached_elements)
        return self._record_elements()

    def _record_elements(self):
        seen = []
        for element in self._source:
            seen.append(element)
            yield element
        self._cached_elements = seen

    def cardinality(self):
        return self._source.cardinality()


class _Map(Dataset):
    def __init__(self, source, function):
        self._source, self._function = source, function

    def _elements(self):
        for element in self._source:
            result = self._function(*element) if isinstance(element, tuple) else self._function(element)
            if isinstance(result, list):
                result = tuple(result)  # tf.data takes a list a function returns as a tuple of components
            yield map_structure(to_tensor, result)

    def cardinality(self):
        return self._source.cardinality()


class _Batch(Dataset):
    def __init__(self, source, batch_size, drop_remainder):
        self._source, self._batch_size, self._drop_remainder = source, batch_size, drop_remainder

    def _elements(self):
        planned = self._source._index_stream()
        if planned is not None:
            data, stream = planned
            for indices in _chunks(stream, self._batch_size, self._drop_remainder):
                yield map_structure(lambda tensor: _rows(tensor, indices), data)
            return
        batch = []
        for element in self._source:
            batch.append(element)
            if len(batch) == self._batch_size:
                yield _stack(batch)
                batch = []
        if batch and not self._drop_remainder:
            yield _stack(batch)

    def cardinality(self):
        upstream = self._source.cardinality()
        if upstream < 0:
            return upstream
        full, rest = divmod(upstream, self._batch_size)
        return full + (1 if rest and not self._drop_remainder else 0)


def _chunks(stream, size, drop_remainder):
    """Regroups a stream of index arrays into arrays of `size` (crossing pass boundaries,
    as tf.data's batch after repeat does)."""
    pending, count = [], 0
    for indices in stream:
        while len(indices):
            need = size - count
            pending.append(indices[:need])
            count += len(pending[-1])
            indices = indices[need:]
            if count == size:
                yield np.concatenate(pending)
                pending, count = [], 0
    if count and not drop_remainder:
        yield np.concatenate(pending)


def _stack(elements):
    try:
        return map_structure(_stack_leaves, *elements)
    except ValueError as error:
        raise ValueError(f"Cannot batch elements of different shapes or structures: {error}") from None


def _stack_leaves(*leaves):
    if is_text(leaves[0]):
        if any(not is_text(leaf) or leaf.shape != leaves[0].shape for leaf in leaves):
            raise ValueError("text elements of different shapes, or text mixed with numbers")
        return as_text_array(np.stack(leaves))
    return _sd.stack(list(leaves))


class _Prefetch(Dataset):
    _DONE = object()

    def __init__(self, source, buffer_size):
        self._source, self._buffer_size = source, buffer_size

    def _elements(self):
        buffer: queue.Queue[Any] = queue.Queue(self._buffer_size)
        stop = threading.Event()

        def produce():
            try:
                for element in self._source:
                    while not stop.is_set():
                        try:
                            buffer.put(element, timeout=0.1)
                            break
                        except queue.Full:
                            continue
                    if stop.is_set():
                        return
                buffer.put(self._DONE)
            except BaseException as error:  # handed to the consumer, raised there
                buffer.put(error)

        worker = threading.Thread(target=produce, name="swiftdl-prefetch", daemon=True)
        worker.start()
        try:
            while True:
                item = buffer.get()
                if item is self._DONE:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()

    def cardinality(self):
        return self._source.cardinality()
