"""LSTMCell, GRUCell and SimpleRNNCell: one step against hand-written numpy versions of
Keras 3's formulas, their weights, states and configs, per-sequence dropout masks, and
finite-difference gradients of a step."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras import layers


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def relu(x):
    return np.maximum(x, 0)


def numpy_lstm_step(x, h, c, kernel, recurrent, bias, act=np.tanh, rec_act=sigmoid, x_masks=None, h_masks=None):
    """Keras's LSTMCell: implementation 2 with one mask, implementation 1 with four."""
    u = recurrent.shape[0]
    x_masks = x_masks if isinstance(x_masks, list) else [x_masks] * 4
    h_masks = h_masks if isinstance(h_masks, list) else [h_masks] * 4
    z = []
    for k in range(4):
        xk = x if x_masks[k] is None else x * x_masks[k]
        hk = h if h_masks[k] is None else h * h_masks[k]
        zk = xk @ kernel[:, k * u:(k + 1) * u] + hk @ recurrent[:, k * u:(k + 1) * u]
        if bias is not None:
            zk = zk + bias[k * u:(k + 1) * u]
        z.append(zk)
    i, f, g, o = rec_act(z[0]), rec_act(z[1]), act(z[2]), rec_act(z[3])
    c = f * c + i * g
    return o * act(c), c


def numpy_gru_step(x, h, kernel, recurrent, bias, reset_after=True, act=np.tanh, rec_act=sigmoid):
    u = recurrent.shape[0]
    if bias is None:
        input_bias, recurrent_bias = np.zeros(3 * u), np.zeros(3 * u)
    elif reset_after:
        input_bias, recurrent_bias = bias[0], bias[1]
    else:
        input_bias, recurrent_bias = bias, np.zeros(3 * u)
    xp = x @ kernel + input_bias
    if reset_after:
        hp = h @ recurrent + recurrent_bias
        z = rec_act(xp[:, :u] + hp[:, :u])
        r = rec_act(xp[:, u:2 * u] + hp[:, u:2 * u])
        hh = act(xp[:, 2 * u:] + r * hp[:, 2 * u:])
    else:
        z = rec_act(xp[:, :u] + h @ recurrent[:, :u])
        r = rec_act(xp[:, u:2 * u] + h @ recurrent[:, u:2 * u])
        hh = act(xp[:, 2 * u:] + (r * h) @ recurrent[:, 2 * u:])
    return z * h + (1 - z) * hh


def random_weights(cell, rng):
    cell.set_weights([rng.standard_normal(w.shape).astype(w.dtype) * 0.5 for w in cell.get_weights()])
    return cell.get_weights()


def build(cell, features, rng=None):
    cell.build((None, features))
    cell.built = True
    return random_weights(cell, rng or np.random.default_rng(0))


@pytest.mark.parametrize("kwargs", [{}, {"use_bias": False}, {"activation": "relu", "recurrent_activation": "tanh"}])
def test_lstm_cell_step_matches_keras_formula(kwargs):
    rng = np.random.default_rng(1)
    cell = layers.LSTMCell(3, **kwargs)
    weights = build(cell, 5, rng)
    assert [w.name for w in cell.weights] == (["kernel", "recurrent_kernel", "bias"] if cell.use_bias
                                              else ["kernel", "recurrent_kernel"])
    assert weights[0].shape == (5, 12) and weights[1].shape == (3, 12)
    assert cell.state_size == [3, 3] and cell.output_size == 3
    x, h, c = (rng.standard_normal(s).astype(np.float32) for s in ((2, 5), (2, 3), (2, 3)))
    output, (h1, c1) = cell(x, [sd.asarray(h), sd.asarray(c)])
    act = relu if kwargs.get("activation") == "relu" else np.tanh
    rec_act = np.tanh if kwargs.get("recurrent_activation") == "tanh" else sigmoid
    ref_h, ref_c = numpy_lstm_step(x, h, c, weights[0], weights[1], weights[2] if cell.use_bias else None,
                                   act, rec_act)
    np.testing.assert_allclose(np.asarray(output), ref_h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(h1), ref_h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(c1), ref_c, rtol=1e-5, atol=1e-6)


def test_lstm_cell_initial_weights_and_state():
    cell = layers.LSTMCell(4)
    cell.build((None, 2))
    np.testing.assert_array_equal(cell.get_weights()[2], np.r_[np.zeros(4), np.ones(4), np.zeros(8)])
    states = cell.get_initial_state(batch_size=3)
    assert len(states) == 2 and all(tuple(s.shape) == (3, 4) and not np.asarray(s).any() for s in states)
    assert layers.GRUCell(5).state_size == 5 and layers.SimpleRNNCell(6).output_size == 6
    (h,) = layers.GRUCell(5).get_initial_state(batch_size=2)
    assert tuple(h.shape) == (2, 5)


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("use_bias", [True, False])
def test_gru_cell_step_matches_keras_formula(reset_after, use_bias):
    rng = np.random.default_rng(2)
    cell = layers.GRUCell(4, reset_after=reset_after, use_bias=use_bias)
    weights = build(cell, 3, rng)
    if use_bias:
        assert weights[2].shape == ((2, 12) if reset_after else (12,))
    x, h = rng.standard_normal((2, 3)).astype(np.float32), rng.standard_normal((2, 4)).astype(np.float32)
    output, states = cell(x, [sd.asarray(h)])
    assert isinstance(states, list) and len(states) == 1
    ref = numpy_gru_step(x, h, weights[0], weights[1], weights[2] if use_bias else None, reset_after)
    np.testing.assert_allclose(np.asarray(output), ref, rtol=1e-5, atol=1e-6)
    single, state = cell(x, sd.asarray(h))  # a bare state tensor comes back bare, as in Keras
    assert isinstance(state, sd.Tensor)


def test_simple_rnn_cell_step_matches_keras_formula():
    rng = np.random.default_rng(3)
    cell = layers.SimpleRNNCell(4, activation="relu")
    kernel, recurrent, bias = build(cell, 3, rng)
    x, h = rng.standard_normal((2, 3)).astype(np.float32), rng.standard_normal((2, 4)).astype(np.float32)
    output, (state,) = cell(x, [sd.asarray(h)])
    np.testing.assert_allclose(np.asarray(output), relu(x @ kernel + bias + h @ recurrent), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(np.asarray(state), np.asarray(output))


def test_dropout_masks_are_per_sequence_and_scaled():
    rate = 0.4
    cell = layers.LSTMCell(8, dropout=rate, seed=7)
    x = sd.ones((500, 16))
    mask = np.asarray(cell.get_dropout_mask(x))
    assert mask.shape == (500, 16)
    np.testing.assert_allclose(mask[mask != 0], 1 / (1 - rate), rtol=1e-6)
    assert abs((mask == 0).mean() - rate) < 0.02  # 8,000 draws: 4 standard deviations is 0.022
    np.testing.assert_array_equal(np.asarray(cell.get_dropout_mask(x)), mask)  # reused until reset
    cell.reset_dropout_mask()
    assert not np.array_equal(np.asarray(cell.get_dropout_mask(x)), mask)
    # Recurrent dropout switches Keras to one mask per gate, for the inputs and the state.
    per_gate = layers.LSTMCell(8, dropout=0.3, recurrent_dropout=0.3, seed=1)
    masks = per_gate.get_dropout_mask(x)
    recurrent = per_gate.get_recurrent_dropout_mask(sd.ones((500, 8)))
    assert len(masks) == 4 and len(recurrent) == 4
    assert not np.array_equal(np.asarray(masks[0]), np.asarray(masks[1]))
    assert len(layers.GRUCell(3, recurrent_dropout=0.5).get_recurrent_dropout_mask(sd.ones((2, 3)))) == 3
    assert isinstance(layers.SimpleRNNCell(3, recurrent_dropout=0.5).get_recurrent_dropout_mask(sd.ones((2, 3))),
                      sd.Tensor)


def test_cell_dropout_applies_only_in_training():
    rng = np.random.default_rng(4)
    cell = layers.LSTMCell(3, dropout=0.5, recurrent_dropout=0.5, seed=3)
    kernel, recurrent, bias = build(cell, 4, rng)
    x, h, c = (rng.standard_normal(s).astype(np.float32) for s in ((6, 4), (6, 3), (6, 3)))
    inference, _ = cell(x, [sd.asarray(h), sd.asarray(c)])
    np.testing.assert_allclose(np.asarray(inference), numpy_lstm_step(x, h, c, kernel, recurrent, bias)[0],
                               rtol=1e-5, atol=1e-6)
    trained, _ = cell(x, [sd.asarray(h), sd.asarray(c)], training=True)
    x_masks = [np.asarray(m) for m in cell.get_dropout_mask(x)]
    h_masks = [np.asarray(m) for m in cell.get_recurrent_dropout_mask(h)]
    ref = numpy_lstm_step(x, h, c, kernel, recurrent, bias, x_masks=x_masks, h_masks=h_masks)[0]
    np.testing.assert_allclose(np.asarray(trained), ref, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cell_class", [layers.LSTMCell, layers.GRUCell, layers.SimpleRNNCell])
def test_cell_step_gradients_match_finite_differences(cell_class):
    rng = np.random.default_rng(5)
    cell = cell_class(3, dropout=0.3, recurrent_dropout=0.3, seed=11, dtype="float64")
    build(cell, 4, rng)
    x = sd.Variable(rng.standard_normal((2, 4)))
    states = [sd.Variable(rng.standard_normal((2, 3))) for _ in cell.get_initial_state(2)]
    weight = rng.standard_normal((2, 3))

    def loss():
        output, new_states = cell(x, list(states), training=True)  # masks stay cached: the same each call
        total = sd.sum(output * weight)
        for state in new_states[1:]:
            total = total + sd.sum(state)
        return total

    with sd.GradientTape() as tape:
        value = loss()
    targets = [x] + states + list(cell.trainable_weights)
    gradients = tape.gradient(value, targets)
    eps = 1e-6
    for variable, gradient in zip(targets, gradients):
        base = np.asarray(variable).copy()
        numeric = np.zeros_like(base)
        for index in np.ndindex(base.shape):
            for sign in (1, -1):
                shifted = base.copy()
                shifted[index] += sign * eps
                variable.assign(shifted)
                numeric[index] += sign * float(np.asarray(loss())) / (2 * eps)
        variable.assign(base)
        np.testing.assert_allclose(np.asarray(gradient), numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("cell", [
    layers.LSTMCell(3, unit_forget_bias=False, dropout=0.2, seed=4, recurrent_activation="relu"),
    layers.GRUCell(2, reset_after=False, recurrent_dropout=0.1),
    layers.SimpleRNNCell(5, activation="relu", use_bias=False, kernel_regularizer="l2"),
])
def test_cell_config_round_trips(cell):
    config = cell.get_config()
    for key in ("units", "activation", "use_bias", "kernel_initializer", "recurrent_initializer", "bias_initializer",
                "kernel_regularizer", "kernel_constraint", "dropout", "recurrent_dropout", "seed"):
        assert key in config, key
    clone = type(cell).from_config(config)
    assert clone.get_config() == config
    clone.build((None, 4))
    cell.build((None, 4))
    assert [w.shape for w in clone.weights] == [w.shape for w in cell.weights]


def test_cell_constraints_apply_after_each_step_and_serialize():
    x = np.random.default_rng(6).standard_normal((16, 4, 3)).astype(np.float32)
    cell = layers.GRUCell(3, kernel_constraint="non_neg", recurrent_constraint=keras.constraints.MaxNorm(0.5))
    model = keras.Sequential([keras.Input((4, 3)), layers.RNN(cell), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    model.fit(x, np.ones((16, 1), np.float32), epochs=2, verbose=0)
    assert (cell.get_weights()[0] >= 0).all()
    assert (np.sqrt((cell.get_weights()[1] ** 2).sum(axis=0)) <= 0.5 + 1e-6).all()
    config = cell.get_config()
    assert config["kernel_constraint"]["class_name"] == "NonNeg" and config["bias_constraint"] is None
    assert layers.GRUCell.from_config(config).get_config() == config


def test_cell_arguments_are_checked():
    with pytest.raises(ValueError, match="units"):
        layers.LSTMCell(0)
    with pytest.raises(ValueError, match="units"):
        layers.GRUCell(2.5)
    with pytest.raises(TypeError, match="dropout"):
        layers.SimpleRNNCell(2, dropout="half")
    with pytest.raises(ValueError, match="seed"):
        layers.LSTMCell(2, seed="x")
    with pytest.raises(TypeError, match="Unrecognized keyword"):
        layers.LSTMCell(2, bogus=1)
    assert layers.LSTMCell(2, dropout=1.5).dropout == 1.0  # Keras clips rates into [0, 1]
    cell = layers.LSTMCell(2)
    cell.build((None, 3))
    with pytest.raises(ValueError, match="2 state"):
        cell(np.ones((1, 3), np.float32), [sd.zeros((1, 2))])
    with pytest.raises(ValueError, match="one step"):
        cell(np.ones((1, 2, 3), np.float32), [sd.zeros((1, 2)), sd.zeros((1, 2))])
