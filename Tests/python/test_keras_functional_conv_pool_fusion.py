"""A functional model's Conv2D whose output only a MaxPooling2D or AveragePooling2D reads runs
with it as one op (models/functional.py `_conv_pool_pairs`, Conv2D.convolve_and_pool), as a
Sequential model's pairs do: in the normal path, in the inference plan, in predict and in
training. It must give what the layers give one by one, train to the same weights, and leave
every other graph shape alone."""
import numpy as np

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras import layers
from swiftdl.keras.models import functional

RNG = np.random.default_rng(3)


def _autoencoder_front():
    inputs = keras.Input((12, 12, 3))
    x = layers.Conv2D(8, 3, activation="relu", padding="same")(inputs)
    x = layers.MaxPooling2D(2, padding="same")(x)
    x = layers.Conv2D(8, 3, padding="same")(x)
    x = layers.AveragePooling2D(2)(x)
    return keras.Model(inputs, layers.Dense(2)(layers.Flatten()(x)))


def _one_by_one(model, x):
    values = {id(model.inputs[0]): x}
    for node in model._nodes:
        if type(node.layer).__name__ == "InputLayer":
            continue
        args = [values[id(a)] if not isinstance(a, list) else [values[id(t)] for t in a] for a in node.call_args]
        values[id(node.output_tensors[0])] = node.layer(*args)
    return np.asarray(values[id(model.outputs[0])])


def _close(actual, expected):
    np.testing.assert_allclose(np.asarray(actual), expected, rtol=1e-5, atol=1e-5 * np.abs(expected).max())


def test_pairs_match_the_layers_one_by_one_in_every_path():
    model = _autoencoder_front()
    x = RNG.normal(size=(4, 12, 12, 3)).astype("float32")
    expected = _one_by_one(model, sd.asarray(x))
    _close(model(x), expected)                  # the functional runner
    _close(model(x), expected)                  # the inference plan
    _close(model.predict(x, verbose=0), expected)
    names = [getattr(step[0], "__name__", "") for step in model._inference_plan.steps]
    assert names.count("conv2d_pool") == 2 and len(names) == 4


def test_a_model_trains_to_the_same_weights_as_with_the_layers_apart(monkeypatch):
    def build():
        keras.utils.set_random_seed(9)
        model = _autoencoder_front()
        # SGD, not Adam: Adam's first steps move each weight by about the learning rate
        # whatever its gradient's size, so a rounding-level difference in a near-zero
        # gradient (the fused op sums in another order) would show as a whole step.
        model.compile(optimizer="sgd", loss="mse")
        return model

    x = RNG.normal(size=(16, 12, 12, 3)).astype("float32")
    y = RNG.normal(size=(16, 2)).astype("float32")
    fused, apart = build(), build()
    apart.set_weights(fused.get_weights())
    calls = []
    original = layers.Conv2D.convolve_and_pool
    monkeypatch.setattr(layers.Conv2D, "convolve_and_pool",
                        lambda self, *a: calls.append(1) or original(self, *a))
    fused.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
    assert len(calls) >= 8  # two pairs, two steps per epoch, two epochs
    monkeypatch.setattr(functional, "_conv_pool_pairs", lambda *a: {})
    calls.clear()
    apart.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
    assert not calls
    for got, expected in zip(fused.get_weights(), apart.get_weights()):
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


def test_a_convolution_read_twice_stays_apart_and_float64_input_is_cast_first():
    inputs = keras.Input((8, 8, 2))
    conv = layers.Conv2D(4, 3, padding="same")(inputs)
    pooled = layers.MaxPooling2D()(conv)
    other = layers.GlobalAveragePooling2D()(conv)  # a second reader: the conv's output is needed
    model = keras.Model(inputs, [layers.Flatten()(pooled), other])
    readers, _ = functional._readers_and_last_uses(model._nodes)
    assert functional._conv_pool_pairs(model._nodes, readers, set()) == {}
    x = RNG.normal(size=(2, 8, 8, 2)).astype("float32")
    for _ in range(2):
        got = model(x)
        assert [tuple(g.shape) for g in got] == [(2, 64), (2, 4)]
    # float64 engine input: the fused op declines, the layers cast it to float32 one by one.
    front = _autoencoder_front()
    x64 = RNG.normal(size=(2, 12, 12, 3))
    expected = _one_by_one(front, sd.asarray(x64.astype("float32")))
    for _ in range(2):
        _close(front(sd.asarray(x64)), expected)
