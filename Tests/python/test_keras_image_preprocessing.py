"""Resizing and CenterCrop against real Keras 3 outputs (fixtures/keras_image_preprocessing/),
the random augmentations (RandomFlip, RandomBrightness, RandomContrast) by what each must
do to every image, their configs against Keras's, use in models that train and save, and
hostile arguments."""
import json
import os

import numpy as np
import pytest

from swiftdl import keras

FIXTURE = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "keras_image_preprocessing",
                               "keras_image_preprocessing.npz"))
CASES = json.loads(str(FIXTURE["cases"]))
CONFIGS = json.loads(str(FIXTURE["configs"]))
RNG = np.random.default_rng(3)


@pytest.mark.parametrize("name", sorted(CASES))
def test_deterministic_layers_match_keras(name):
    case = CASES[name]
    layer = getattr(keras.layers, case["class_name"])(**case["arguments"])
    x = FIXTURE[f"{name}/x"]
    y = layer(x)
    expected = FIXTURE[f"{name}/y"]
    assert y.shape == expected.shape and np.dtype(y.dtype) == expected.dtype
    tolerance = 0 if expected.dtype == np.uint8 else 2e-4
    np.testing.assert_allclose(np.asarray(y, dtype=np.float64), expected.astype(np.float64), atol=tolerance,
                               rtol=1e-5)
    assert tuple(layer.compute_output_shape(x.shape)) == expected.shape


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_configs_are_keras_s(name):
    expected = CONFIGS[name]
    layer = getattr(keras.layers, name).from_config(expected)
    config = layer.get_config()
    config.pop("dtype")
    assert json.loads(json.dumps(config)) == expected


def _images(batched=True):
    return (RNG.random((4, 5, 6, 3) if batched else (5, 6, 3)) * 200 + 20).astype("float32")


@pytest.mark.parametrize("mode", ["horizontal", "vertical", "horizontal_and_vertical"])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_random_flip_flips_whole_images(mode, data_format):
    layer = keras.layers.RandomFlip(mode, seed=4, data_format=data_format)
    x = _images()
    if data_format == "channels_first":
        x = np.ascontiguousarray(np.moveaxis(x, -1, 1))
    h, w = (2, 3) if data_format == "channels_first" else (1, 2)
    flipped = {"horizontal": np.flip(x, w), "vertical": np.flip(x, h),
               "horizontal_and_vertical": np.flip(np.flip(x, w), h)}[mode]
    seen = set()
    for _ in range(6):
        y = np.asarray(layer(x, training=True))
        for i in range(len(x)):
            if np.array_equal(y[i], x[i]):
                seen.add("kept")
            else:
                np.testing.assert_array_equal(y[i], flipped[i])
                seen.add("flipped")
    assert seen == {"kept", "flipped"}
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)


def test_same_seed_same_flips_and_unbatched_images():
    x = _images()
    first = np.asarray(keras.layers.RandomFlip(seed=11)(x, training=True))
    second = np.asarray(keras.layers.RandomFlip(seed=11)(x, training=True))
    np.testing.assert_array_equal(first, second)
    single = keras.layers.RandomFlip("horizontal", seed=2)(_images(batched=False), training=True)
    assert single.shape == (5, 6, 3)


def test_random_crop_takes_one_window_of_the_batch_in_training_only():
    x = _images()
    layer = keras.layers.RandomCrop(3, 4, seed=7)
    y = np.asarray(layer(x, training=True))
    assert y.shape == (4, 3, 4, 3)
    windows = [(top, left) for top in range(3) for left in range(3)
               if np.array_equal(y, x[:, top:top + 3, left:left + 4])]
    assert len(windows) == 1
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)  # Keras passes them through
    small = np.asarray(keras.layers.RandomCrop(8, 8, seed=1)(x, training=True))
    np.testing.assert_allclose(small, np.asarray(keras.layers.Resizing(8, 8, crop_to_aspect_ratio=True)(x)),
                               rtol=1e-5, atol=1e-4)
    assert isinstance(keras.layers.RandomCrop(2, 2).get_config()["seed"], int)


def test_random_brightness_adds_one_delta_per_image_within_range():
    layer = keras.layers.RandomBrightness((-0.2, 0.3), value_range=(0, 255), seed=5)
    x = _images()
    y = np.asarray(layer(x, training=True))
    for i in range(len(x)):
        inside = (y[i] > 0) & (y[i] < 255)
        deltas = (y[i] - x[i])[inside]
        assert np.ptp(deltas) < 1e-3
        assert -0.2 * 255 - 1e-3 <= deltas[0] <= 0.3 * 255 + 1e-3
    assert y.min() >= 0 and y.max() <= 255
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)


def test_random_contrast_scales_deviations_from_each_channel_mean():
    layer = keras.layers.RandomContrast((0.2, 0.5), value_range=(-1e6, 1e6), seed=6)
    x = _images()
    y = np.asarray(layer(x, training=True), dtype=np.float64)
    mean = x.astype(np.float64).mean(axis=(1, 2), keepdims=True)
    deviations = x - mean
    far = np.abs(deviations) > 5  # float32 rounding swamps the ratio near the mean
    factors = (y - mean) / np.where(far, deviations, 1.0)
    for i in range(len(x)):
        assert np.ptp(factors[i][far[i]]) < 1e-4
        assert 0.8 - 1e-4 <= factors[i][far[i]][0] <= 1.5 + 1e-4


@pytest.mark.parametrize("make", [lambda: keras.layers.RandomRotation(0.2, seed=1),
                                  lambda: keras.layers.RandomZoom(0.3, seed=2),
                                  lambda: keras.layers.RandomTranslation(0.2, 0.2, seed=3)])
def test_random_affine_layers_vary_per_image_and_only_in_training(make):
    layer, x = make(), np.repeat(_images()[:1], 4, axis=0)
    y = np.asarray(layer(x, training=True))
    assert y.shape == x.shape and not np.allclose(y[0], y[1])  # one transformation per image
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)
    np.testing.assert_array_equal(np.asarray(make()(x, training=True)), y)  # same seed, same draws


def test_augmentation_in_a_model_trains_saves_and_is_identity_in_predict(tmp_path):
    model = keras.Sequential([keras.Input((6, 8, 3)), keras.layers.Resizing(4, 4), keras.layers.RandomFlip(seed=1),
                              keras.layers.RandomRotation(0.1, seed=4), keras.layers.RandomZoom(0.1, seed=5),
                              keras.layers.RandomTranslation(0.1, 0.1, seed=6),
                              keras.layers.RandomBrightness(0.1, value_range=(0, 1), seed=2),
                              keras.layers.RandomContrast(0.2, value_range=(0, 1), seed=3),
                              keras.layers.CenterCrop(3, 3), keras.layers.Flatten(), keras.layers.Dense(2)])
    x = RNG.random((16, 6, 8, 3)).astype("float32")
    model.compile("adam", "mse")
    history = model.fit(x, RNG.random((16, 2)), epochs=2, batch_size=8, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    np.testing.assert_array_equal(model.predict(x, verbose=0), model.predict(x, verbose=0))
    path = tmp_path / "augmented.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_gradients_flow_through_resizing_and_contrast():
    import swiftdl as sd
    x = sd.Variable(_images())
    with sd.GradientTape() as tape:
        y = keras.layers.RandomContrast(0.3, value_range=(-1e6, 1e6), seed=1)(keras.layers.Resizing(3, 3)(x),
                                                                               training=True)
        total = sd.sum(y * y)
    gradient = tape.gradient(total, x)
    assert gradient is not None and np.all(np.isfinite(gradient.numpy())) and np.abs(gradient.numpy()).sum() > 0


@pytest.mark.parametrize("make,match", [
    (lambda: keras.layers.Resizing(0, 3), "height"),
    (lambda: keras.layers.Resizing(3, 2.5), "width"),
    (lambda: keras.layers.Resizing(3, 3, interpolation="cubic")(np.ones((1, 4, 4, 1), "float32")), "interpolation"),
    (lambda: keras.layers.Resizing(3, 3, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)(
        np.ones((1, 4, 4, 1), "float32")), "Only one"),
    (lambda: keras.layers.CenterCrop(2, 2)(np.ones((4, 4), "float32")), "rank 3 or 4"),
    (lambda: keras.layers.RandomFlip("diagonal"), "mode"),
    (lambda: keras.layers.RandomBrightness(1.5), "factor"),
    (lambda: keras.layers.RandomBrightness((0.1, 0.2, 0.3)), "factor"),
    (lambda: keras.layers.RandomBrightness(0.1, value_range=5), "value_range"),
    (lambda: keras.layers.RandomContrast(-0.5), "factor"),
    (lambda: keras.layers.RandomContrast("high"), "factor"),
    (lambda: keras.layers.RandomRotation(2.0), "factor"),
    (lambda: keras.layers.RandomZoom(-1.0), "height_factor"),
    (lambda: keras.layers.RandomZoom(0.1, (0.1, 0.2, 0.3)), "width_factor"),
    (lambda: keras.layers.RandomTranslation(0.1, 1.5), "width_factor"),
])
def test_hostile_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize("make", [lambda: keras.layers.RandomRotation(0.1, fill_mode="mirror"),
                                  lambda: keras.layers.RandomZoom(0.1, interpolation="bicubic")])
def test_unsupported_fill_and_interpolation_are_keras_s_errors(make):
    with pytest.raises(NotImplementedError, match="Unknown"):
        make()


def test_pipeline_applies_its_layers_in_turn_and_round_trips(tmp_path):
    pipeline = keras.layers.Pipeline([keras.layers.Resizing(4, 6), keras.layers.RandomFlip("horizontal", seed=3),
                                      keras.layers.CenterCrop(3, 3)])
    x = _images()
    expected = keras.layers.CenterCrop(3, 3)(keras.layers.Resizing(4, 6)(x))
    np.testing.assert_allclose(np.asarray(pipeline(x, training=False)), np.asarray(expected), rtol=1e-6)
    assert pipeline(x, training=True).shape == (4, 3, 3, 3)
    clone = keras.layers.Pipeline.from_config(pipeline.get_config())
    assert [type(layer).__name__ for layer in clone.layers] == ["Resizing", "RandomFlip", "CenterCrop"]
    assert clone.get_config() == pipeline.get_config()
    model = keras.Sequential([keras.Input((5, 6, 3)), pipeline, keras.layers.Flatten(), keras.layers.Dense(1)])
    model.compile("adam", "mse")
    model.fit(x, np.zeros((4, 1)), epochs=1, verbose=0)
    model.save(tmp_path / "pipeline.keras")
    loaded = keras.models.load_model(tmp_path / "pipeline.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    with pytest.raises(ValueError, match="layers"):
        keras.layers.Pipeline.from_config({"layers": None})
