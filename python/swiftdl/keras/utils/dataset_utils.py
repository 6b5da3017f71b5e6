"""keras.utils.timeseries_dataset_from_array and split_dataset over swiftdl.data.Dataset."""
import numpy as np


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1, sampling_rate=1, batch_size=128,
                                  shuffle=False, seed=None, start_index=None, end_index=None, format="tf"):  # noqa: A002
    """Sliding windows over a timeseries: window i holds data[s_i + k·sampling_rate] for k <
    sequence_length, with s_i = start_index + i·sequence_stride, and its target is
    targets[s_i]. Windows are gathered a batch at a time as the dataset is read.

    Returns:
        A Dataset of batches of `inputs` (batch, sequence_length, ...), or of
        `(inputs, targets)` when targets are given (batch_size None: single windows).
    """
    from swiftdl.data import Dataset
    data = np.asarray(data)
    _check_timeseries_arguments(data, sequence_length, sequence_stride, sampling_rate, start_index, end_index, format)
    start = start_index or 0
    end = end_index if end_index is not None else len(data)
    windows = end - start - (sequence_length - 1) * sampling_rate
    target_array = None if targets is None else np.asarray(targets)
    if target_array is not None:
        windows = min(windows, len(target_array))
    positions = np.arange(0, max(windows, 0), sequence_stride, dtype=np.int64)
    if shuffle:
        np.random.RandomState(seed if seed is not None else np.random.randint(1e6)).shuffle(positions)
    offsets = np.arange(sequence_length, dtype=np.int64) * sampling_rate
    series = data[start:end]
    labels = None if target_array is None else target_array[start:end]

    def gather(first):
        first = np.asarray(first, dtype=np.int64)
        inputs = series[first[..., None] + offsets]
        return inputs if labels is None else (inputs, labels[first])

    dataset = Dataset.from_tensor_slices(positions)
    if batch_size is not None:
        dataset = dataset.batch(batch_size)
    return dataset.map(gather)


def _check_timeseries_arguments(data, sequence_length, sequence_stride, sampling_rate, start_index, end_index, form):
    if start_index:
        if start_index < 0:
            raise ValueError(f"`start_index` must be 0 or greater. Received: start_index={start_index}")
        if start_index >= len(data):
            raise ValueError(f"`start_index` must be lower than the length of the data. Received: "
                             f"start_index={start_index}, for data of length {len(data)}")
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError(f"`end_index` must be higher than `start_index`. Received: start_index={start_index}, "
                             f"and end_index={end_index} ")
        if end_index >= len(data):
            raise ValueError(f"`end_index` must be lower than the length of the data. Received: end_index={end_index}, "
                             f"for data of length {len(data)}")
        if end_index <= 0:
            raise ValueError(f"`end_index` must be higher than 0. Received: end_index={end_index}")
    for name, value in (("sampling_rate", sampling_rate), ("sequence_stride", sequence_stride)):
        if value <= 0:
            raise ValueError(f"`{name}` must be higher than 0. Received: {name}={value}")
        if value >= len(data):
            raise ValueError(f"`{name}` must be lower than the length of the data. Received: {name}={value}, for "
                             f"data of length {len(data)}")
    if sequence_length <= 0:
        raise ValueError(f"`sequence_length` must be higher than 0. Received: sequence_length={sequence_length}")
    if form not in ("tf", "grain"):
        raise ValueError(f'`format` should be either "tf" or "grain". Received: format={form}')


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None,
                  preferred_backend=None):
    """Two Datasets from arrays, a tuple/dict of arrays or a Dataset of single samples:
    sizes as counts (ints) or fractions (floats in (0, 1)); one may be None (the rest)."""
    from swiftdl.data import Dataset
    samples = _samples(dataset)
    total = len(samples)
    if total == 0:
        raise ValueError("No samples to split. The dataset is empty.")
    left, right = _split_sizes(left_size, right_size, total)
    order = np.arange(total)
    if shuffle:
        np.random.default_rng(seed if seed is not None else np.random.randint(1e6)).shuffle(order)

    def subset(indices):
        chosen = [samples[i] for i in indices]
        if isinstance(chosen[0], tuple):
            return Dataset.from_tensor_slices(tuple(np.stack([c[k] for c in chosen]) for k in range(len(chosen[0]))))
        if isinstance(chosen[0], dict):
            return Dataset.from_tensor_slices({key: np.stack([c[key] for c in chosen]) for key in chosen[0]})
        return Dataset.from_tensor_slices(np.stack(chosen))
    return subset(order[:left]), subset(order[left:left + right])


def _samples(dataset):
    if isinstance(dataset, tuple):
        arrays = [np.asarray(part) for part in dataset]
        if len({len(array) for array in arrays}) != 1:
            raise ValueError(f"The arrays of `dataset` must have one length; received {[len(a) for a in arrays]}")
        return [tuple(array[i] for array in arrays) for i in range(len(arrays[0]))]
    if isinstance(dataset, dict):
        arrays = {key: np.asarray(value) for key, value in dataset.items()}
        length = len(next(iter(arrays.values())))
        return [{key: value[i] for key, value in arrays.items()} for i in range(length)]
    if isinstance(dataset, (np.ndarray, list)):
        return list(np.asarray(dataset))
    if hasattr(dataset, "as_numpy_iterator"):
        return list(dataset.as_numpy_iterator())
    raise TypeError(f"The `dataset` argument must be a Dataset, a list or tuple of arrays, a dict or a numpy array; "
                    f"received {type(dataset).__name__}")


def _split_sizes(left_size, right_size, total):
    def count(size, name):
        if size is None:
            return None
        if isinstance(size, float):
            if not 0 < size < 1:
                raise ValueError(f"`{name}` should be a float in (0, 1) or an int; received {name}={size}")
            return int(round(size * total))
        if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
            if not 0 < size <= total:
                raise ValueError(f"`{name}` should be between 1 and the number of samples ({total}); received "
                                 f"{name}={size}")
            return int(size)
        raise TypeError(f"`{name}` must be a float, an int or None; received {name}={size!r}")
    left, right = count(left_size, "left_size"), count(right_size, "right_size")
    if left is None and right is None:
        raise ValueError("At least one of the `left_size` or `right_size` must be specified.")
    left = total - right if left is None else left
    right = total - left if right is None else right
    if left + right > total or left <= 0 or right <= 0:
        raise ValueError(f"The sum of `left_size` and `right_size` should be at most the number of samples {total} "
                         f"and both at least 1; received left_size={left_size}, right_size={right_size}")
    return left, right
