"""Float32 row convolutions whose window covers three strides (Keras's text CNN: kernel 7,
stride 3; any kernel-3 stride-1 conv1d), which the engine runs by a 1-D Winograd F(4, 3)
over blocks of `stride` positions (Kernels/RowWinogradConvolution.swift): values and
gradients against float64 numpy references over the strides, windows, paddings and
edges that change the tiling, float64 and op determinism on the exact kernels, and the
Keras Conv1D layer on top.

Winograd's float32 error is a few times a direct sum's (measured ~3e-6 of the largest
output here); the tolerances are relative to each result's largest magnitude, ~30x that."""
import numpy as np
import pytest

import swiftdl as sd

RNG = np.random.default_rng(23)
TOLERANCE = 1e-4


def reference(x, w, b, stride, pad_left, out_width):
    """Σ_j x[stride·t + j − pad_left] · w[j] + b in float64, zeros outside the input."""
    batch, width, channels = x.shape
    taps = w.shape[0]
    padded = np.zeros((batch, pad_left + width + taps + stride * out_width, channels))
    padded[:, pad_left:pad_left + width] = x
    out = np.stack([np.einsum("nkc,kco->no", padded[:, t * stride:t * stride + taps], w)
                    for t in range(out_width)], axis=1)
    return out + (0 if b is None else b)


def _close(actual, expected, tolerance=TOLERANCE):
    scale = max(np.abs(expected).max(), 1e-30)
    np.testing.assert_allclose(np.asarray(actual, dtype=np.float64) / scale, expected / scale, rtol=0,
                               atol=tolerance)


def _left_pad(padding, width, taps, stride, out_width):
    if padding == "VALID":
        return 0
    if padding == "SAME":
        return max((out_width - 1) * stride + taps - width, 0) // 2
    return padding[1][0]


# Each with 64 tiles of four outputs or more, the fewest the engine runs by Winograd.
GEOMETRIES = [
    # (batch, width, channels, filters, taps, stride, padding)
    (4, 400, 16, 24, 7, 3, "VALID"),   # the text CNN's first layer, narrower
    (8, 132, 16, 16, 7, 3, "VALID"),   # its second: 42 outputs, the last tile partial
    (16, 41, 6, 9, 8, 3, "SAME"),       # 8 taps: the third block's last tap is a zero
    (24, 40, 4, 16, 9, 3, "VALID"),     # 9 taps: three full blocks
    (5, 50, 5, 8, 3, 1, "SAME"),       # a plain kernel-3 conv1d
    (4, 64, 8, 8, 3, 1, [[0, 0], [2, 0], [0, 0]]),  # causal padding, as Conv1D(padding="causal") passes it
    (13, 33, 3, 8, 5, 2, "SAME"),
    (16, 30, 4, 8, 6, 2, "VALID"),
    (32, 25, 4, 8, 7, 3, "VALID"),     # seven outputs a row: the second tile partial
]


@pytest.mark.parametrize("batch, width, channels, filters, taps, stride, padding", GEOMETRIES)
@pytest.mark.parametrize("activation, with_bias", [(None, False), ("relu", True)])
def test_values_and_gradients_match_the_float64_reference(batch, width, channels, filters, taps, stride, padding,
                                                          activation, with_bias):
    x = RNG.standard_normal((batch, width, channels)).astype(np.float32)
    w = (RNG.standard_normal((taps, channels, filters)) / np.sqrt(taps * channels)).astype(np.float32)
    b = RNG.standard_normal(filters).astype(np.float32) if with_bias else None
    xs, ws = sd.asarray(x), sd.asarray(w)
    bs = sd.asarray(b) if with_bias else None
    with sd.GradientTape() as tape:
        for tensor in (xs, ws) + ((bs,) if with_bias else ()):
            tape.watch(tensor)
        y = sd.nn.conv1d_bias_activation(xs, ws, bs, stride=stride, padding=padding, activation=activation)
    out_width = y.shape[1]
    pad_left = _left_pad(padding, width, taps, stride, out_width)
    linear = reference(x.astype(np.float64), w.astype(np.float64), b, stride, pad_left, out_width)
    expected = np.maximum(linear, 0) if activation else linear
    _close(y, expected)
    upstream = RNG.standard_normal(y.shape).astype(np.float32)
    sources = [xs, ws] + ([bs] if with_bias else [])
    gradients = tape.gradient(y, sources, output_gradients=upstream)
    # The gradients go by the exact kernels; compare them with the same op under op determinism.
    sd.config.experimental.enable_op_determinism()
    try:
        with sd.GradientTape() as tape:
            for tensor in sources:
                tape.watch(tensor)
            exact = sd.nn.conv1d_bias_activation(xs, ws, bs, stride=stride, padding=padding, activation=activation)
        expected_gradients = tape.gradient(exact, sources, output_gradients=upstream)
    finally:
        sd.config.experimental.disable_op_determinism()
    for got, want in zip(gradients, expected_gradients):
        _close(got, np.asarray(want, dtype=np.float64))


def test_finite_differences_through_the_fast_forward():
    x = RNG.standard_normal((22, 40, 3)).astype(np.float64)
    w = RNG.standard_normal((7, 3, 8)).astype(np.float64) * 0.3
    xs, ws = sd.asarray(x.astype(np.float32)), sd.asarray(w.astype(np.float32))
    with sd.GradientTape() as tape:
        tape.watch(ws)
        loss = sd.reduce_sum(sd.nn.conv1d(xs, ws, 3, "VALID") ** 2)
    (dw,) = tape.gradient(loss, [ws])
    x32 = x.astype(np.float32).astype(np.float64)
    w64 = w.astype(np.float32).astype(np.float64)

    def value(weights):
        return (reference(x32, weights, None, 3, 0, 12) ** 2).sum()
    numeric = np.zeros_like(w64)
    for index in np.ndindex(*w64.shape):
        step = np.zeros_like(w64)
        step[index] = 1e-6
        numeric[index] = (value(w64 + step) - value(w64 - step)) / 2e-6
    _close(dw, numeric, 1e-4)


def test_float64_and_op_determinism_keep_the_direct_sums():
    x = RNG.standard_normal((13, 60, 8))
    w = RNG.standard_normal((7, 8, 8))
    expected = reference(x, w, None, 3, 0, 18)
    np.testing.assert_allclose(np.asarray(sd.nn.conv1d(x, w, 3, "VALID")), expected, rtol=1e-12, atol=1e-12)
    x32, w32 = x.astype(np.float32), w.astype(np.float32)
    fast = np.asarray(sd.nn.conv1d(x32, w32, 3, "VALID"))
    sd.config.experimental.enable_op_determinism()
    try:
        exact = np.asarray(sd.nn.conv1d(x32, w32, 3, "VALID"))
    finally:
        sd.config.experimental.disable_op_determinism()
    _close(fast, expected)
    _close(exact, expected, 1e-6)


def test_non_finite_inputs_stay_within_their_tiles():
    x = RNG.standard_normal((2, 400, 8)).astype(np.float32)
    x[0, 0, 0] = np.nan
    x[1, 399, 3] = np.inf  # the last input position, read only by the last window (3·131 + 6)
    w = RNG.standard_normal((7, 8, 8)).astype(np.float32)
    got = np.asarray(sd.nn.conv1d(x, w, 3, "VALID"))
    finite = np.isfinite(got)
    assert not finite[0, 0].any() and finite[0, 4:].all()
    assert not finite[1, 131].any() and finite[1, :128].all()


def test_keras_conv1d_layer_matches_the_reference():
    from swiftdl import keras
    layer = keras.layers.Conv1D(32, 7, strides=3, activation="relu")
    x = RNG.standard_normal((8, 400, 16)).astype(np.float32)
    y = np.asarray(layer(x))
    kernel, bias = (np.asarray(v, dtype=np.float64) for v in layer.get_weights())
    _close(y, np.maximum(reference(x.astype(np.float64), kernel, bias, 3, 0, 132), 0))


def test_conv2d_with_a_window_one_row_high_runs_each_row():
    x = RNG.standard_normal((4, 5, 70, 6)).astype(np.float32)
    w = RNG.standard_normal((1, 7, 6, 8)).astype(np.float32)
    got = np.asarray(sd.nn.conv2d(x, w, (1, 3), "SAME"))
    rows = x.reshape(20, 70, 6).astype(np.float64)
    expected = reference(rows, w[0].astype(np.float64), None, 3, _left_pad("SAME", 70, 7, 3, 24), 24)
    _close(got, expected.reshape(4, 5, 24, 8))
