"""tf.data's structural transformations that work element by element: concatenate,
flat_map, interleave, shard, window, scan, take_while, unique, group_by_window, rebatch,
the random and counting sources, and the sampling of several datasets."""
from __future__ import annotations

import itertools

import numpy as np

import swiftdl as _sd

from .. import errors
from .dataset import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset
from .structure import flatten, map_structure, to_tensor


def _call(function, element):
    """function(*element) for a tuple element, function(element) otherwise, as tf.data calls."""
    return function(*element) if isinstance(element, tuple) else function(element)


def _scalar(value):
    array = value.numpy() if hasattr(value, "numpy") else np.asarray(value)
    return array.reshape(()).item() if array.size == 1 else array


class _Elements(Dataset):
    """A dataset over a function that returns a fresh iterator of elements for each pass."""

    def __init__(self, produce, cardinality=UNKNOWN_CARDINALITY):
        self._produce, self._cardinality = produce, cardinality

    def _elements(self):
        return self._produce()

    def cardinality(self):
        return self._cardinality


def _check_dataset(value, where):
    if not isinstance(value, Dataset):
        raise TypeError(f"{where} must return a Dataset; received {type(value).__name__}")
    return value


def _same_structure(a, b):
    return type(a) is type(b) and len(flatten(a)) == len(flatten(b)) and \
        (not isinstance(a, dict) or list(a) == list(b))


def concatenate(first, second):
    if not isinstance(second, Dataset):
        raise TypeError(f"concatenate takes a Dataset; received {type(second).__name__}")

    def produce():
        yield from first
        for element in second:
            yield element
    counts = (first.cardinality(), second.cardinality())
    count = INFINITE_CARDINALITY if INFINITE_CARDINALITY in counts else \
        UNKNOWN_CARDINALITY if UNKNOWN_CARDINALITY in counts else sum(counts)
    return _Elements(produce, count)


def flat_map(source, map_func):
    def produce():
        for element in source:
            yield from _check_dataset(_call(map_func, element), "flat_map's function")
    return _Elements(produce)


def interleave(source, map_func, cycle_length, block_length):
    """tf.data's interleave: `cycle_length` datasets open at once, `block_length` elements
    from each in turn; an exhausted one is replaced by the next input element's dataset."""
    def produce():
        inputs = iter(source)
        open_iterators: list = []

        def refill():
            for element in inputs:
                return iter(_check_dataset(_call(map_func, element), "interleave's function"))
            return None
        for _ in range(cycle_length):
            opened = refill()
            if opened is None:
                break
            open_iterators.append(opened)
        position = 0
        while open_iterators:
            position %= len(open_iterators)
            current = open_iterators[position]
            exhausted = False
            for _ in range(block_length):
                try:
                    yield next(current)
                except StopIteration:
                    exhausted = True
                    break
            if exhausted:
                replacement = refill()
                if replacement is None:
                    open_iterators.pop(position)
                    continue
                open_iterators[position] = replacement
                continue
            position += 1
    return _Elements(produce)


def shard(source, num_shards, index):
    if num_shards < 1:
        raise errors.InvalidArgumentError(None, None, f"Number of shards must be greater than zero (got "
                                                      f"{num_shards}).")
    if not 0 <= index < num_shards:
        raise errors.InvalidArgumentError(None, None, f"Index must be between 0 and {num_shards - 1} (currently "
                                                      f"index = {index}).")

    def produce():
        return itertools.islice(iter(source), index, None, num_shards)
    count = source.cardinality()
    if count >= 0:
        count = (count - index + num_shards - 1) // num_shards if count > index else 0
    return _Elements(produce, count)


def window(source, size, shift, stride, drop_remainder):
    """Windows of `size` elements starting every `shift` elements, taking every `stride`-th
    one; each window is a dataset, or a structure of datasets for structured elements."""
    def produce():
        iterator, exhausted = iter(source), False
        buffer: list = []
        span = (size - 1) * stride + 1
        while True:
            while len(buffer) < span and not exhausted:
                try:
                    buffer.append(next(iterator))
                except StopIteration:
                    exhausted = True
            if not buffer:
                return
            members = buffer[:span:stride]
            if len(members) < size and drop_remainder:
                return
            yield _window_of(members)
            # The next window starts `shift` elements later, possibly beyond what is buffered.
            skip = max(shift - len(buffer), 0)
            del buffer[:shift]
            for _ in range(skip):
                try:
                    next(iterator)
                except StopIteration:
                    exhausted = True
                    break
    return _Elements(produce)


def _window_of(members):
    first = members[0]
    if isinstance(first, (tuple, dict)):
        return map_structure(lambda *leaves: Dataset.from_tensor_slices(_sd.stack(list(leaves)))
                             if not isinstance(leaves[0], np.ndarray) else
                             Dataset.from_tensor_slices(np.stack(leaves)), *members)
    if isinstance(first, np.ndarray):
        return Dataset.from_tensor_slices(np.stack(members))
    return Dataset.from_tensor_slices(_sd.stack(members))


def scan(source, initial_state, scan_func):
    def produce():
        state = map_structure(to_tensor, initial_state)
        for element in source:
            result = scan_func(state, *element) if isinstance(element, tuple) else scan_func(state, element)
            if not isinstance(result, tuple) or len(result) != 2:
                raise TypeError("scan's function must return (new_state, output_element)")
            state, output = result
            yield output
    return _Elements(produce, source.cardinality())


def take_while(source, predicate):
    def produce():
        for element in source:
            if not bool(_scalar(_call(predicate, element))):
                return
            yield element
    return _Elements(produce)


def unique(source):
    def produce():
        seen = set()
        for element in source:
            if isinstance(element, (tuple, dict)):
                raise TypeError("unique needs elements that are single scalars (int or string)")
            key = _scalar(element)
            if isinstance(key, np.ndarray) or isinstance(key, float):
                raise TypeError("unique needs int or string scalar elements")
            if key not in seen:
                seen.add(key)
                yield element
    return _Elements(produce)


def reduce(source, initial_state, reduce_func):
    state = map_structure(to_tensor, initial_state)
    for element in source:
        state = reduce_func(state, *element) if isinstance(element, tuple) else reduce_func(state, element)
    return state


def get_single_element(source):
    iterator = iter(source)
    try:
        element = next(iterator)
    except StopIteration:
        raise errors.InvalidArgumentError(None, None, "Dataset was empty.") from None
    for _ in iterator:
        raise errors.InvalidArgumentError(None, None, "Dataset had more than one element.")
    return element


def group_by_window(source, key_func, reduce_func, window_size, window_size_func):
    """Elements grouped by key_func's int64 key into windows of the key's window size; each
    full window goes through reduce_func(key, window_dataset); leftovers at the end, in the
    order their keys first appeared."""
    if (window_size is None) == (window_size_func is None):
        raise ValueError("Either the `window_size` argument or the `window_size_func` argument must be specified.")

    def size_for(key):
        size = window_size if window_size is not None else int(_scalar(window_size_func(_sd.asarray(key, "int64"))))
        if size < 1:
            raise errors.InvalidArgumentError(None, None, f"Window size must be greater than zero, but got {size}.")
        return size

    def produce():
        windows: dict = {}
        for element in source:
            key = int(_scalar(_call(key_func, element)))
            windows.setdefault(key, []).append(element)
            if len(windows[key]) == size_for(key):
                yield from _check_dataset(reduce_func(_sd.asarray(key, "int64"), _list_dataset(windows.pop(key))),
                                          "group_by_window's reduce_func")
        for key, members in list(windows.items()):
            yield from _check_dataset(reduce_func(_sd.asarray(key, "int64"), _list_dataset(members)),
                                      "group_by_window's reduce_func")
    return _Elements(produce)


def _list_dataset(elements):
    return _Elements(lambda: iter(list(elements)), len(elements))


def bucket_by_sequence_length(source, element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes,
                              padding_values, pad_to_bucket_boundary, no_padding, drop_remainder):
    """Batches elements of similar length together: bucket i holds lengths in
    [boundaries[i-1], boundaries[i]) and batches bucket_batch_sizes[i] of them, padded."""
    boundaries = [int(b) for b in bucket_boundaries]
    if len(bucket_batch_sizes) != len(boundaries) + 1:
        raise ValueError(f"len(bucket_batch_sizes) must equal len(bucket_boundaries) + 1; received "
                         f"{len(bucket_batch_sizes)} and {len(boundaries)}")
    if boundaries != sorted(boundaries):
        raise ValueError("bucket_boundaries must be sorted")

    def bucket(*element):
        length = int(_scalar(element_length_func(*element)))
        return _sd.asarray(int(np.searchsorted(boundaries, length, side="right")), "int64")

    def batch_bucket(key, members):
        index = int(_scalar(key))
        size = int(bucket_batch_sizes[index])
        if no_padding:
            return members.batch(size, drop_remainder=drop_remainder)
        shapes = padded_shapes
        if pad_to_bucket_boundary:
            if index == len(boundaries):
                raise errors.InvalidArgumentError(None, None, "pad_to_bucket_boundary: an element is longer than "
                                                              "the last bucket boundary")
            target = boundaries[index] - 1
            shapes = _bounded_shapes(padded_shapes, target)
        return members.padded_batch(size, padded_shapes=shapes, padding_values=padding_values,
                                    drop_remainder=drop_remainder)
    return group_by_window(source, bucket, batch_bucket, None,
                           lambda key: _sd.asarray(int(bucket_batch_sizes[int(_scalar(key))]), "int64"))


def _bounded_shapes(shapes, target):
    """padded_shapes with unknown sizes set to `target`; a list or TensorShape is one shape."""
    if shapes is None:
        return None
    if isinstance(shapes, dict):
        return {key: _bounded_shapes(value, target) for key, value in shapes.items()}
    if isinstance(shapes, tuple):
        return tuple(_bounded_shapes(value, target) for value in shapes)
    dims = shapes.as_list() if hasattr(shapes, "as_list") else list(shapes)
    return [target if d is None or d == -1 else d for d in dims]


def rebatch(source, batch_size, drop_remainder):
    sizes = [int(batch_size)] if np.ndim(batch_size) == 0 else [int(s) for s in batch_size]
    if any(s < 1 for s in sizes):
        raise errors.InvalidArgumentError(None, None, f"batch_size must be positive; received {sizes}")

    def produce():
        rows = iter(source.unbatch())
        for size in itertools.cycle(sizes):
            chunk = list(itertools.islice(rows, size))
            if not chunk or (drop_remainder and len(chunk) < size):
                return
            yield map_structure(lambda *leaves: np.stack(leaves) if isinstance(leaves[0], np.ndarray)
                                else _sd.stack(list(leaves)), *chunk)
    return _Elements(produce)


def counter(start, step, dtype):
    def produce():
        for value in itertools.count(start, step):
            yield _sd.asarray(value, dtype=dtype)
    return _Elements(produce, INFINITE_CARDINALITY)


def random_source(seed, rerandomize_each_iteration):
    """An infinite stream of int64 random values; seeded streams repeat on each pass unless
    `rerandomize_each_iteration`."""
    epochs = itertools.count()

    def produce():
        rng = np.random.default_rng(None if seed is None else [seed, next(epochs)] if rerandomize_each_iteration
                                    else seed)
        while True:
            yield _sd.asarray(rng.integers(-(2 ** 63), 2 ** 63 - 1, dtype=np.int64), dtype="int64")
    return _Elements(produce, INFINITE_CARDINALITY)


def sample_from_datasets(datasets, weights, seed, stop_on_empty_dataset):
    datasets = list(datasets)
    if not datasets or not all(isinstance(d, Dataset) for d in datasets):
        raise TypeError("sample_from_datasets needs a non-empty list of Datasets")
    probabilities = np.full(len(datasets), 1.0 / len(datasets)) if weights is None else \
        np.asarray([float(_scalar(w)) for w in weights], np.float64)
    if len(probabilities) != len(datasets) or (probabilities < 0).any() or probabilities.sum() <= 0:
        raise ValueError("weights must be one non-negative number per dataset, not all zero")

    def produce():
        rng = np.random.default_rng(seed)
        iterators = [iter(d) for d in datasets]
        live = probabilities.copy()
        while live.sum() > 0:
            choice = int(rng.choice(len(iterators), p=live / live.sum()))
            try:
                yield next(iterators[choice])
            except StopIteration:
                if stop_on_empty_dataset:
                    return
                live[choice] = 0.0
    return _Elements(produce)


def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset):
    datasets = list(datasets)
    if not datasets or not all(isinstance(d, Dataset) for d in datasets):
        raise TypeError("choose_from_datasets needs a non-empty list of Datasets")

    def produce():
        iterators = [iter(d) for d in datasets]
        for choice in choice_dataset:
            index = int(_scalar(choice))
            if not 0 <= index < len(iterators):
                raise errors.InvalidArgumentError(None, None, f"choice {index} is out of range for "
                                                              f"{len(iterators)} datasets")
            try:
                yield next(iterators[index])
            except StopIteration:
                if stop_on_empty_dataset:
                    return
    return _Elements(produce)
