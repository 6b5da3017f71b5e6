"""tf.data sources and transformations that work element by element: from_generator,
from_tensors, zip, unbatch, filter and enumerate. (The row-index planning of dataset.py
does not apply to them: a generator or a predicate has to be called per element.)"""
from __future__ import annotations

import itertools
from typing import Any, Callable

import swiftdl as _sd

from .dataset import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset
from .structure import convert_element, flatten, map_structure, to_tensor

__all__ = ["from_generator", "from_tensors", "zip_datasets"]


class _Generator(Dataset):
    def __init__(self, generator, args, signature):
        self._generator, self._args, self._signature = generator, args, signature

    def _elements(self):
        # Called again for every pass, as tf.data does, so each iteration starts afresh.
        for element in self._generator(*self._args):
            yield _as_signature(element, self._signature)


def _is_spec(value):
    return value is None or not isinstance(value, (tuple, dict))


def _as_signature(element, signature):
    """The yielded value converted along the declared structure (a leaf spec takes the whole
    value, a list included, as one tensor); without a signature, tuples and dicts are
    structures and lists are tensors."""
    if signature is None:
        return convert_element(element)
    if _is_spec(signature):
        return to_tensor(element)
    if isinstance(signature, dict):
        return {key: _as_signature(element[key], spec) for key, spec in signature.items()}
    if len(element) != len(signature):
        raise ValueError(f"the generator yielded {len(element)} components; the signature has {len(signature)}")
    return tuple(_as_signature(item, spec) for item, spec in zip(element, signature))


def from_generator(generator: Callable[..., Any], output_types: Any = None, output_shapes: Any = None,
                   args: Any = None, output_signature: Any = None) -> Dataset:
    """A dataset whose elements are what `generator(*args)` yields, converted to tensors.

    `output_types`, `output_shapes` and `output_signature` are accepted for TensorFlow code;
    elements are taken as the generator produces them.
    """
    if not callable(generator):
        raise TypeError(f"`generator` must be a callable; received {type(generator).__name__}")
    signature = output_signature if output_signature is not None else output_types
    return _Generator(generator, tuple(args) if args is not None else (), signature)


class _FromTensors(Dataset):
    def __init__(self, element):
        self._element = element

    def _elements(self):
        return iter([self._element])

    def cardinality(self):
        return 1


def from_tensors(tensors: Any) -> Dataset:
    """A dataset of exactly one element, `tensors` (a tensor or a tuple/dict of them; a list is
    one tensor, as in TensorFlow)."""
    return _FromTensors(convert_element(tensors))


class _Zip(Dataset):
    def __init__(self, structure):
        self._structure = structure

    def _elements(self):
        leaves = flatten(self._structure)
        for values in zip(*leaves):
            # Rebuild the caller's tuple/dict structure around one element of each dataset.
            position = iter(values)
            yield map_structure(lambda _dataset: next(position), self._structure)

    def cardinality(self):
        counts = [dataset.cardinality() for dataset in flatten(self._structure)]
        finite = [count for count in counts if count >= 0]
        if finite:
            return min(finite)
        return UNKNOWN_CARDINALITY if UNKNOWN_CARDINALITY in counts else INFINITE_CARDINALITY


def zip_datasets(*datasets: Any) -> Dataset:
    """Dataset.zip((a, b)) or Dataset.zip(a, b): elements are tuples (or dicts) of one element
    of each dataset, stopping with the shortest."""
    structure = datasets[0] if len(datasets) == 1 else datasets
    leaves = flatten(structure)
    if not leaves or not all(isinstance(leaf, Dataset) for leaf in leaves):
        raise TypeError(f"Dataset.zip needs datasets (or a tuple/dict of them); received {structure!r}")
    return _Zip(structure)


class _Unbatch(Dataset):
    def __init__(self, source):
        self._source = source

    def _elements(self):
        for batch in self._source:
            leaves = flatten(batch)
            if any(leaf.ndim == 0 for leaf in leaves):
                raise ValueError("unbatch needs elements of rank >= 1; received a scalar component")
            sizes = {leaf.shape[0] for leaf in leaves}
            if len(sizes) != 1:
                raise ValueError(f"unbatch needs components with the same first dimension; received {sorted(sizes)}")
            for row in range(sizes.pop()):
                yield map_structure(lambda tensor, row=row: tensor[row], batch)


class _Filter(Dataset):
    def __init__(self, source, predicate):
        self._source, self._predicate = source, predicate

    def _elements(self):
        for element in self._source:
            keep = self._predicate(*element) if isinstance(element, tuple) else self._predicate(element)
            keep = _sd.asarray(keep)
            if keep.ndim != 0 or keep.dtype != bool:
                raise ValueError(f"filter's predicate must return a scalar bool; received {keep.dtype} of shape "
                                 f"{tuple(keep.shape)}")
            if bool(keep):
                yield element


class _Enumerate(Dataset):
    def __init__(self, source, start):
        self._source, self._start = source, start

    def _elements(self):
        for index, element in zip(itertools.count(self._start), self._source):
            yield _sd.asarray(index, dtype="int64"), element

    def cardinality(self):
        return self._source.cardinality()


def _pad_to(tensor, shape, value):
    """`tensor` padded at the end of each axis up to `shape` with `value`."""
    if len(shape) != tensor.ndim:
        raise ValueError(f"padded_shapes {tuple(shape)} has rank {len(shape)} but the component has rank {tensor.ndim}")
    widths = []
    for axis, (size, target) in enumerate(zip(tensor.shape, shape)):
        if target < size:
            raise ValueError(f"padded_batch: dimension {axis} of a component is {size}, larger than its padded size "
                             f"{target}")
        widths.append((0, target - size))
    if not any(after for _, after in widths):
        return tensor  # nothing to pad (and scalars, which tf.pad cannot take)
    return _sd.pad(tensor, widths, constant_values=value)


class _PaddedBatch(Dataset):
    def __init__(self, source, batch_size, padded_shapes, padding_values, drop_remainder):
        self._source, self._batch_size = source, batch_size
        self._padded_shapes, self._padding_values = padded_shapes, padding_values
        self._drop_remainder = drop_remainder

    def _emit(self, batch):
        def pad_leaf(*leaves_and_options):
            *leaves, shape, value = leaves_and_options
            # Unknown sizes (None/-1, or no padded_shapes) pad to the longest in this batch.
            longest = [max(leaf.shape[axis] for leaf in leaves) for axis in range(leaves[0].ndim)]
            target = longest if shape is None else [
                longest[axis] if size is None or size == -1 else int(size) for axis, size in enumerate(shape)]
            return _sd.stack([_pad_to(leaf, target, value) for leaf in leaves])

        structure = batch[0]
        shapes = self._padded_shapes if self._padded_shapes is not None else map_structure(lambda _: None, structure)
        values = self._padding_values if self._padding_values is not None else map_structure(lambda _: 0, structure)
        if not isinstance(structure, (tuple, dict)):
            return pad_leaf(*batch, shapes, values)
        return _map_with_options(pad_leaf, batch, shapes, values)

    def _elements(self):
        batch = []
        for element in self._source:
            batch.append(element)
            if len(batch) == self._batch_size:
                yield self._emit(batch)
                batch = []
        if batch and not self._drop_remainder:
            yield self._emit(batch)

    def cardinality(self):
        upstream = self._source.cardinality()
        if upstream < 0:
            return upstream
        full, rest = divmod(upstream, self._batch_size)
        return full + (1 if rest and not self._drop_remainder else 0)


def _map_with_options(function, batch, shapes, values):
    """Applies function(*component_of_each_element, shape, value) per component of a tuple/dict element."""
    first = batch[0]
    if isinstance(first, dict):
        return {key: function(*(element[key] for element in batch), shapes[key], values[key]) for key in first}
    return tuple(function(*(element[i] for element in batch), shapes[i], values[i]) for i in range(len(first)))
