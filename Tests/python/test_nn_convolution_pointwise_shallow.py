"""1×1 convolutions with few input channels (MobileNet's expansions) run a kernel of their
own on AVX2 CPUs (SwiftDLAVX2/ShallowPointwiseConvolution.swift: the filter in L1, each
output row summed in registers, bias and (capped) relu on the way out). It must give what a
matrix product gives, for every input width it takes (up to 32) and output widths in
multiples of 48 (its six-vector blocks; the other widths here take the GEMM beside it), with
and without bias and activation, NaN kept; and layers on it must keep their gradients. With SWIFTDL_DISABLE_AVX2=1 the same
checks cover the GEMM path."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import _C, keras

RNG = np.random.default_rng(11)


def _reference(x, w, bias, activation):
    y = np.einsum("nhwk,ko->nhwo", x.astype(np.float64), w[0, 0].astype(np.float64))
    if bias is not None:
        y = y + bias
    if activation:
        y = np.maximum(y, 0)
    return y


@pytest.mark.parametrize("k", [1, 3, 16, 24, 32])
@pytest.mark.parametrize("n", [8, 48, 56, 96, 144])
@pytest.mark.parametrize("with_bias,activation", [(False, 0), (True, 0), (True, 1)])
def test_matches_a_matrix_product(k, n, with_bias, activation):
    x = RNG.normal(size=(3, 5, 7, k)).astype(np.float32)
    w = RNG.normal(size=(1, 1, k, n)).astype(np.float32)
    bias = RNG.normal(size=n).astype(np.float32) if with_bias else None
    y = _C.conv2d(sd.asarray(x), sd.asarray(w), sd.asarray(bias) if with_bias else None, activation, (1, 1), (1, 1),
                  0, (0, 0, 0, 0))
    expected = _reference(x, w, bias, activation)
    np.testing.assert_allclose(np.asarray(y), expected, rtol=1e-5, atol=1e-5 * np.sqrt(k) * np.abs(expected).max())


def test_the_batch_norm_fold_caps_and_keeps_nan():
    k, n = 16, 96
    x = RNG.normal(size=(2, 4, 4, k)).astype(np.float32) * 4
    x[1, 2, 3, 5] = np.nan  # one row's every output is NaN
    w = RNG.normal(size=(1, 1, k, n)).astype(np.float32)
    ones, zeros = sd.asarray(np.ones(n, np.float32)), sd.asarray(np.zeros(n, np.float32))
    y = np.asarray(_C.conv2d_batch_norm(sd.asarray(x), sd.asarray(w), None, zeros, ones, None, None, 0.0, True, 6.0,
                                        (1, 1), (1, 1), 0, (0, 0, 0, 0)))
    expected = np.minimum(_reference(x, w, None, 1), 6.0)
    assert np.isnan(y[1, 2, 3]).all() and not np.isnan(np.delete(y.reshape(-1, n), 1 * 16 + 2 * 4 + 3, 0)).any()
    finite = ~np.isnan(expected)
    np.testing.assert_allclose(y[finite], expected[finite], rtol=1e-5, atol=1e-4)
    assert y[finite].max() == 6.0 and y[finite].min() == 0.0


def test_a_pointwise_layer_trains_with_exact_gradients():
    layer = keras.layers.Conv2D(48, 1, activation="relu")
    x = sd.asarray(RNG.normal(size=(2, 3, 3, 24)).astype(np.float32))
    layer(x)
    with sd.GradientTape() as tape:
        tape.watch(x)
        loss = sd.reduce_sum(layer(x) ** 2)
    dx, dw, db = tape.gradient(loss, [x, layer.kernel, layer.bias])
    x64, w64, b64 = (np.asarray(v).astype(np.float64) for v in (x, layer.kernel, layer.bias))
    z = np.einsum("nhwk,ko->nhwo", x64, w64[0, 0]) + b64
    upstream = 2 * np.maximum(z, 0) * (z > 0)
    np.testing.assert_allclose(np.asarray(db), upstream.sum((0, 1, 2)), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(np.asarray(dw)[0, 0], np.einsum("nhwk,nhwo->ko", x64, upstream), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(np.asarray(dx), np.einsum("nhwo,ko->nhwk", upstream, w64[0, 0]), rtol=1e-4, atol=1e-4)
