"""Conv2DTranspose's fused op (sdl_conv2d_transpose_bias_activation): the bias and relu
applied in the transposed convolution's own pass, and their gradients in one pass before its
kernels. Values and gradients against the unfused ops (keras.ops.conv_transpose, then the
bias add and the relu, each with its own backward rule) and against finite differences,
over every padding, stride and output_padding the layer accepts; bad operands raise."""
import itertools

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import _C
from swiftdl.keras import layers, ops


def _layer(filters, kernel, strides, padding, output_padding, activation, use_bias, data_format, dtype, channels):
    layer = layers.Conv2DTranspose(filters, kernel, strides=strides, padding=padding, output_padding=output_padding,
                                   activation=activation, use_bias=use_bias, data_format=data_format, dtype=dtype)
    shape = (2, channels, 5, 4) if data_format == "channels_first" else (2, 5, 4, channels)
    layer.build(shape)
    rng = np.random.default_rng(3)
    weights = [rng.standard_normal(w.shape).astype(dtype) for w in layer.weights]
    layer.set_weights(weights)
    return layer, rng.standard_normal(shape).astype(dtype)


def _unfused(layer, x):
    out = ops.conv_transpose(x, layer.kernel, strides=layer.strides, padding=layer.padding,
                             output_padding=layer.output_padding, data_format=layer.data_format,
                             dilation_rate=layer.dilation_rate)
    if layer.bias is not None:
        shape = (layer.filters,) if layer.data_format == "channels_last" else (layer.filters, 1, 1)
        out = out + ops.reshape(layer.bias, shape)
    return layer.activation(out)


def _values_and_gradients(function, layer, x, upstream):
    xv = sd.Variable(x)
    with sd.GradientTape() as tape:
        y = function(xv)
        loss = sd.reduce_sum(y * sd.asarray(upstream))
    return [np.asarray(y)] + [np.asarray(g) for g in tape.gradient(loss, [xv] + list(layer.trainable_weights))]


GEOMETRIES = [  # (kernel, strides, padding, output_padding)
    (k, s, p, op) for k, s, p in itertools.product([1, 2, 3], [1, 2, 3], ["valid", "same"])
    for op in [None] + list(range(s))]


@pytest.mark.parametrize("dtype,tolerance", [("float32", 1e-4), ("float64", 1e-11)])
@pytest.mark.parametrize("kernel,strides,padding,output_padding", GEOMETRIES)
def test_fused_matches_unfused_ops(kernel, strides, padding, output_padding, dtype, tolerance):
    for activation, use_bias in [("relu", True), (None, True), ("relu", False)]:
        layer, x = _layer(3, kernel, strides, padding, output_padding, activation, use_bias, "channels_last", dtype, 4)
        upstream = np.random.default_rng(5).standard_normal(layer.compute_output_shape(x.shape)).astype(dtype)
        fused = _values_and_gradients(layer, layer, x, upstream)
        reference = _values_and_gradients(lambda v: _unfused(layer, v), layer, x, upstream)
        for got, want in zip(fused, reference):
            # The same kernels in the same order: only the epilogue's bias sum differs in order.
            np.testing.assert_allclose(got, want, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("activation", ["relu", None])
def test_fused_channels_first_matches_unfused(activation):
    layer, x = _layer(3, 3, 2, "same", 1, activation, True, "channels_first", "float64", 4)
    upstream = np.random.default_rng(5).standard_normal(layer.compute_output_shape(x.shape))
    for got, want in zip(_values_and_gradients(layer, layer, x, upstream),
                         _values_and_gradients(lambda v: _unfused(layer, v), layer, x, upstream)):
        np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-11)


def test_fused_gradients_match_finite_differences():
    layer, x = _layer(2, 3, 2, "same", None, "relu", True, "channels_last", "float64", 3)
    upstream = np.random.default_rng(9).standard_normal(layer.compute_output_shape(x.shape))
    _, dx, dw, db = _values_and_gradients(layer, layer, x, upstream)

    def loss(x_value, kernel, bias):
        out = _C.conv2d_transpose_bias_activation(
            sd.asarray(x_value), sd.asarray(kernel), sd.asarray(bias), 1, (10, 8), (2, 2), (1, 1), 2, (0, 1, 0, 1))
        return float(np.sum(np.asarray(out) * upstream))

    kernel, bias = [np.asarray(w) for w in layer.weights]
    eps = 1e-6
    for array, gradient in [(x, dx), (kernel, dw), (bias, db)]:
        flat = array.reshape(-1)
        for index in np.random.default_rng(1).choice(flat.size, size=min(12, flat.size), replace=False):
            saved = flat[index]
            flat[index] = saved + eps
            up = loss(x, kernel, bias)
            flat[index] = saved - eps
            down = loss(x, kernel, bias)
            flat[index] = saved
            # Central differences are exact to O(eps²) away from the relu's kink.
            np.testing.assert_allclose(gradient.reshape(-1)[index], (up - down) / (2 * eps), rtol=1e-5, atol=1e-6)


def test_fused_op_rejects_bad_operands():
    x = sd.asarray(np.zeros((1, 3, 3, 2), np.float32))
    w = sd.asarray(np.zeros((3, 3, 4, 2), np.float32))
    args = ((6, 6), (2, 2), (1, 1), 1, (0, 0, 0, 0))
    with pytest.raises(ValueError, match="bias"):
        _C.conv2d_transpose_bias_activation(x, w, sd.asarray(np.zeros(3, np.float32)), 1, *args)
    with pytest.raises(TypeError, match="bias"):
        _C.conv2d_transpose_bias_activation(x, w, sd.asarray(np.zeros(4, np.float64)), 1, *args)
    with pytest.raises(ValueError, match="activation"):
        _C.conv2d_transpose_bias_activation(x, w, None, 7, *args)
    with pytest.raises(ValueError):
        _C.conv2d_transpose_bias_activation(x, w, None, 0, (99, 6), (2, 2), (1, 1), 1, (0, 0, 0, 0))
    layer = layers.Conv2DTranspose(4, 3, strides=2, padding="same")
    layer.build((1, 3, 3, 2))
    with pytest.raises(ValueError):
        layer(np.zeros((1, 3, 3, 5), np.float32))


def test_fused_op_with_empty_input_gives_the_bias():
    x = sd.asarray(np.zeros((1, 3, 3, 0), np.float32))
    w = sd.asarray(np.zeros((3, 3, 2, 0), np.float32))
    bias = sd.asarray(np.array([-1.0, 2.0], np.float32))
    out = _C.conv2d_transpose_bias_activation(x, w, bias, 1, (6, 6), (2, 2), (1, 1), 1, (0, 0, 0, 0))
    np.testing.assert_array_equal(np.asarray(out), np.broadcast_to([0.0, 2.0], (1, 6, 6, 2)))
