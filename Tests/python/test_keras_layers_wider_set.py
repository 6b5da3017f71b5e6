"""The wider layer set: the shared run_layer_test contract for each layer, and each layer's
numbers against hand-written numpy (the Keras fixtures in test_keras_saving.py check the
same layers against real Keras)."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras import layers

from keras_testing import run_layer_test

RNG = np.random.default_rng(0)


def _x(*shape):
    return RNG.standard_normal(shape).astype("float32")


@pytest.mark.parametrize("cls, kwargs, shape, out, trainable", [
    (layers.ZeroPadding1D, {"padding": (1, 2)}, (2, 4, 3), (2, 7, 3), 0),
    (layers.ZeroPadding2D, {"padding": ((1, 0), (2, 1))}, (2, 4, 4, 3), (2, 5, 7, 3), 0),
    (layers.Cropping1D, {"cropping": (1, 1)}, (2, 5, 3), (2, 3, 3), 0),
    (layers.Cropping2D, {"cropping": ((1, 0), (0, 2))}, (2, 4, 5, 3), (2, 3, 3, 3), 0),
    (layers.UpSampling1D, {"size": 3}, (2, 4, 3), (2, 12, 3), 0),
    (layers.UpSampling2D, {"size": (2, 3)}, (2, 3, 3, 2), (2, 6, 9, 2), 0),
    (layers.Permute, {"dims": (2, 1)}, (2, 4, 3), (2, 3, 4), 0),
    (layers.RepeatVector, {"n": 3}, (2, 5), (2, 3, 5), 0),
    (layers.LayerNormalization, {}, (2, 4, 6), (2, 4, 6), 2),
    (layers.LayerNormalization, {"axis": [1, 2], "rms_scaling": True}, (2, 3, 4), (2, 3, 4), 1),
    (layers.GroupNormalization, {"groups": 2}, (2, 3, 3, 4), (2, 3, 3, 4), 2),
    (layers.SpatialDropout2D, {"rate": 0.5}, (2, 3, 3, 4), (2, 3, 3, 4), 0),
    (layers.SpatialDropout1D, {"rate": 0.5}, (2, 3, 4), (2, 3, 4), 0),
    (layers.GaussianNoise, {"stddev": 0.1}, (2, 5), (2, 5), 0),
    (layers.DepthwiseConv2D, {"kernel_size": 3, "depth_multiplier": 2, "padding": "same"}, (2, 5, 5, 3), (2, 5, 5, 6), 2),
    (layers.SeparableConv2D, {"filters": 4, "kernel_size": 2, "strides": 2}, (2, 6, 6, 3), (2, 3, 3, 4), 3),
    (layers.Conv2DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2}, (2, 3, 4, 3), (2, 7, 9, 2), 2),
    (layers.Conv2DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"}, (2, 3, 4, 3), (2, 6, 8, 2), 2),
    (layers.TimeDistributed, {"layer": layers.Dense(3)}, (2, 4, 5), (2, 4, 3), 2),
    (layers.Bidirectional, {"layer": layers.LSTM(3, return_sequences=True)}, (2, 4, 5), (2, 4, 6), 6),
    (layers.Bidirectional, {"layer": layers.GRU(2), "merge_mode": "sum"}, (2, 4, 5), (2, 2), 6),
])
def test_run_layer_test(cls, kwargs, shape, out, trainable):
    run_layer_test(cls, kwargs, shape, expected_output_shape=out, expected_num_trainable_weights=trainable)


def test_padding_cropping_upsampling_against_numpy():
    x = _x(2, 4, 5, 3)
    np.testing.assert_array_equal(np.asarray(layers.ZeroPadding2D(((1, 2), (0, 1)))(x)),
                                  np.pad(x, ((0, 0), (1, 2), (0, 1), (0, 0))))
    np.testing.assert_array_equal(np.asarray(layers.Cropping2D(((1, 1), (2, 0)))(x)), x[:, 1:3, 2:])
    np.testing.assert_array_equal(np.asarray(layers.UpSampling2D((2, 3))(x)), x.repeat(2, axis=1).repeat(3, axis=2))
    np.testing.assert_array_equal(np.asarray(layers.Permute((3, 1, 2))(x)), x.transpose(0, 3, 1, 2))
    v = _x(2, 5)
    np.testing.assert_array_equal(np.asarray(layers.RepeatVector(3)(v)), np.repeat(v[:, None], 3, axis=1))


def test_normalizations_against_numpy():
    x = _x(3, 4, 6)
    layer = layers.LayerNormalization(epsilon=1e-3)
    layer.build(x.shape)
    layer.set_weights([RNG.standard_normal(6).astype("float32"), RNG.standard_normal(6).astype("float32")])
    gamma, beta = layer.get_weights()
    mean, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
    np.testing.assert_allclose(np.asarray(layer(x)), (x - mean) / np.sqrt(var + 1e-3) * gamma + beta, rtol=1e-5, atol=1e-5)

    y = _x(2, 3, 3, 4)
    group = layers.GroupNormalization(groups=2, epsilon=1e-3)
    out = np.asarray(group(y))
    grouped = y.reshape(2, 3, 3, 2, 2)
    gm, gv = grouped.mean(axis=(1, 2, 4), keepdims=True), grouped.var(axis=(1, 2, 4), keepdims=True)
    np.testing.assert_allclose(out, ((grouped - gm) / np.sqrt(gv + 1e-3)).reshape(y.shape), rtol=1e-5, atol=1e-5)


def _numpy_conv2d(x, kernel, stride=1):
    kh, kw, _, f = kernel.shape
    n, h, w, _ = x.shape
    oh, ow = (h - kh) // stride + 1, (w - kw) // stride + 1
    out = np.zeros((n, oh, ow, f), np.float64)
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
            out[:, i, j] = np.einsum("nhwc,hwcf->nf", patch, kernel)
    return out


def test_depthwise_and_separable_against_numpy():
    x = _x(2, 5, 5, 3)
    layer = layers.DepthwiseConv2D(3, depth_multiplier=2, use_bias=False)
    out = np.asarray(layer(x))
    kernel = layer.get_weights()[0]  # (3, 3, C, M)
    expected = np.concatenate([_numpy_conv2d(x[..., c:c + 1], kernel[:, :, c:c + 1, :]) for c in range(3)], axis=-1)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)
    sep = layers.SeparableConv2D(4, 3, use_bias=False)
    out = np.asarray(sep(x))
    depthwise, pointwise = sep.get_weights()
    inner = np.concatenate([_numpy_conv2d(x[..., c:c + 1], depthwise[:, :, c:c + 1, :]) for c in range(3)], axis=-1)
    np.testing.assert_allclose(out, _numpy_conv2d(inner, pointwise), rtol=1e-4, atol=1e-5)


def test_conv2d_transpose_against_numpy_scatter():
    x = _x(2, 3, 4, 3)
    layer = layers.Conv2DTranspose(2, (3, 2), strides=(2, 3), use_bias=False)
    out = np.asarray(layer(x))
    kernel = layer.get_weights()[0]  # (kh, kw, filters, in)
    expected = np.zeros((2, (3 - 1) * 2 + 3, (4 - 1) * 3 + 3, 2))
    for i in range(3):
        for j in range(4):
            expected[:, i * 2:i * 2 + 3, j * 3:j * 3 + 2, :] += np.einsum("nc,hwfc->nhwf", x[:, i, j], kernel)
    # valid: length·stride + max(kernel - stride, 0)
    np.testing.assert_allclose(out, expected[:, :3 * 2 + 1, :4 * 3, :], rtol=1e-4, atol=1e-5)


def test_conv2d_transpose_is_the_gradient_of_conv2d():
    """Conv2DTranspose(x) equals d<conv2d(z), x>/dz, computed by the engine's own VJP."""
    x = _x(1, 3, 3, 2)
    layer = layers.Conv2DTranspose(4, 3, strides=2, padding="same", use_bias=False)
    out = np.asarray(layer(x))
    kernel = layer.get_weights()[0]
    z = sd.Variable(np.zeros((1, 6, 6, 4), "float32"))
    with sd.GradientTape() as tape:
        y = sd.nn.conv2d(z, sd.asarray(kernel), strides=2, padding="SAME")
        total = (y * sd.asarray(x)).sum()
    np.testing.assert_allclose(out, np.asarray(tape.gradient(total, z)), rtol=1e-4, atol=1e-5)


def test_merge_layers_against_numpy():
    a, b = _x(2, 3, 4), _x(2, 3, 4)
    np.testing.assert_allclose(np.asarray(layers.Multiply()([a, b])), a * b, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(layers.Subtract()([a, b])), a - b, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(layers.Average()([a, b])), (a + b) / 2, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(layers.Maximum()([a, b])), np.maximum(a, b))
    np.testing.assert_allclose(np.asarray(layers.Minimum()([a, b])), np.minimum(a, b))
    np.testing.assert_allclose(np.asarray(layers.Dot(axes=2)([a, b])), np.einsum("btd,bsd->bts", a, b), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(layers.Dot(axes=1)([a, b])), np.einsum("btd,bte->bde", a, b), rtol=1e-5, atol=1e-6)
    u, v = _x(3, 5), _x(3, 5)
    cos = (u * v).sum(1) / np.linalg.norm(u, axis=1) / np.linalg.norm(v, axis=1)
    np.testing.assert_allclose(np.asarray(layers.Dot(axes=1, normalize=True)([u, v]))[:, 0], cos, rtol=1e-5)
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        layers.Subtract()([a, b, a])
    with pytest.raises(ValueError, match="Incompatible input shapes"):
        layers.Dot(axes=1)([u, _x(3, 4)])


def test_attention_against_numpy():
    q, v = _x(2, 3, 4), _x(2, 5, 4)
    value_mask = np.ones((2, 5), bool)
    value_mask[0, 3:] = False
    out, weights = layers.Attention()([q, v], mask=[None, value_mask], return_attention_scores=True)
    scores = np.einsum("btd,bsd->bts", q, v) + np.where(value_mask[:, None, :], 0, -1e9)
    expected_w = np.exp(scores - scores.max(-1, keepdims=True))
    expected_w /= expected_w.sum(-1, keepdims=True)
    np.testing.assert_allclose(np.asarray(weights), expected_w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(out), expected_w @ v, rtol=1e-5, atol=1e-5)


def test_multi_head_attention_against_numpy():
    q, v = _x(2, 3, 4), _x(2, 5, 6)
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=2, output_shape=5)
    out = np.asarray(layer(q, v, use_causal_mask=True))
    wq, bq, wk, bk, wv, bv, wo, bo = layer.get_weights()
    assert wq.shape == (4, 2, 3) and wk.shape == (6, 2, 3) and wv.shape == (6, 2, 2) and wo.shape == (2, 2, 5)
    Q = np.einsum("btd,dhk->bhtk", q, wq) + bq[None, :, None]
    K = np.einsum("bsd,dhk->bhsk", v, wk) + bk[None, :, None]
    V = np.einsum("bsd,dhk->bhsk", v, wv) + bv[None, :, None]
    scores = np.einsum("bhtk,bhsk->bhts", Q / np.sqrt(3), K) + np.where(np.tril(np.ones((3, 5), bool)), 0, -1e9)
    w = np.exp(scores - scores.max(-1, keepdims=True))
    w /= w.sum(-1, keepdims=True)
    expected = np.einsum("bhts,bhsk->bthk", w, V)
    expected = np.einsum("bthk,hko->bto", expected, wo) + bo
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)


def test_attention_layers_train_in_a_functional_model():
    inputs = keras.Input((4, 6))
    x = layers.MultiHeadAttention(2, 3)(inputs, inputs)
    x = layers.Attention(use_scale=True)([x, inputs])
    model = keras.Model(inputs, layers.Dense(1)(layers.Flatten()(x)))
    model.compile(optimizer="adam", loss="mse")
    before = [w.copy() for w in model.get_weights()]
    model.fit(_x(8, 4, 6), _x(8, 1), epochs=1, verbose=0)
    assert len(before) == 8 + 1 + 2
    assert all(not np.allclose(b, a) for b, a in zip(before, model.get_weights()))


def test_bidirectional_and_time_distributed_against_their_parts():
    x = _x(2, 4, 3)
    bi = layers.Bidirectional(layers.SimpleRNN(2, return_sequences=True), merge_mode=None)
    forward, backward = bi(x)
    fw = layers.SimpleRNN(2, return_sequences=True)
    bw = layers.SimpleRNN(2, return_sequences=True, go_backwards=True)
    fw(x), bw(x)
    fw.set_weights(bi.forward_layer.get_weights())
    bw.set_weights(bi.backward_layer.get_weights())
    np.testing.assert_allclose(np.asarray(forward), np.asarray(fw(x)), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(backward), np.asarray(bw(x))[:, ::-1], rtol=1e-6)
    assert bi.forward_layer.name.startswith("forward_") and bi.backward_layer.go_backwards
    td = layers.TimeDistributed(layers.Dense(5))
    out = np.asarray(td(x))
    kernel, bias = td.get_weights()
    np.testing.assert_allclose(out, x @ kernel + bias, rtol=1e-5, atol=1e-6)


def test_noise_layers_only_act_in_training():
    x = np.ones((4, 3, 3, 8), "float32")
    drop = layers.SpatialDropout2D(0.5)
    np.testing.assert_array_equal(np.asarray(drop(x)), x)
    trained = np.asarray(drop(x, training=True))
    per_map = trained.reshape(4, 9, 8)
    assert np.all(per_map.min(axis=1) == per_map.max(axis=1))  # whole feature maps kept or dropped
    assert set(np.unique(trained)) <= {0.0, 2.0}
    noise = layers.GaussianNoise(0.5)
    np.testing.assert_array_equal(np.asarray(noise(x)), x)
    noisy = np.asarray(noise(x, training=True)) - x
    assert 0.3 < noisy.std() < 0.7


def test_lambda_layer_and_its_config():
    def double(t):
        return t * 2.0
    layer = layers.Lambda(double)
    x = _x(2, 3)
    np.testing.assert_allclose(np.asarray(layer(x)), x * 2)
    inputs = keras.Input((3,))
    model = keras.Model(inputs, layers.Lambda(double)(inputs))
    config = model.get_config()
    with pytest.raises(ValueError, match="custom_objects"):
        keras.Model.from_config(config)
    rebuilt = keras.Model.from_config(config, custom_objects={"double": double})
    np.testing.assert_allclose(rebuilt.predict(x, verbose=0), x * 2)


@pytest.mark.parametrize("make, message", [
    (lambda: layers.ZeroPadding2D(padding=(1, 2, 3)), "padding"),
    (lambda: layers.Cropping2D(cropping=-1), "non-negative"),
    (lambda: layers.UpSampling2D(interpolation="cubic_spline"), "interpolation"),
    (lambda: layers.Permute((1, 3)), "dims"),
    (lambda: layers.RepeatVector(0), "n"),
    (lambda: layers.GroupNormalization(groups=0), "groups"),
    (lambda: layers.SpatialDropout2D(1.5), "rate"),
    (lambda: layers.Bidirectional(layers.Dense(2)), "recurrent layer"),
    (lambda: layers.Bidirectional(layers.LSTM(2), merge_mode="max"), "merge mode"),
    (lambda: layers.TimeDistributed("dense"), "TimeDistributed"),
    (lambda: layers.DepthwiseConv2D(3, depth_multiplier=0), "depth_multiplier"),
    (lambda: layers.Conv2DTranspose(0, 3), "filters"),
    (lambda: layers.MultiHeadAttention(0, 2), "num_heads"),
    (lambda: layers.Attention(score_mode="cosine"), "score_mode"),
    (lambda: layers.Dot(axes="last"), "axes"),
    (lambda: layers.Lambda(3), "callable"),
])
def test_bad_arguments_raise_clear_errors(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


@pytest.mark.parametrize("layer, x, message", [
    (layers.ZeroPadding2D(1), _x(2, 3, 3), "ndim=4"),
    (layers.Cropping2D(((2, 2), (0, 0))), _x(1, 4, 4, 1), "leaves nothing"),
    (layers.GroupNormalization(groups=3), _x(1, 2, 2, 4), "multiple"),
    (layers.RepeatVector(2), _x(2, 3, 4), "rank 2"),
    (layers.TimeDistributed(layers.Dense(2)), _x(2, 3), "at least 3"),
    (layers.Bidirectional(layers.LSTM(2)), _x(2, 3), "rank 3"),
    (layers.DepthwiseConv2D(3), _x(2, 4, 4), "ndim=4"),
])
def test_bad_inputs_raise_clear_errors(layer, x, message):
    with pytest.raises(ValueError, match=message):
        layer(x)


@pytest.mark.parametrize("cls, reduce", [(layers.MaxPooling1D, np.max), (layers.AveragePooling1D, np.mean)])
@pytest.mark.parametrize("pool, strides, padding", [(2, None, "valid"), (3, 2, "valid"), (3, 2, "same")])
def test_pooling_1d_against_numpy(cls, reduce, pool, strides, padding):
    x = _x(2, 7, 3)
    run_layer_test(cls, {"pool_size": pool, "strides": strides, "padding": padding}, x.shape,
                   expected_num_trainable_weights=0)
    out = np.asarray(cls(pool_size=pool, strides=strides, padding=padding)(x))
    stride = strides or pool
    if padding == "valid":
        starts = range(0, 7 - pool + 1, stride)
        expected = np.stack([reduce(x[:, s:s + pool], axis=1) for s in starts], axis=1)
    else:
        steps = -(-7 // stride)
        total = max((steps - 1) * stride + pool - 7, 0)
        before = total // 2
        windows = [(max(s * stride - before, 0), min(s * stride - before + pool, 7)) for s in range(steps)]
        expected = np.stack([reduce(x[:, a:b], axis=1) for a, b in windows], axis=1)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
