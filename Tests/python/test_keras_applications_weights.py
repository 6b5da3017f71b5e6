"""keras.applications' weights: a legacy `.h5` file laid out as real Keras writes it (the
layout of Keras's published ImageNet weight files, fixtures/keras_applications_h5/) loads
through `weights=<path>` and gives Keras's predictions; weights="imagenet" asks get_file for
Keras's URL and, with no network, fails naming it; the models train."""
import gzip
import json
import os
import urllib.error

import h5py
import numpy as np
import pytest
from keras_h5_values import h5_input, h5_values

from swiftdl import keras

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "keras_applications_h5")
with gzip.open(os.path.join(FIXTURES, "h5_layout.json.gz"), "rt") as _file:
    LAYOUT = json.load(_file)
PREDICTIONS = np.load(os.path.join(FIXTURES, "h5_predictions.npz"))
PREPROCESS = {"MobileNetV2": "mobilenet_v2", "MobileNet": "mobilenet", "ResNet50": "resnet"}


def _attribute(kind, length, shape, values, fixed_length):
    """An attribute as the fixture describes it; `fixed_length` stores strings as numpy
    byte arrays, as the Keras 2 that wrote the published weight files did."""
    if length is None and kind in ("ascii", "utf-8"):
        if fixed_length:
            return np.array([v.encode() for v in values]).reshape(shape)
        array = np.array(values, dtype=h5py.string_dtype(kind)).reshape(shape)
        return array if shape else array[()]
    return np.array(values, dtype=kind).reshape(shape)


def write_keras_h5(path, objects, fixed_length=False):
    """The weights file Keras wrote, rebuilt object by object, with `h5_values` in its datasets."""
    with h5py.File(path, "w") as handle:
        index = 0
        for kind, name, attributes, shape, dtype in objects:
            if kind == "dataset":
                target = handle.create_dataset(name, data=h5_values(index, name, shape, dtype))
                index += 1
            else:
                target = handle if name == "" else handle[name] if name in handle else handle.create_group(name)
            for attribute, description in attributes.items():
                target.attrs[attribute] = _attribute(*description, fixed_length)


def _model_function(name):
    """keras.applications.<name>, or a family's builder for "module.Builder"."""
    if "." in name:
        module, builder = name.split(".")
        return getattr(getattr(keras.applications, module), builder)
    return getattr(keras.applications, name)


def _arguments(arguments):
    return {k: tuple(v) if isinstance(v, list) else v for k, v in arguments.items()}


@pytest.mark.parametrize("name", sorted(LAYOUT))
def test_a_keras_written_h5_file_loads_and_predicts_as_keras(name, tmp_path):
    path = str(tmp_path / f"{name}.h5")
    # Keras 3 writes variable-length name lists, Keras 2 (the published files) byte arrays.
    write_keras_h5(path, LAYOUT[name]["objects"], fixed_length=name in ("MobileNetV2", "ResNet50"))
    arguments = _arguments(LAYOUT[name]["arguments"])
    model = _model_function(name)(weights=path, **arguments)
    x = h5_input(len(name), (2, *arguments["input_shape"]))
    if name in PREPROCESS:
        x = getattr(keras.applications, PREPROCESS[name]).preprocess_input(x.copy())
    expected = PREDICTIONS[f"{name}/y"]
    scale = np.abs(expected).max()
    # Dozens of float32 layers amplify the last bits that GEMM blocking leaves (AVX2 and
    # AVX-512 round differently: 1.3e-4 seen on EfficientNetV2B0); a misplaced weight moves
    # outputs by a good fraction of the scale.
    np.testing.assert_allclose(model.predict(x, verbose=0) / scale, expected / scale, rtol=0, atol=1e-3)


def test_a_file_for_another_architecture_is_refused(tmp_path):
    path = str(tmp_path / "mobilenet.h5")
    write_keras_h5(path, LAYOUT["MobileNet"]["objects"])
    with pytest.raises(ValueError):
        keras.applications.MobileNetV2(weights=path, alpha=0.35, input_shape=(96, 96, 3))


def test_imagenet_weights_come_from_keras_urls_and_fail_clearly_offline(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    asked = []

    def offline(url, *args, **kwargs):
        asked.append(url if isinstance(url, str) else url.full_url)
        raise urllib.error.URLError("Name or service not known")
    monkeypatch.setattr("urllib.request.urlopen", offline)
    monkeypatch.setattr("urllib.request.urlretrieve", offline)
    url = ("https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
           "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5")
    with pytest.raises(Exception, match="URL fetch failure on " + url.replace(".", r"\.")):
        keras.applications.MobileNetV2(alpha=0.35, input_shape=(96, 96, 3), include_top=False)
    assert asked and asked[0] == url
    assert not (tmp_path / "models" / url.rsplit("/", 1)[1]).exists()  # no partial file left behind


def test_a_cached_imagenet_file_with_the_wrong_hash_is_not_trusted(tmp_path, monkeypatch):
    # Keras's files are checked against their published hashes: a corrupt cached copy is
    # fetched again (here: offline, so it fails) rather than loaded.
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "models").mkdir()
    name = "weights_mobilenet_v3_small_224_1.0_float_no_top_v2.h5"
    (tmp_path / "models" / name).write_bytes(b"not the published file")

    def offline(url, *args, **kwargs):
        raise urllib.error.URLError("Name or service not known")
    monkeypatch.setattr("urllib.request.urlopen", offline)
    monkeypatch.setattr("urllib.request.urlretrieve", offline)
    with pytest.raises(Exception, match="mobilenet_v3/" + name.replace(".", r"\.")):
        keras.applications.MobileNetV3Small(include_top=False, input_shape=(224, 224, 3))


@pytest.mark.parametrize("name, arguments", [
    ("MobileNetV2", {"alpha": 0.35}), ("ResNet50", {}), ("MobileNetV3Small", {"alpha": 0.75}),
    ("EfficientNetB0", {}), ("convnext.ConvNeXt", {"depths": [1, 1, 1, 1], "projection_dims": [8, 8, 16, 16],
                                                   "drop_path_rate": 0.2, "name": "mini"})])
def test_one_fit_step_changes_the_weights(name, arguments):
    model = _model_function(name)(weights=None, input_shape=(32, 32, 3), classes=3, **arguments)
    model.compile("sgd", "sparse_categorical_crossentropy")
    before = [np.array(w) for w in model.trainable_weights]
    x = np.random.default_rng(0).uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    model.fit(x, np.array([0, 2]), batch_size=2, epochs=1, verbose=0)
    moved = [not np.array_equal(old, np.array(new)) for old, new in zip(before, model.trainable_weights)]
    assert moved[0], "the first convolution did not move"
    assert moved[-1], "the classifier did not move"
    assert np.mean(moved) > 0.9, f"only {np.mean(moved):.0%} of the trainable weights moved"
