"""Keras 3 `.keras` files both ways: Keras-made fixtures load with Keras's predictions and
resume training as Keras does; swiftdl's files hold Keras's layout; bad files fail cleanly."""
import io
import json
import os
import zipfile

import numpy as np
import pytest

from swiftdl import keras
from swiftdl.keras import layers

h5py = pytest.importorskip("h5py")

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "keras")
KERAS_MODELS = ["mlp", "cnn", "rnn", "conv1d", "functional", "layers2d", "sequences", "ops"]


def _fixture(name):
    arrays = np.load(os.path.join(FIXTURES, f"{name}.npz"), allow_pickle=False)
    return os.path.join(FIXTURES, f"{name}.keras"), {k: arrays[k] for k in arrays.files}


@pytest.mark.parametrize("name", KERAS_MODELS)
def test_keras_made_file_predicts_as_keras(name):
    path, arrays = _fixture(f"keras_{name}")
    model = keras.models.load_model(path)
    np.testing.assert_allclose(model.predict(arrays["x"], verbose=0), arrays["y"], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", ["mlp", "cnn", "rnn", "sequences", "ops"])
def test_keras_made_file_resumes_training_as_keras(name):
    """compile=True restores the optimizer and its state: one more batch lands on the
    weights Keras reached from the same file."""
    path, arrays = _fixture(f"keras_{name}")
    model = keras.models.load_model(path)
    assert model.compiled and model.optimizer.iterations.numpy() == 8
    model.train_on_batch(arrays["train_x"], arrays["train_y"])
    after = [arrays[f"after_{i}"] for i in range(len(model.get_weights()))]
    for got, expected in zip(model.get_weights(), after):
        np.testing.assert_allclose(got, expected, rtol=2e-4, atol=2e-5)


def test_compile_false_gives_an_uncompiled_model():
    path, arrays = _fixture("keras_mlp")
    model = keras.saving.load_model(path, compile=False)
    assert not model.compiled
    np.testing.assert_allclose(model.predict(arrays["x"], verbose=0), arrays["y"], rtol=1e-4, atol=1e-5)


def _trained_model():
    keras.utils.set_random_seed(3)
    inputs = keras.Input((6, 3))
    x = layers.LSTM(4, return_sequences=True)(inputs)
    x = layers.GRU(3)(x)
    x = layers.Dense(5, activation="relu")(x)
    x = layers.BatchNormalization()(x)
    model = keras.Model(inputs, layers.Dense(2, activation="softmax")(x))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(0)
    model.fit(rng.normal(size=(16, 6, 3)).astype("float32"), rng.integers(0, 2, 16), batch_size=8, epochs=1, verbose=0)
    return model, rng


def test_swiftdl_file_has_keras_layout(tmp_path):
    model, _ = _trained_model()
    path = tmp_path / "m.keras"
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["config.json", "metadata.json", "model.weights.h5"]
        config = json.loads(archive.read("config.json"))
        assert json.loads(archive.read("metadata.json"))["keras_version"].startswith("3.")
        handle = h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r")
    assert config["class_name"] == "Functional" and set(config) >= {"config", "build_config", "compile_config"}
    assert config["compile_config"]["optimizer"]["class_name"] == "Adam"
    assert config["compile_config"]["loss"] == "sparse_categorical_crossentropy"
    with handle:
        assert handle["layers/lstm/cell/vars/0"].shape == (3, 16)
        assert handle["layers/lstm/cell/vars/1"].shape == (4, 16)
        assert handle["layers/gru/cell/vars/2"].shape == (2, 9)
        assert handle["layers/dense/vars/0"].shape == (3, 5)
        assert handle["layers/dense_1/vars/0"].shape == (5, 2)
        assert len(handle["layers/batch_normalization/vars"]) == 4
        assert handle["layers/lstm/vars"].attrs["name"] == model.layers[1].name
        # iterations, learning rate, then (momentum, velocity) per trainable variable
        assert len(handle["optimizer/vars"]) == 2 + 2 * len(model.trainable_variables)
        assert int(handle["optimizer/vars/0"][()]) == 2


def test_swiftdl_round_trip_predicts_and_resumes(tmp_path):
    model, rng = _trained_model()
    x = rng.normal(size=(4, 6, 3)).astype("float32")
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    batch_x, batch_y = rng.normal(size=(8, 6, 3)).astype("float32"), rng.integers(0, 2, 8)
    model.train_on_batch(batch_x, batch_y)
    loaded.train_on_batch(batch_x, batch_y)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_sequential_round_trip_and_aliases(tmp_path):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="relu"), layers.Dense(1)])
    path = str(tmp_path / "s.keras")
    keras.saving.save_model(model, path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, keras.Sequential) and not loaded.compiled
    x = np.ones((2, 4), "float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_model_checkpoint_saves_whole_models(tmp_path):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    path = str(tmp_path / "ckpt_{epoch}.keras")
    x, y = np.ones((8, 4), "float32"), np.zeros((8, 1), "float32")
    model.fit(x, y, epochs=2, verbose=0, callbacks=[keras.callbacks.ModelCheckpoint(path, monitor="loss")])
    loaded = keras.models.load_model(str(tmp_path / "ckpt_2.keras"))
    np.testing.assert_allclose(loaded.get_weights()[0], model.get_weights()[0])
    assert int(loaded.optimizer.iterations.numpy()) == 2


def test_weights_h5_uses_the_same_layout(tmp_path):
    path, arrays = _fixture("keras_cnn")
    model = keras.models.load_model(path, compile=False)
    weights = str(tmp_path / "w.weights.h5")
    model.save_weights(weights)
    with zipfile.ZipFile(path) as archive, h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as keras_h5, \
            h5py.File(weights, "r") as ours:
        for key in ("layers/conv2d/vars/0", "layers/conv2d_1/vars/1", "layers/batch_normalization/vars/3"):
            np.testing.assert_array_equal(ours[key][()], keras_h5[key][()])


# ---- bad files ---------------------------------------------------------------------------
def _rewrite(source, target, replace):
    with zipfile.ZipFile(source) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members = replace(members)
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return str(target)


@pytest.mark.parametrize("damage, message", [
    (lambda m: {k: v for k, v in m.items() if k != "config.json"}, "config.json"),
    (lambda m: dict(m, **{"config.json": b"{not json"}), "not valid JSON"),
    (lambda m: dict(m, **{"config.json": b"[1, 2]"}), "class_name"),
    (lambda m: dict(m, **{"model.weights.h5": b"garbage"}), "HDF5"),
    (lambda m: dict(m, **{"config.json": m["config.json"].replace(b'"Dense"', b'"Frobnicate"')}), "Frobnicate"),
    (lambda m: dict(m, **{"config.json": m["config.json"].replace(b'"units": 16', b'"units": 15')}), "shape"),
])
def test_malformed_files_raise_clear_errors(tmp_path, damage, message):
    path, _ = _fixture("keras_mlp")
    bad = _rewrite(path, tmp_path / "bad.keras", damage)
    with pytest.raises(ValueError, match=message):
        keras.models.load_model(bad)


def test_not_a_zip_and_missing_file(tmp_path):
    junk = tmp_path / "junk.keras"
    junk.write_bytes(b"\x00" * 100)
    with pytest.raises(ValueError, match="zip"):
        keras.models.load_model(str(junk))
    with pytest.raises(ValueError, match="not found"):
        keras.models.load_model(str(tmp_path / "nothing.keras"))
    with pytest.raises(ValueError, match=".keras"):
        keras.Sequential([keras.Input((2,)), layers.Dense(1)]).save(str(tmp_path / "m.pkl"))


def test_mismatched_weights_file_leaves_the_model_unchanged(tmp_path):
    path, _ = _fixture("keras_mlp")
    other = keras.Sequential([keras.Input((8,)), layers.Dense(16), layers.Dense(4)])
    weights = str(tmp_path / "w.weights.h5")
    other.save_weights(weights)
    model = keras.models.load_model(path, compile=False)
    before = model.get_weights()
    with pytest.raises(ValueError, match="shape"):
        model.load_weights(weights)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_unknown_keras_argument_is_named(tmp_path):
    path, _ = _fixture("keras_mlp")
    bad = _rewrite(path, tmp_path / "bad.keras",
                   lambda m: dict(m, **{"config.json": m["config.json"].replace(b'"quantization_config": null',
                                                                                  b'"quantization_config": "int8"', 1)}))
    with pytest.raises(ValueError, match="quantization_config"):
        keras.models.load_model(bad)


# ---- swiftdl-made files, checked by real Keras -------------------------------------------
SWIFTDL_MODELS = ["mlp", "cnn", "rnn", "conv1d", "functional", "layers2d", "sequences", "ops"]


@pytest.mark.parametrize("name", SWIFTDL_MODELS)
def test_committed_swiftdl_files_still_load(name):
    """The swiftdl_*.keras fixtures were verified in Keras 3.15.1 (verify_in_keras.py)."""
    path, arrays = _fixture(f"swiftdl_{name}")
    model = keras.models.load_model(path)
    np.testing.assert_allclose(model.predict(arrays["x"], verbose=0), arrays["y"], rtol=1e-4, atol=1e-5)


def test_files_saved_now_load_in_real_keras(tmp_path):
    """Set SWIFTDL_KERAS_PYTHON to a Python with Keras 3 (kept outside swiftdl's
    environment) to have Keras itself load files saved by this checkout."""
    import subprocess
    import sys
    python = os.environ.get("SWIFTDL_KERAS_PYTHON")
    if not python:
        pytest.skip("SWIFTDL_KERAS_PYTHON is not set")
    sys.path.insert(0, FIXTURES)
    try:
        import make_swiftdl_fixtures
    finally:
        sys.path.remove(FIXTURES)
    for name, factory in make_swiftdl_fixtures.MODELS.items():
        make_swiftdl_fixtures.make(name, factory, directory=str(tmp_path))
    result = subprocess.run([python, os.path.join(FIXTURES, "verify_in_keras.py"), str(tmp_path)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert result.stdout.count("ok ") == len(make_swiftdl_fixtures.MODELS)


class _Net(keras.Model):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = layers.Dense(units, activation="relu")
        self.head = layers.Dense(1)

    def call(self, x):
        return self.head(self.hidden(x))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_subclassed_model_round_trip_needs_its_class(tmp_path):
    model = _Net(units=4)
    x = np.ones((2, 5), "float32")
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, np.ones((2, 1), "float32"), verbose=0)
    path = str(tmp_path / "net.keras")
    model.save(path)
    with zipfile.ZipFile(path) as archive, h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as handle:
        assert handle["hidden/vars/0"].shape == (5, 4) and handle["head/vars/0"].shape == (4, 1)
    with pytest.raises(ValueError, match="custom_objects"):
        keras.models.load_model(path)
    loaded = keras.models.load_model(path, custom_objects={"_Net": _Net})
    assert loaded.units == 4 and int(loaded.optimizer.iterations.numpy()) == 1
    np.testing.assert_allclose(np.asarray(loaded(x)), np.asarray(model(x)))


def _structured_models():
    a, b = keras.Input((4,), name="f"), keras.Input((4,), name="g")
    return [(a, layers.Dense(1, name="d0")(a)), ([a], [layers.Dense(1, name="d1")(a)]),
            ({"x": a, "y": b}, (layers.Dense(1, name="d2")(a), [layers.Dense(2, name="d3")(b)])),
            ([a, b], {"s": layers.Dense(1, name="d4")(a), "r": layers.Dense(2, name="d5")(b)})]


# What Keras 3.15.1's get_config writes for the same four models (run in a Keras venv).
_KERAS_STRUCTURES = [
    (["f", 0, 0], ["d0", 0, 0]),
    ([["f", 0, 0]], [["d1", 0, 0]]),
    ({"x": ["f", 0, 0], "y": ["g", 0, 0]}, (["d2", 0, 0], [["d3", 0, 0]])),
    ([["f", 0, 0], ["g", 0, 0]], {"s": ["d4", 0, 0], "r": ["d5", 0, 0]}),
]


@pytest.mark.parametrize("index", range(4))
def test_functional_input_and_output_structures_are_written_and_read_as_keras_does(tmp_path, index):
    inputs, outputs = _structured_models()[index]
    model = keras.Model(inputs, outputs)
    config = model.get_config()
    assert (config["input_layers"], config["output_layers"]) == _KERAS_STRUCTURES[index]
    model.save(str(tmp_path / "m.keras"))
    loaded = keras.models.load_model(str(tmp_path / "m.keras"))
    x = np.linspace(-1, 1, 8, dtype="float32").reshape(2, 4)
    data = {"x": x, "y": -x} if isinstance(inputs, dict) else [x, -x][:len(inputs)] if isinstance(inputs, list) else x
    expected, got = model.predict(data, verbose=0), loaded.predict(data, verbose=0)
    if isinstance(outputs, dict):
        assert isinstance(got, dict) and list(got) == list(expected)
    # JSON has no tuples: a tuple of outputs comes back as a list, in Keras as here.
    keras.tree.map_structure(lambda e, g: np.testing.assert_allclose(g, e, rtol=1e-6),
                             keras.tree.lists_to_tuples(expected), keras.tree.lists_to_tuples(got))
