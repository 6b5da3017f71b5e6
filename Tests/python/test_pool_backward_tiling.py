"""Pooling gradients when the windows tile the image (stride = window, Keras's default):
the engine writes dx once per element (Kernels/NonOverlappingPoolBackward.swift) instead of
zero-filling and scattering. Checked against a numpy scatter of the upstream gradient (the
first maximum of each window wins, TensorFlow's rule; an average spreads over the window's
positions inside the image), with remainders that no window covers, SAME padding, ties,
NaN windows, both float dtypes, channel counts around the 8-lane float32 path, and
channels_first layers. The values are the same sums of the same numbers, so the float
tolerances only allow for the average's reciprocal-then-multiply rounding."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras

RNG = np.random.default_rng(11)


def _padding_before(size, window, padding):
    if padding == "VALID":
        return 0, (size - window) // window + 1
    out = -(-size // window)
    return max((out - 1) * window + window - size, 0) // 2, out


def _reference(kind, x, upstream, window, padding):
    (wh, ww), (height, width) = window, x.shape[1:3]
    top, _ = _padding_before(height, wh, padding)
    left, _ = _padding_before(width, ww, padding)
    dx = np.zeros_like(x)
    for n, i, j, c in np.ndindex(upstream.shape):
        rows = [r for r in range(i * wh - top, i * wh - top + wh) if 0 <= r < height]
        cols = [q for q in range(j * ww - left, j * ww - left + ww) if 0 <= q < width]
        cells = [(r, q) for r in rows for q in cols]
        if kind == "avg":
            for r, q in cells:
                dx[n, r, q, c] += upstream[n, i, j, c] / len(cells)
            continue
        values = [x[n, r, q, c] for r, q in cells]
        # The first maximum; a window of NaNs (nothing compares) keeps its first element.
        best = max(range(len(cells)), key=lambda k: (values[k], -k)) if not np.isnan(values).all() else 0
        dx[n, cells[best][0], cells[best][1], c] += upstream[n, i, j, c]
    return dx


def _engine_gradient(kind, x, upstream, window, padding):
    tensor = sd.asarray(x)
    with sd.GradientTape() as tape:
        tape.watch(tensor)
        y = getattr(sd.nn, f"{kind}_pool2d")(tensor, list(window), list(window), padding)
    assert tuple(y.shape) == upstream.shape
    return np.asarray(tape.gradient(y, tensor, output_gradients=sd.asarray(upstream)))


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape,window,padding", [
    ((2, 8, 8, 16), (2, 2), "VALID"), ((2, 7, 9, 11), (2, 2), "VALID"), ((1, 7, 9, 11), (2, 2), "SAME"),
    ((2, 10, 7, 3), (3, 3), "VALID"), ((2, 10, 7, 1), (3, 2), "SAME"), ((3, 5, 6, 19), (1, 3), "SAME"),
    ((1, 3, 3, 8), (3, 3), "VALID")])
def test_tiled_pool_gradient_matches_a_numpy_scatter(kind, dtype, shape, window, padding):
    # Small integers tie often, so "the first maximum" is exercised.
    x = RNG.integers(0, 3, size=shape).astype(dtype)
    out_h = _padding_before(shape[1], window[0], padding)[1]
    out_w = _padding_before(shape[2], window[1], padding)[1]
    upstream = RNG.standard_normal((shape[0], out_h, out_w, shape[3])).astype(dtype)
    expected = _reference(kind, x, upstream, window, padding)
    tolerance = 1e-6 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(_engine_gradient(kind, x, upstream, window, padding), expected, rtol=tolerance,
                               atol=tolerance)


def test_nan_windows_send_the_gradient_to_their_first_element():
    x = RNG.standard_normal((1, 4, 4, 9)).astype(np.float32)
    x[0, :2, :2, :] = np.nan
    x[0, 2, 3, 4] = np.nan
    upstream = RNG.standard_normal((1, 2, 2, 9)).astype(np.float32)
    gradient = _engine_gradient("max", x, upstream, (2, 2), "VALID")
    np.testing.assert_array_equal(gradient, _reference("max", x, upstream, (2, 2), "VALID"))


@pytest.mark.parametrize("layer", ["MaxPooling2D", "AveragePooling2D"])
def test_channels_first_layers_match_channels_last(layer):
    x = RNG.standard_normal((2, 9, 7, 5)).astype(np.float32)
    gradients = []
    for data_format, data in (("channels_last", x), ("channels_first", np.transpose(x, (0, 3, 1, 2)))):
        tensor = sd.asarray(np.ascontiguousarray(data))
        pool = getattr(keras.layers, layer)(2, padding="same", data_format=data_format)
        with sd.GradientTape() as tape:
            tape.watch(tensor)
            loss = sd.sum(sd.square(pool(tensor)))
        gradients.append(np.asarray(tape.gradient(loss, tensor)))
    np.testing.assert_allclose(np.transpose(gradients[1], (0, 2, 3, 1)), gradients[0], rtol=1e-6, atol=1e-6)
