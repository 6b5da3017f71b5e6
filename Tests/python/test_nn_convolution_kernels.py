"""Each convolution algorithm the engine picks per shape (see Kernels/ConvolutionPlan.swift)
against the same float64 computation: the float32 direct kernel for one-channel input
(taken when the input needs no gradient), im2col + GEMM, and pointwise, with the fused
bias and relu, over paddings, strides, dilations and channel counts that are not
multiples of the kernels' vector width."""
import numpy as np
import pytest

import swiftdl as sd
from _tolerances import assert_within, conv_error_bound, pooled_bound

RNG = np.random.default_rng(11)


def _forward_and_gradients(x, w, b, strides, padding, dilations, activation, upstream):
    """y, dw, db for conv2d_bias_activation, with x a constant (no input gradient)."""
    x, w, b = sd.asarray(x), sd.Variable(w), sd.Variable(b)
    with sd.GradientTape() as tape:
        y = sd.nn.conv2d_bias_activation(x, w, b, strides=strides, padding=padding, dilations=dilations,
                                         activation=activation)
        loss = sd.sum(y * sd.asarray(upstream))
    dw, db = tape.gradient(loss, [w, b])
    return np.asarray(y), np.asarray(dw), np.asarray(db)


CASES = [
    # (input shape, filter shape, strides, padding, dilations)
    ((4, 28, 28, 1), (3, 3, 1, 32), (1, 1), "VALID", (1, 1)),  # the document's first layer
    ((3, 9, 11, 1), (3, 3, 1, 13), (1, 1), "SAME", (1, 1)),
    ((2, 10, 9, 1), (5, 3, 1, 8), (2, 1), "SAME", (1, 1)),
    ((2, 12, 12, 1), (3, 3, 1, 3), (2, 2), "VALID", (1, 1)),
    ((2, 13, 13, 1), (3, 3, 1, 40), (1, 1), "SAME", (2, 2)),
    ((1, 7, 7, 1), (1, 1, 1, 9), (1, 1), "VALID", (1, 1)),  # pointwise
    ((2, 8, 8, 3), (3, 3, 3, 17), (1, 2), "SAME", (1, 1)),  # im2col
    ((2, 12, 12, 1), (9, 9, 1, 8), (1, 1), "SAME", (1, 1)),  # one channel, a window too large for the direct kernel
    ((300, 6, 6, 1), (3, 3, 1, 8), (1, 1), "VALID", (1, 1)),  # many chunks and slices
    ((2, 13, 12, 1), (3, 3, 1, 8), (1, 2), "VALID", (2, 1)),  # windows read in place, strided and dilated
    ((5, 28, 28, 1), (3, 3, 1, 32), (1, 1), "SAME", (1, 1)),  # the autoencoder's first layer: padded row bands
    ((70, 3, 2, 1), (3, 3, 1, 8), (1, 1), "SAME", (1, 1)),  # many images to a chunk's band
    ((1, 64, 64, 1), (2, 2, 1, 8), (16, 1), "SAME", (1, 1)),  # a band too tall for the scratch: gathered windows
]


@pytest.mark.parametrize("activation", [None, "relu"])
@pytest.mark.parametrize("xs,ws,strides,padding,dilations", CASES)
def test_float32_kernels_match_float64(xs, ws, strides, padding, dilations, activation):
    x = RNG.standard_normal(xs)
    w = RNG.standard_normal(ws) / np.sqrt(np.prod(ws[:3]))
    b = RNG.standard_normal(ws[3]) * 0.1
    y64, dw64, db64 = _forward_and_gradients(x, w, b, strides, padding, dilations, activation,
                                             np.ones(1))  # shape only; recomputed below
    upstream = RNG.standard_normal(y64.shape)
    y64, dw64, db64 = _forward_and_gradients(x, w, b, strides, padding, dilations, activation, upstream)
    y32, dw32, db32 = _forward_and_gradients(x.astype(np.float32), w.astype(np.float32), b.astype(np.float32),
                                             strides, padding, dilations, activation, upstream.astype(np.float32))
    assert y32.dtype == np.float32 and dw32.dtype == np.float32
    np.testing.assert_allclose(y32, y64, rtol=1e-4, atol=1e-5)
    scale = np.sqrt(upstream.size)
    np.testing.assert_allclose(dw32, dw64, rtol=1e-4, atol=1e-5 * scale)
    np.testing.assert_allclose(db32, db64, rtol=1e-4, atol=1e-5 * scale)


def test_relu_keeps_nan_and_masks_the_gradient_where_inactive():
    x = np.zeros((1, 4, 4, 1), np.float32)
    x[0, 0, 0, 0] = np.nan
    w = np.ones((3, 3, 1, 8), np.float32)
    b = -np.ones(8, np.float32)  # every window of zeros gives -1: relu off
    y, dw, db = _forward_and_gradients(x, w, b, (1, 1), "VALID", (1, 1), "relu", np.ones((1, 2, 2, 8), np.float32))
    assert np.isnan(y[0, 0, 0]).all() and (y[0, 1:, :] == 0).all() and (y[0, :, 1:] == 0).all()
    # NaN > 0 is false, so the relu passes no gradient anywhere (dw is NaN where the NaN
    # input meets the zeroed gradient, as in TensorFlow: NaN · 0).
    assert (db == 0).all()
    assert np.isnan(dw[0, 0]).all() and (dw[1:] == 0).all() and (dw[:, 1:] == 0).all()


# ---- conv2d_pool: the convolution and the pooling in one op ------------------------------

POOL_PAIRS = [
    # (input shape, filter shape, strides, padding, pool, pool size, pool strides, pool padding)
    ((5, 28, 28, 1), (3, 3, 1, 32), (1, 1), "VALID", "max", (2, 2), (2, 2), "VALID"),  # the document's first pair
    ((3, 13, 13, 32), (3, 3, 32, 64), (1, 1), "VALID", "max", (2, 2), (2, 2), "VALID"),  # its second
    ((2, 9, 11, 3), (3, 3, 3, 13), (2, 1), "SAME", "avg", (3, 2), (1, 2), "SAME"),
    ((1, 10, 10, 1), (5, 5, 1, 8), (1, 1), "SAME", "max", (3, 3), (2, 2), "SAME"),
    ((4, 6, 6, 2), (1, 1, 2, 5), (1, 1), "VALID", "max", (2, 2), (1, 1), "VALID"),  # pointwise
]


def _two_ops(x, w, b, strides, padding, activation, pool, size, pool_strides, pool_padding):
    y = sd.nn.conv2d_bias_activation(x, w, b, strides=strides, padding=padding, activation=activation)
    op = sd.nn.max_pool2d if pool == "max" else sd.nn.avg_pool2d
    return op(y, list(size), list(pool_strides), pool_padding)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("activation", [None, "relu"])
@pytest.mark.parametrize("xs,ws,strides,padding,pool,size,pool_strides,pool_padding", POOL_PAIRS)
def test_conv2d_pool_matches_the_two_ops(xs, ws, strides, padding, pool, size, pool_strides, pool_padding, activation, dtype):
    x = RNG.standard_normal(xs).astype(dtype)
    w = (RNG.standard_normal(ws) / np.sqrt(np.prod(ws[:3]))).astype(dtype)
    b = (RNG.standard_normal(ws[3]) * 0.1).astype(dtype)
    for bias in (b, None):
        fused = sd.nn.conv2d_pool(x, w, bias, strides, padding, (1, 1), activation, pool, size, pool_strides, pool_padding)
        apart = _two_ops(x, w, bias, strides, padding, activation, pool, size, pool_strides, pool_padding)
        assert fused.dtype == apart.dtype and fused.shape == apart.shape
        # The paths may differ in algorithm (Winograd or not) and GEMM shapes: each is within
        # the convolution's error bound of the exact value, so they are within twice it.
        bound = conv_error_bound(x, w, strides, padding, bias=bias, dtype=dtype)
        assert_within(fused, apart, 2 * pooled_bound(bound, size, pool_strides, pool_padding), "conv2d_pool")


TAPE_CASES = [
    # (input shape, filter shape, padding, pool size, pool strides, pool padding, input watched)
    ((3, 12, 12, 2), (3, 3, 2, 8), "VALID", (2, 2), (2, 2), "VALID", True),
    ((4, 28, 28, 1), (3, 3, 1, 32), "VALID", (2, 2), (2, 2), "VALID", False),  # the direct one-channel kernel
    ((2, 9, 9, 3), (3, 3, 3, 5), "SAME", (3, 3), (1, 1), "SAME", True),  # overlapping windows
    ((2, 7, 7, 4), (1, 1, 4, 6), "VALID", (2, 2), (2, 2), "SAME", True),  # pointwise
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("activation", ["relu", None])
@pytest.mark.parametrize("xs,ws,padding,size,pool_strides,pool_padding,watched", TAPE_CASES)
def test_conv2d_pool_under_a_tape_gives_the_gradients_of_the_two_ops(xs, ws, padding, size, pool_strides, pool_padding,
                                                                      watched, activation, dtype):
    """Max pooling under a tape records one node that rebuilds the convolution's gradient
    image by image: the same gradients as the two ops, summed in another order."""
    x_value = RNG.standard_normal(xs).astype(dtype)
    x = sd.Variable(x_value) if watched else sd.asarray(x_value)
    w = sd.Variable((RNG.standard_normal(ws) / np.sqrt(np.prod(ws[:3]))).astype(dtype))
    b = sd.Variable((RNG.standard_normal(ws[3]) * 0.1).astype(dtype))
    upstream = None
    results = []
    for fused in (True, False):
        with sd.GradientTape() as tape:
            if fused:
                y = sd.nn.conv2d_pool(x, w, b, (1, 1), padding, (1, 1), activation, "max", size, pool_strides, pool_padding)
            else:
                y = _two_ops(x, w, b, (1, 1), padding, activation, "max", size, pool_strides, pool_padding)
            upstream = RNG.standard_normal(y.shape).astype(dtype) if upstream is None else upstream
            loss = sd.sum(y * sd.asarray(upstream))
        results.append((np.asarray(y), tape.gradient(loss, [x, w, b] if watched else [w, b])))
    (y_fused, fused_gradients), (y_apart, apart_gradients) = results
    # GEMMs of other shapes sum in other orders: the values agree within the bound of a sum
    # of their terms, not bit for bit.
    bound = conv_error_bound(x_value, np.asarray(w), 1, padding, bias=np.asarray(b), dtype=dtype)
    assert_within(y_fused, y_apart, 2 * pooled_bound(bound, size, pool_strides, pool_padding), "forward")
    bounds = _gradient_bounds(x_value, np.asarray(w), np.asarray(b), padding, activation, size, pool_strides, pool_padding,
                              upstream, dtype)
    names = ["dx", "dw", "db"] if watched else ["dw", "db"]
    for name, a, e in zip(names, fused_gradients, apart_gradients):
        assert_within(a, e, 2 * bounds[name], name)


def _gradient_bounds(x, w, b, padding, activation, size, pool_strides, pool_padding, upstream, dtype):
    """Error bounds of the convolution's gradients, n·ε·Σ|terms| for each: dx sums kh·kw·O
    products of |w| and the upstream gradient at the convolution's output (dY), dw sums
    N·OH·OW products of |x| and |dY|, db N·OH·OW values of |dY|. dY is the pooling's and the
    relu's routing of `upstream`, taken from the two ops in float64."""
    x64, w64, b64 = (np.asarray(v, np.float64) for v in (x, w, b))
    with sd.GradientTape() as tape:
        y = sd.Variable(np.asarray(sd.nn.conv2d_bias_activation(x64, w64, b64, padding=padding, activation=activation)))
        pooled = sd.nn.max_pool2d(y, list(size), list(pool_strides), pool_padding)
        loss = sd.sum(pooled * sd.asarray(np.asarray(upstream, np.float64)))
    dy = np.abs(np.asarray(tape.gradient(loss, y)))
    if activation == "relu":
        dy = dy * (np.asarray(y) > 0)
    absolute_x, absolute_w = sd.Variable(np.abs(x64)), sd.Variable(np.abs(w64))
    with sd.GradientTape() as tape:
        total = sd.sum(sd.nn.conv2d(absolute_x, absolute_w, 1, padding) * sd.asarray(dy))
    sum_dx, sum_dw = (np.asarray(g) for g in tape.gradient(total, [absolute_x, absolute_w]))
    eps = np.finfo(dtype).eps
    kh, kw, _, outputs = w.shape
    pixels = dy.shape[0] * dy.shape[1] * dy.shape[2]
    return {"dx": kh * kw * outputs * eps * sum_dx, "dw": pixels * eps * sum_dw, "db": pixels * eps * dy.sum(axis=(0, 1, 2))}


def test_average_pooling_under_a_tape_runs_the_two_ops():
    x = sd.Variable(RNG.standard_normal((2, 8, 8, 2)).astype(np.float32))
    w = sd.Variable(RNG.standard_normal((3, 3, 2, 4)).astype(np.float32))
    with sd.GradientTape() as tape:
        loss = sd.sum(sd.nn.conv2d_pool(x, w, None, 1, "VALID", 1, "relu", "avg", 2, 2, "VALID") ** 2)
    fused = tape.gradient(loss, [x, w])
    with sd.GradientTape() as tape:
        loss = sd.sum(_two_ops(x, w, None, 1, "VALID", "relu", "avg", (2, 2), (2, 2), "VALID") ** 2)
    for a, e in zip(fused, tape.gradient(loss, [x, w])):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(e))


@pytest.mark.parametrize("call, message", [
    (lambda x, w: sd.nn.conv2d_pool(x, w[:, :, :1], None, 1, "VALID", 1, None, "max", 2, 2, "VALID"), "channels"),
    (lambda x, w: sd.nn.conv2d_pool(x, w, None, 1, "VALID", 1, None, "max", 9, 1, "VALID"), "window"),
    (lambda x, w: sd.nn.conv2d_pool(x, w, None, 1, "VALID", 1, None, "avg", 2, 2, [[0, 0], [1, 1], [1, 1], [0, 0]]),
     "explicit"),
    (lambda x, w: sd.nn.conv2d_pool(x, w, np.zeros(3, np.float32), 1, "VALID", 1, None, "max", 2, 2, "VALID"), "bias"),
])
def test_conv2d_pool_refuses_bad_arguments_with_clear_errors(call, message):
    x = np.zeros((2, 8, 8, 2), np.float32)
    w = np.zeros((3, 3, 2, 4), np.float32)
    with pytest.raises((ValueError, TypeError), match=message):
        call(x, w)
