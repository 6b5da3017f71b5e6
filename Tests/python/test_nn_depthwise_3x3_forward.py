"""The depthwise 3×3 forward kernel (SwiftDLAVX2/Depthwise3x3Forward.swift: filters in
registers, four output pixels at a time, the border's pixels by the per-pixel kernel)
against the numpy reference of test_nn_depthwise_convolution: rows long and short enough
for whole blocks of four and remainders, strides, SAME, VALID and lopsided explicit
padding, channels in multiples of 8, pieces cut mid-row by two threads, a bias, the folded
batch norm's ReLU6, NaN. Float32 sums in another order than the float64 reference, so
values agree to float32 rounding; float64 (the portable kernel) is checked alike."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras import layers
from test_nn_depthwise_convolution import reference_depthwise

RNG = np.random.default_rng(5)

CASES = [
    # (input shape, strides, padding)
    ((1, 48, 48, 16), (1, 1), "SAME"),        # MobileNetV2's first depthwise layer
    ((1, 24, 23, 8), (2, 2), "SAME"),
    ((2, 13, 17, 24), (1, 1), "VALID"),
    ((1, 12, 12, 144), (2, 2), "SAME"),       # padding after only (bottom, right)
    ((3, 9, 10, 40), (1, 2), "SAME"),
    ((1, 7, 19, 16), (2, 1), "VALID"),
    ((1, 6, 6, 192), (1, 1), "SAME"),
    ((1, 3, 3, 8), (1, 1), "VALID"),          # one output pixel
    ((1, 4, 5, 8), (1, 1), "SAME"),           # no pixel without padding on some side
    ((2, 11, 14, 32), (1, 1), [[0, 0], [2, 0], [0, 3], [0, 0]]),
]


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, strides, padding", CASES)
def test_depthwise_3x3_matches_reference(threads, dtype, shape, strides, padding):
    x = RNG.standard_normal(shape)
    w = RNG.standard_normal((3, 3, shape[-1], 1))
    b = RNG.standard_normal(shape[-1])
    previous = sd.config.get_num_threads()
    sd.config.set_num_threads(threads)
    try:
        y = sd.nn.depthwise_conv2d_bias(sd.asarray(x.astype(dtype)), sd.asarray(w.astype(dtype)),
                                        sd.asarray(b.astype(dtype)), strides=strides, padding=padding)
    finally:
        sd.config.set_num_threads(previous)
    expected = reference_depthwise(x.astype(dtype), w.astype(dtype), strides, padding) + b.astype(dtype)
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(np.asarray(y), expected, rtol=tolerance, atol=tolerance * 10)


@pytest.mark.parametrize("shape, strides, padding", [CASES[0], CASES[3], CASES[4]])
def test_folded_batch_norm_relu6_matches_reference(shape, strides, padding):
    """Inference's DepthwiseConv2D → BatchNormalization → ReLU(6) (one folded op) against
    numpy, NaN in the input kept in the windows that read it."""
    channels = shape[-1]
    model = keras.Sequential([keras.Input(shape[1:]),
                              layers.DepthwiseConv2D(3, strides=strides, padding=padding.lower(), use_bias=False),
                              layers.BatchNormalization(), layers.ReLU(6.0)])
    depthwise, norm = model.layers[0], model.layers[1]
    gamma, beta = RNG.uniform(0.5, 2, channels), RNG.standard_normal(channels)
    mean, variance = RNG.standard_normal(channels), RNG.uniform(0.5, 2, channels)
    norm.set_weights([v.astype("float32") for v in (gamma, beta, mean, variance)])
    x = (RNG.standard_normal(shape) * 3).astype("float32")
    x[0, shape[1] // 2, 5, 3] = np.nan
    got = np.asarray(model(x, training=False))
    np.testing.assert_array_equal(np.asarray(model(x, training=False)), got)  # the inference plan's call
    convolved = reference_depthwise(x.astype(np.float64), depthwise.get_weights()[0].astype(np.float64), strides,
                                    padding)
    expected = np.clip((convolved - mean) / np.sqrt(variance + norm.epsilon) * gamma + beta, 0, 6)
    expected[np.isnan(convolved)] = np.nan
    assert np.isnan(got).sum() == np.isnan(expected).sum() > 0
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
