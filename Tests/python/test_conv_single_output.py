"""Convolutions with one output channel (an autoencoder's last layer), which take direct
kernels on AVX2 CPUs instead of im2col + GEMM: values and all three gradients against a
numpy reference, over strides, dilations, paddings and channel counts that exercise the
kernels' 32-, 8- and 1-channel loops. (Under SWIFTDL_DISABLE_AVX2=1 the same tests check
the im2col path.)"""
import numpy as np
import pytest

import swiftdl as sd


def _pads(size, window, stride, dilation, padding):
    effective = (window - 1) * dilation + 1
    if padding == "VALID":
        return (size - effective) // stride + 1, 0, 0
    out = -(-size // stride)
    total = max((out - 1) * stride + effective - size, 0)
    return out, total // 2, total - total // 2


def _reference(x, w, b, stride, dilation, padding, relu, upstream):
    """y and the gradients of sum(y · upstream) by explicit loops over the taps."""
    n, h, wd, c = x.shape
    kh, kw = w.shape[:2]
    oh, top, bottom = _pads(h, kh, stride, dilation, padding)
    ow, left, right = _pads(wd, kw, stride, dilation, padding)
    padded = np.pad(x.astype(np.float64), ((0, 0), (top, bottom), (left, right), (0, 0)))
    y = np.full((n, oh, ow), float(b[0]))
    for i in range(kh):
        for j in range(kw):
            patch = padded[:, i * dilation:i * dilation + (oh - 1) * stride + 1:stride,
                           j * dilation:j * dilation + (ow - 1) * stride + 1:stride, :]
            y += patch @ w[i, j, :, 0].astype(np.float64)
    g = upstream[..., 0].astype(np.float64) * ((y > 0) if relu else 1)
    if relu:
        y = np.maximum(y, 0)
    dpadded = np.zeros_like(padded)
    dw = np.zeros(w.shape)
    for i in range(kh):
        for j in range(kw):
            rows = slice(i * dilation, i * dilation + (oh - 1) * stride + 1, stride)
            cols = slice(j * dilation, j * dilation + (ow - 1) * stride + 1, stride)
            dw[i, j, :, 0] = np.einsum("nhwc,nhw->c", padded[:, rows, cols, :], g)
            dpadded[:, rows, cols, :] += g[..., None] * w[i, j, :, 0]
    dx = dpadded[:, top:top + h, left:left + wd, :]
    return y[..., None], dx, dw, np.array([g.sum()])


CASES = [  # (H, W, C, KH, KW, stride, dilation, padding, relu)
    (28, 28, 32, 3, 3, 1, 1, "SAME", False),   # the autoencoder's last layer
    (9, 7, 5, 3, 2, 2, 1, "VALID", True),
    (8, 8, 40, 5, 5, 1, 2, "SAME", True),
    (6, 9, 3, 1, 3, 3, 1, "SAME", False),
    (5, 5, 16, 3, 3, 2, 1, "SAME", True),
    (7, 6, 24, 3, 3, 1, 1, "VALID", False),
    (4, 4, 1, 3, 3, 1, 1, "SAME", False),
    (3, 3, 8, 4, 4, 1, 1, "SAME", True),       # a window larger than the image
    (7, 10, 64, 3, 3, 1, 2, "SAME", True),     # input gradient two pixels at a time, dilated, C = 2·32
    (5, 6, 32, 2, 3, 1, 1, "VALID", False),    # odd output width: the filter gradient's odd column last
]


@pytest.mark.parametrize("dtype,tolerance", [(np.float32, 2e-4), (np.float64, 1e-10)])
@pytest.mark.parametrize("case", CASES)
def test_single_output_convolution_matches_numpy(case, dtype, tolerance):
    h, wd, c, kh, kw, stride, dilation, padding, relu = case
    rng = np.random.default_rng(hash(case) % 2 ** 32)
    x = rng.standard_normal((3, h, wd, c)).astype(dtype)
    w = rng.standard_normal((kh, kw, c, 1)).astype(dtype)
    b = rng.standard_normal(1).astype(dtype)
    xv, wv, bv = sd.Variable(x), sd.Variable(w), sd.Variable(b)
    with sd.GradientTape() as tape:
        y = sd.nn.conv2d_bias_activation(xv, wv, bv, stride, padding, dilations=dilation,
                                         activation="relu" if relu else None)
        upstream = rng.standard_normal(tuple(y.shape)).astype(dtype)
        loss = sd.reduce_sum(y * sd.asarray(upstream))
    dx, dw, db = tape.gradient(loss, [xv, wv, bv])
    want_y, want_dx, want_dw, want_db = _reference(x, w, b, stride, dilation, padding, relu, upstream)
    # Sums of up to ~300 products in another order than the reference's: scale by their size.
    scale = np.sqrt(kh * kw * c)
    np.testing.assert_allclose(np.asarray(y), want_y, atol=tolerance * scale, rtol=tolerance)
    np.testing.assert_allclose(np.asarray(dx), want_dx, atol=tolerance * scale, rtol=tolerance)
    np.testing.assert_allclose(np.asarray(dw), want_dw, atol=tolerance * scale * 10, rtol=tolerance)
    np.testing.assert_allclose(np.asarray(db), want_db, atol=tolerance * scale * 10, rtol=tolerance)


def test_single_output_convolution_without_input_gradient_or_bias():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 10, 10, 32)).astype(np.float32)
    w = rng.standard_normal((3, 3, 32, 1)).astype(np.float32)
    wv = sd.Variable(w)
    with sd.GradientTape() as tape:
        y = sd.nn.conv2d(sd.asarray(x), wv, 1, "SAME")
        loss = sd.reduce_sum(y)
    (dw,) = tape.gradient(loss, [wv])
    want_y, _, want_dw, _ = _reference(x, w, np.zeros(1), 1, 1, "SAME", False, np.ones((2, 10, 10, 1)))
    np.testing.assert_allclose(np.asarray(y), want_y, atol=1e-3, rtol=1e-4)
    np.testing.assert_allclose(np.asarray(dw), want_dw, atol=1e-3, rtol=1e-4)


def test_single_output_convolution_rejects_bad_operands():
    x = np.zeros((1, 5, 5, 4), np.float32)
    with pytest.raises(ValueError):
        sd.nn.conv2d(x, np.zeros((3, 3, 3, 1), np.float32), 1, "SAME")
    with pytest.raises(TypeError):
        sd.nn.conv2d(x, np.zeros((3, 3, 4, 1), np.float64), 1, "SAME")
