"""Tolerances that follow from the algorithms, for comparing convolutions computed along
different paths (im2col + GEMM at different shapes, direct kernels, Winograd).

A sum of n products computed in floating point in any order is within n·u·Σ|aᵢbᵢ| of the
exact sum, u = ε/2 being the unit roundoff (Higham, "Accuracy and Stability of Numerical
Algorithms", §3.1). Two paths that sum in different orders (GEMMs of other shapes, BLAS
kernels of other CPUs) therefore differ by at most n·ε·Σ|aᵢbᵢ|: that, not bit-identity,
is what tests of such paths assert.

Winograd's F(4×4, 3×3) adds the rounding of its input, filter and output transforms, whose
error scales with the largest magnitude in the 4×4 tile of outputs rather than with each
output's own: an output that should be exactly 0 next to large ones in its tile comes out
at ±ε-sized values. Measured over the shapes of Tests/python/test_nn_convolution_winograd.py
with normal, sparse and MNIST-like (non-negative, mostly zero) inputs, the error stayed
under 40·ε·S_tile, where S_tile is the largest Σ|x||w| among the tile's outputs; tests allow
WINOGRAD_TILE_FACTOR times that.
"""
import numpy as np

import swiftdl as sd

WINOGRAD_TILE_FACTOR = 256
WINOGRAD_TILE = 4


def absolute_conv(x, w, strides=1, padding="VALID", dilations=1, bias=None):
    """Σ|x||w| (+|b|) for every output of conv2d(x, w): the magnitude that rounding errors
    scale with, in float64."""
    s = np.asarray(sd.nn.conv2d(np.abs(np.asarray(x, np.float64)), np.abs(np.asarray(w, np.float64)),
                                strides, padding, dilations=dilations))
    return s if bias is None else s + np.abs(np.asarray(bias, np.float64))


def tile_maximum(s, tile=WINOGRAD_TILE):
    """Each output replaced by the largest value of its tile×tile block of outputs, the
    blocks counted from the top left as the Winograd kernels tile them."""
    n, h, w, c = s.shape
    padded = np.zeros((n, -(-h // tile) * tile, -(-w // tile) * tile, c))
    padded[:, :h, :w] = s
    blocks = padded.reshape(n, padded.shape[1] // tile, tile, padded.shape[2] // tile, tile, c).max(axis=(2, 4))
    return np.repeat(np.repeat(blocks, tile, axis=1), tile, axis=2)[:, :h, :w]


def conv_error_bound(x, w, strides=1, padding="VALID", dilations=1, bias=None, dtype=np.float32, winograd=None):
    """An elementwise bound on |conv2d computed in `dtype` − the exact value|, by any of the
    engine's algorithms: n·ε·Σ|x||w| for a sum of n = kh·kw·C terms (plus the bias), and
    for float32 3×3 stride-1 windows, which may run by Winograd, WINOGRAD_TILE_FACTOR·ε·S_tile
    on top. `winograd` forces that part on or off; None decides from the shape."""
    eps = np.finfo(dtype).eps
    kh, kw, channels = np.shape(w)[:3]
    terms = kh * kw * channels + (bias is not None)
    s = absolute_conv(x, w, strides, padding, dilations, bias)
    bound = terms * eps * s
    if winograd is None:
        single = all(v == 1 for v in np.broadcast_to(strides, 2)) and all(v == 1 for v in np.broadcast_to(dilations, 2))
        winograd = np.dtype(dtype) == np.float32 and (kh, kw) == (3, 3) and single
    if winograd:
        bound = bound + WINOGRAD_TILE_FACTOR * eps * tile_maximum(s)
    return bound


def pooled_bound(bound, size, strides, padding):
    """The bound after max or average pooling: no more than the largest bound in each
    window, since both pick or average values of the window."""
    return np.asarray(sd.nn.max_pool2d(np.asarray(bound, np.float64), list(size), list(strides), padding))


def assert_within(actual, expected, bound, what="result"):
    """|actual − expected| ≤ bound elementwise (plus a denormal-sized floor)."""
    actual, expected = np.asarray(actual, np.float64), np.asarray(expected, np.float64)
    excess = np.abs(actual - expected) - (bound + 1e-30)
    worst = np.unravel_index(np.argmax(excess), excess.shape) if excess.size else None
    assert excess.size == 0 or excess.max() <= 0, (
        f"{what} differs beyond its error bound at {worst}: {actual[worst]!r} vs {expected[worst]!r}, "
        f"bound {np.asarray(bound)[worst]!r}")
