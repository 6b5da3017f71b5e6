"""swiftdl.keras.ops, nn and core parts: activations and losses against numpy formulas,
normalizations, attention, conv/pool wrappers, control flow, conversions and errors."""
import math

import numpy as np
import pytest

import swiftdl as sd
from swiftdl.keras import ops

from _nn_gradcheck import check_gradients

RNG = np.random.default_rng(1)
X = RNG.standard_normal((3, 5)) * 3.0


def _close(actual, expected, rtol=1e-6, atol=1e-7):
    actual = np.asarray(actual)
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)
    assert actual.shape == np.shape(expected)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _erf(x):
    return np.vectorize(math.erf)(x)


ACTIVATIONS = {
    "relu": lambda x: np.maximum(x, 0),
    "relu6": lambda x: np.clip(x, 0, 6),
    "sigmoid": _sigmoid,
    "softplus": lambda x: np.log1p(np.exp(x)),
    "softsign": lambda x: x / (1 + np.abs(x)),
    "silu": lambda x: x * _sigmoid(x),
    "swish": lambda x: x * _sigmoid(x),
    "elu": lambda x: np.where(x > 0, x, np.expm1(x)),
    "selu": lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x)),
    "gelu": lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3))),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.2 * x),
    "hard_sigmoid": lambda x: np.clip(x / 6 + 0.5, 0, 1),
    "hard_silu": lambda x: x * np.clip(x / 6 + 0.5, 0, 1),
    "hard_tanh": lambda x: np.clip(x, -1, 1),
    "log_sigmoid": lambda x: -np.log1p(np.exp(-x)),
    "celu": lambda x: np.maximum(x, 0) + np.expm1(np.minimum(x, 0)),
    "sparse_sigmoid": lambda x: np.clip((x + 1) / 2, 0, 1),
    "sparse_plus": lambda x: np.where(x <= -1, 0, np.where(x < 1, (x + 1) ** 2 / 4, x)),
    "squareplus": lambda x: (x + np.sqrt(x * x + 4)) / 2,
    "soft_shrink": lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0)),
    "hard_shrink": lambda x: np.where(np.abs(x) > 0.5, x, 0),
    "tanh_shrink": lambda x: x - np.tanh(x),
    "tanh": np.tanh,
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activations_against_numpy(name):
    _close(getattr(ops, name)(X), ACTIVATIONS[name](X), rtol=1e-6, atol=1e-6)
    assert getattr(ops, name)(X.astype(np.float32)).dtype == np.float32


def test_activation_arguments():
    _close(ops.gelu(X, approximate=False), 0.5 * X * (1 + _erf(X / np.sqrt(2))), rtol=1e-6, atol=1e-6)
    _close(ops.leaky_relu(X, negative_slope=0.1), np.where(X > 0, X, 0.1 * X))
    _close(ops.elu(X, alpha=0.5), np.where(X > 0, X, 0.5 * np.expm1(X)))
    _close(ops.threshold(X, 0.3, -1.0), np.where(X > 0.3, X, -1.0))
    a, b = np.split(X[:, :4], 2, axis=-1)
    _close(ops.glu(X[:, :4]), a * _sigmoid(b))
    assert ops.relu(np.array([-1, 2], np.int32)).dtype == np.float32


def test_softmax_and_sparsemax():
    e = np.exp(X - X.max(axis=0, keepdims=True))
    _close(ops.softmax(X, axis=0), e / e.sum(axis=0, keepdims=True))
    _close(ops.log_softmax(X), X - np.log(np.exp(X).sum(-1, keepdims=True)))
    flat = np.exp(X - X.max())
    _close(ops.softmax(X, axis=(0, 1)), flat / flat.sum())
    p = np.asarray(ops.sparsemax(X))
    _close(p.sum(-1), np.ones(3))
    assert (p >= 0).all()
    _close(ops.sparsemax(np.array([0.5, 0.5, -1.0])), [0.5, 0.5, 0.0])


def test_one_hot_multi_hot():
    _close(ops.one_hot(np.array([1, 3, -1]), 4), np.eye(4)[[1, 3]].tolist() + [[0, 0, 0, 0]])
    _close(ops.one_hot(np.array([[0, 1]]), 3, axis=0), np.moveaxis(np.eye(3)[[[0, 1]]], -1, 0))
    assert ops.one_hot(np.array([0]), 2, dtype="int32").dtype == np.int32
    _close(ops.multi_hot(np.array([[0, 2], [1, 1]]), 3), [[1, 0, 1], [0, 1, 0]])


def test_cross_entropies():
    probabilities = _sigmoid(X)
    target = (RNG.uniform(size=X.shape) > 0.5).astype(np.float64)
    eps = 1e-7
    clipped = np.clip(probabilities, eps, 1 - eps)
    expected = -(target * np.log(clipped) + (1 - target) * np.log(1 - clipped))
    _close(ops.binary_crossentropy(target, probabilities), expected)
    _close(ops.binary_crossentropy(target, X, from_logits=True), expected, rtol=1e-5, atol=1e-6)
    soft = np.exp(X) / np.exp(X).sum(-1, keepdims=True)
    labels = np.eye(5)[[0, 3, 4]]
    reference = -(labels * np.log(np.clip(soft, eps, 1 - eps))).sum(-1)
    _close(ops.categorical_crossentropy(labels, soft), reference)
    _close(ops.categorical_crossentropy(labels, X, from_logits=True), reference, rtol=1e-6)
    _close(ops.sparse_categorical_crossentropy(np.array([0, 3, 4]), soft), reference)
    _close(ops.sparse_categorical_crossentropy(np.array([[0], [3], [4]]), X, from_logits=True), reference, rtol=1e-6)
    with pytest.raises(ValueError, match=r"\[categorical_crossentropy\]"):
        ops.categorical_crossentropy(labels[:, :4], soft)


def test_normalizations():
    x = RNG.standard_normal((4, 3, 2))
    mean, variance = ops.moments(x, axes=[0, 2])
    _close(mean, x.mean(axis=(0, 2)))
    _close(variance, x.var(axis=(0, 2)))
    m, v = x.mean(axis=(0, 1)), x.var(axis=(0, 1))
    gamma, beta = np.array([2.0, 0.5]), np.array([0.1, -0.2])
    _close(ops.batch_normalization(x, m, v, axis=-1, offset=beta, scale=gamma, epsilon=1e-3),
           (x - m) / np.sqrt(v + 1e-3) * gamma + beta)
    lm, lv = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
    _close(ops.layer_normalization(x, gamma, beta, epsilon=1e-3), (x - lm) / np.sqrt(lv + 1e-3) * gamma + beta)
    _close(ops.rms_normalization(x, scale=gamma, epsilon=1e-6), x / np.sqrt((x * x).mean(-1, keepdims=True) + 1e-6) * gamma)
    _close(ops.normalize(x, axis=1), x / np.linalg.norm(x, axis=1, keepdims=True))
    _close(ops.normalize(x, axis=-1, order=1), x / np.abs(x).sum(-1, keepdims=True))
    y = x + 0.1
    _close(ops.psnr(x, y, 1.0), 20 * np.log10(1.0) - 10 * np.log10(np.mean((x - y) ** 2)))


def _attention_reference(q, k, v, mask=None, causal=False, bias=None):
    logits = np.einsum("btnh,bsnh->bnts", q, k) / np.sqrt(q.shape[-1])
    if bias is not None:
        logits = logits + bias
    keep = np.ones(logits.shape, bool)
    if mask is not None:
        keep &= mask
    if causal:
        keep &= np.tril(np.ones(logits.shape[-2:], bool))
    logits = np.where(keep, logits, -0.7 * 3.38953e38)
    p = np.exp(logits - logits.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    return np.einsum("bnts,bsnh->btnh", p, v)


def test_dot_product_attention():
    q = RNG.standard_normal((2, 4, 2, 3))
    k = RNG.standard_normal((2, 5, 2, 3))
    v = RNG.standard_normal((2, 5, 2, 3))
    _close(ops.dot_product_attention(q, k, v), _attention_reference(q, k, v), rtol=1e-10)
    mask = RNG.uniform(size=(2, 1, 4, 5)) > 0.3
    mask[..., 0] = True
    bias = RNG.standard_normal((1, 2, 4, 5))
    _close(ops.dot_product_attention(q, k, v, mask=mask, bias=bias), _attention_reference(q, k, v, mask=mask, bias=bias),
           rtol=1e-10)
    _close(ops.dot_product_attention(q, k[:, :4], v[:, :4], is_causal=True),
           _attention_reference(q, k[:, :4], v[:, :4], causal=True), rtol=1e-10)
    grouped = ops.dot_product_attention(RNG.standard_normal((1, 3, 4, 2)), k[:1, :, :1, :2], v[:1, :, :1, :2])
    assert grouped.shape == (1, 3, 4, 2)
    check_gradients(lambda a, b: ops.dot_product_attention(a, b, b, is_causal=True),
                    RNG.standard_normal((1, 3, 2, 2)), RNG.standard_normal((1, 3, 2, 2)))


def test_conv_and_pool_wrappers():
    x = RNG.standard_normal((2, 6, 5, 3)).astype(np.float32)
    kernel = RNG.standard_normal((3, 3, 3, 4)).astype(np.float32)
    same = ops.conv(x, kernel, padding="same")
    reference = np.asarray(sd.nn.conv2d(x, kernel, 1, "SAME"))
    _close(same, reference, rtol=1e-5, atol=1e-5)
    first = ops.conv(np.moveaxis(x, -1, 1), kernel, padding="same", data_format="channels_first")
    _close(first, np.moveaxis(reference, -1, 1), rtol=1e-5, atol=1e-5)
    depthwise = RNG.standard_normal((2, 2, 3, 2)).astype(np.float32)
    out = np.asarray(ops.depthwise_conv(x, depthwise))
    manual = np.zeros((2, 5, 4, 6), np.float32)
    for c in range(3):
        for m in range(2):
            for i in range(5):
                for j in range(4):
                    manual[:, i, j, c * 2 + m] = (x[:, i:i + 2, j:j + 2, c] * depthwise[:, :, c, m]).sum((1, 2))
    _close(out, manual, rtol=1e-5, atol=1e-5)
    pointwise = RNG.standard_normal((1, 1, 6, 2)).astype(np.float32)
    _close(ops.separable_conv(x, depthwise, pointwise), manual @ pointwise[0, 0], rtol=1e-4, atol=1e-4)
    pooled = np.asarray(ops.max_pool(x, 2))
    _close(pooled, x[:, :6, :4].reshape(2, 3, 2, 2, 2, 3).max(axis=(2, 4)))
    _close(ops.average_pool(x[:, :, :4], (2, 2), strides=2),
           x[:, :, :4].reshape(2, 3, 2, 2, 2, 3).mean(axis=(2, 4)), rtol=1e-6)
    signal = RNG.standard_normal((2, 7, 3)).astype(np.float32)
    _close(ops.conv(signal, np.ones((2, 3, 1), np.float32)), (signal[:, :-1] + signal[:, 1:]).sum(-1, keepdims=True),
           rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match=r"\[conv\]"):
        ops.conv(x, kernel[:, :, :2])
    with pytest.raises(ValueError, match=r"\[max_pool\]"):
        ops.max_pool(x, 2, padding="full")


NN_GRADIENTS = {
    "gelu": lambda x: ops.gelu(x),
    "hard_silu": lambda x: ops.hard_silu(x),
    "log_softmax_axes": lambda x: ops.log_softmax(x, axis=(0, 1)),
    "categorical_ce": lambda x: ops.categorical_crossentropy(ops.softmax(x * 0.5), ops.softmax(x)),
    "layer_norm": lambda x: ops.layer_normalization(x, axis=-1),
    "rms_norm": lambda x: ops.rms_normalization(x),
    "normalize": lambda x: ops.normalize(x, axis=0),
    "sparse_plus": lambda x: ops.sparse_plus(x * 0.3),
    "glu": lambda x: ops.glu(x[:, :4]),
}


@pytest.mark.parametrize("name", sorted(NN_GRADIENTS))
def test_nn_gradients(name):
    check_gradients(NN_GRADIENTS[name], RNG.standard_normal((3, 5)))


def test_core_conversions():
    t = ops.convert_to_tensor(np.arange(3, dtype=np.int64))
    assert ops.is_tensor(t) and not ops.is_tensor(np.zeros(2))
    assert ops.dtype(t) == "int64" and ops.shape(t) == (3,)
    array = ops.convert_to_numpy(t)
    assert isinstance(array, np.ndarray)
    array[0] = 9
    assert int(t[0]) == 0
    assert ops.cast(np.array([1.7, -1.7]), "int32").tolist() == [1, -1]
    _close(ops.saturate_cast(np.array([-10.0, 100.0, 300.0]), "uint8"), [0, 100, 255])
    _close(ops.saturate_cast(np.array([2 ** 40, -(2 ** 40)], np.int64), "int32"), [2 ** 31 - 1, -(2 ** 31)])
    parts = ops.unstack(np.arange(6).reshape(2, 3), axis=-1)
    assert len(parts) == 3 and np.asarray(parts[1]).tolist() == [1, 4]
    with pytest.raises(ValueError, match=r"\[unstack\]"):
        ops.unstack(np.arange(6).reshape(2, 3), num=2, axis=1)
    with pytest.raises(ValueError):
        ops.cast(np.ones(2), "complex64")


def test_control_flow():
    assert float(ops.cond(ops.convert_to_tensor(True), lambda: 1.0, lambda: 2.0)) == 1.0
    assert ops.switch(7, [lambda x: x + 1, lambda x: x * 10], 3) == 30
    i, total = ops.while_loop(lambda i, t: i < 5, lambda i, t: (i + 1, t + i), (0, 0))
    assert (i, total) == (5, 10)
    assert ops.while_loop(lambda x: x < 100, lambda x: x * 2, 1, maximum_iterations=3) == 8
    assert ops.fori_loop(0, 4, lambda i, v: v + i, 0) == 6
    carry, ys = ops.scan(lambda c, x: (c + x, c * x), 0.0, np.arange(1.0, 5.0))
    assert float(carry) == 10.0
    _close(ys, [0.0, 2.0, 9.0, 24.0])
    carry, ys = ops.scan(lambda c, x: (c + x["a"], {"b": x["a"] * 2}), 0.0, {"a": np.arange(3.0)}, reverse=True)
    _close(ys["b"], [0.0, 2.0, 4.0])
    _close(ops.map(lambda x: x.sum(), np.arange(6.0).reshape(3, 2)), [1.0, 5.0, 9.0])
    _close(ops.vectorized_map(lambda x: x * 2, np.arange(3.0)), [0.0, 2.0, 4.0])
    out = ops.associative_scan(lambda a, b: a + b, np.arange(1.0, 7.0), reverse=True)
    _close(out, np.cumsum(np.arange(1.0, 7.0)[::-1])[::-1])
    pair = ops.associative_scan(lambda a, b: (a[0] * b[0], a[1] + b[1]), (np.arange(1.0, 5.0), np.ones(4)))
    _close(pair[0], np.cumprod(np.arange(1.0, 5.0)))
    with pytest.raises(ValueError, match=r"\[scan\]"):
        ops.scan(lambda c, x: (c, x), 0.0)


def test_gradient_flows_through_control_flow_and_stop_gradient():
    w = sd.Variable(np.array([1.0, 2.0]))
    with sd.GradientTape() as tape:
        y = ops.fori_loop(0, 3, lambda i, v: v * w, ops.ones(2, "float64"))
        z = ops.sum(y) + ops.sum(ops.stop_gradient(w) * 100.0)
    _close(tape.gradient(z, w), 3 * np.array([1.0, 2.0]) ** 2)


def test_ctc_loss_gradient_and_decode_errors():
    target = np.array([[1, 2], [2, 2]], np.int32)
    check_gradients(lambda logits: ops.ctc_loss(target, logits, np.array([2, 2]), np.array([5, 4])),
                    RNG.standard_normal((2, 5, 3)))
    # One frame per label and no room for blanks: the path is forced, p = Π softmax[label].
    logits = RNG.standard_normal((1, 2, 3))
    soft = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    _close(ops.ctc_loss(np.array([[1, 2]]), logits, np.array([2]), np.array([2])),
           [-np.log(soft[0, 0, 1] * soft[0, 1, 2])], rtol=1e-6)
    with pytest.raises(NotImplementedError, match=r"\[ctc_decode\]"):
        ops.ctc_decode(logits, np.array([2]), strategy="beam_search")
    with pytest.raises(ValueError, match=r"\[ctc_decode\]"):
        ops.ctc_decode(logits, np.array([2]), strategy="best")
