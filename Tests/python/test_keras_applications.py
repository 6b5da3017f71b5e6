"""keras.applications against real Keras 3 (fixtures/keras_applications/): every family's
architecture (weighted layers in order with their names, classes and weight shapes: what
Keras's published ImageNet weight files are matched against; parameter counts; input and
output shapes) at default and other arguments; four models' outputs with the same weights;
preprocessing and decode_predictions; a model trains; bad arguments."""
import hashlib
import json
import os

import numpy as np
import pytest

from swiftdl import keras

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "keras_applications")
with open(os.path.join(FIXTURES, "applications.json")) as _file:
    KERAS = json.load(_file)
PREDICTIONS = np.load(os.path.join(FIXTURES, "applications.npz"))
ARCHITECTURES = sorted(key for key in KERAS if not key.startswith("predict/"))


def _arguments(arguments):
    return {k: tuple(v) if isinstance(v, list) else v for k, v in arguments.items()}


def _weighted_layers(model):
    rows = []
    for layer in model.layers:
        weights = list(layer.trainable_weights) + list(layer.non_trainable_weights)
        if weights:
            rows.append([layer.name, type(layer).__name__, [list(w.shape) for w in weights]])
    return rows


@pytest.mark.parametrize("key", ARCHITECTURES)
def test_architectures_match_keras(key, monkeypatch):
    # Weight shapes are under test, not the random draws (most of the run): zeros instead.
    monkeypatch.setattr(keras.initializers.VarianceScaling, "__call__",
                        lambda self, shape, dtype=None: np.zeros(shape, dtype or "float32"))
    expected = KERAS[key]
    keras.backend.clear_session()  # automatic layer names count from zero, as in the fixture
    model = getattr(keras.applications, key.split("/")[0])(weights=None, **_arguments(expected["arguments"]))
    layers = _weighted_layers(model)
    assert model.name == expected["name"]
    assert model.count_params() == expected["params"]
    assert list(model.inputs[0].shape)[1:] == expected["input"] and list(model.outputs[0].shape)[1:] == expected["output"]
    assert len(layers) == expected["weighted_layers"]
    assert hashlib.sha256(json.dumps(layers).encode()).hexdigest() == expected["sha256"]


def _formula_weights(model):
    ordered = [w for layer in model.layers for w in list(layer.trainable_weights) + list(layer.non_trainable_weights)]
    values = []
    for i, weight in enumerate(ordered):
        wave = np.sin(np.arange(int(np.prod(weight.shape)), dtype=np.float64) * 0.37 + i).reshape(weight.shape) * 0.2
        values.append((np.abs(wave) + 0.5 if "variance" in weight.name else wave).astype("float32"))
    return ordered, values


@pytest.mark.parametrize("name", ["DenseNet121", "MobileNetV2", "ResNet50V2", "VGG16"])
def test_outputs_match_keras_with_the_same_weights(name):
    model = getattr(keras.applications, name)(weights=None, **_arguments(KERAS[f"predict/{name}"]["arguments"]))
    for variable, value in zip(*_formula_weights(model)):
        variable.assign(value)
    np.testing.assert_allclose(model.predict(PREDICTIONS["x"], verbose=0), PREDICTIONS[name], rtol=2e-3, atol=2e-4)


def test_preprocessing_conventions():
    x = np.random.default_rng(0).uniform(0, 255, (2, 4, 4, 3)).astype(np.float32)
    caffe = keras.applications.resnet.preprocess_input(x.copy())
    np.testing.assert_allclose(caffe, x[..., ::-1] - [103.939, 116.779, 123.68], rtol=1e-6)
    np.testing.assert_allclose(keras.applications.mobilenet_v2.preprocess_input(x.copy()), x / 127.5 - 1, rtol=1e-6)
    torch = keras.applications.densenet.preprocess_input(x.copy())
    np.testing.assert_allclose(torch, (x / 255 - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225], rtol=1e-5)
    first = keras.applications.vgg16.preprocess_input(np.moveaxis(x, -1, 1).copy(), data_format="channels_first")
    np.testing.assert_allclose(np.moveaxis(first, 1, -1), caffe, rtol=1e-6)
    with pytest.raises(ValueError, match="mode"):
        keras.applications.imagenet_utils.preprocess_input(x, mode="opencv")
    with pytest.raises(ValueError, match="1000"):
        keras.applications.resnet.decode_predictions(np.zeros((2, 10)))


def test_decode_predictions_reads_the_class_index(tmp_path, monkeypatch):
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "imagenet_class_index.json").write_text(json.dumps(index))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    from swiftdl.keras.applications import imagenet_utils
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)
    monkeypatch.setattr("swiftdl.keras.utils.file_utils.validate_file", lambda *args, **kwargs: True)
    scores = np.zeros((1, 1000), np.float32)
    scores[0, [7, 3, 999]] = [0.5, 0.3, 0.2]
    top = keras.applications.mobilenet_v2.decode_predictions(scores, top=3)[0]
    assert [(c, n) for c, n, _ in top] == [("n00000007", "class_7"), ("n00000003", "class_3"),
                                           ("n00000999", "class_999")]


def test_a_small_application_trains_and_bad_arguments():
    model = keras.applications.MobileNetV2(weights=None, alpha=0.35, input_shape=(32, 32, 3), classes=3)
    model.compile("adam", "sparse_categorical_crossentropy")
    before = model.get_weights()[0].copy()
    model.fit(PREDICTIONS["x"], np.array([0, 2]), epochs=1, verbose=0)
    assert not np.array_equal(before, model.get_weights()[0])
    with pytest.raises(ValueError, match="classes` should be 1000"):
        keras.applications.ResNet50(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="`weights` argument"):
        keras.applications.VGG16(weights="nowhere.h5")
    with pytest.raises(ValueError, match="at least 32x32"):
        keras.applications.ResNet50(weights=None, include_top=False, input_shape=(16, 16, 3))
    with pytest.raises(ValueError, match="static `input_shape`"):
        keras.applications.DenseNet121(weights=None, input_shape=(None, None, 3))
    with pytest.raises(ValueError, match="alpha"):
        keras.applications.MobileNetV2(alpha=0.6)
