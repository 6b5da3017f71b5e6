"""A 1×1 convolution of one image whose product the AVX-512 small kernel takes gets its bias,
relu and cap in registers (SwiftDLAVX512/SmallGemmEpilogue.swift), and an output of 24
channels (MobileNetV2's projections) its own 24-wide tile. Both must give what a matrix
product, the batch norm and the clamp give in float64: output widths around the kernel's
32-, 24- and 16-wide tiles and its staged last columns, odd pixel counts (a staged last
group of rows), NaN kept. The tolerance is float32 rounding of a K-term sum (the fold
scales the filters before the sums, the reference after). float64 and
SWIFTDL_DISABLE_AVX2=1 run the same checks through BLAS and the epilogue pass."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import _C

RNG = np.random.default_rng(5)


def _reference(x, w, mean, variance, gamma, beta, epsilon, cap):
    y = np.einsum("nhwk,ko->nhwo", x.astype(np.float64), w[0, 0].astype(np.float64))
    y = (y - mean) / np.sqrt(variance.astype(np.float64) + epsilon) * gamma + beta
    return y if cap is None else np.minimum(np.maximum(y, 0), cap)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("k", [3, 16, 144])
@pytest.mark.parametrize("n", [5, 24, 40, 56, 88])
@pytest.mark.parametrize("cap", [None, np.inf, 6.0])
def test_folded_pointwise_convolutions_match_the_composition(dtype, k, n, cap):
    x = (RNG.normal(size=(1, 7, 9, k)) * 3).astype(dtype)
    x[0, 4, 2, 0] = np.nan  # that pixel's every output is NaN, whatever the clamp
    w = RNG.normal(size=(1, 1, k, n)).astype(dtype)
    mean, beta = RNG.normal(size=n).astype(dtype), RNG.normal(size=n).astype(dtype)
    variance, gamma = RNG.uniform(0.5, 2, n).astype(dtype), RNG.uniform(0.5, 2, n).astype(dtype)
    relu = cap is not None
    y = np.asarray(_C.conv2d_batch_norm(
        sd.asarray(x), sd.asarray(w), None, sd.asarray(mean), sd.asarray(variance), sd.asarray(gamma),
        sd.asarray(beta), 1e-3, relu, float(cap) if relu else float(np.inf), (1, 1), (1, 1), 0, (0, 0, 0, 0)))
    expected = _reference(x, w, mean, variance, gamma, beta, 1e-3, cap)
    assert np.isnan(y[0, 4, 2]).all()
    finite = ~np.isnan(expected)
    assert not np.isnan(y[finite]).any()
    eps = np.finfo(dtype).eps
    scale = np.einsum("nhwk,ko->nhwo", np.abs(np.nan_to_num(x)).astype(np.float64), np.abs(w[0, 0]))[finite]
    np.testing.assert_array_less(np.abs(y[finite] - expected[finite]), 4 * k * eps * (scale * 2 + np.abs(beta).max() + 1))
    if cap is not None:
        assert y[finite].min() >= 0 and y[finite].max() <= cap
