"""Keras 3's tabular preprocessing layers (Normalization, Discretization, CategoryEncoding,
StringLookup, IntegerLookup, Hashing, HashedCrossing) against outputs of real Keras 3.15.1
(fixtures/keras_preprocessing/keras_preprocessing.npz, made by make_keras_preprocessing_fixture.py
with Keras's TensorFlow backend), plus adapt on datasets, models trained with fit, Dataset.map,
config and .keras round trips, and hostile arguments."""
import json
import os

import numpy as np
import pytest

import swiftdl
from swiftdl import keras
from swiftdl.keras import layers

from keras_testing import run_layer_test

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "keras_preprocessing", "keras_preprocessing.npz")
with np.load(FIXTURE) as _data:
    KERAS = {key: _data[key] for key in _data.files}
CASES = sorted(key[:-len("__kwargs")] for key in KERAS if key.endswith("__kwargs"))


def batches_of(data, size):
    return (data[i:i + size] for i in range(0, len(data), size))


def make_layer(name, tmp_path, adapt_with=None):
    """The case's layer, built (and adapted) as the generator built it in real Keras."""
    kwargs = json.loads(str(KERAS[f"{name}__kwargs"]))
    cls = getattr(layers, kwargs.pop("class"))
    if f"{name}__vocabulary_file" in KERAS:
        path = tmp_path / f"{name}.txt"
        path.write_text("\n".join(KERAS[f"{name}__vocabulary_file"].tolist()) + "\n")
        kwargs["vocabulary"] = str(path)
    layer = cls(**kwargs)
    if f"{name}__adapt" in KERAS:
        data = KERAS[f"{name}__adapt"]
        if f"{name}__adapt_batch" in KERAS:
            size = int(KERAS[f"{name}__adapt_batch"])
            if data.dtype.kind == "U":  # swiftdl.data holds numbers only: strings come as a generator of batches
                data = batches_of(data, size)
            else:
                data = swiftdl.data.Dataset.from_tensor_slices(data).batch(size)
        layer.adapt(data if adapt_with is None else adapt_with(data))
    return layer


def case_input(name):
    if f"{name}__input" in KERAS:
        return KERAS[f"{name}__input"]
    return tuple(KERAS[f"{name}__input{i}"] for i in range(3) if f"{name}__input{i}" in KERAS)


def call(layer, name):
    extra = {"count_weights": KERAS[f"{name}__count_weights"]} if f"{name}__count_weights" in KERAS else {}
    return np.asarray(layer(case_input(name), **extra))


def assert_same(actual, expected, name):
    actual = np.asarray(actual)
    assert actual.shape == expected.shape, name
    if expected.dtype.kind == "f":
        assert actual.dtype == expected.dtype, name
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=2e-6, err_msg=name)
    elif expected.dtype.kind == "U":
        assert actual.tolist() == expected.tolist(), name
    else:
        assert actual.dtype == expected.dtype, name
        np.testing.assert_array_equal(actual, expected, err_msg=name)


@pytest.mark.parametrize("name", CASES)
def test_outputs_equal_real_keras(name, tmp_path):
    layer = make_layer(name, tmp_path)
    assert_same(call(layer, name), KERAS[f"{name}__output"], name)
    if f"{name}__vocabulary" in KERAS:
        assert layer.get_vocabulary() == KERAS[f"{name}__vocabulary"].tolist()
        assert layer.vocabulary_size() == len(KERAS[f"{name}__vocabulary"])
    if f"{name}__mean" in KERAS:
        np.testing.assert_allclose(layer.adapt_mean.numpy(), KERAS[f"{name}__mean"], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(layer.adapt_variance.numpy(), KERAS[f"{name}__variance"], rtol=1e-5, atol=1e-6)
    if f"{name}__bin_boundaries" in KERAS:
        np.testing.assert_allclose(layer.bin_boundaries, KERAS[f"{name}__bin_boundaries"], rtol=1e-6)


@pytest.mark.parametrize("name", CASES)
def test_config_round_trip(name, tmp_path):
    layer = make_layer(name, tmp_path)
    config = layer.get_config()
    json.dumps(config)  # a config must serialise as JSON
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    if layer.weights:  # adapted statistics travel as weights, as Keras loads them
        clone.build_from_config(layer.get_build_config())
        clone.set_weights(layer.get_weights())
    assert_same(call(clone, name), KERAS[f"{name}__output"], name)


@pytest.mark.parametrize("name", [n for n in CASES if f"{n}__adapt" in KERAS and f"{n}__adapt_batch" not in KERAS])
def test_adapt_on_a_dataset_and_on_a_tensor_learn_the_same(name, tmp_path):
    expected = KERAS[f"{name}__output"]
    def as_dataset(data):
        if data.dtype.kind == "U":
            pytest.skip("swiftdl.data.Dataset holds numeric tensors only")
        return swiftdl.data.Dataset.from_tensor_slices(data).batch(4)
    batched = make_layer(name, tmp_path, adapt_with=as_dataset) if KERAS[f"{name}__adapt"].dtype.kind != "U" else None
    generator = make_layer(name, tmp_path, adapt_with=lambda data: batches_of(data, 4))
    for layer in (batched, generator):
        if layer is not None and isinstance(layer, (layers.Normalization, layers.StringLookup, layers.IntegerLookup)) \
                and not getattr(layer, "output_mode", "") == "tf_idf":
            assert_same(call(layer, name), expected, name)
    if isinstance(batched, layers.Normalization):
        on_tensor = make_layer(name, tmp_path, adapt_with=swiftdl.asarray)
        assert_same(call(on_tensor, name), expected, name)


def test_normalization_unbatched_dataset_is_batched_like_keras():
    x = KERAS["norm_adapt__adapt"]
    layer = layers.Normalization()
    layer.adapt(swiftdl.data.Dataset.from_tensor_slices(x))  # elements are single feature rows
    np.testing.assert_allclose(layer.adapt_mean.numpy(), x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(layer.adapt_variance.numpy(), x.var(0), rtol=1e-5)


def test_normalization_matches_numpy_formula_and_inverts():
    x = KERAS["norm_adapt__adapt"]
    layer = layers.Normalization()
    layer.adapt(x)
    expected = (x - x.mean(0)) / np.maximum(np.sqrt(x.var(0)), keras.config.epsilon())
    np.testing.assert_allclose(np.asarray(layer(x)), expected, rtol=1e-5, atol=1e-5)
    inverse = layers.Normalization(mean=x.mean(0), variance=x.var(0), invert=True)
    np.testing.assert_allclose(np.asarray(inverse(layer(x))), x, rtol=1e-5, atol=1e-5)


def test_normalization_gradient_flows():
    layer = layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 16.0])
    x = swiftdl.Variable(np.array([[3.0, 6.0]], "float32"))
    with swiftdl.GradientTape() as tape:
        y = swiftdl.sum(layer(x))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [[0.5, 0.25]])


@pytest.mark.parametrize("cls, kwargs, shape, dtype", [
    (layers.Normalization, {"mean": [0.5, 1.0, 2.0], "variance": [1.0, 4.0, 9.0]}, (4, 3), "float32"),
    (layers.Discretization, {"bin_boundaries": [-0.5, 0.0, 0.5]}, (4, 3), "float32"),
    (layers.Discretization, {"bin_boundaries": [-0.5, 0.5], "output_mode": "one_hot"}, (4, 1), "float32"),
    (layers.CategoryEncoding, {"num_tokens": 5, "output_mode": "count"}, (4, 3), "int32"),
    (layers.CategoryEncoding, {"num_tokens": 5, "output_mode": "one_hot"}, (4, 1), "int32"),
    (layers.Hashing, {"num_bins": 4}, (4, 2), "int64"),
    (layers.Hashing, {"num_bins": 4, "output_mode": "multi_hot"}, (4, 2), "int64"),
    (layers.IntegerLookup, {"vocabulary": [1, 2, 3]}, (4, 2), "int64"),
    (layers.IntegerLookup, {"vocabulary": [1, 2, 3], "output_mode": "multi_hot"}, (4, 2), "int64"),
])
def test_layer_contract(cls, kwargs, shape, dtype):
    run_layer_test(cls, kwargs, shape, input_dtype=dtype, expected_num_non_trainable_weights=0)
