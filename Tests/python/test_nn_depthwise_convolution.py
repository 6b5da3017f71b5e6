"""swiftdl.nn.depthwise_conv2d / separable_conv2d (the engine's depthwise kernels): values
against a numpy reference written here, float64 finite-difference gradients, TensorFlow's
argument forms, and hostile input."""
import math

import numpy as np
import pytest

import swiftdl as sd
from _nn_gradcheck import check_gradients

RNG = np.random.default_rng(11)


def _axis(size, k, stride, dilation, padding):
    """(output size, pad before, pad after) for one axis, TensorFlow's arithmetic."""
    extent = (k - 1) * dilation + 1
    if padding == "VALID":
        return (size - extent) // stride + 1, 0, 0
    if padding == "SAME":
        out = math.ceil(size / stride)
        total = max((out - 1) * stride + extent - size, 0)
        return out, total // 2, total - total // 2
    before, after = padding
    return (size + before + after - extent) // stride + 1, before, after


def reference_depthwise(x, w, strides, padding, dilations=(1, 1)):
    n, h, wd, c = x.shape
    kh, kw, _, m = w.shape
    paddings = (padding, padding) if isinstance(padding, str) else (tuple(padding[1]), tuple(padding[2]))
    oh, pt, pb = _axis(h, kh, strides[0], dilations[0], paddings[0])
    ow, pl, pr = _axis(wd, kw, strides[1], dilations[1], paddings[1])
    padded = np.pad(x.astype(np.float64), ((0, 0), (pt, pb), (pl, pr), (0, 0)))
    out = np.zeros((n, oh, ow, c, m))
    for i in range(kh):
        for j in range(kw):
            top, left = i * dilations[0], j * dilations[1]
            window = padded[:, top:top + (oh - 1) * strides[0] + 1:strides[0],
                            left:left + (ow - 1) * strides[1] + 1:strides[1], :]
            out += window[..., None] * w[i, j]
    return out.reshape(n, oh, ow, c * m)


CASES = [
    # (input shape, filters shape, strides, padding, dilations)
    ((2, 8, 8, 3), (3, 3, 3, 1), (1, 1), "SAME", (1, 1)),
    ((2, 8, 8, 16), (3, 3, 16, 1), (1, 1), "SAME", (1, 1)),     # a MobileNet block's shape
    ((2, 9, 7, 5), (3, 3, 5, 1), (2, 2), "SAME", (1, 1)),
    ((1, 10, 9, 4), (3, 2, 4, 3), (2, 3), "VALID", (1, 1)),    # channel multiplier 3
    ((2, 9, 9, 3), (3, 3, 3, 2), (1, 1), "VALID", (2, 2)),     # dilated
    ((1, 8, 7, 2), (2, 3, 2, 1), (1, 1), "SAME", (3, 2)),
    ((3, 5, 6, 4), (1, 1, 4, 2), (1, 1), "VALID", (1, 1)),     # pointwise
    ((1, 5, 5, 3), (5, 5, 3, 1), (1, 1), "SAME", (1, 1)),      # filter as big as the image
    ((1, 6, 6, 2), (3, 3, 2, 2), (2, 1), [[0, 0], [1, 2], [0, 3], [0, 0]], (1, 1)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("xs, ws, strides, padding, dilations", CASES)
def test_depthwise_conv2d_matches_reference(dtype, xs, ws, strides, padding, dilations):
    x, w = RNG.standard_normal(xs).astype(dtype), RNG.standard_normal(ws).astype(dtype)
    out = sd.nn.depthwise_conv2d(x, w, [1, *strides, 1], padding, dilations=list(dilations))
    assert out.dtype == dtype
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(out.numpy(), reference_depthwise(x, w, strides, padding, dilations), rtol=tolerance,
                               atol=tolerance)


@pytest.mark.parametrize("xs, ws, strides, padding, dilations", CASES[2:7])
def test_depthwise_conv2d_gradients_match_finite_differences(xs, ws, strides, padding, dilations):
    x = RNG.standard_normal((1,) + xs[1:])
    w = RNG.standard_normal(ws)
    check_gradients(lambda a, b: sd.nn.depthwise_conv2d(a, b, strides, padding, dilations=dilations), x, w)


def test_filter_gradient_sums_over_a_large_batch_in_any_thread_split():
    # Many output rows, so each thread sums a share and the shares are added at the end.
    x, w = RNG.standard_normal((16, 12, 12, 8)), RNG.standard_normal((3, 3, 8, 2))
    dy = RNG.standard_normal((16, 12, 12, 16))
    xt, wt = sd.asarray(x), sd.Variable(w)
    with sd.GradientTape() as tape:
        loss = sd.sum(sd.nn.depthwise_conv2d(xt, wt, 1, "SAME") * sd.asarray(dy))
    dw = np.asarray(tape.gradient(loss, wt))
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    upstream = dy.reshape(16, 12, 12, 8, 2)
    expected = np.stack([np.stack([np.einsum("nhwc,nhwcm->cm", padded[:, i:i + 12, j:j + 12], upstream)
                                   for j in range(3)]) for i in range(3)])
    np.testing.assert_allclose(dw, expected, rtol=1e-10)


FLOAT32_CASES = [
    # One filter per channel in float32 (the AVX2 kernels on CPUs that have them): channel
    # counts below, at and around multiples of eight, strides, dilations and paddings.
    ((3, 9, 9, 16), (3, 3, 16, 1), (1, 1), "SAME", (1, 1)),
    ((2, 10, 11, 20), (3, 3, 20, 1), (2, 2), "SAME", (1, 1)),
    ((2, 9, 8, 12), (3, 3, 12, 1), (2, 1), "VALID", (1, 1)),
    ((1, 11, 10, 5), (3, 3, 5, 1), (1, 1), "SAME", (2, 2)),
    ((2, 7, 7, 40), (5, 3, 40, 1), (3, 2), [[0, 0], [2, 1], [0, 2], [0, 0]], (1, 1)),
    ((2, 6, 5, 70), (3, 3, 70, 1), (1, 1), "SAME", (1, 1)),
    ((1, 8, 8, 96), (3, 3, 96, 1), (2, 2), "SAME", (1, 1)),
    ((1, 3, 3, 9), (3, 3, 9, 1), (1, 1), "SAME", (1, 1)),
    # Wide rows: long spans of windows inside the image, whose 3×3 filter gradient sums
    # in registers (and the border columns on either side, which do not).
    ((2, 6, 29, 24), (3, 3, 24, 1), (1, 1), "SAME", (1, 1)),
    ((2, 7, 30, 13), (3, 3, 13, 1), (2, 2), "VALID", (1, 1)),
    ((1, 9, 31, 8), (3, 3, 8, 1), (1, 1), "SAME", (2, 3)),
]


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("xs, ws, strides, padding, dilations", FLOAT32_CASES)
def test_float32_depthwise_values_and_gradients(threads, xs, ws, strides, padding, dilations):
    """Float32 against the float64 reference (values) and against the float64 engine, whose
    gradients the finite-difference tests check (both gradients, under any thread split)."""
    x, w = RNG.standard_normal(xs), RNG.standard_normal(ws)
    out_shape = reference_depthwise(x, w, strides, padding, dilations).shape
    upstream = RNG.standard_normal(out_shape)
    previous = sd.config.get_num_threads()
    sd.config.set_num_threads(threads)
    try:
        results = []
        for dtype in (np.float32, np.float64):
            xt, wt = sd.Variable(x.astype(dtype)), sd.Variable(w.astype(dtype))
            with sd.GradientTape() as tape:
                y = sd.nn.depthwise_conv2d(xt, wt, [1, *strides, 1], padding, dilations=list(dilations))
                loss = sd.sum(y * sd.asarray(upstream.astype(dtype)))
            results.append([np.asarray(y)] + [np.asarray(g) for g in tape.gradient(loss, [xt, wt])])
    finally:
        sd.config.set_num_threads(previous)
    np.testing.assert_allclose(results[0][0], reference_depthwise(x, w, strides, padding, dilations), rtol=1e-5,
                               atol=1e-5)
    for single, double in zip(results[0], results[1]):
        assert single.dtype == np.float32
        np.testing.assert_allclose(single, double, rtol=1e-4, atol=1e-4 * np.abs(double).max())


BIAS_CASES = [CASES[1], CASES[3], FLOAT32_CASES[8], FLOAT32_CASES[9]]


@pytest.mark.parametrize("xs, ws, strides, padding, dilations", BIAS_CASES)
def test_depthwise_conv2d_bias_matches_reference_and_finite_differences(xs, ws, strides, padding, dilations):
    x, w = RNG.standard_normal((1,) + xs[1:]), RNG.standard_normal(ws)
    b = RNG.standard_normal(ws[2] * ws[3])
    out = sd.nn.depthwise_conv2d_bias(x, w, b, strides, padding, dilations)
    np.testing.assert_allclose(out.numpy(), reference_depthwise(x, w, strides, padding, dilations) + b, rtol=1e-12,
                               atol=1e-12)
    check_gradients(lambda a, f, c: sd.nn.depthwise_conv2d_bias(a, f, c, strides, padding, dilations), x, w, b)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("watched", [("x", "w", "b"), ("b",), ("w", "b")])
@pytest.mark.parametrize("xs, ws, strides, padding, dilations", BIAS_CASES)
def test_float32_depthwise_bias_gradients_match_float64(threads, watched, xs, ws, strides, padding, dilations):
    """The float32 bias gradient (summed in the filter gradient's pass over dy on AVX2
    CPUs, or alone when the filters are not watched) against the float64 engine's, which
    the finite-difference test checks; float32 sums in another order, hence the tolerance."""
    x, w, b = RNG.standard_normal(xs), RNG.standard_normal(ws), RNG.standard_normal(ws[2] * ws[3])
    upstream = RNG.standard_normal(reference_depthwise(x, w, strides, padding, dilations).shape)
    previous = sd.config.get_num_threads()
    sd.config.set_num_threads(threads)
    try:
        results = []
        for dtype in (np.float32, np.float64):
            operands = {name: sd.asarray(value.astype(dtype)) for name, value in zip("xwb", (x, w, b))}
            with sd.GradientTape() as tape:
                for name in watched:
                    tape.watch(operands[name])
                y = sd.nn.depthwise_conv2d_bias(operands["x"], operands["w"], operands["b"], strides, padding,
                                                dilations)
                loss = sd.sum(y * sd.asarray(upstream.astype(dtype)))
            results.append([np.asarray(g) for g in tape.gradient(loss, [operands[name] for name in watched])])
    finally:
        sd.config.set_num_threads(previous)
    for single, double in zip(*results):
        np.testing.assert_allclose(single, double, rtol=1e-4, atol=1e-4 * np.abs(double).max())


def test_separable_conv2d_is_depthwise_then_pointwise():
    x = RNG.standard_normal((2, 7, 7, 3)).astype(np.float32)
    depthwise, pointwise = RNG.standard_normal((3, 3, 3, 2)), RNG.standard_normal((1, 1, 6, 4))
    out = sd.nn.separable_conv2d(x, depthwise.astype(np.float32), pointwise.astype(np.float32), [1, 1, 1, 1], "SAME")
    expected = np.einsum("nhwc,co->nhwo", reference_depthwise(x, depthwise, (1, 1), "SAME"), pointwise[0, 0])
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-4, atol=1e-4)


def test_empty_batch_gives_an_empty_result():
    out = sd.nn.depthwise_conv2d(np.zeros((0, 5, 5, 2), np.float32), np.ones((3, 3, 2, 2), np.float32), 1, "SAME")
    assert out.shape == (0, 5, 5, 4)


@pytest.mark.parametrize("error, message, call", [
    (ValueError, r"input must be rank 4", lambda: sd.nn.depthwise_conv2d(np.zeros((5, 5, 2), np.float32),
                                                                         np.zeros((3, 3, 2, 1), np.float32), 1, "SAME")),
    (ValueError, r"filters must be rank 4", lambda: sd.nn.depthwise_conv2d(np.zeros((1, 5, 5, 2), np.float32),
                                                                           np.zeros((3, 2, 1), np.float32), 1, "SAME")),
    (ValueError, r"input has 2 channels but filters expect 3", lambda: sd.nn.depthwise_conv2d(
        np.zeros((1, 5, 5, 2), np.float32), np.zeros((3, 3, 3, 1), np.float32), 1, "SAME")),
    (TypeError, r"float32 or float64", lambda: sd.nn.depthwise_conv2d(np.zeros((1, 5, 5, 2), np.int32),
                                                                       np.zeros((3, 3, 2, 1), np.int32), 1, "SAME")),
    (ValueError, r"strides", lambda: sd.nn.depthwise_conv2d(np.zeros((1, 5, 5, 2), np.float32),
                                                            np.zeros((3, 3, 2, 1), np.float32), 0, "SAME")),
    (ValueError, r"padding", lambda: sd.nn.depthwise_conv2d(np.zeros((1, 5, 5, 2), np.float32),
                                                            np.zeros((3, 3, 2, 1), np.float32), 1, "FULL")),
    (ValueError, r"filter", lambda: sd.nn.depthwise_conv2d(np.zeros((1, 2, 2, 2), np.float32),
                                                           np.zeros((3, 3, 2, 1), np.float32), 1, "VALID")),
    (ValueError, r"NHWC", lambda: sd.nn.depthwise_conv2d(np.zeros((1, 5, 5, 2), np.float32),
                                                         np.zeros((3, 3, 2, 1), np.float32), 1, "SAME", "NCHW")),
    (ValueError, r"bias must have shape \(4,\)", lambda: sd.nn.depthwise_conv2d_bias(
        np.zeros((1, 5, 5, 2), np.float32), np.zeros((3, 3, 2, 2), np.float32), np.zeros(2, np.float32))),
    (TypeError, r"bias must have the input's dtype", lambda: sd.nn.depthwise_conv2d_bias(
        np.zeros((1, 5, 5, 2), np.float32), np.zeros((3, 3, 2, 1), np.float32), np.zeros(2, np.float64))),
])
def test_hostile_input_raises_and_the_process_survives(error, message, call):
    with pytest.raises(error, match=message):
        call()
