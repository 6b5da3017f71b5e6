"""ContrastLimitedAdaptiveHistogramEqualization against real Keras 3
(fixtures/keras_clahe_and_max_boxes/): padded and unpadded tile grids, a grid larger than the
image, clipping on and off, value ranges, uint8/float64 inputs, channels_first and single
images give Keras's pixels and dtypes; configs match; a one-tile grid equals a numpy histogram
equalisation; applied in inference; in models, datasets and .keras files; bad arguments."""
import json
import os

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "keras_clahe_and_max_boxes")
KERAS = np.load(os.path.join(FIXTURES, "clahe_and_max_boxes.npz"))
with open(os.path.join(FIXTURES, "clahe_and_max_boxes.json")) as _file:
    META = json.load(_file)["clahe"]
CLAHE = keras.layers.ContrastLimitedAdaptiveHistogramEqualization
RNG = np.random.default_rng(5)


def _tuples(arguments):
    return {k: tuple(v) if isinstance(v, list) else v for k, v in arguments.items()}


def _comparable(config):
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in config.items() if k not in ("name", "dtype")}


@pytest.mark.parametrize("name", sorted(META))
def test_matches_keras(name):
    case = META[name]
    layer = CLAHE(**_tuples(case["arguments"]))
    got = np.asarray(layer(KERAS[f"clahe/{name}/x"]))
    want = KERAS[f"clahe/{name}/y"]
    assert got.dtype == np.dtype(case["output_dtype"]) and got.shape == want.shape
    scale = 1.0 if case["arguments"].get("value_range") is None else 1.0 / 255
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-4 * scale)
    assert _comparable(layer.get_config()) == _comparable(case["config"])


def _numpy_equalization(channel):
    """One tile, no clipping: each value through (cdf - cdf[0]) * 255 / (n - cdf[0]) of its histogram."""
    values = np.clip(channel.astype(np.int64), 0, 255)
    cdf = np.cumsum(np.bincount(values.ravel(), minlength=256)).astype(np.float64)
    denominator = values.size - cdf[0] or 1.0
    return np.clip((cdf - cdf[0]) * 255.0 / denominator, 0, 255)[values]


def test_one_tile_without_clipping_is_histogram_equalisation():
    images = RNG.uniform(40, 180, (2, 9, 11, 3)).astype("float32")
    got = np.asarray(CLAHE(clip_limit=0, tile_grid_size=(1, 1))(images))
    want = np.stack([np.stack([_numpy_equalization(images[b, ..., c]) for c in range(3)], -1) for b in range(2)])
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-3)


def test_clipping_limits_the_stretch_and_flat_images_stay_finite():
    dull = RNG.uniform(100, 110, (1, 16, 16, 1)).astype("float32")
    strong = np.asarray(CLAHE(clip_limit=0, tile_grid_size=(2, 2))(dull))
    gentle = np.asarray(CLAHE(clip_limit=1.0, tile_grid_size=(2, 2))(dull))
    assert np.ptp(strong) > np.ptp(gentle) > np.ptp(dull)
    flat = np.full((2, 6, 6, 3), 77.0, np.float32)
    out = np.asarray(CLAHE(tile_grid_size=(2, 3))(flat))
    assert np.all(np.isfinite(out)) and out.min() >= 0 and out.max() <= 255


def test_applied_in_inference_and_deterministic():
    images = RNG.uniform(0, 255, (2, 12, 12, 3)).astype("float32")
    layer = CLAHE(tile_grid_size=(3, 3))
    np.testing.assert_array_equal(np.asarray(layer(images, training=False)), np.asarray(layer(images, training=True)))
    assert not np.allclose(np.asarray(layer(images)), images)


def test_channels_first_equals_channels_last():
    images = RNG.uniform(0, 255, (2, 10, 7, 2)).astype("float32")
    last = np.asarray(CLAHE(tile_grid_size=(3, 2))(images))
    first = np.asarray(CLAHE(tile_grid_size=(3, 2), data_format="channels_first")(np.moveaxis(images, -1, 1)))
    np.testing.assert_allclose(np.moveaxis(first, 1, -1), last, rtol=1e-6)


def test_in_a_model_a_dataset_and_a_keras_file(tmp_path):
    images = RNG.uniform(0, 255, (4, 8, 8, 3)).astype("float32")
    model = keras.Sequential([keras.Input((8, 8, 3)), CLAHE(tile_grid_size=(2, 2), clip_limit=2.0),
                              keras.layers.Rescaling(1 / 255), keras.layers.Flatten(), keras.layers.Dense(2)])
    model.compile("adam", "mse")
    history = model.fit(images, np.zeros((4, 2), np.float32), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    path = tmp_path / "clahe.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(images, verbose=0), model.predict(images, verbose=0), rtol=1e-6)
    assert _comparable(loaded.layers[0].get_config()) == _comparable(model.layers[0].get_config())
    mapped = sd.data.Dataset.from_tensor_slices(images).batch(2).map(CLAHE(tile_grid_size=(2, 2)))
    batches = [np.asarray(batch) for batch in mapped]
    np.testing.assert_allclose(np.concatenate(batches), np.concatenate(
        [np.asarray(CLAHE(tile_grid_size=(2, 2))(images[i:i + 2])) for i in (0, 2)]), rtol=1e-6)


@pytest.mark.parametrize("arguments, match", [
    (dict(tile_grid_size=(0, 2)), "tile_grid_size"), (dict(tile_grid_size=3), "tile_grid_size"),
    (dict(tile_grid_size=(2, 2, 2)), "tile_grid_size"), (dict(tile_grid_size=(2.5, 2)), "tile_grid_size"),
    (dict(clip_limit="high"), "clip_limit"), (dict(clip_limit=None), "clip_limit"),
    (dict(value_range=(0,)), "value_range"), (dict(value_range=5), "value_range")])
def test_bad_arguments(arguments, match):
    with pytest.raises(ValueError, match=match):
        CLAHE(**arguments)


def test_bad_inputs():
    with pytest.raises(ValueError, match="rank 3 or 4"):
        CLAHE()(np.zeros((4, 4), np.float32))
    with pytest.raises(ValueError, match="rank 3 or 4"):
        CLAHE()(np.zeros((1, 2, 4, 4, 3), np.float32))
