"""The float32 3×3 stride-1 convolutions with channels in multiples of 8, which the engine
runs by Winograd's F(4×4, 3×3) (forward, input and filter gradients): values and gradients
against float64 numpy references, over the shapes, paddings and edges that change the
tiling (outputs not a multiple of 4, a single partial tile, padding wider than the window
reaches), through conv2d, the fused bias+relu op and the fused conv+pool op.

Winograd's float32 error is a few times a direct sum's; the tolerances below are relative
to each result's largest magnitude, about 20x what the algorithm shows here."""
import numpy as np
import pytest

import swiftdl as sd

RNG = np.random.default_rng(11)
TOLERANCE = 1e-4


def _pads(padding, size):
    if padding == "VALID":
        return 0, 0
    if padding == "SAME":
        return 1, 1
    return padding


def reference_forward(x, w, padding_h, padding_w):
    padded = np.pad(x, ((0, 0), padding_h, padding_w, (0, 0)))
    oh, ow = padded.shape[1] - 2, padded.shape[2] - 2
    out = np.zeros((x.shape[0], oh, ow, w.shape[3]))
    for i in range(3):
        for j in range(3):
            out += np.einsum("nhwc,co->nhwo", padded[:, i:i + oh, j:j + ow], w[i, j])
    return out


def reference_gradients(x, w, upstream, padding_h, padding_w):
    """d(sum(upstream · conv(x, w)))/dx and /dw."""
    padded = np.pad(x, ((0, 0), padding_h, padding_w, (0, 0)))
    oh, ow = upstream.shape[1], upstream.shape[2]
    dpadded = np.zeros_like(padded)
    dw = np.zeros(w.shape)
    for i in range(3):
        for j in range(3):
            dpadded[:, i:i + oh, j:j + ow] += np.einsum("nhwo,co->nhwc", upstream, w[i, j])
            dw[i, j] = np.einsum("nhwc,nhwo->co", padded[:, i:i + oh, j:j + ow], upstream)
    h, wd = x.shape[1], x.shape[2]
    return dpadded[:, padding_h[0]:padding_h[0] + h, padding_w[0]:padding_w[0] + wd], dw


def _close(actual, expected):
    scale = max(np.abs(expected).max(), 1e-30)
    np.testing.assert_allclose(np.asarray(actual, dtype=np.float64) / scale, expected / scale, rtol=0, atol=TOLERANCE)


SHAPES = [
    # (input shape, output channels, padding): the document's layers, then the edges.
    ((3, 13, 13, 32), 64, "VALID"),   # 11×11 outputs: 3×3 tiles, the last row and column partial
    ((16, 5, 5, 64), 64, "VALID"),    # 3×3 outputs: one partial tile an image (16 tiles: enough)
    ((1, 13, 13, 32), 64, "VALID"),   # one image of 9 tiles: the fewest that take Winograd
    ((2, 16, 12, 8), 16, "VALID"),    # 14×10
    ((2, 9, 14, 16), 8, "SAME"),      # padded on every side
    ((2, 12, 12, 8), 24, [(2, 0), (0, 3)]),  # explicit, wider than the window reaches on one side
    ((1, 28, 28, 8), 8, [(1, 2), (2, 1)]),
    ((2, 10, 10, 8), 16, [(3, 1), (1, 4)]),  # padding wider than the window: the input gradient reads dY from row 1
]


def _padding_argument(padding):
    return padding if isinstance(padding, str) else [[0, 0], list(padding[0]), list(padding[1]), [0, 0]]


def _pad_pairs(padding):
    if padding == "VALID":
        return (0, 0), (0, 0)
    if padding == "SAME":
        return (1, 1), (1, 1)
    return tuple(padding[0]), tuple(padding[1])


@pytest.mark.parametrize("shape, channels, padding", SHAPES)
def test_forward_matches_the_float64_reference(shape, channels, padding):
    x = RNG.standard_normal(shape).astype(np.float32)
    w = RNG.standard_normal((3, 3, shape[3], channels)).astype(np.float32)
    got = sd.nn.conv2d(x, w, 1, _padding_argument(padding))
    _close(got, reference_forward(x.astype(np.float64), w.astype(np.float64), *_pad_pairs(padding)))


@pytest.mark.parametrize("shape, channels, padding", SHAPES)
@pytest.mark.parametrize("activation", [None, "relu"])
def test_bias_activation_values_and_gradients(shape, channels, padding, activation):
    x = RNG.standard_normal(shape).astype(np.float32)
    w = RNG.standard_normal((3, 3, shape[3], channels)).astype(np.float32)
    b = RNG.standard_normal(channels).astype(np.float32)
    xs, ws, bs = sd.asarray(x), sd.asarray(w), sd.asarray(b)
    pads = _pad_pairs(padding)
    linear = reference_forward(x.astype(np.float64), w.astype(np.float64), *pads) + b
    expected = np.maximum(linear, 0) if activation else linear
    upstream = RNG.standard_normal(expected.shape)
    with sd.GradientTape() as tape:
        for tensor in (xs, ws, bs):
            tape.watch(tensor)
        y = sd.nn.conv2d_bias_activation(xs, ws, bs, 1, _padding_argument(padding), activation=activation)
    dx, dw, db = tape.gradient(y, [xs, ws, bs], output_gradients=upstream.astype(np.float32))
    _close(y, expected)
    masked = upstream * (linear > 0) if activation else upstream
    expected_dx, expected_dw = reference_gradients(x.astype(np.float64), w.astype(np.float64), masked, *pads)
    _close(dx, expected_dx)
    _close(dw, expected_dw)
    _close(db, masked.sum(axis=(0, 1, 2)))


@pytest.mark.parametrize("shape, channels", [((4, 13, 13, 32), 64), ((3, 18, 18, 8), 16)])
def test_fused_convolution_and_max_pool_gradients(shape, channels):
    x = RNG.standard_normal(shape).astype(np.float32)
    w = RNG.standard_normal((3, 3, shape[3], channels)).astype(np.float32)
    b = RNG.standard_normal(channels).astype(np.float32)
    xs, ws = sd.asarray(x), sd.asarray(w)
    linear = reference_forward(x.astype(np.float64), w.astype(np.float64), (0, 0), (0, 0)) + b
    convolved = np.maximum(linear, 0)
    n, h, wd, o = convolved.shape
    ph, pw = h // 2, wd // 2
    windows = convolved[:, :2 * ph, :2 * pw].reshape(n, ph, 2, pw, 2, o)
    pooled = windows.max(axis=(2, 4))
    upstream = RNG.standard_normal(pooled.shape)
    with sd.GradientTape() as tape:
        tape.watch(xs)
        tape.watch(ws)
        y = sd.nn.conv2d_pool(xs, ws, b, (1, 1), "VALID", (1, 1), "relu", "max", (2, 2), (2, 2), "VALID")
    dx, dw = tape.gradient(y, [xs, ws], output_gradients=upstream.astype(np.float32))
    _close(y, pooled)
    # The pooled gradient goes to each window's first maximum (row-major), through the relu.
    dconvolved = np.zeros_like(convolved)
    flat = windows.transpose(0, 1, 3, 5, 2, 4).reshape(n, ph, pw, o, 4)
    first = flat.argmax(axis=-1)
    for index in np.ndindex(n, ph, pw, o):
        a, i, j, c = index
        k = first[index]
        dconvolved[a, 2 * i + k // 2, 2 * j + k % 2, c] = upstream[index]
    dconvolved *= linear > 0
    expected_dx, expected_dw = reference_gradients(x.astype(np.float64), w.astype(np.float64), dconvolved, (0, 0), (0, 0))
    _close(dx, expected_dx)
    _close(dw, expected_dw)


def test_a_single_small_image_and_a_batch_of_them_agree():
    # One image of the third layer has one tile, too few to pay for the filter transform:
    # it goes by im2col, the batch by Winograd; both match the reference.
    x = RNG.standard_normal((32, 5, 5, 64)).astype(np.float32)
    w = RNG.standard_normal((3, 3, 64, 64)).astype(np.float32)
    expected = reference_forward(x.astype(np.float64), w.astype(np.float64), (0, 0), (0, 0))
    _close(sd.nn.conv2d(x, w, 1, "VALID"), expected)
    _close(sd.nn.conv2d(x[:1], w, 1, "VALID"), expected[:1])


def test_float64_keeps_the_direct_kernels_exactly():
    x = RNG.standard_normal((2, 10, 10, 8))
    w = RNG.standard_normal((3, 3, 8, 8))
    np.testing.assert_allclose(np.asarray(sd.nn.conv2d(x, w, 1, "VALID")), reference_forward(x, w, (0, 0), (0, 0)),
                               rtol=1e-12, atol=1e-12)


def test_nan_and_inf_in_the_input_reach_only_the_outputs_they_touch():
    x = RNG.standard_normal((1, 12, 12, 8)).astype(np.float32)
    x[0, 0, 0, 0] = np.nan
    x[0, 11, 11, 3] = np.inf
    w = RNG.standard_normal((3, 3, 8, 8)).astype(np.float32)
    got = np.asarray(sd.nn.conv2d(x, w, 1, "VALID"))
    finite = np.isfinite(got)
    assert not finite[0, 0, 0].any() and not finite[0, 9, 9].any()
    # Winograd mixes the 6×6 tile, so a NaN may spread inside its tile but not beyond it.
    assert finite[0, 4:, 4:8].all() and finite[0, 0:4, 4:8].all()


@pytest.mark.parametrize("window, strides, dilations, padding", [
    (1, 2, 1, "VALID"),   # a ResNet shortcut: its input gradient had gone through Winograd, uninitialised between strides
    (3, 2, 1, "SAME"),    # a stride-2 3×3 (ResNet and MobileNet downsampling)
    (5, 1, 1, "SAME"),
    (3, 1, 2, "SAME"),
])
def test_other_windows_on_winograd_sized_channels_keep_exact_input_gradients(window, strides, dilations, padding):
    """Only a 3×3 stride-1 convolution's input gradient is a Winograd convolution; others
    with channels in multiples of 8 and tiles enough must keep im2col. Float64 never takes
    Winograd, so it is the reference."""
    x = RNG.normal(size=(4, 16, 16, 64))
    w = RNG.normal(size=(window, window, 64, 64))
    gradients = {}
    for dtype in ("float32", "float64"):
        xs, ws = sd.asarray(x.astype(dtype)), sd.asarray(w.astype(dtype))
        with sd.GradientTape() as tape:
            tape.watch([xs, ws])
            y = sd.nn.conv2d(xs, ws, strides, padding, dilations=dilations)
            upstream = sd.asarray(np.resize(np.sin(np.arange(y.size)), y.shape).astype(dtype))
            loss = sd.reduce_sum(y * upstream)
        gradients[dtype] = [np.asarray(g, dtype=np.float64) for g in tape.gradient(loss, [xs, ws])]
    for got, expected in zip(gradients["float32"], gradients["float64"]):
        _close(got, expected)
