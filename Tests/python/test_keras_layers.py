"""Every core Keras layer: run_layer_test plus a correctness check against numpy."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras import layers

from keras_testing import run_layer_test


def numpy_conv2d(x, kernel, stride=1, padding="valid", dilation=1):
    kh, kw, _, out = kernel.shape
    if padding == "same":
        def pads(size, k):
            total = max((-(-size // stride) - 1) * stride + (k - 1) * dilation + 1 - size, 0)
            return total // 2, total - total // 2
        (t, b), (l, r) = pads(x.shape[1], kh), pads(x.shape[2], kw)
        x = np.pad(x, ((0, 0), (t, b), (l, r), (0, 0)))
    eh, ew = (kh - 1) * dilation + 1, (kw - 1) * dilation + 1
    oh, ow = (x.shape[1] - eh) // stride + 1, (x.shape[2] - ew) // stride + 1
    y = np.zeros((x.shape[0], oh, ow, out))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * stride: i * stride + eh: dilation, j * stride: j * stride + ew: dilation, :]
            y[:, i, j, :] = np.tensordot(patch, kernel, axes=([1, 2, 3], [0, 1, 2]))
    return y


def test_dense_matches_numpy_and_names():
    keras.backend.clear_session()
    out = run_layer_test(layers.Dense, {"units": 3, "activation": "relu"}, (4, 5), expected_num_trainable_weights=2)
    layer = layers.Dense(3)
    x = np.random.default_rng(1).standard_normal((2, 5)).astype(np.float32)
    y = layer(x)
    kernel, bias = layer.get_weights()
    assert kernel.shape == (5, 3) and bias.shape == (3,)
    np.testing.assert_allclose(np.asarray(y), x @ kernel + bias, rtol=1e-5, atol=1e-6)
    assert out.shape == (4, 3) and (out >= 0).all()
    keras.backend.clear_session()
    assert layers.Dense(1).name == "dense" and layers.Dense(1).name == "dense_1"


def test_dense_on_3d_input_and_kernel_init_range():
    layer = layers.Dense(7)
    y = layer(np.ones((2, 3, 10), np.float32))
    assert tuple(y.shape) == (2, 3, 7)
    limit = np.sqrt(6 / (10 + 7))  # glorot_uniform
    assert np.abs(layer.get_weights()[0]).max() <= limit


@pytest.mark.parametrize("padding,strides,dilation",
                         [("valid", 1, 1), ("same", 1, 1), ("valid", 2, 1), ("same", 2, 1), ("valid", 1, 2)])
def test_conv2d_matches_numpy(padding, strides, dilation):
    run_layer_test(layers.Conv2D,
                   {"filters": 4, "kernel_size": 3, "padding": padding, "strides": strides, "dilation_rate": dilation},
                   (2, 9, 9, 3), expected_num_trainable_weights=2)
    layer = layers.Conv2D(4, (3, 3), padding=padding, strides=strides, dilation_rate=dilation)
    x = np.random.default_rng(2).standard_normal((2, 9, 9, 3)).astype(np.float32)
    y = np.asarray(layer(x))
    kernel, bias = layer.get_weights()
    expected = numpy_conv2d(x.astype(np.float64), kernel.astype(np.float64), strides, padding, dilation) + bias
    np.testing.assert_allclose(y, expected,
                               rtol=1e-4, atol=1e-4)


def test_pooling_layers_match_numpy():
    x = np.random.default_rng(3).standard_normal((2, 6, 6, 3)).astype(np.float32)
    run_layer_test(layers.MaxPooling2D, {"pool_size": 2}, (2, 6, 6, 3))
    blocks = x.reshape(2, 3, 2, 3, 2, 3)
    np.testing.assert_allclose(np.asarray(layers.MaxPooling2D((2, 2))(x)), blocks.max(axis=(2, 4)), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(layers.AveragePooling2D((2, 2))(x)), blocks.mean(axis=(2, 4)), rtol=1e-5)
    np.testing.assert_allclose(np.asarray(layers.GlobalAveragePooling2D()(x)), x.mean(axis=(1, 2)), rtol=1e-5)
    np.testing.assert_allclose(np.asarray(layers.GlobalMaxPooling2D()(x)), x.max(axis=(1, 2)), rtol=1e-6)
    seq = x.reshape(2, 18, 6)
    np.testing.assert_allclose(np.asarray(layers.GlobalAveragePooling1D()(seq)), seq.mean(axis=1), rtol=1e-5)
    np.testing.assert_allclose(np.asarray(layers.GlobalMaxPooling1D()(seq)), seq.max(axis=1), rtol=1e-6)
    assert layers.MaxPooling2D((2, 2)).compute_output_shape((None, 13, 13, 32)) == (None, 6, 6, 32)


def test_flatten_reshape_activation_dropout():
    x = np.random.default_rng(4).standard_normal((3, 2, 4)).astype(np.float32)
    np.testing.assert_array_equal(np.asarray(layers.Flatten()(x)), x.reshape(3, 8))
    np.testing.assert_array_equal(np.asarray(layers.Reshape((4, 2))(x)), x.reshape(3, 4, 2))
    assert layers.Reshape((-1, 2)).compute_output_shape((None, 2, 4)) == (None, 4, 2)
    np.testing.assert_allclose(np.asarray(layers.Activation("tanh")(x)), np.tanh(x), rtol=1e-6)
    dropout = layers.Dropout(0.5)
    np.testing.assert_array_equal(np.asarray(dropout(x)), x)  # inference: identity
    trained = np.asarray(dropout(np.ones((100, 100), np.float32), training=True))
    assert set(np.unique(trained)) <= {0.0, 2.0} and 0.4 < (trained == 0).mean() < 0.6


def test_embedding_lookup_range_and_mask():
    run_layer_test(layers.Embedding, {"input_dim": 10, "output_dim": 4}, (3, 5), input_dtype="int64",
                   expected_num_trainable_weights=1)
    layer = layers.Embedding(10, 4, mask_zero=True)
    ids = np.array([[1, 2, 0], [9, 0, 0]])
    out = np.asarray(layer(ids))
    table = layer.get_weights()[0]
    np.testing.assert_array_equal(out, table[ids])
    assert np.abs(table).max() <= 0.05
    np.testing.assert_array_equal(np.asarray(layer.compute_mask(ids)), ids != 0)
    with pytest.raises(ValueError, match="out of range"):
        layer(np.array([[10]]))


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def numpy_lstm(x, kernel, recurrent, bias):
    units = recurrent.shape[0]
    h = np.zeros((x.shape[0], units))
    c = np.zeros((x.shape[0], units))
    outputs = []
    for t in range(x.shape[1]):
        z = x[:, t] @ kernel + h @ recurrent + bias
        i, f, g, o = (z[:, k * units:(k + 1) * units] for k in range(4))
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        outputs.append(h)
    return np.stack(outputs, 1), h, c


def test_lstm_matches_keras_formula_and_layout():
    run_layer_test(layers.LSTM, {"units": 3}, (2, 4, 5), expected_num_trainable_weights=3)
    layer = layers.LSTM(3, return_sequences=True, return_state=True)
    x = np.random.default_rng(5).standard_normal((2, 4, 5)).astype(np.float32)
    sequence, h, c = layer(x)
    kernel, recurrent, bias = layer.get_weights()
    assert kernel.shape == (5, 12) and recurrent.shape == (3, 12) and bias.shape == (12,)
    np.testing.assert_array_equal(bias, np.r_[np.zeros(3), np.ones(3), np.zeros(6)])  # unit_forget_bias
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(3), atol=1e-5)  # orthogonal rows (u < 4u)
    ref_seq, ref_h, ref_c = numpy_lstm(x.astype(np.float64), kernel, recurrent, bias)
    np.testing.assert_allclose(np.asarray(sequence), ref_seq, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np.asarray(h), ref_h, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np.asarray(c), ref_c, rtol=1e-4, atol=1e-5)


def test_gru_and_simple_rnn_match_keras_formulas():
    run_layer_test(layers.GRU, {"units": 3}, (2, 4, 5), expected_num_trainable_weights=3)
    run_layer_test(layers.SimpleRNN, {"units": 3}, (2, 4, 5), expected_num_trainable_weights=3)
    x = np.random.default_rng(6).standard_normal((2, 4, 5)).astype(np.float32)
    gru = layers.GRU(3)
    out = np.asarray(gru(x))
    kernel, recurrent, bias = gru.get_weights()
    assert bias.shape == (2, 9)
    h = np.zeros((2, 3))
    for t in range(4):
        xz = x[:, t] @ kernel + bias[0]
        hz = h @ recurrent + bias[1]
        z = sigmoid(xz[:, :3] + hz[:, :3])
        r = sigmoid(xz[:, 3:6] + hz[:, 3:6])
        hh = np.tanh(xz[:, 6:] + r * hz[:, 6:])
        h = z * h + (1 - z) * hh
    np.testing.assert_allclose(out, h, rtol=1e-4, atol=1e-5)
    rnn = layers.SimpleRNN(3)
    out = np.asarray(rnn(x))
    kernel, recurrent, bias = rnn.get_weights()
    h = np.zeros((2, 3))
    for t in range(4):
        h = np.tanh(x[:, t] @ kernel + h @ recurrent + bias)
    np.testing.assert_allclose(out, h, rtol=1e-4, atol=1e-5)


def test_batch_normalization_training_and_inference():
    run_layer_test(layers.BatchNormalization, {}, (8, 3), expected_num_trainable_weights=2, expected_num_non_trainable_weights=2)
    layer = layers.BatchNormalization(momentum=0.9)
    x = np.random.default_rng(7).standard_normal((16, 3)).astype(np.float32) * 2 + 5
    trained = np.asarray(layer(x, training=True))
    np.testing.assert_allclose(trained, (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3), rtol=1e-4, atol=1e-4)
    gamma, beta, moving_mean, moving_variance = layer.get_weights()
    np.testing.assert_allclose(moving_mean, 0.1 * x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(moving_variance, 0.9 + 0.1 * x.var(0), rtol=1e-5)
    inferred = np.asarray(layer(x, training=False))
    np.testing.assert_allclose(inferred, (x - moving_mean) / np.sqrt(moving_variance + 1e-3), rtol=1e-4, atol=1e-4)


def test_merging_layers():
    a = np.ones((2, 3), np.float32)
    b = np.full((2, 3), 2.0, np.float32)
    np.testing.assert_array_equal(np.asarray(layers.Add()([a, b])), a + b)
    np.testing.assert_array_equal(np.asarray(layers.Concatenate()([a, b])), np.concatenate([a, b], -1))
    assert layers.Concatenate(axis=1).compute_output_shape([(None, 3), (None, 4)]) == (None, 7)
    with pytest.raises(ValueError):
        layers.Add()(a)


def test_kernel_regularizer_adds_loss():
    layer = layers.Dense(2, kernel_regularizer=keras.regularizers.L2(0.1))
    layer(np.ones((1, 3), np.float32))
    kernel = layer.get_weights()[0]
    (penalty,) = layer.losses
    np.testing.assert_allclose(float(penalty), 0.1 * (kernel ** 2).sum(), rtol=1e-5)


def test_trainable_flag_freezes_weights():
    layer = layers.Dense(2)
    layer(np.ones((1, 3), np.float32))
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2


def test_activations_by_name_and_callable():
    x = np.linspace(-3, 3, 13).astype(np.float32)
    for name, ref in [("relu", np.maximum(x, 0)), ("sigmoid", sigmoid(x)), ("tanh", np.tanh(x)), ("linear", x),
                      ("softplus", np.log1p(np.exp(x))), ("elu", np.where(x > 0, x, np.exp(x) - 1)),
                      ("swish", x * sigmoid(x)), ("silu", x * sigmoid(x))]:
        np.testing.assert_allclose(np.asarray(layers.Activation(name)(x[None]))[0], ref, rtol=1e-5, atol=1e-6, err_msg=name)
    np.testing.assert_allclose(np.asarray(layers.Activation(lambda t: t * 2)(x[None]))[0], 2 * x)
    soft = np.asarray(layers.Activation("softmax")(x[None]))[0]
    np.testing.assert_allclose(soft, np.exp(x) / np.exp(x).sum(), rtol=1e-5)
    with pytest.raises(ValueError, match="Could not interpret"):
        layers.Activation("no_such_activation")


def test_nn_embedding_lookup_values_gradient_and_range():
    table = sd.Variable(np.arange(12, dtype=np.float64).reshape(4, 3))
    ids = np.array([[0, 3], [3, 1]])
    with sd.GradientTape() as tape:
        rows = sd.nn.embedding_lookup(table, ids)
        total = (rows * rows).sum()
    np.testing.assert_array_equal(np.asarray(rows), np.arange(12.0).reshape(4, 3)[ids])
    expected = np.zeros((4, 3))
    for i in ids.ravel():
        expected[i] += 2 * np.arange(12.0).reshape(4, 3)[i]  # repeated ids accumulate
    np.testing.assert_allclose(np.asarray(tape.gradient(total, table)), expected)
    with pytest.raises(ValueError, match="not in"):
        sd.nn.embedding_lookup(table, [4])
    with pytest.raises(TypeError):
        sd.nn.embedding_lookup(table, [0.5])


def test_mask_zero_reaches_the_lstm_in_sequential_and_functional_models():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([layers.Embedding(20, 4, mask_zero=True), layers.LSTM(3)])
    padded = np.array([[0, 0, 5, 6], [1, 2, 3, 4]])
    out = np.asarray(model(padded))
    # Leading padding is skipped: the padded row equals the same row without padding.
    np.testing.assert_allclose(out[0], np.asarray(model(np.array([[5, 6]])))[0], rtol=1e-5, atol=1e-7)
    inputs = keras.Input(shape=(None,), dtype="int64")
    functional = keras.Model(inputs, layers.LSTM(3)(layers.Embedding(20, 4, mask_zero=True)(inputs)))
    functional.set_weights(model.get_weights())
    np.testing.assert_allclose(np.asarray(functional(padded)), out, rtol=1e-6)
