"""keras.utils.timeseries_dataset_from_array against real Keras's windows and targets
(fixtures/keras_dataset_utils/), shuffling, use in fit, split_dataset, and bad arguments."""
import json
import os

import numpy as np
import pytest

from swiftdl import keras

FIXTURE = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "keras_dataset_utils", "timeseries.npz"))
CASES = json.loads(str(FIXTURE["cases"]))


def _read(dataset, with_targets):
    batches = list(dataset.as_numpy_iterator())
    if not with_targets:
        return np.concatenate(batches), None, [len(b) for b in batches]
    return (np.concatenate([b[0] for b in batches]), np.concatenate([b[1] for b in batches]),
            [len(b[0]) for b in batches])


@pytest.mark.parametrize("name", sorted(CASES))
def test_windows_match_keras(name):
    arguments = dict(CASES[name])
    with_targets = arguments.pop("targets")
    dataset = keras.utils.timeseries_dataset_from_array(FIXTURE["data"], FIXTURE["targets"] if with_targets else None,
                                                        **arguments)
    x, y, sizes = _read(dataset, with_targets)
    np.testing.assert_array_equal(x, FIXTURE[f"{name}/x"])
    if with_targets:
        np.testing.assert_array_equal(y, FIXTURE[f"{name}/y"])
    assert sizes == FIXTURE[f"{name}/batches"].tolist()


def test_shuffle_keeps_the_pairs_and_seeds_repeat():
    data, targets = FIXTURE["data"], FIXTURE["targets"]
    first = _read(keras.utils.timeseries_dataset_from_array(data, targets, 4, shuffle=True, seed=3, batch_size=7), True)
    second = _read(keras.utils.timeseries_dataset_from_array(data, targets, 4, shuffle=True, seed=3, batch_size=7), True)
    np.testing.assert_array_equal(first[0], second[0])
    assert not np.array_equal(first[1], np.sort(first[1]))
    for window, target in zip(first[0], first[1]):
        np.testing.assert_array_equal(window, data[target - 100: target - 100 + 4])


def test_fit_on_a_timeseries_dataset():
    data = np.sin(np.arange(200, dtype="float32") / 5)[:, None]
    dataset = keras.utils.timeseries_dataset_from_array(data[:-10], data[10:], sequence_length=10, batch_size=16)
    model = keras.Sequential([keras.Input((10, 1)), keras.layers.LSTM(8), keras.layers.Dense(1)])
    model.compile("adam", "mse")
    history = model.fit(dataset, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["loss"][-1])


def test_split_dataset():
    x, y = np.arange(20).reshape(10, 2), np.arange(10)
    left, right = keras.utils.split_dataset((x, y), left_size=0.8)
    left_rows, right_rows = list(left.as_numpy_iterator()), list(right.as_numpy_iterator())
    assert len(left_rows) == 8 and len(right_rows) == 2
    np.testing.assert_array_equal(right_rows[0][0], [16, 17])
    left, right = keras.utils.split_dataset(np.arange(10), right_size=3, shuffle=True, seed=1)
    values = sorted(int(v) for v in list(left.as_numpy_iterator()) + list(right.as_numpy_iterator()))
    assert values == list(range(10))
    with pytest.raises(ValueError, match="At least one"):
        keras.utils.split_dataset(np.arange(10))
    with pytest.raises(ValueError, match="left_size"):
        keras.utils.split_dataset(np.arange(10), left_size=1.5)


@pytest.mark.parametrize("arguments,match", [
    ({"sequence_length": 4, "start_index": -1}, "start_index"),
    ({"sequence_length": 4, "end_index": 100}, "end_index"),
    ({"sequence_length": 4, "sampling_rate": 0}, "sampling_rate"),
    ({"sequence_length": 4, "sequence_stride": 0}, "sequence_stride"),
    ({"sequence_length": 0}, "sequence_length"),
    ({"sequence_length": 4, "format": "torch"}, "format"),
])
def test_bad_arguments(arguments, match):
    with pytest.raises(ValueError, match=match):
        keras.utils.timeseries_dataset_from_array(FIXTURE["data"], None, **arguments)
