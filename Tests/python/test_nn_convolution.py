"""swiftdl.nn convolution and pooling: forward values against numpy references written here,
float64 finite-difference gradients through swiftdl.GradientTape, TensorFlow's argument
forms, and hostile input."""
import math
import os
import re
import threading

import numpy as np
import pytest

import swiftdl as sd
import swiftdl as tf  # the documented spelling: tf.nn.conv2d
from swiftdl.nn import _convolution

RNG = np.random.default_rng(7)


# ---- numpy references -------------------------------------------------------------------

def _axis_geometry(size, k, stride, dilation, padding):
    """(output size, pad before, pad after) for one spatial axis, TensorFlow's arithmetic."""
    extent = (k - 1) * dilation + 1
    if padding == "VALID":
        return (size - extent) // stride + 1, 0, 0
    if padding == "SAME":
        out = math.ceil(size / stride)
        total = max((out - 1) * stride + extent - size, 0)
        return out, total // 2, total - total // 2
    before, after = padding
    return (size + before + after - extent) // stride + 1, before, after


def reference_conv2d(x, w, strides, padding, dilations=(1, 1)):
    n, h, wd, c = x.shape
    kh, kw, _, o = w.shape
    paddings = (padding, padding) if isinstance(padding, str) else (tuple(padding[1]), tuple(padding[2]))
    oh, pt, pb = _axis_geometry(h, kh, strides[0], dilations[0], paddings[0])
    ow, pl, pr = _axis_geometry(wd, kw, strides[1], dilations[1], paddings[1])
    padded = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)))
    out = np.zeros((n, oh, ow, o), dtype=np.float64)
    for i in range(kh):
        for j in range(kw):
            top, left = i * dilations[0], j * dilations[1]
            rows = slice(top, top + (oh - 1) * strides[0] + 1, strides[0])
            window = padded[:, rows, left:left + (ow - 1) * strides[1] + 1:strides[1], :]
            out += np.einsum("nhwc,co->nhwo", window, w[i, j])
    return out


def reference_pool2d(x, ksize, strides, padding, kind):
    n, h, wd, c = x.shape
    oh, pt, _ = _axis_geometry(h, ksize[0], strides[0], 1, padding)
    ow, pl, _ = _axis_geometry(wd, ksize[1], strides[1], 1, padding)
    out = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * strides[0] - pt, j * strides[1] - pl
            window = x[:, max(r0, 0):r0 + ksize[0], max(c0, 0):c0 + ksize[1], :]
            out[:, i, j, :] = window.max(axis=(1, 2)) if kind == "max" else window.mean(axis=(1, 2))
    return out


# ---- forward ------------------------------------------------------------------------------

CONV_CASES = [
    # (input shape, filters shape, strides, padding, dilations)
    ((2, 8, 8, 1), (3, 3, 1, 4), (1, 1), "VALID", (1, 1)),    # one channel: K = 9
    ((2, 7, 9, 1), (3, 3, 1, 3), (2, 2), "SAME", (1, 1)),
    ((2, 8, 8, 1), (3, 3, 1, 43), (1, 1), "SAME", (1, 1)),
    ((2, 9, 8, 3), (3, 3, 3, 5), (1, 1), "SAME", (1, 1)),
    ((1, 10, 9, 4), (3, 2, 4, 2), (2, 3), "VALID", (1, 1)),
    ((2, 9, 9, 3), (3, 3, 3, 2), (1, 1), "VALID", (2, 2)),    # dilated
    ((1, 8, 7, 2), (2, 3, 2, 3), (1, 1), "SAME", (3, 2)),
    ((3, 5, 6, 4), (1, 1, 4, 6), (1, 1), "VALID", (1, 1)),    # pointwise
    ((1, 5, 5, 3), (5, 5, 3, 2), (1, 1), "SAME", (1, 1)),     # filter as big as the image
    ((1, 6, 6, 2), (3, 3, 2, 2), (2, 1), [[0, 0], [1, 2], [0, 3], [0, 0]], (1, 1)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("xs, ws, strides, padding, dilations", CONV_CASES)
def test_conv2d_matches_reference(dtype, xs, ws, strides, padding, dilations):
    x = RNG.standard_normal(xs).astype(dtype)
    w = RNG.standard_normal(ws).astype(dtype)
    y = tf.nn.conv2d(x, w, strides=list(strides), padding=padding, dilations=list(dilations))
    assert y.dtype == dtype
    expected = reference_conv2d(x.astype(np.float64), w.astype(np.float64), strides, padding, dilations)
    np.testing.assert_allclose(np.asarray(y), expected, rtol=1e-4 if dtype == np.float32 else 1e-12,
                               atol=1e-4 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("strides", [2, [2], [2, 2], [1, 2, 2, 1], (2, 2)])
def test_conv2d_accepts_tensorflow_stride_forms(strides):
    x = RNG.standard_normal((1, 7, 7, 2)).astype(np.float32)
    w = RNG.standard_normal((3, 3, 2, 3)).astype(np.float32)
    np.testing.assert_allclose(np.asarray(sd.nn.conv2d(x, w, strides, "SAME")),
                               reference_conv2d(x, w, (2, 2), "SAME"), rtol=1e-4, atol=1e-5)


def test_conv2d_bias_activation_is_conv_plus_bias_then_relu():
    x = RNG.standard_normal((2, 6, 6, 3))
    w = RNG.standard_normal((3, 3, 3, 4))
    b = RNG.standard_normal(4)
    fused = sd.nn.conv2d_bias_activation(x, w, b, strides=1, padding="SAME", activation="relu")
    expected = np.maximum(reference_conv2d(x, w, (1, 1), "SAME") + b, 0)
    np.testing.assert_allclose(np.asarray(fused), expected, rtol=1e-12, atol=1e-12)
    linear = sd.nn.conv2d_bias_activation(x, w, b, padding="VALID")
    np.testing.assert_allclose(np.asarray(linear), reference_conv2d(x, w, (1, 1), "VALID") + b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("stride, padding, dilation",
                         [(1, "VALID", 1), (2, "SAME", 1), (1, "SAME", 2), (3, [[0, 0], [2, 1], [0, 0]], 1)])
def test_conv1d_matches_reference(stride, padding, dilation):
    x = RNG.standard_normal((2, 11, 3))
    w = RNG.standard_normal((3, 3, 4))
    y = sd.nn.conv1d(x, w, stride, padding, dilations=dilation)
    padding2d = padding if isinstance(padding, str) else [[0, 0], [0, 0], padding[1], [0, 0]]
    expected = reference_conv2d(x[:, None], w[None], (1, stride), padding2d, (1, dilation))[:, 0]
    np.testing.assert_allclose(np.asarray(y), expected, rtol=1e-12, atol=1e-12)


POOL_CASES = [((2, 6, 6, 3), (2, 2), (2, 2), "VALID"), ((2, 7, 5, 2), (3, 3), (2, 2), "SAME"),
              ((1, 5, 8, 1), (2, 3), (1, 2), "SAME"), ((1, 9, 9, 4), (3, 2), (3, 1), "VALID")]


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("xs, ksize, strides, padding", POOL_CASES)
def test_pool2d_matches_reference(kind, dtype, xs, ksize, strides, padding):
    x = RNG.standard_normal(xs).astype(dtype)
    pool = sd.nn.max_pool2d if kind == "max" else sd.nn.avg_pool2d
    y = pool(x, list(ksize), list(strides), padding)
    assert y.dtype == dtype
    # float32 averages that nearly cancel need an absolute tolerance too (the draws, and so
    # the cancellations, depend on which tests run before this one).
    np.testing.assert_allclose(np.asarray(y), reference_pool2d(x.astype(np.float64), ksize, strides, padding, kind),
                               rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-6 if dtype == np.float32 else 0)


def test_avg_pool_same_divides_by_valid_positions():
    y = np.asarray(sd.nn.avg_pool2d(np.ones((1, 3, 3, 1), np.float32), 2, 2, "SAME"))
    np.testing.assert_array_equal(y, np.ones((1, 2, 2, 1)))


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pool1d_matches_reference(kind):
    x = RNG.standard_normal((2, 9, 3))
    pool = sd.nn.max_pool1d if kind == "max" else sd.nn.avg_pool1d
    y = pool(x, 3, 2, "SAME")
    expected = reference_pool2d(x[:, None], (1, 3), (1, 2), "SAME", kind)[:, 0]
    np.testing.assert_allclose(np.asarray(y), expected, rtol=1e-12)
    generic = sd.nn.max_pool if kind == "max" else sd.nn.avg_pool
    np.testing.assert_allclose(np.asarray(generic(x, 3, 2, "SAME")), expected, rtol=1e-12)


# ---- gradients ----------------------------------------------------------------------------

def check_gradients(op, arrays, eps=1e-6, tolerance=1e-6):
    """Tape gradients of sum(op(*tensors) * r) against central differences, per element."""
    tensors = [sd.asarray(a) for a in arrays]
    with sd.GradientTape() as tape:
        for t in tensors:
            tape.watch(t)
        y = op(*tensors)
    r = RNG.standard_normal(tuple(y.shape))
    gradients = tape.gradient(y, tensors, output_gradients=r)

    def loss(values):
        return float((np.asarray(op(*[sd.asarray(v) for v in values])) * r).sum())

    for index, (array, gradient) in enumerate(zip(arrays, gradients)):
        assert gradient is not None, f"no gradient for argument {index}"
        analytic = np.asarray(gradient)
        assert analytic.shape == array.shape
        numeric = np.zeros_like(array)
        for position in np.ndindex(array.shape):
            shifted = [a.copy() for a in arrays]
            shifted[index][position] += eps
            up = loss(shifted)
            shifted[index][position] -= 2 * eps
            numeric[position] = (up - loss(shifted)) / (2 * eps)
        np.testing.assert_allclose(analytic, numeric, rtol=tolerance, atol=tolerance, err_msg=f"argument {index}")


GRADIENT_CASES = [
    ((2, 5, 5, 1), (3, 3, 1, 2), 1, "VALID", 1),
    ((1, 6, 5, 1), (3, 3, 1, 2), 2, "SAME", 1),
    ((1, 6, 6, 3), (3, 3, 3, 2), [2, 1], "SAME", 1),
    ((1, 5, 6, 2), (2, 3, 2, 2), 1, "VALID", 1),
    ((1, 7, 7, 2), (3, 3, 2, 2), 1, "VALID", 2),
    ((1, 6, 7, 2), (2, 2, 2, 3), 1, "SAME", [2, 3]),
    ((2, 4, 4, 3), (1, 1, 3, 2), 1, "VALID", 1),
    ((1, 5, 5, 2), (3, 2, 2, 2), [1, 2], [[0, 0], [2, 0], [1, 1], [0, 0]], 1),
]


@pytest.mark.parametrize("xs, ws, strides, padding, dilations", GRADIENT_CASES)
def test_conv2d_gradients_match_finite_differences(xs, ws, strides, padding, dilations):
    x, w = RNG.standard_normal(xs), RNG.standard_normal(ws)
    check_gradients(lambda x, w: sd.nn.conv2d(x, w, strides, padding, dilations=dilations), [x, w])


@pytest.mark.parametrize("activation", [None, "relu"])
@pytest.mark.parametrize("ws, padding",
                         [((3, 3, 1, 3), "SAME"), ((2, 2, 1, 41), "SAME"), ((3, 3, 2, 3), "VALID"), ((1, 1, 2, 3), "VALID")])
def test_conv2d_bias_activation_gradients(activation, ws, padding):
    x, w, b = RNG.standard_normal((2, 5, 5, ws[2])), RNG.standard_normal(ws), RNG.standard_normal(ws[3])
    check_gradients(lambda x, w, b: sd.nn.conv2d_bias_activation(x, w, b, 1, padding, activation=activation), [x, w, b])


@pytest.mark.parametrize("stride, padding, dilation", [(1, "VALID", 1), (2, "SAME", 1), (1, "SAME", 2)])
def test_conv1d_gradients_match_finite_differences(stride, padding, dilation):
    x, w, b = RNG.standard_normal((2, 8, 2)), RNG.standard_normal((3, 2, 2)), RNG.standard_normal(2)
    check_gradients(lambda x, w: sd.nn.conv1d(x, w, stride, padding, dilations=dilation), [x, w])
    check_gradients(lambda x, w, b: sd.nn.conv1d_bias_activation(x, w, b, stride, padding, dilation, "relu"), [x, w, b])


@pytest.mark.parametrize("pool", ["max_pool2d", "avg_pool2d"])
@pytest.mark.parametrize("ksize, strides, padding", [(2, 2, "VALID"), ([3, 2], [2, 1], "SAME"), (3, 1, "SAME")])
def test_pool2d_gradients_match_finite_differences(pool, ksize, strides, padding):
    x = RNG.standard_normal((2, 5, 6, 2))
    check_gradients(lambda x: getattr(sd.nn, pool)(x, ksize, strides, padding), [x])


@pytest.mark.parametrize("pool", ["max_pool1d", "avg_pool1d"])
def test_pool1d_gradients_match_finite_differences(pool):
    check_gradients(lambda x: getattr(sd.nn, pool)(x, 3, 2, "SAME"), [RNG.standard_normal((2, 7, 3))])


def test_max_pool_gradient_goes_to_the_first_maximum():
    x = sd.asarray(np.array([[[[1.0], [3.0]], [[3.0], [2.0]]]]))
    with sd.GradientTape() as tape:
        tape.watch(x)
        y = sd.nn.max_pool2d(x, 2, 2, "VALID")
    np.testing.assert_array_equal(np.asarray(tape.gradient(y, x)).ravel(), [0, 1, 0, 0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("padding", ["VALID", "SAME"])
def test_max_pool_gradient_with_ties_matches_first_max_reference(dtype, padding):
    # Small integers make many ties; 11 channels cover the 8-lane float32 path and its tail.
    x = RNG.integers(0, 3, size=(2, 7, 6, 11)).astype(dtype)
    upstream_shape = tuple(sd.nn.max_pool2d(x, 3, 2, padding).shape)
    upstream = RNG.standard_normal(upstream_shape).astype(dtype)
    tensor = sd.asarray(x)
    with sd.GradientTape() as tape:
        tape.watch(tensor)
        y = sd.nn.max_pool2d(tensor, 3, 2, padding)
    gradient = np.asarray(tape.gradient(y, tensor, output_gradients=upstream))
    expected = np.zeros_like(x)
    _, pt, _ = _axis_geometry(7, 3, 2, 1, padding)
    _, pl, _ = _axis_geometry(6, 3, 2, 1, padding)
    for n, i, j, c in np.ndindex(upstream_shape):
        rows = [r for r in range(i * 2 - pt, i * 2 - pt + 3) if 0 <= r < 7]
        cols = [q for q in range(j * 2 - pl, j * 2 - pl + 3) if 0 <= q < 6]
        window = [(r, q) for r in rows for q in cols]
        best = max(window, key=lambda rq: (x[n, rq[0], rq[1], c], -window.index(rq)))
        expected[n, best[0], best[1], c] += upstream[n, i, j, c]
    np.testing.assert_allclose(gradient, expected, rtol=1e-6, atol=1e-6)


def test_variables_are_followed_and_unwatched_inputs_get_no_gradient():
    x = sd.asarray(RNG.standard_normal((2, 6, 6, 1)).astype(np.float32))
    w = sd.Variable(RNG.standard_normal((3, 3, 1, 4)).astype(np.float32))
    b = sd.Variable(np.zeros(4, np.float32))
    with sd.GradientTape() as tape:
        y = sd.nn.conv2d_bias_activation(x, w, b, 1, "VALID", activation="relu")
        pooled = sd.nn.max_pool2d(y, 2, 2, "VALID")
        loss = sd.sum(pooled)
    gx, gw, gb = tape.gradient(loss, [x, w, b])
    assert gx is None  # as in TensorFlow: x was never watched
    assert gw.shape == (3, 3, 1, 4) and gb.shape == (4,)
    assert np.all(np.isfinite(np.asarray(gw)))


# ---- hostile input ------------------------------------------------------------------------

X = np.zeros((2, 8, 8, 3), np.float32)
W = np.zeros((3, 3, 3, 4), np.float32)

HOSTILE = [
    (ValueError, r"\[conv2d\] input must be rank 4 \(N, H, W, C\); received shape \(2, 8, 8\)",
     lambda: sd.nn.conv2d(X[..., 0], W, 1, "SAME")),
    (ValueError, r"filters must be rank 4", lambda: sd.nn.conv2d(X, W[0], 1, "SAME")),
    (ValueError, r"input has 3 channels but filters expect 2", lambda: sd.nn.conv2d(X, W[:, :, :2], 1, "SAME")),
    (ValueError, r"strides must be positive", lambda: sd.nn.conv2d(X, W, 0, "SAME")),
    (ValueError, r"strides must be positive", lambda: sd.nn.conv2d(X, W, [1, -1], "SAME")),
    (ValueError, r"dilations must be positive", lambda: sd.nn.conv2d(X, W, 1, "SAME", dilations=0)),
    (ValueError, r"batch and channel dimensions must be 1", lambda: sd.nn.conv2d(X, W, [2, 1, 1, 1], "SAME")),
    (ValueError, r"list of 1, 2 or 4 ints", lambda: sd.nn.conv2d(X, W, [1, 1, 1], "SAME")),
    (ValueError, r"leaves no output", lambda: sd.nn.conv2d(X, np.zeros((9, 3, 3, 4), np.float32), 1, "VALID")),
    (ValueError, r"leaves no output", lambda: sd.nn.conv2d(X, W, 1, "VALID", dilations=4)),
    (ValueError, r"padding must be 'VALID', 'SAME'", lambda: sd.nn.conv2d(X, W, 1, "FULL")),
    (ValueError, r"padding must be 'VALID', 'SAME'", lambda: sd.nn.conv2d(X, W, 1, "EXPLICIT")),
    (TypeError, r"padding must be", lambda: sd.nn.conv2d(X, W, 1, 3)),
    (ValueError, r"explicit padding in the batch and channel", lambda: sd.nn.conv2d(X, W, 1, [[1, 0], [0, 0], [0, 0], [0, 0]])),
    (ValueError, r"explicit paddings must be non-negative", lambda: sd.nn.conv2d(X, W, 1, [[0, 0], [-1, 0], [0, 0], [0, 0]])),
    (ValueError, r"explicit padding must be 4 pairs", lambda: sd.nn.conv2d(X, W, 1, [[0, 0], [1]])),
    (TypeError, r"strides must be integers", lambda: sd.nn.conv2d(X, W, 1.5, "SAME")),
    (ValueError, r"out of range", lambda: sd.nn.conv2d(X, W, 2 ** 70, "SAME")),
    (ValueError, r"strides must be positive", lambda: sd.nn.conv2d(X, W, 2 ** 62, "SAME")),
    (TypeError, r"same dtype", lambda: sd.nn.conv2d(X, W.astype(np.float64), 1, "SAME")),
    (TypeError, r"float32 or float64", lambda: sd.nn.conv2d(X.astype(np.int32), W.astype(np.int32), 1, "SAME")),
    (ValueError, r"bias must have shape \(4,\)", lambda: sd.nn.conv2d_bias_activation(X, W, np.zeros(3, np.float32))),
    (ValueError, r"activation must be", lambda: sd.nn.conv2d_bias_activation(X, W, None, activation="tanh")),
    (ValueError, r"only data_format='NHWC'", lambda: sd.nn.conv2d(X, W, 1, "SAME", data_format="NCHW")),
    (ValueError, r"\[conv1d\] input must be rank 3", lambda: sd.nn.conv1d(X, W, 1, "SAME")),
    (ValueError, r"2\^31 - 1",
     lambda: sd.nn.conv2d(np.zeros((2 ** 31, 1, 1, 0), np.float32), np.zeros((1, 1, 0, 1), np.float32), 1, "VALID")),
    (ValueError, r"\[max_pool2d\] input must be rank 4", lambda: sd.nn.max_pool2d(X[0], 2, 2, "VALID")),
    (ValueError, r"leaves no output", lambda: sd.nn.max_pool2d(X, 9, 1, "VALID")),
    (ValueError, r"pooling window height must be between 1", lambda: sd.nn.avg_pool2d(X, 0, 1, "VALID")),
    (ValueError, r"\[avg_pool2d\] explicit padding is not supported",
     lambda: sd.nn.avg_pool2d(X, 2, 2, [[0, 0], [1, 1], [1, 1], [0, 0]])),
    (ValueError, r"smaller than the window", lambda: sd.nn.max_pool2d(X, 2, 2, [[0, 0], [2, 0], [0, 0], [0, 0]])),
    (TypeError, r"float32 or float64", lambda: sd.nn.max_pool2d(X.astype(np.int64), 2, 2, "VALID")),
    (ValueError, r"\[max_pool1d\] input must be rank 3", lambda: sd.nn.max_pool1d(X, 2, 2, "VALID")),
    (ValueError, r"\[max_pool\] input must be rank 3", lambda: sd.nn.max_pool(X[0, 0], 2, 2, "VALID")),
]


@pytest.mark.parametrize("error, message, call", HOSTILE)
def test_hostile_input_raises_and_the_process_survives(error, message, call):
    with pytest.raises(error, match=message):
        call()
    # The engine is still healthy afterwards.
    y = sd.nn.conv2d(np.ones((1, 3, 3, 1), np.float32), np.ones((3, 3, 1, 1), np.float32), 1, "VALID")
    assert float(np.asarray(y).ravel()[0]) == 9.0


def test_empty_batch_gives_an_empty_result():
    y = sd.nn.conv2d(np.zeros((0, 5, 5, 2), np.float32), np.zeros((3, 3, 2, 3), np.float32), 1, "SAME")
    assert y.shape == (0, 5, 5, 3)


# ---- plumbing -----------------------------------------------------------------------------

def test_codes_agree_with_the_c_header():
    header = os.path.join(os.path.dirname(__file__), "..", "..", "Sources", "CSwiftDL", "include", "swiftdl.h")
    if not os.path.exists(header):
        pytest.skip("run from a source checkout")
    text = open(header).read()

    def code(name):
        return int(re.search(rf"\b{name}\s*=\s*(\d+)", text).group(1))

    assert {key: code(f"SDL_PADDING_{key}") for key in _convolution.PADDING_CODES} == _convolution.PADDING_CODES
    assert code("SDL_CONV_ACTIVATION_NONE") == _convolution.ACTIVATION_CODES["linear"]
    assert code("SDL_CONV_ACTIVATION_RELU") == _convolution.ACTIVATION_CODES["relu"]
    assert code("SDL_POOL_MAX") == _convolution.POOL_CODES["max"]
    assert code("SDL_POOL_AVG") == _convolution.POOL_CODES["avg"]


def test_threads_can_convolve_at_once():
    x = RNG.standard_normal((8, 12, 12, 8)).astype(np.float32)
    w = RNG.standard_normal((3, 3, 8, 16)).astype(np.float32)
    expected = np.asarray(sd.nn.conv2d(x, w, 1, "SAME"))
    results = []

    def work():
        results.append(all(np.allclose(np.asarray(sd.nn.conv2d(x, w, 1, "SAME")), expected) for _ in range(5)))

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True, True, True]
