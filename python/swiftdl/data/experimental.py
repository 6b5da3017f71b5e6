"""tf.data.experimental: the older spellings of Dataset's methods (many TensorFlow scripts
still write `tf.data.experimental.AUTOTUNE`) and the option classes."""
from . import _pipeline_ops
from .dataset import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset
from .iterator import Optional
from .options import (AutoShardPolicy, AutotuneAlgorithm, AutotuneOptions, DistributeOptions, ExternalStatePolicy,
                      OptimizationOptions, ThreadingOptions)

SHARD_HINT = -1


def cardinality(dataset):
    """The dataset's number of elements as an int64 scalar (-1 infinite, -2 unknown)."""
    from .._tf_cast import constant
    return constant(dataset.cardinality(), dtype="int64")


def assert_cardinality(expected_cardinality):
    return lambda dataset: _Asserted(dataset, int(expected_cardinality))


class _Asserted(Dataset):
    def __init__(self, source, expected):
        self._source, self._expected = source, expected

    def _elements(self):
        from .. import errors
        count = 0
        for element in self._source:
            count += 1
            if count > self._expected >= 0:
                raise errors.FailedPreconditionError(None, None, f"Input dataset was expected to contain "
                                                                 f"{self._expected} elements but contained at least "
                                                                 f"{count} elements.")
            yield element
        if count < self._expected:
            raise errors.FailedPreconditionError(None, None, f"Input dataset was expected to contain "
                                                             f"{self._expected} elements but contained only {count} "
                                                             f"elements.")

    def cardinality(self):
        return self._expected


def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False):
    return _pipeline_ops.sample_from_datasets(datasets, weights, seed, stop_on_empty_dataset)


def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True):
    return _pipeline_ops.choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset)


def get_single_element(dataset):
    return _pipeline_ops.get_single_element(dataset)


def Counter(start=0, step=1, dtype="int64"):  # noqa: N802  (TensorFlow's name)
    return _pipeline_ops.counter(start, step, dtype)


def RandomDataset(seed=None, rerandomize_each_iteration=None):  # noqa: N802
    return _pipeline_ops.random_source(seed, rerandomize_each_iteration)


def from_list(elements, name=None):
    """A dataset of the given elements, in order (each a tensor or a structure of them)."""
    from .structure import map_structure, to_tensor
    items = [map_structure(to_tensor, e) for e in elements]
    if not items:
        raise ValueError("from_list needs at least one element")
    return _pipeline_ops._Elements(lambda: iter(items), len(items))


def at(dataset, index):
    """The element at `index` (tf.data.experimental.at)."""
    from .. import errors
    for position, element in enumerate(dataset):
        if position == int(index):
            return element
    raise errors.OutOfRangeError(None, None, f"Index {index} is out of range")


def enable_debug_mode():
    """Accepted: swiftdl's pipelines already run eagerly, element by element, in order."""
    return None


def get_next_as_optional(iterator):
    return iterator.get_next_as_optional()


# The transformations TensorFlow once spelled as `dataset.apply(tf.data.experimental.x(...))`.
def unbatch():
    return lambda dataset: dataset.unbatch()


def unique():
    return lambda dataset: dataset.unique()


def enumerate_dataset(start=0):
    return lambda dataset: dataset.enumerate(start)


def scan(initial_state, scan_func):
    return lambda dataset: dataset.scan(initial_state, scan_func)


def take_while(predicate):
    return lambda dataset: dataset.take_while(predicate)


def group_by_window(key_func, reduce_func, window_size=None, window_size_func=None):
    return lambda dataset: dataset.group_by_window(key_func, reduce_func, window_size, window_size_func)


def bucket_by_sequence_length(element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes=None,
                              padding_values=None, pad_to_bucket_boundary=False, no_padding=False,
                              drop_remainder=False):
    return lambda dataset: dataset.bucket_by_sequence_length(
        element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes, padding_values,
        pad_to_bucket_boundary, no_padding, drop_remainder)


def shuffle_and_repeat(buffer_size, count=None, seed=None):
    return lambda dataset: dataset.shuffle(buffer_size, seed=seed).repeat(count)


def map_and_batch(map_func, batch_size, num_parallel_batches=None, drop_remainder=False, num_parallel_calls=None):
    return lambda dataset: dataset.map(map_func).batch(batch_size, drop_remainder=drop_remainder)


def parallel_interleave(map_func, cycle_length, block_length=1, sloppy=False, buffer_output_elements=None,
                        prefetch_input_elements=None):
    return lambda dataset: dataset.interleave(map_func, cycle_length, block_length)


__all__ = ["AUTOTUNE", "AutoShardPolicy", "AutotuneAlgorithm", "AutotuneOptions", "Counter", "DistributeOptions",
           "ExternalStatePolicy", "INFINITE_CARDINALITY", "OptimizationOptions", "Optional", "RandomDataset",
           "SHARD_HINT", "ThreadingOptions", "UNKNOWN_CARDINALITY", "assert_cardinality", "at",
           "bucket_by_sequence_length", "cardinality", "choose_from_datasets", "enable_debug_mode",
           "enumerate_dataset", "from_list", "get_next_as_optional", "get_single_element", "group_by_window",
           "map_and_batch", "parallel_interleave", "sample_from_datasets", "scan", "shuffle_and_repeat",
           "take_while", "unbatch", "unique"]
