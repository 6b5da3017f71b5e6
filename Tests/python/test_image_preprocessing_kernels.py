"""The engine's image preprocessing kernels (affine_transform's one-pass sampler, the banded
per-axis resize, the fused per-channel scale and offset) against independent numpy
references, finite-difference gradients, both data formats, and hostile arguments.
Keras's own values for the layers are in test_keras_image_preprocessing.py."""
import math

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import _C
from swiftdl.keras import layers, ops
from swiftdl.keras.layers.channel_affine import channel_affine

from _nn_gradcheck import check_gradients

RNG = np.random.default_rng(11)
FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")
# Per image: a rotation with a shift, a zoom out (reads far outside, so every fill mode
# matters), and a projective map (c0, c1 non-zero: the division by k).
# Coefficients chosen so no sample lands on a nearest-neighbour tie (x.5) in float32.
TRANSFORMS = np.array([[0.9513, -0.3093, 1.2171, 0.3093, 0.9513, -0.7129, 0.0, 0.0],
                       [2.3037, 0.0, -3.1213, 0.0, 1.7071, -2.4142, 0.0, 0.0],
                       [1.1019, 0.2017, -0.5123, -0.1031, 0.9071, 0.8117, 0.0301, -0.0197]])


def _fold(index, size, mode):
    """scipy.ndimage's fill modes on integer indices (numpy), and which taps are inside."""
    inside = (index >= 0) & (index < size)
    if mode in ("constant", "nearest"):
        return np.clip(index, 0, size - 1), inside if mode == "constant" else np.ones_like(inside)
    if mode == "wrap":
        return np.mod(index, size), np.ones_like(inside)
    if mode == "mirror":
        if size == 1:
            return np.zeros_like(index), np.ones_like(inside)
        folded = np.mod(index, 2 * (size - 1))
        return np.where(folded >= size, 2 * (size - 1) - folded, folded), np.ones_like(inside)
    folded = np.mod(index, 2 * size)
    return np.where(folded >= size, 2 * size - 1 - folded, folded), np.ones_like(inside)


def reference_affine(images, transforms, interpolation, fill_mode, fill_value):
    """keras.ops.image.affine_transform in float64 numpy, channels last."""
    n, height, width, _ = images.shape
    out = np.zeros(images.shape)
    ys, xs = np.meshgrid(np.arange(height, dtype=np.float64), np.arange(width, dtype=np.float64), indexing="ij")
    for b in range(n):
        a0, a1, a2, b0, b1, b2, c0, c1 = transforms[b if len(transforms) > 1 else 0]
        k = c0 * xs + c1 * ys + 1.0
        cols, rows = (a0 * xs + a1 * ys + a2) / k, (b0 * xs + b1 * ys + b2) / k
        if interpolation == "nearest":
            taps = [(np.sign(rows) * np.floor(np.abs(rows) + 0.5), np.sign(cols) * np.floor(np.abs(cols) + 0.5), 1.0)]
        else:
            r0, c0_ = np.floor(rows), np.floor(cols)
            fr, fc = rows - r0, cols - c0_
            taps = [(r0, c0_, (1 - fr) * (1 - fc)), (r0, c0_ + 1, (1 - fr) * fc), (r0 + 1, c0_, fr * (1 - fc)),
                    (r0 + 1, c0_ + 1, fr * fc)]
        for r, c, weight in taps:
            fr_, inside_r = _fold(r.astype(np.int64), height, fill_mode)
            fc_, inside_c = _fold(c.astype(np.int64), width, fill_mode)
            sample = np.where((inside_r & inside_c)[..., None], images[b][fr_, fc_], fill_value)
            out[b] += sample * np.asarray(weight)[..., None]
    return out


@pytest.mark.parametrize("fill_mode", FILL_MODES)
@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
def test_affine_transform_matches_numpy(interpolation, fill_mode):
    images = RNG.uniform(0, 255, (3, 7, 9, 2)).astype(np.float32)
    expected = reference_affine(images.astype(np.float64), TRANSFORMS, interpolation, fill_mode, 17.0)
    out = ops.image.affine_transform(images, TRANSFORMS.astype(np.float32), interpolation, fill_mode, 17.0)
    # float32 against float64: coordinates carry ~1e-6 relative error, so a pixel value
    # (≤ 255) differs by ~1e-3 at most for bilinear; nearest could flip a tie, which these
    # transforms do not produce.
    np.testing.assert_allclose(np.asarray(out), expected, rtol=0, atol=5e-3)
    first = ops.image.affine_transform(np.moveaxis(images, -1, 1), TRANSFORMS.astype(np.float32), interpolation,
                                       fill_mode, 17.0, data_format="channels_first")
    np.testing.assert_array_equal(np.moveaxis(np.asarray(first), 1, -1), np.asarray(out))


def test_affine_transform_shared_transform_unbatched_float64_and_uint8():
    images = RNG.uniform(0, 255, (2, 6, 5, 3))
    shared = TRANSFORMS[0]
    expected = reference_affine(images, shared[None], "bilinear", "reflect", 0.0)
    np.testing.assert_allclose(np.asarray(ops.image.affine_transform(images, shared, fill_mode="reflect")), expected,
                               rtol=1e-12, atol=1e-9)
    single = ops.image.affine_transform(images[0].astype(np.float32), shared, fill_mode="reflect")
    np.testing.assert_allclose(np.asarray(single), expected[0], atol=5e-3)
    as_bytes = ops.image.affine_transform(images.astype(np.uint8), shared, fill_mode="wrap")
    assert as_bytes.dtype == np.uint8
    expected_bytes = np.rint(reference_affine(images.astype(np.uint8).astype(np.float64), shared[None], "bilinear",
                                              "wrap", 0.0))
    assert np.abs(np.asarray(as_bytes).astype(int) - expected_bytes).max() <= 1


def test_affine_transform_gradient_in_the_images():
    for fill_mode in ("constant", "reflect", "wrap"):
        check_gradients(lambda x, mode=fill_mode: ops.image.affine_transform(x, TRANSFORMS[:2], fill_mode=mode,
                                                                             fill_value=2.0),
                        RNG.uniform(size=(2, 4, 5, 2)), rtol=1e-6, atol=1e-8)
    check_gradients(lambda x: ops.image.affine_transform(x, TRANSFORMS[2], "nearest", "mirror",
                                                         data_format="channels_first"),
                    RNG.uniform(size=(1, 2, 4, 5)), rtol=1e-6, atol=1e-8)


def test_a_watched_transform_still_gets_its_gradient():
    check_gradients(lambda x, t: ops.image.affine_transform(x, t, fill_mode="nearest"), RNG.uniform(size=(1, 4, 5, 1)),
                    np.array([0.9, 0.1, 0.3, -0.1, 1.1, 0.2, 0.0, 0.0]) + 0.013, rtol=1e-5, atol=1e-7)


def test_random_rotation_under_a_tape_passes_the_image_gradient():
    layer = layers.RandomRotation(0.1, seed=3, fill_mode="constant")
    images = sd.asarray(RNG.uniform(size=(2, 6, 6, 1)))
    with sd.GradientTape() as tape:
        tape.watch(images)
        out = layer(images, training=True)
        loss = (out * out).sum()
    gradient = np.asarray(tape.gradient(loss, images))
    assert gradient.shape == images.shape and np.abs(gradient).sum() > 0


def _dense_resize(x, axis, weights):
    return np.moveaxis(np.moveaxis(x, axis, -1) @ weights, -1, axis)


@pytest.mark.parametrize("interpolation", ["bilinear", "bicubic", "lanczos3", "lanczos5"])
@pytest.mark.parametrize("antialias", [False, True])
def test_resize_matches_the_dense_weight_matrices(interpolation, antialias):
    from swiftdl.keras.ops.image_resize import _METHODS, _resize_weights
    images = RNG.uniform(0, 1, (2, 11, 7, 3))
    out = np.asarray(ops.image.resize(images, (5, 13), interpolation=interpolation, antialias=antialias))
    method = _METHODS[interpolation]
    expected = _dense_resize(images, 1, np.asarray(_resize_weights(11, 5, method, antialias, "float64")))
    expected = _dense_resize(expected, 2, np.asarray(_resize_weights(7, 13, method, antialias, "float64")))
    # Same weights, summed band by band instead of by a GEMM: rounding differs only.
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("resize", [
    lambda x: ops.image.resize(x, (3, 6), data_format="channels_first"),
    lambda x: ops.image.resize(x, (2, 3), interpolation="lanczos3", antialias=True),
])
def test_resize_gradients(resize):
    check_gradients(resize, RNG.uniform(size=(1, 4, 5, 2)), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("method", ["area", "bicubic", "bilinear"])
def test_tf_image_resize_gradients(method):
    # tf.image.resize computes in float32: resizing is linear, so a large step is exact
    # in exact arithmetic and leaves only float32 rounding.
    check_gradients(lambda x: sd.image.resize(x, (3, 7), method=method), RNG.uniform(size=(1, 4, 5, 2)), eps=0.05,
                    rtol=1e-3, atol=1e-4)


def test_resample_axis_transposes_for_its_gradient():
    weights = RNG.uniform(size=(6, 4))
    weights[0, 3] = weights[5, 0] = 0.0
    check_gradients(lambda x: _C.image_resample_axis(x, 1, sd.asarray(weights)), RNG.uniform(size=(2, 6, 3)),
                    rtol=1e-6, atol=1e-8)
    x = RNG.uniform(size=(2, 6, 3))
    np.testing.assert_allclose(np.asarray(_C.image_resample_axis(sd.asarray(x), -2, sd.asarray(weights))),
                               _dense_resize(x, 1, weights), rtol=1e-12)


@pytest.mark.parametrize("shape, axis", [((2, 6, 5, 3), 1), ((2, 3, 6, 5), 2), ((6, 5), 0), ((1, 6, 5, 4, 2), -4)])
def test_resample_2d_is_the_two_axis_passes_in_one(shape, axis):
    height, width = RNG.uniform(size=(6, 4)), RNG.uniform(size=(5, 7))
    height[:, 1] = 0.0  # an output with no taps
    x = sd.asarray(RNG.uniform(size=shape))
    two_passes = _C.image_resample_axis(_C.image_resample_axis(x, axis, sd.asarray(height)),
                                        axis % len(shape) + 1, sd.asarray(width))
    # The same sums in the same order, only without the intermediate tensor.
    np.testing.assert_array_equal(np.asarray(_C.image_resample_2d(x, axis, sd.asarray(height), sd.asarray(width))),
                                  np.asarray(two_passes))
    check_gradients(lambda t: _C.image_resample_2d(t, axis, sd.asarray(height), sd.asarray(width)), np.asarray(x),
                    rtol=1e-6, atol=1e-8)


def _ragged_weights(in_size, out_size, seed):
    """Random bands of uneven lengths (1 to 4 taps), one output with none."""
    rng = np.random.default_rng(seed)
    weights = np.zeros((in_size, out_size))
    for j in range(out_size):
        band = weights[rng.integers(0, in_size):, j][:rng.integers(1, 5)]  # a view, cut at the edge
        band[:] = rng.uniform(-1, 1, size=band.shape)
    weights[:, out_size // 2] = 0.0
    return weights


def _bilinear_weights(in_size, out_size):
    from swiftdl.keras.ops.image_resize import _resize_weights
    return np.asarray(_resize_weights(in_size, out_size, "linear", False, "float64"))


@pytest.mark.parametrize("in_width, out_width, bilinear", [(9, 7, False), (7, 12, False), (1, 2, False),
                                                           (5, 1, False), (29, 21, True), (13, 30, True)])
@pytest.mark.parametrize("channels", [1, 3, 4, 11])
def test_float32_resampling_rows_against_float64(in_width, out_width, bilinear, channels):
    # float32 takes the vector kernels (the AVX2 row blend, the RGB width pass with two
    # output pixels per register, eight two-tap outputs at a time for single floats) where
    # the CPU has them: sums in another order and with fused multiply-adds, so float32
    # rounding only, against a float64 dense product. Ragged bands take the kernels' general
    # branches, bilinear ones (two taps, one at the borders) their fast ones.
    height = _ragged_weights(6, 5, 1)
    width = _bilinear_weights(in_width, out_width) if bilinear else _ragged_weights(in_width, out_width, 2)
    x = RNG.uniform(-2, 2, size=(3, 6, in_width, channels))
    x32 = sd.asarray(x.astype("float32"))
    h32, w32 = sd.asarray(height.astype("float32")), sd.asarray(width.astype("float32"))
    expected = _dense_resize(_dense_resize(x, 1, height), 2, width)
    np.testing.assert_allclose(np.asarray(_C.image_resample_2d(x32, 1, h32, w32)), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(np.asarray(_C.image_resample_axis(x32, 2, w32)), _dense_resize(x, 2, width),
                               rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(np.asarray(_C.image_resample_axis(x32, 1, h32)), _dense_resize(x, 1, height),
                               rtol=1e-5, atol=1e-5)
    upstream = RNG.uniform(-1, 1, size=expected.shape)
    with sd.GradientTape() as tape:
        tape.watch(x32)
        loss = (_C.image_resample_2d(x32, 1, h32, w32) * sd.asarray(upstream.astype("float32"))).sum()
    gradient = _dense_resize(_dense_resize(upstream, 2, width.T), 1, height.T)
    np.testing.assert_allclose(np.asarray(tape.gradient(loss, x32)), gradient, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("shape, shift, scale, offset", [
    ((2, 5, 6, 3), 0.0, 1 / 255, 0.5),                                  # Rescaling, scalar
    ((2, 5, 6, 3), [1.0, 2.0, 3.0], [0.5, 2.0, -1.0], [0.0, 1.0, 2.0]),  # per channel, last axis
    ((2, 3, 5, 6), RNG.uniform(size=(1, 3, 1, 1)), 2.0, 0.0),            # channels first
    ((4, 7), RNG.uniform(size=(4, 1)), RNG.uniform(1, 2, size=(4, 1)), RNG.uniform(size=(1, 7))),
])
@pytest.mark.parametrize("divide", [False, True])
def test_channel_affine_matches_numpy(shape, shift, scale, offset, divide):
    x = RNG.uniform(-3, 3, shape).astype(np.float32)
    out = np.asarray(channel_affine(sd.asarray(x), shift, scale, offset, divide=divide))
    centred = x - np.asarray(shift, np.float32)
    expected = (centred / np.asarray(scale, np.float32) if divide else centred * np.asarray(scale, np.float32)) + \
        np.asarray(offset, np.float32)
    np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-6)


def test_channel_affine_leaves_broadcasting_to_a_larger_shape_and_empty_inputs_to_the_caller():
    assert channel_affine(sd.ones((1, 3)), 0.0, np.ones((2, 3), np.float32), 0.0) is None
    assert channel_affine(sd.ones((3,)), np.zeros((2, 1, 3), np.float32), 1.0, 0.0) is None
    assert channel_affine(sd.ones((0, 3)), 0.0, 2.0, 1.0) is None
    np.testing.assert_allclose(np.asarray(layers.Rescaling(np.ones((2, 3)) * 2)(np.ones((1, 3), np.float32))),
                               np.full((2, 3), 2.0))


def test_channel_affine_clips_and_differentiates_every_operand():
    x = RNG.uniform(0, 4, (2, 3, 4, 3))
    shift, scale, offset = RNG.uniform(size=(2, 1, 1, 3)), RNG.uniform(0.5, 2, (2, 1, 1, 1)), RNG.uniform(size=(1, 3))
    out = np.asarray(channel_affine(sd.asarray(x), sd.asarray(shift), sd.asarray(scale), sd.asarray(offset),
                                    low=0.5, high=3.0))
    np.testing.assert_allclose(out, np.clip((x - shift) * scale + offset, 0.5, 3.0), rtol=1e-12)
    for divide in (False, True):
        check_gradients(lambda a, b, c, d, divide=divide: channel_affine(a, b, c, d, divide=divide, low=0.5, high=3.0),
                        x, shift, scale, offset, rtol=1e-5, atol=1e-7)


def test_random_contrast_rescaling_and_normalization_keep_their_formulas():
    images = RNG.uniform(0, 255, (3, 6, 5, 3)).astype(np.float32)
    np.testing.assert_allclose(np.asarray(layers.Rescaling(1 / 255, offset=-1.0)(images)), images * (1 / 255) - 1.0,
                               rtol=1e-6)
    norm = layers.Normalization(mean=[10.0, 20.0, 30.0], variance=[4.0, 9.0, 16.0])
    np.testing.assert_allclose(np.asarray(norm(images)), (images - [10, 20, 30]) / np.array([2.0, 3.0, 4.0]), rtol=1e-5)
    inverse = layers.Normalization(mean=[10.0, 20.0, 30.0], variance=[4.0, 9.0, 16.0], invert=True)
    np.testing.assert_allclose(np.asarray(inverse(images)), images * np.array([2.0, 3.0, 4.0]) + [10, 20, 30],
                               rtol=1e-6)
    contrast = layers.RandomContrast((0.5, 0.5), value_range=(0, 200), seed=1)  # factor in [0.5, 1.5]
    out = np.asarray(contrast(images, training=True))
    mean = images.mean(axis=(1, 2), keepdims=True)
    factors = ((out - mean) / (images - mean))[(out > 0) & (out < 200)]
    assert out.min() >= 0 and out.max() <= 200 and 0.5 - 1e-3 <= factors.min() and factors.max() <= 1.5 + 1e-3
    unclipped = (out > 0) & (out < 200)
    per_image = [np.median(((out - mean) / (images - mean))[i][unclipped[i]]) for i in range(3)]
    np.testing.assert_allclose(out[unclipped], np.clip((images - mean) * np.reshape(per_image, (3, 1, 1, 1)) + mean,
                                                       0, 200)[unclipped], rtol=1e-3, atol=1e-2)


@pytest.mark.parametrize("call, error", [
    (lambda: _C.image_affine_transform(sd.ones((4, 4, 1)), sd.ones((1, 8)), True, 0, 0.0, False), ValueError),
    (lambda: _C.image_affine_transform(sd.ones((2, 4, 4, 1)), sd.ones((3, 8)), True, 0, 0.0, False), ValueError),
    (lambda: _C.image_affine_transform(sd.ones((2, 4, 4, 1)), sd.ones((2, 6)), True, 0, 0.0, False), ValueError),
    (lambda: _C.image_affine_transform(sd.ones((2, 4, 4, 1)), sd.ones((1, 8)), True, 9, 0.0, False), ValueError),
    (lambda: _C.image_affine_transform(sd.ones((2, 4, 4, 1), "int32"), sd.ones((1, 8)), True, 0, 0.0, False),
     TypeError),
    (lambda: ops.image.affine_transform(np.ones((2, 4, 4, 1)), np.ones((3, 8))), ValueError),
    (lambda: ops.image.affine_transform(np.ones((2, 4, 4, 1)), np.ones(8), fill_mode="edge"), ValueError),
    (lambda: _C.image_resample_axis(sd.ones((2, 4, 3)), 1, sd.ones((5, 2))), ValueError),
    (lambda: _C.image_resample_axis(sd.ones((2, 4, 3)), 7, sd.ones((4, 2))), ValueError),
    (lambda: _C.image_resample_axis(sd.ones((2, 4, 3), "uint8"), 1, sd.ones((4, 2))), TypeError),
    (lambda: ops.image.resize(np.ones((1, 4, 4, 1)), (0, 2)), ValueError),
    (lambda: _C.image_resample_2d(sd.ones((2, 4, 3)), 2, sd.ones((3, 2)), sd.ones((3, 2))), ValueError),
    (lambda: _C.image_resample_2d(sd.ones((2, 4, 3)), 1, sd.ones((4, 2)), sd.ones((4, 2))), ValueError),
    (lambda: _C.channel_affine(sd.ones((2, 3)), (2, 3, 2), sd.ones((1, 2)), sd.ones((1, 2)), sd.ones((1, 2)), False,
                               -math.inf, math.inf), ValueError),
    (lambda: _C.channel_affine(sd.ones((2, 3)), (2 ** 40, 2 ** 40, 2 ** 40), sd.ones((1, 1)), sd.ones((1, 1)),
                               sd.ones((1, 1)), False, 0.0, 1.0), ValueError),
    (lambda: _C.channel_affine(sd.ones((4, 3)), (4, 1, 3), sd.ones((3, 3)), sd.ones((3, 3)), sd.ones((3, 3)), False,
                               0.0, 1.0), ValueError),
    (lambda: _C.channel_affine(sd.ones((4, 3)), (4, 1, 3), sd.ones((1, 3)), sd.ones((2, 3)), sd.ones((1, 3)), False,
                               0.0, 1.0), ValueError),
])
def test_bad_arguments_raise_clear_errors(call, error):
    with pytest.raises(error, match=r"\[(affine_transform|resample_axis|resample_2d|channel_affine|resize)\]"):
        call()


def test_non_finite_transforms_and_empty_images_do_not_trap():
    images = sd.asarray(RNG.uniform(size=(2, 4, 5, 1)).astype(np.float32))
    for row in ([np.nan] * 8, [np.inf, 0, 0, 0, -np.inf, 0, 0, 0], [1, 0, 0, 0, 1, 0, -1, 0], [1e30] * 8):
        for mode in range(5):
            out = np.asarray(_C.image_affine_transform(images, sd.asarray(np.array([row], np.float32)), True, mode,
                                                       3.0, False))
            assert out.shape == (2, 4, 5, 1)
    assert _C.image_affine_transform(sd.zeros((0, 4, 5, 1)), sd.ones((1, 8)), True, 0, 0.0, False).shape == (0, 4, 5, 1)
    assert _C.image_resample_axis(sd.zeros((0, 4, 3)), 1, sd.ones((4, 2))).shape == (0, 2, 3)
