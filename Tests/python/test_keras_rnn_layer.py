"""keras.layers.RNN over built-in and user cells, StackedRNNCells, and the built-in layers'
dropout, recurrent_dropout and stateful: checked against the fused kernels, against numpy,
and through fit and model files."""
import os

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras import layers, ops

PAIRS = [(layers.LSTMCell, layers.LSTM), (layers.GRUCell, layers.GRU), (layers.SimpleRNNCell, layers.SimpleRNN)]


def data(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def as_list(outputs):
    return [np.asarray(o) for o in (outputs if isinstance(outputs, (list, tuple)) else [outputs])]


def assert_all_close(a, b, tol=2e-6):
    a, b = as_list(a), as_list(b)
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert x.shape == y.shape
        np.testing.assert_allclose(x, y, rtol=tol, atol=tol)


MASK = np.array([[1, 1, 1, 0, 0, 0], [0, 0, 1, 1, 1, 1], [1, 0, 1, 1, 0, 1]], dtype=bool)


@pytest.mark.parametrize("cell_class, layer_class", PAIRS)
@pytest.mark.parametrize("options", [
    {}, {"go_backwards": True}, {"mask": True}, {"mask": True, "go_backwards": True}, {"initial_state": True},
])
def test_rnn_of_builtin_cell_equals_fused_layer(cell_class, layer_class, options):
    x = data((3, 6, 4))
    rnn = layers.RNN(cell_class(5), return_sequences=True, return_state=True,
                     go_backwards=options.get("go_backwards", False))
    fused = layer_class(5, return_sequences=True, return_state=True, go_backwards=options.get("go_backwards", False))
    kwargs = {}
    if options.get("mask"):
        kwargs["mask"] = MASK
    if options.get("initial_state"):
        count = 2 if cell_class is layers.LSTMCell else 1
        kwargs["initial_state"] = [data((3, 5), seed=10 + k) for k in range(count)]
    expected = fused(x, **kwargs)
    rnn(x, **kwargs)
    rnn.set_weights(fused.get_weights())
    assert [w.name for w in rnn.weights] == [w.name for w in fused.weights]
    assert_all_close(rnn(x, **kwargs), expected)


def test_masked_steps_keep_state_and_repeat_or_zero_the_output():
    x = data((3, 6, 4))
    cell = layers.SimpleRNNCell(2)
    rnn = layers.RNN(cell, return_sequences=True)
    out = np.asarray(rnn(x, mask=MASK))
    assert not out[1, :2].any()  # zeros before a row's first kept step
    np.testing.assert_array_equal(out[0, 3:], np.repeat(out[0, 2:3], 3, axis=0))
    zeroed = layers.RNN(cell, return_sequences=True, zero_output_for_mask=True)
    out_zero = np.asarray(zeroed(x, mask=MASK))
    np.testing.assert_array_equal(out_zero[~MASK], 0)
    np.testing.assert_array_equal(out_zero[MASK], out[MASK])
    # A mask coming from Embedding(mask_zero=True) reaches the RNN in a model.
    model = keras.Sequential([layers.Embedding(10, 3, mask_zero=True), layers.RNN(layers.GRUCell(4))])
    tokens = np.array([[3, 4, 0, 0], [5, 0, 0, 0]])
    np.testing.assert_allclose(np.asarray(model(tokens)), np.asarray(model(tokens[:, :2])), rtol=1e-6, atol=1e-6)


def test_stacked_cells_equal_two_stacked_layers():
    x = data((2, 5, 3))
    rnn = layers.RNN([layers.LSTMCell(4), layers.GRUCell(3)], return_sequences=True, return_state=True)
    assert isinstance(rnn.cell, layers.StackedRNNCells)
    assert rnn.cell.state_size == [[4, 4], 3] and rnn.cell.output_size == 3
    first, second = layers.LSTM(4, return_sequences=True), layers.GRU(3, return_sequences=True, return_state=True)
    expected = second(first(x))
    rnn(x)
    rnn.set_weights(first.get_weights() + second.get_weights())
    output, (h1, c1), h2 = rnn(x)
    assert_all_close([output, h2], expected)
    np.testing.assert_allclose(np.asarray(h1), np.asarray(first(x))[:, -1], rtol=2e-6, atol=2e-6)
    assert rnn.compute_output_shape((None, 5, 3)) == [(None, 5, 3), [(None, 4), (None, 4)], (None, 3)]


class MinimalRNNCell(keras.layers.Layer):
    """The cell of keras.io's RNN guide, written with keras.ops."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="uniform", name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer="uniform",
                                                name="recurrent_kernel")
        self.built = True

    def call(self, inputs, states):
        prev_output = states[0]
        h = ops.matmul(inputs, self.kernel)
        output = h + ops.matmul(prev_output, self.recurrent_kernel)
        return output, [output]

    def get_config(self):
        config = super().get_config()
        config["units"] = self.units
        return config


def test_user_cell_trains_through_fit_and_reloads(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 6, 3)).astype(np.float32)
    y = (x[:, :, 0].sum(axis=1, keepdims=True) * 0.3).astype(np.float32)  # a linear recurrence can fit this
    sd.random.seed(0)
    inputs = keras.Input((6, 3))
    model = keras.Model(inputs, layers.Dense(1)(layers.RNN(MinimalRNNCell(8))(inputs)))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    history = model.fit(x, y, epochs=15, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]
    path = os.path.join(tmp_path, "minimal.keras")
    model.save(path)
    loaded = keras.models.load_model(path, custom_objects={"MinimalRNNCell": MinimalRNNCell})
    np.testing.assert_allclose(np.asarray(loaded.predict(x[:8], verbose=0)), np.asarray(model.predict(x[:8], verbose=0)),
                               rtol=1e-6, atol=1e-6)
    # Cells stack without a get_initial_state of their own.
    stacked = layers.RNN([MinimalRNNCell(4), MinimalRNNCell(2)], return_state=True)
    output, s1, s2 = stacked(x[:2])
    assert tuple(output.shape) == (2, 2) and tuple(s1.shape) == (2, 4)
    np.testing.assert_array_equal(np.asarray(output), np.asarray(s2))


def test_model_with_rnn_cells_saves_and_loads(tmp_path):
    x = data((4, 5, 3))
    model = keras.Sequential([keras.Input((5, 3)),
                              layers.RNN([layers.LSTMCell(4), layers.GRUCell(3, reset_after=False)],
                                         return_sequences=True),
                              layers.RNN(layers.SimpleRNNCell(2), go_backwards=True), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, np.ones((4, 1), np.float32), epochs=1, verbose=0)
    path = os.path.join(tmp_path, "cells.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(np.asarray(loaded(x)), np.asarray(model(x)), rtol=1e-6, atol=1e-6)
    config = model.layers[0].get_config()
    assert config["cell"]["class_name"] == "StackedRNNCells"
    assert [c["class_name"] for c in config["cell"]["config"]["cells"]] == ["LSTMCell", "GRUCell"]
    clone = layers.RNN.from_config(config)
    assert clone.get_config()["cell"]["config"]["cells"][1]["config"]["reset_after"] is False
    weights_path = os.path.join(tmp_path, "cells.weights.h5")
    model.save_weights(weights_path)
    import h5py
    with h5py.File(weights_path) as f:
        assert f["layers/rnn/cell/cells/lstm_cell/vars/0"].shape == (3, 16)
        assert f["layers/rnn/cell/cells/gru_cell/vars/2"].shape == (9,)


def test_symbolic_call_and_return_state_shapes():
    inputs = keras.Input((7, 3))
    output, h, c = layers.RNN(layers.LSTMCell(4), return_state=True)(inputs)
    assert output.shape == (None, 4) and h.shape == (None, 4) and c.shape == (None, 4)
    sequence = layers.RNN(layers.GRUCell(2), return_sequences=True)(inputs)
    assert sequence.shape == (None, 7, 2)


@pytest.mark.parametrize("layer_factory", [
    lambda **kw: layers.RNN(layers.LSTMCell(3), **kw),
    lambda **kw: layers.LSTM(3, **kw),
    lambda **kw: layers.GRU(3, **kw),
])
def test_stateful_keeps_state_across_calls_and_reset_clears_it(layer_factory):
    x = data((2, 6, 4))
    whole = layer_factory(return_sequences=True)
    stateful = layer_factory(return_sequences=True, stateful=True)
    expected = np.asarray(whole(x))
    stateful(x[:, :3])
    stateful.set_weights(whole.get_weights())
    stateful.reset_states()
    first = np.asarray(stateful(x[:, :3]))
    second = np.asarray(stateful(x[:, 3:]))  # continues from the first half's final state
    np.testing.assert_allclose(np.concatenate([first, second], axis=1), expected, rtol=2e-6, atol=2e-6)
    assert len(stateful.weights) == 3  # the states are not weights
    stateful.reset_states()
    np.testing.assert_allclose(np.asarray(stateful(x[:, :3])), first, rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError, match="batch size"):
        stateful(x[:1, :3])
    with pytest.raises(ValueError, match="batch size must be static"):
        layer_factory(stateful=True)(keras.Input((6, 4)))


def test_stateful_model_with_fixed_batch_trains():
    x = data((8, 5, 2))
    model = keras.Sequential([keras.Input(batch_shape=(4, 5, 2)), layers.LSTM(3, stateful=True), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, np.ones((8, 1), np.float32), batch_size=4, epochs=1, shuffle=False, verbose=0)
    assert np.asarray(model.layers[0].states[0]).any()
    model.layers[0].reset_states()
    assert not np.asarray(model.layers[0].states[0]).any()


def dropout_probe(layer_class, rate, **kwargs):
    """A layer whose outputs show its dropout mask: identity-like kernel, no recurrence."""
    features = 40
    layer = layer_class(features, return_sequences=True, **kwargs)
    layer.build((None, 6, features))
    weights = layer.get_weights()
    weights[0] = np.eye(features, dtype=np.float32)
    weights[1] = np.zeros_like(weights[1])
    weights[2] = np.zeros_like(weights[2])
    layer.set_weights(weights)
    return layer


def test_input_dropout_uses_one_mask_per_sequence_on_the_fused_path():
    rate, x = 0.3, np.full((50, 6, 40), 0.5, np.float32)
    layer = dropout_probe(layers.SimpleRNN, rate, dropout=rate, seed=3)
    out = np.asarray(layer(x, training=True))
    dropped = out == 0
    assert abs(dropped[:, 0].mean() - rate) < 0.03  # 2,000 draws: about 3 standard deviations
    assert (dropped == dropped[:, :1]).all()  # the same mask at every step
    np.testing.assert_allclose(out[~dropped], np.tanh(0.5 / (1 - rate)), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(layer(x)), np.tanh(0.5), rtol=1e-6)  # inference ignores dropout
    assert not np.array_equal(np.asarray(layer(x, training=True)) == 0, dropped)  # a new mask per call


def test_recurrent_dropout_uses_one_mask_per_sequence_on_the_state():
    rate, features = 0.5, 40
    layer = layers.SimpleRNN(features, return_sequences=True, recurrent_dropout=rate, seed=5)
    layer.build((None, 6, features))
    layer.set_weights([np.zeros((features, features), np.float32), np.eye(features, dtype=np.float32),
                       np.zeros(features, np.float32)])
    h0 = np.full((50, features), 0.5, np.float32)
    out = np.asarray(layer(np.zeros((50, 6, features), np.float32), initial_state=h0, training=True))
    dropped = out == 0
    assert abs(dropped[:, 0].mean() - rate) < 0.04
    assert (dropped == dropped[:, :1]).all()
    np.testing.assert_allclose(out[:, 0][~dropped[:, 0]], np.tanh(0.5 / (1 - rate)), rtol=1e-6)
    inference = np.asarray(layer(np.zeros((50, 6, features), np.float32), initial_state=h0))
    expected = h0
    for t in range(6):
        expected = np.tanh(expected)
        np.testing.assert_allclose(inference[:, t], expected, rtol=1e-5)


@pytest.mark.parametrize("layer_class", [layers.LSTM, layers.GRU, layers.SimpleRNN])
def test_recurrent_dropout_step_path_matches_cell_math(layer_class):
    """In training with recurrent dropout, the layer runs its cell's math with Keras's
    per-gate masks; with the masks taken from a seeded cell it equals RNN(cell)."""
    x = data((3, 5, 4))
    layer = layer_class(3, dropout=0.25, recurrent_dropout=0.25, seed=9, return_sequences=True)
    cell_class = {layers.LSTM: layers.LSTMCell, layers.GRU: layers.GRUCell, layers.SimpleRNN: layers.SimpleRNNCell}
    rnn = layers.RNN(cell_class[layer_class](3, dropout=0.25, recurrent_dropout=0.25, seed=9), return_sequences=True)
    layer(x)
    rnn(x)
    rnn.set_weights(layer.get_weights())
    # Both draw their masks from a seed generator seeded 9, in the same order.
    np.testing.assert_allclose(np.asarray(layer(x, training=True)), np.asarray(rnn(x, training=True)),
                               rtol=2e-6, atol=2e-6)
    assert_all_close(layer(x, training=False), rnn(x, training=False))


def test_recurrent_dropout_training_is_differentiable():
    sd.random.seed(1)
    x = data((32, 5, 3))
    y = x.sum(axis=(1, 2))[:, None].astype(np.float32) * 0.2
    model = keras.Sequential([keras.Input((5, 3)), layers.LSTM(8, dropout=0.1, recurrent_dropout=0.2), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    history = model.fit(x, y, epochs=12, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < 0.6 * history.history["loss"][0]


def test_other_activations_and_gru_reset_before_run_step_by_step():
    x = data((2, 4, 3))
    for layer, cell in [(layers.LSTM(3, activation="relu", recurrent_activation="tanh"),
                         layers.LSTMCell(3, activation="relu", recurrent_activation="tanh")),
                        (layers.GRU(3, reset_after=False), layers.GRUCell(3, reset_after=False)),
                        (layers.SimpleRNN(3, activation="linear"), layers.SimpleRNNCell(3, activation="linear"))]:
        rnn = layers.RNN(cell, return_sequences=True)
        rnn(x)
        layer.return_sequences = True
        layer(x)
        layer.set_weights(rnn.get_weights())
        assert_all_close(layer(x), rnn(x))
        assert layer_config_round_trips(layer)


def layer_config_round_trips(layer):
    config = layer.get_config()
    clone = type(layer).from_config(config)
    return clone.get_config() == config


def test_builtin_layer_configs_keep_dropout_stateful_and_seed(tmp_path):
    layer = layers.LSTM(3, dropout=0.2, recurrent_dropout=0.1, seed=4, stateful=True, unroll=True)
    config = layer.get_config()
    assert (config["dropout"], config["recurrent_dropout"], config["seed"], config["stateful"], config["unroll"]) == \
        (0.2, 0.1, 4, True, True)
    assert layer_config_round_trips(layer)
    model = keras.Sequential([keras.Input((5, 3)), layers.Bidirectional(layers.GRU(2, dropout=0.3)), layers.Dense(1)])
    path = os.path.join(tmp_path, "dropout.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert loaded.layers[0].forward_layer.dropout == 0.3
    x = data((2, 5, 3))
    np.testing.assert_allclose(np.asarray(loaded(x)), np.asarray(model(x)), rtol=1e-6, atol=1e-6)


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="`call` method"):
        layers.RNN(object())

    class NoState:
        def call(self, inputs, states):
            return inputs, states
    with pytest.raises(ValueError, match="state_size"):
        layers.RNN(NoState())
    with pytest.raises(ValueError, match="state_size"):
        layers.StackedRNNCells([layers.LSTMCell(2), NoState()])
    with pytest.raises(ValueError, match="non-empty list"):
        layers.StackedRNNCells([])
    rnn = layers.RNN(layers.LSTMCell(2))
    with pytest.raises(ValueError, match="ndim=3"):
        rnn(np.ones((2, 3), np.float32))
    with pytest.raises(ValueError, match="2 initial state"):
        rnn(np.ones((2, 3, 4), np.float32), initial_state=[np.zeros((2, 2), np.float32)])
    with pytest.raises(ValueError, match="mask"):
        rnn(np.ones((2, 3, 4), np.float32), mask=np.ones((2, 5), bool))
    with pytest.raises(TypeError, match="dropout"):
        layers.LSTM(2, dropout=None)
    with pytest.raises(ValueError, match="units"):
        layers.GRU(-1)


def test_bidirectional_wraps_an_rnn_of_cells(tmp_path):
    x = data((2, 5, 3))
    wrapped = layers.Bidirectional(layers.RNN(layers.GRUCell(3), return_sequences=True))
    fused = layers.Bidirectional(layers.GRU(3, return_sequences=True))
    expected = fused(x, mask=MASK[:2, :5])
    wrapped(x)
    wrapped.set_weights(fused.get_weights())
    assert_all_close(wrapped(x, mask=MASK[:2, :5]), expected)
    model = keras.Sequential([keras.Input((5, 3)), wrapped])
    path = os.path.join(tmp_path, "bidirectional.keras")
    model.save(path)
    np.testing.assert_allclose(np.asarray(keras.models.load_model(path)(x)), np.asarray(model(x)), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("cell_class, layer_class", PAIRS)
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_zero_output_for_mask_on_fused_layers(cell_class, layer_class, go_backwards, return_sequences):
    x = data((3, 6, 4))
    options = {"go_backwards": go_backwards, "return_sequences": return_sequences, "zero_output_for_mask": True}
    fused, rnn = layer_class(2, **options), layers.RNN(cell_class(2), **options)
    expected = fused(x, mask=MASK)
    rnn(x)
    rnn.set_weights(fused.get_weights())
    assert_all_close(rnn(x, mask=MASK), expected)
    assert fused.get_config()["zero_output_for_mask"] is True


def test_bidirectional_zeroes_masked_steps_of_sequences_as_keras_does():
    x = data((2, 6, 3))
    wrapped = layers.Bidirectional(layers.LSTM(2, return_sequences=True))
    out = np.asarray(wrapped(x, mask=MASK[:2]))
    np.testing.assert_array_equal(out[~MASK[:2]], 0)
    assert wrapped.forward_layer.zero_output_for_mask and wrapped.backward_layer.zero_output_for_mask
    assert not layers.Bidirectional(layers.GRU(2)).forward_layer.zero_output_for_mask


KERAS_SIDE = '''
import os, sys
os.environ.setdefault("KERAS_BACKEND", "jax")
import keras, numpy as np
from keras import layers
directory, mode = sys.argv[1], sys.argv[2]
if mode == "make":
    keras.utils.set_random_seed(0)
    inputs = keras.Input((6, 3))
    a = layers.RNN([layers.LSTMCell(4), layers.GRUCell(3, reset_after=False)], return_sequences=True)(inputs)
    b = layers.RNN(layers.SimpleRNNCell(2), go_backwards=True)(a)
    c = layers.GRU(3, reset_after=False, dropout=0.2, recurrent_dropout=0.1)(a)
    d = layers.LSTM(2, activation="relu", dropout=0.1, seed=3)(inputs)
    e = layers.Bidirectional(layers.RNN(layers.LSTMCell(2), return_sequences=True))(inputs)
    out = layers.Dense(1)(layers.Concatenate()([b, c, d, layers.GlobalAveragePooling1D()(e)]))
    model = keras.Model(inputs, out)
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(0).normal(size=(5, 6, 3)).astype("float32")
    model.fit(x, np.ones((5, 1), "float32"), verbose=0)
    model.save(os.path.join(directory, "keras_cells.keras"))
    np.savez(os.path.join(directory, "keras_cells.npz"), x=x, y=model.predict(x, verbose=0))
else:
    arrays = np.load(os.path.join(directory, "swiftdl_cells.npz"))
    model = keras.saving.load_model(os.path.join(directory, "swiftdl_cells.keras"))
    np.testing.assert_allclose(model.predict(arrays["x"], verbose=0), arrays["y"], rtol=1e-4, atol=1e-5)
    print("ok")
'''


def test_rnn_cell_models_cross_real_keras(tmp_path):
    """Set SWIFTDL_KERAS_PYTHON to a Python with Keras 3 (see test_keras_saving.py): Keras
    loads swiftdl's RNN-of-cells models and swiftdl loads Keras's, predicting the same."""
    import subprocess
    python = os.environ.get("SWIFTDL_KERAS_PYTHON")
    if not python:
        pytest.skip("SWIFTDL_KERAS_PYTHON is not set")
    script = os.path.join(tmp_path, "keras_side.py")
    with open(script, "w") as handle:
        handle.write(KERAS_SIDE)
    made = subprocess.run([python, script, str(tmp_path), "make"], capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr[-3000:]
    arrays = np.load(os.path.join(tmp_path, "keras_cells.npz"))
    from_keras = keras.models.load_model(os.path.join(tmp_path, "keras_cells.keras"))
    np.testing.assert_allclose(from_keras.predict(arrays["x"], verbose=0), arrays["y"], rtol=1e-4, atol=1e-5)

    sd.random.seed(0)
    inputs = keras.Input((6, 3))
    a = layers.RNN([layers.LSTMCell(4), layers.GRUCell(3, reset_after=False)], return_sequences=True)(inputs)
    b = layers.RNN(layers.SimpleRNNCell(2), go_backwards=True, zero_output_for_mask=True)(a)
    c = layers.GRU(3, reset_after=False, dropout=0.2, recurrent_dropout=0.1)(a)
    d = layers.LSTM(2, activation="relu", dropout=0.1, seed=3)(inputs)
    e = layers.Bidirectional(layers.RNN(layers.LSTMCell(2)))(inputs)
    model = keras.Model(inputs, layers.Dense(1)(layers.Concatenate()([b, c, d, e])))
    model.compile(optimizer="adam", loss="mse")
    x = arrays["x"]
    model.fit(x, np.ones((5, 1), np.float32), verbose=0)
    model.save(os.path.join(tmp_path, "swiftdl_cells.keras"))
    np.savez(os.path.join(tmp_path, "swiftdl_cells.npz"), x=x, y=model.predict(x, verbose=0))
    checked = subprocess.run([python, script, str(tmp_path), "load"], capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0 and "ok" in checked.stdout, checked.stderr[-3000:]


@pytest.mark.parametrize("go_backwards", [False, True])
def test_long_sequences_match_the_fused_kernel_in_values_and_gradients(go_backwards):
    """Past 16 steps the loop slices steps from √T blocks; its backpropagation through
    time must agree with the fused kernel's, computed in Swift."""
    steps = 41
    x = sd.Variable(data((3, steps, 4)))
    mask = np.ones((3, steps), bool)
    mask[0, 30:] = False
    mask[2, :7] = False
    fused = layers.LSTM(5, return_sequences=True, go_backwards=go_backwards)
    rnn = layers.RNN(layers.LSTMCell(5), return_sequences=True, go_backwards=go_backwards)
    fused(x)
    rnn(x)
    rnn.set_weights(fused.get_weights())
    weights = np.linspace(-1, 1, steps * 5, dtype=np.float32).reshape(1, steps, 5)
    results = []
    for layer in (fused, rnn):
        with sd.GradientTape() as tape:
            loss = sd.sum(layer(x, mask=mask) * weights)
        results.append([np.asarray(loss)] + [np.asarray(g) for g in tape.gradient(loss, [x] + layer.trainable_weights)])
    for a, b in zip(*results):
        np.testing.assert_allclose(b, a, rtol=2e-5, atol=2e-5)


def test_a_cell_returning_the_wrong_states_is_refused():
    class TwoStatesOut(keras.layers.Layer):
        state_size = 2

        def call(self, inputs, states):
            return inputs[:, :2], [states[0], states[0]]

    with pytest.raises(ValueError, match="returned 2 state"):
        layers.RNN(TwoStatesOut())(np.ones((1, 3, 2), np.float32))

    class OddStateSize:
        state_size = "two"

        def call(self, inputs, states):
            return inputs, states
    with pytest.raises(ValueError, match="state_size must be an integer"):
        layers.RNN(OddStateSize())
