"""A BatchNormalization followed by a ReLU runs as one engine op (nn.fused_batch_norm_relu):
in functional models (run_graph) and Sequential ones, when nothing else reads the batch
norm's output. It must not change any result: the op equals relu/relu6 of fused_batch_norm
(the same values; gradients against finite differences and against the two ops), models
predict and train as with the layers called one by one, and pairs it cannot fuse fall
back to the layers. Also: a tape used once still returns the gradient of an intermediate
tensor it was asked for, now that it lets go of each node as it passes it."""
import numpy as np
import pytest

import swiftdl as sd
from _nn_gradcheck import check_gradients
from swiftdl import nn
from swiftdl.keras import layers, models

RNG = np.random.default_rng(11)


def _two_ops(x, gamma, beta, mean, variance, axis, cap):
    y, m, v = nn.fused_batch_norm(x, gamma, beta, mean, variance, epsilon=1e-3, axis=axis)
    return (nn.relu(y) if cap is None else nn.relu6(y)), m, v


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, axis", [((8, 9, 9, 24), -1), ((4, 6, 5, 5), 1), ((300, 7), -1)])
@pytest.mark.parametrize("cap", [None, 6.0])
@pytest.mark.parametrize("training", [True, False])
def test_the_fused_op_equals_the_two_ops(threads, dtype, shape, axis, cap, training):
    c = shape[axis]
    x = (RNG.standard_normal(shape) * 4 + 1).astype(dtype)  # values on both sides of 0 and of 6
    gamma, beta = (RNG.standard_normal(c) * 3).astype(dtype), RNG.standard_normal(c).astype(dtype)
    mean, variance = (None, None) if training else (RNG.standard_normal(c).astype(dtype),
                                                    (RNG.random(c) + 0.5).astype(dtype))
    upstream = RNG.standard_normal(shape).astype(dtype)
    previous = sd.config.get_num_threads()
    sd.config.set_num_threads(threads)
    try:
        results = []
        for function in (lambda *a: nn.fused_batch_norm_relu(*a[:5], epsilon=1e-3, axis=axis, max_value=cap),
                         lambda *a: _two_ops(*a, axis, cap)):
            xt, gt, bt = sd.Variable(x), sd.Variable(gamma), sd.Variable(beta)
            with sd.GradientTape() as tape:
                y, m, v = function(xt, gt, bt, mean, variance)
                total = sd.sum(y * upstream)
            results.append([y, m, v] + tape.gradient(total, [xt, gt, bt]))
    finally:
        sd.config.set_num_threads(previous)
    fused, apart = results
    # Forward: the same normalisation and the same clip, so the same values.
    for a, b in zip(fused[:3], apart[:3]):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert (np.asarray(fused[0]) == 0).any() and (cap is None or (np.asarray(fused[0]) == cap).any())
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    for a, b in zip(fused[3:], apart[3:]):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("cap", [None, 6.0])
@pytest.mark.parametrize("training", [True, False])
def test_the_fused_gradients_match_finite_differences(cap, training):
    x = RNG.standard_normal((4, 3, 3, 3)) * 4
    gamma, beta = RNG.standard_normal(3) * 3, RNG.standard_normal(3) + 2
    statistics = (None, None) if training else (RNG.standard_normal(3), RNG.random(3) + 0.5)
    check_gradients(lambda a, g, b: nn.fused_batch_norm_relu(a, g, b, *statistics, max_value=cap)[0], x, gamma, beta,
                    rtol=1e-5, atol=1e-6)


def test_only_the_gradient_of_gamma_and_beta():
    x = sd.asarray(RNG.standard_normal((6, 4)) * 3)
    gamma, beta = sd.Variable(RNG.standard_normal(4)), sd.Variable(RNG.standard_normal(4))
    with sd.GradientTape() as tape:
        y = nn.fused_batch_norm_relu(x, gamma, beta, max_value=6.0)[0]
    fused = tape.gradient(y, [gamma, beta])
    with sd.GradientTape() as tape:
        y = nn.relu6(nn.fused_batch_norm(x, gamma, beta)[0])
    apart = tape.gradient(y, [gamma, beta])
    for a, b in zip(fused, apart):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("max_value", [0.0, -1.0, float("nan")])
def test_a_cap_that_is_not_positive_is_refused(max_value):
    with pytest.raises(ValueError, match=r"\[fused_batch_norm\].*max_value"):
        nn.fused_batch_norm_relu(np.ones((2, 3), np.float32), max_value=max_value)


def _count_fused_calls(monkeypatch):
    calls = []
    fused = nn.fused_batch_norm_relu

    def counting(*args, **kwargs):
        calls.append(kwargs.get("max_value"))
        return fused(*args, **kwargs)
    monkeypatch.setattr(nn, "fused_batch_norm_relu", counting)
    return calls


def _inverted_residual_model():
    """MobileNetV2's pattern, plus the pairs that must not fuse: a batch norm read by two
    layers, and one that is a model output."""
    sd.keras.utils.set_random_seed(3)
    inputs = sd.keras.Input((10, 10, 4))
    x = layers.Conv2D(12, 1, use_bias=False)(inputs)
    x = layers.ReLU(6.0)(layers.BatchNormalization()(x))
    x = layers.DepthwiseConv2D(3, padding="same", use_bias=False)(x)
    x = layers.Activation("relu")(layers.BatchNormalization()(x))
    x = layers.Conv2D(4, 1, use_bias=False)(x)
    shared = layers.BatchNormalization()(x)
    x = layers.Add()([layers.ReLU()(shared), shared])  # read twice: not fused
    x = layers.ReLU(4.0)(layers.BatchNormalization()(x))  # a cap other than 6: not fused
    exposed = layers.BatchNormalization()(x)
    pooled = layers.GlobalAveragePooling2D()(layers.ReLU()(exposed))
    return models.Model(inputs, [layers.Dense(3, activation="softmax")(pooled), exposed])


def _layer_by_layer(model, x, training):
    """The model's graph with every layer called on its own (never fused)."""
    values = {id(model.inputs[0]): sd.asarray(x)}
    for node in model._nodes:
        if isinstance(node.layer, layers.InputLayer):
            continue
        args = [values[id(t)] for t in node.call_args[0]] if isinstance(node.call_args[0], list) else \
            values[id(node.call_args[0])]
        accepts = node.layer._call_accepts("training")
        values[id(node.output_tensors[0])] = node.layer(args, training=training) if accepts else node.layer(args)
    return [values[id(t)] for t in model.outputs]


def test_a_functional_model_predicts_and_trains_as_with_the_layers_one_by_one(monkeypatch):
    calls = _count_fused_calls(monkeypatch)
    model = _inverted_residual_model()
    x = RNG.random((16, 10, 10, 4), dtype=np.float32)
    labels = RNG.integers(0, 3, 16)
    for training in (False, True):
        fused = model(x, training=training)
        # At inference both batch norms and their ReLUs fold into the convolution and the
        # depthwise convolution before them instead (conv_batch_norm_fusion).
        assert calls == ([6.0, float("inf")] if training else [])
        calls.clear()
        apart = _layer_by_layer(model, x, training)
        assert not calls
        for a, b in zip(fused, apart):
            np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6, atol=1e-6)
    # One training step's gradients, fused and apart.
    loss = sd.keras.losses.SparseCategoricalCrossentropy()
    gradients = []
    for run in (lambda: model(x, training=True), lambda: _layer_by_layer(model, x, True)):
        with sd.GradientTape() as tape:
            value = loss(labels, run()[0])
        gradients.append(tape.gradient(value, model.trainable_variables))
    for a, b in zip(*gradients):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-4, atol=1e-6)


def test_a_sequential_model_fuses_its_pairs_and_trains_the_same(monkeypatch):
    def build():
        sd.keras.utils.set_random_seed(5)
        return models.Sequential([
            sd.keras.Input((8, 8, 3)), layers.Conv2D(6, 3, use_bias=False), layers.BatchNormalization(),
            layers.ReLU(6.0), layers.Conv2D(6, 3), layers.BatchNormalization(), layers.Activation("relu6"),
            layers.Flatten(), layers.Dense(2, activation="softmax")])
    x = RNG.random((24, 8, 8, 3), dtype=np.float32)
    y = RNG.integers(0, 2, 24)
    calls = _count_fused_calls(monkeypatch)
    fused = build()
    fused.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    fused.fit(x, y, batch_size=8, epochs=2, verbose=0)
    assert calls and set(calls) == {6.0}
    # The same model with the fusion switched off.
    calls.clear()
    from swiftdl.keras.models import sequential
    monkeypatch.setattr(sequential, "fusable_relu_cap", lambda *layers: None)
    apart = build()
    apart.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    apart.fit(x, y, batch_size=8, epochs=2, verbose=0)
    assert not calls
    for a, b in zip(fused.get_weights(), apart.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_a_tape_used_once_still_gives_an_intermediate_tensors_gradient():
    x = sd.Variable(RNG.standard_normal((3, 4)))
    with sd.GradientTape() as tape:
        hidden = sd.tanh(x)
        tape.watch(hidden)
        loss = sd.sum(hidden * hidden)
    dhidden, dx = tape.gradient(loss, [hidden, x])
    np.testing.assert_allclose(np.asarray(dhidden), 2 * np.tanh(np.asarray(x)), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(dx), 2 * np.tanh(np.asarray(x)) * (1 - np.tanh(np.asarray(x)) ** 2),
                               rtol=1e-12)
