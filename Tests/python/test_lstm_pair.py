"""A Bidirectional layer's two LSTMs as one engine call (`_C.lstm_pair`, each direction on its
own thread): the same outputs, states and gradients as two `lstm` calls, through
swiftdl.nn and through keras.layers.Bidirectional (masks, initial states, returned states,
every merge mode, float64, one and two threads), the layers' own calls where the pair does not
apply, and bad operands raising errors."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras.layers import paired_lstm
from swiftdl.nn._recurrent import lstm_pair

RNG = np.random.default_rng(41)


def _direction(features, units, dtype, go_backwards, with_state, batch):
    return {"kernel": sd.Variable(RNG.normal(size=(features, 4 * units)).astype(dtype) * 0.3),
            "recurrent_kernel": sd.Variable(RNG.normal(size=(units, 4 * units)).astype(dtype) * 0.3),
            "bias": sd.Variable(RNG.normal(size=(4 * units,)).astype(dtype) * 0.1),
            "initial_state": [sd.Variable(RNG.normal(size=(batch, units)).astype(dtype)) for _ in range(2)]
            if with_state else None,
            "go_backwards": go_backwards}


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("return_sequences, masked, with_state", [(True, False, False), (False, True, True),
                                                                  (True, True, False), (False, False, True)])
def test_pair_gives_the_results_and_gradients_of_two_lstm_calls(threads, dtype, return_sequences, masked, with_state):
    batch, time, features, units = 5, 9, 6, 8
    x = sd.Variable(RNG.normal(size=(batch, time, features)).astype(dtype))
    mask = sd.asarray(RNG.random((batch, time)) < 0.7) if masked else None
    first = _direction(features, units, dtype, False, with_state, batch)
    second = _direction(features, units, dtype, True, with_state, batch)
    upstream = [RNG.normal(size=shape).astype(dtype) for shape in
                [(batch, time, units) if return_sequences else (batch, units), (batch, units), (batch, units)] * 2]

    def run(paired):
        with sd.GradientTape() as tape:
            if paired:
                results = lstm_pair(x, first, second, return_sequences=return_sequences, mask=mask)
            else:
                results = [sd.nn.lstm(x, d["kernel"], d["recurrent_kernel"], d["bias"], initial_state=d["initial_state"],
                                      return_sequences=return_sequences, go_backwards=d["go_backwards"], mask=mask)
                           for d in (first, second)]
            outputs = [t for result in results for t in result]
            loss = sum(sd.reduce_sum(t * sd.asarray(u)) for t, u in zip(outputs, upstream))
        sources = [x] + [d[name] for d in (first, second) for name in ("kernel", "recurrent_kernel", "bias")]
        if with_state:
            sources += [s for d in (first, second) for s in d["initial_state"]]
        return [np.asarray(t) for t in outputs], [np.asarray(g) for g in tape.gradient(loss, sources)]

    previous = sd.config.get_num_threads()
    sd.config.set_num_threads(threads)
    try:
        paired, separate = run(True), run(False)
    finally:
        sd.config.set_num_threads(previous)
    tolerance = 1e-5 if dtype == "float32" else 1e-12
    for got, want in zip(paired[0] + paired[1], separate[0] + separate[1]):
        np.testing.assert_allclose(got, want, rtol=tolerance, atol=tolerance)


def _bidirectional_model(merge_mode, return_sequences, return_state, mask_zero):
    inputs = keras.Input((12,), dtype="int32")
    x = keras.layers.Embedding(50, 8, mask_zero=mask_zero)(inputs)
    outputs = keras.layers.Bidirectional(keras.layers.LSTM(6, return_sequences=return_sequences,
                                                           return_state=return_state), merge_mode=merge_mode)(x)
    return keras.Model(inputs, outputs)


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "ave", "mul", None])
@pytest.mark.parametrize("return_sequences, return_state, mask_zero", [(True, False, True), (False, True, False),
                                                                       (True, True, False), (False, False, True)])
def test_bidirectional_lstm_runs_the_pair_with_its_layers_results(monkeypatch, merge_mode, return_sequences,
                                                                  return_state, mask_zero):
    keras.utils.set_random_seed(3)
    model = _bidirectional_model(merge_mode, return_sequences, return_state, mask_zero)
    tokens = RNG.integers(1, 50, size=(4, 12)).astype("int32")
    tokens[0, 7:] = 0
    tokens[2, 3:] = 0
    calls = []
    original = paired_lstm.call_pair
    monkeypatch.setattr(paired_lstm, "call_pair", lambda *a: calls.append(1) or original(*a))

    def outputs_and_gradients():
        with sd.GradientTape() as tape:
            result = model(tokens, training=True)
            flat = result if isinstance(result, list) else [result]
            loss = sum(sd.reduce_sum(t * t) for t in flat)
        return [np.asarray(t) for t in flat], [np.asarray(g) for g in tape.gradient(loss, model.trainable_weights)]
    paired = outputs_and_gradients()
    assert calls, "the pair path did not run"
    monkeypatch.setattr(paired_lstm, "pairable", lambda *a: False)
    separate = outputs_and_gradients()
    for got, want in zip(paired[0] + paired[1], separate[0] + separate[1]):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_dropout_in_training_goes_through_the_layers_own_calls():
    layer = keras.layers.Bidirectional(keras.layers.LSTM(4, dropout=0.5))
    x = RNG.normal(size=(3, 5, 2)).astype("float32")
    layer(x)
    assert not paired_lstm.pairable(layer.forward_layer, layer.backward_layer, sd.asarray(x), True)
    assert paired_lstm.pairable(layer.forward_layer, layer.backward_layer, sd.asarray(x), False)
    gru = keras.layers.Bidirectional(keras.layers.GRU(4))
    gru(x)
    assert not paired_lstm.pairable(gru.forward_layer, gru.backward_layer, sd.asarray(x), False)


def test_bad_operands_raise_errors():
    x = RNG.normal(size=(2, 3, 4)).astype("float32")
    good = {"kernel": RNG.normal(size=(4, 8)).astype("float32"), "recurrent_kernel": RNG.normal(size=(2, 8)).astype("float32")}
    wrong = {"kernel": RNG.normal(size=(5, 8)).astype("float32"), "recurrent_kernel": good["recurrent_kernel"]}
    with pytest.raises(ValueError, match="kernel"):
        lstm_pair(x, good, wrong)
    with pytest.raises(TypeError):
        sd._C.lstm_pair(sd.asarray(x), None, False, (1, 2), (3, 4))
    with pytest.raises(TypeError):  # as lstm: initial_state holds two tensors
        lstm_pair(x, dict(good, initial_state=[np.zeros((2, 2), "float32"), None]), good)
    with pytest.raises(ValueError, match="initial_state"):
        lstm_pair(x, dict(good, initial_state=[np.zeros((2, 2), "float32")]), good)
    results = lstm_pair(x, good, dict(good, go_backwards=True), return_sequences=True)
    assert [tuple(t.shape) for r in results for t in r] == [(2, 3, 2), (2, 2), (2, 2)] * 2
