"""swiftdl.keras.ops.image beyond the Keras fixture: gradients by finite differences,
layouts, integer images and errors (values against Keras: test_keras_ops_against_keras)."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl.keras import ops

from _nn_gradcheck import check_gradients

RNG = np.random.default_rng(5)


@pytest.mark.parametrize("name, function", [
    ("resize_bilinear", lambda x: ops.image.resize(x, (5, 3))),
    ("resize_bicubic_antialias", lambda x: ops.image.resize(x, (2, 2), interpolation="bicubic", antialias=True)),
    ("affine", lambda x: ops.image.affine_transform(x, np.array([0.9, 0.1, 0.3, -0.1, 1.1, 0.2, 0.0, 0.0]),
                                                    fill_mode="reflect")),
    ("blur", lambda x: ops.image.gaussian_blur(x, (3, 3), (1.0, 0.7))),
    ("patches", lambda x: ops.image.extract_patches(x, 2, strides=1)),
    ("hsv", lambda x: ops.image.rgb_to_hsv(x * 0.4 + 0.3)),
    ("ssim", lambda x: ops.image.ssim(x, np.full((1, 4, 4, 3), 0.5), filter_size=3)),
])
def test_image_gradients(name, function):
    check_gradients(function, RNG.uniform(size=(1, 4, 4, 3)), rtol=1e-5, atol=1e-7)


def test_map_coordinates_is_differentiable_in_the_coordinates():
    image = RNG.standard_normal((5, 6))
    check_gradients(lambda c: ops.image.map_coordinates(image, c, 1), RNG.uniform(0.2, 3.8, size=(2, 7)))


def test_channels_first_and_unbatched_agree_with_channels_last():
    images = RNG.uniform(size=(2, 5, 6, 3)).astype(np.float32)
    first = np.moveaxis(images, -1, 1)
    for function in (lambda x, f: ops.image.resize(x, (3, 4), data_format=f),
                     lambda x, f: ops.image.extract_patches(x, 2, data_format=f),
                     lambda x, f: ops.image.rgb_to_grayscale(x, data_format=f)):
        last = np.asarray(function(images, "channels_last"))
        np.testing.assert_allclose(np.moveaxis(np.asarray(function(first, "channels_first")), 1, -1), last, rtol=1e-6)
        np.testing.assert_allclose(np.asarray(function(images[0], "channels_last")), last[0], rtol=1e-6)


def test_integer_images_resize_with_rounding():
    images = RNG.integers(0, 255, size=(1, 4, 4, 1)).astype(np.uint8)
    out = ops.image.resize(images, (8, 8))
    assert out.dtype == np.uint8
    assert int(np.asarray(out).max()) <= int(images.max()) and int(np.asarray(out).min()) >= int(images.min())


@pytest.mark.parametrize("call, message", [
    (lambda: ops.image.resize(np.ones((4, 4)), (2, 2)), r"\[resize\]"),
    (lambda: ops.image.resize(np.ones((1, 4, 4, 1)), (2, 2), interpolation="area"), r"\[resize\]"),
    (lambda: ops.image.crop_images(np.ones((4, 4, 1)), top_cropping=1), r"\[crop_images\]"),
    (lambda: ops.image.pad_images(np.ones((4, 4, 1)), top_padding=1, bottom_padding=1, target_height=6,
                                  left_padding=0, right_padding=0), r"\[pad_images\]"),
    (lambda: ops.image.affine_transform(np.ones((4, 4, 1)), np.ones(6)), r"\[affine_transform\]"),
    (lambda: ops.image.map_coordinates(np.ones((4, 4)), np.ones((3, 2)), 1), r"\[map_coordinates\]"),
    (lambda: ops.image.rgb_to_hsv(np.ones((4, 4, 3), np.int32)), r"\[rgb_to_hsv\]"),
])
def test_errors_name_the_op(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_elastic_transform():
    images = RNG.uniform(size=(2, 12, 10, 3)).astype(np.float32)
    np.testing.assert_allclose(np.asarray(ops.image.elastic_transform(images, alpha=0.0, seed=3)), images, atol=1e-6)
    first = np.asarray(ops.image.elastic_transform(images, alpha=30.0, sigma=3.0, seed=7))
    again = np.asarray(ops.image.elastic_transform(images, alpha=30.0, sigma=3.0, seed=7))
    other = np.asarray(ops.image.elastic_transform(images, alpha=30.0, sigma=3.0, seed=8))
    assert first.shape == images.shape and first.dtype == np.float32
    np.testing.assert_array_equal(first, again)
    assert np.abs(first - other).max() > 1e-3 and np.abs(first - images).max() > 1e-3
    # reflect filling keeps every output inside the input's range
    assert first.min() >= images.min() - 1e-6 and first.max() <= images.max() + 1e-6
    with pytest.raises(ValueError, match=r"\[elastic_transform\]"):
        ops.image.elastic_transform(images, fill_mode="bogus")


def _nearest_case(dtype):
    """Images with the values a gather must copy untouched: NaN, infinities and -0.0."""
    images = np.random.default_rng(5).uniform(-3, 3, (2, 7, 5, 3)).astype(dtype)
    images[0, 1, 2] = [np.nan, np.inf, -0.0]
    images[1, 6, 4] = [-np.inf, -0.0, 1e-30]
    return images


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("size", [(3, 4), (11, 9), (7, 2), (4, 5)])
def test_nearest_resize_copies_the_pixels_a_gather_picks(dtype, size):
    # Float images go through the resampler with one-hot weights: each output is one pixel
    # times 1.0, which IEEE arithmetic makes exact, so the copy must be bit for bit.
    from swiftdl.keras.ops.image_resize import _nearest_offsets
    images = _nearest_case(dtype)
    rows, columns = _nearest_offsets(7, size[0]), _nearest_offsets(5, size[1])
    expected = images[:, rows][:, :, columns]
    out = np.asarray(ops.image.resize(images, size, interpolation="nearest"))
    assert out.dtype == images.dtype
    np.testing.assert_array_equal(out, expected)
    assert np.array_equal(np.signbit(out), np.signbit(expected))
    first = np.asarray(ops.image.resize(np.moveaxis(images, -1, 1), size, interpolation="nearest",
                                        data_format="channels_first"))
    np.testing.assert_array_equal(first, np.moveaxis(expected, -1, 1))
    # The upstream gradient summed onto the pixels each output copied (numpy's scatter-add).
    upstream = np.random.default_rng(6).uniform(-1, 1, expected.shape).astype(dtype)
    x = sd.asarray(np.nan_to_num(images))
    with sd.GradientTape() as tape:
        tape.watch(x)
        loss = (ops.image.resize(x, size, interpolation="nearest") * sd.asarray(upstream)).sum()
    gradient = np.zeros(images.shape)
    np.add.at(gradient, (slice(None), rows[:, None], columns[None, :]), upstream.astype("float64"))
    np.testing.assert_allclose(np.asarray(tape.gradient(loss, x)), gradient, rtol=1e-6, atol=1e-6)


def test_nearest_resize_of_integers_and_of_empty_images():
    images = np.arange(2 * 7 * 5 * 3).reshape(2, 7, 5, 3).astype("uint8")
    from swiftdl.keras.ops.image_resize import _nearest_offsets
    np.testing.assert_array_equal(np.asarray(ops.image.resize(images, (3, 9), interpolation="nearest")),
                                  images[:, _nearest_offsets(7, 3)][:, :, _nearest_offsets(5, 9)])
    with pytest.raises(ValueError, match="non-zero height and width"):
        ops.image.resize(np.zeros((1, 0, 4, 3), "float32"), (2, 2), interpolation="nearest")
