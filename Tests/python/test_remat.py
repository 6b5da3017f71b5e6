"""keras.remat / keras.RematScope / tf.recompute_grad: gradient checkpointing. The reference
is the same computation without rematerialisation: the gradients must be identical (the
backward pass runs the very same ops again), randomness and state updates included, while
the intermediate results are not kept between the forward and the backward pass."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras import layers

RNG = np.random.default_rng(0)
W = RNG.standard_normal((6, 8)).astype(np.float32)
V = RNG.standard_normal((8, 3)).astype(np.float32)
X = RNG.standard_normal((5, 6)).astype(np.float32)


def _block(w, v):
    return lambda x: sd.tanh(sd.tanh(x @ w) * 2.0 + 1.0) @ v


def _gradients(function, w, v, x):
    with sd.GradientTape() as tape:
        tape.watch(x)
        loss = sd.sum(sd.square(function(x)))
    return [np.asarray(g) for g in tape.gradient(loss, [w, v, x])]


def test_gradients_are_those_of_the_plain_function():
    w, v, x = sd.Variable(W), sd.Variable(V), sd.asarray(X)
    plain = _gradients(_block(w, v), w, v, x)
    rematerialized = _gradients(keras.remat(_block(w, v)), w, v, x)
    for a, b in zip(rematerialized, plain):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(_gradients(sd.recompute_grad(_block(w, v)), w, v, x)[0], plain[0])


def test_the_intermediate_results_are_not_kept_until_the_backward_pass():
    w, v, x = sd.Variable(W), sd.Variable(V), sd.Variable(X)

    def deep(t):
        for _ in range(4):
            t = sd.tanh(sd.tanh(t) * 3.0) + t
        return _block(w, v)(t)

    def records_after_forward(function):
        with sd.GradientTape() as tape:
            loss = sd.sum(function(x))
        held = sd._C.tape_recorded_count(tape._tape)
        return held, np.asarray(tape.gradient(loss, w))

    held_plain, gradient_plain = records_after_forward(deep)
    held_remat, gradient_remat = records_after_forward(keras.remat(deep))
    assert held_plain > 20 and held_remat == 2  # the whole block is one record (then the sum)
    np.testing.assert_array_equal(gradient_remat, gradient_plain)


def test_dropout_and_seeded_random_ops_are_replayed_exactly():
    x = sd.Variable(np.ones((64, 32), np.float32))
    generator = keras.random.SeedGenerator(3)

    def noisy(t):
        dropped = sd.nn.dropout(t, 0.5)
        return dropped * keras.random.uniform((64, 32), seed=generator)

    with sd.GradientTape() as tape:
        out = keras.remat(noisy)(x)
        loss = sd.sum(out)
    gradient = np.asarray(tape.gradient(loss, x))
    # d out / d x is exactly the forward's mask times its uniform draws (x is all ones).
    np.testing.assert_array_equal(gradient, np.asarray(out))
    assert (gradient == 0).mean() > 0.3  # the dropout mask really is in there


def test_state_updates_happen_once_batchnorm_under_a_full_remat_scope():
    def train_once(scope):
        keras.utils.set_random_seed(1)
        with keras.RematScope(mode=scope):
            model = keras.Sequential([keras.Input((4,)), layers.Dense(8), layers.BatchNormalization(),
                                      layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        data = np.random.default_rng(2).standard_normal((32, 4)).astype(np.float32)
        model.fit(data, data[:, :1], batch_size=8, epochs=2, shuffle=False, verbose=0)
        return [w.numpy() for w in model.weights]

    for rematerialized, plain in zip(train_once("full"), train_once(None)):
        np.testing.assert_allclose(rematerialized, plain, rtol=1e-6, atol=1e-7)


def _counted(monkeypatch):
    from swiftdl.keras import remat_scope
    calls = []
    original = remat_scope.remat

    def counting(function):
        calls.append(getattr(function, "__self__", function))
        return original(function)

    monkeypatch.setattr(remat_scope, "remat", counting)
    return calls


def test_scope_modes_choose_the_layers_as_keras_does(monkeypatch):
    calls = _counted(monkeypatch)
    x = np.ones((2, 40), np.float32)
    with keras.RematScope(mode="list_of_layers", layer_names=["wide"]):
        wide, narrow = layers.Dense(64, name="wide"), layers.Dense(2, name="narrow")
    with keras.RematScope(mode="larger_than", output_size_threshold=100):
        big, small = layers.Dense(64), layers.Dense(2)   # 2 x 64 = 128 elements > 100; 4 < 100
    with keras.RematScope(mode="activations"):
        with_activation, without = layers.Dense(3, activation="relu"), layers.Dense(3)
    outside = layers.Dense(3)
    with sd.GradientTape():
        for layer in (wide, narrow, big, small, with_activation, without, outside):
            layer(x)
    assert calls[:2] == [wide, big]
    # "activations": the activation function, not the layer (Dense's default, linear, too, as in Keras).
    assert [getattr(f, "__name__", None) for f in calls[2:]] == ["relu", "linear"]
    with pytest.raises(ValueError, match="Invalid mode"):
        keras.RematScope(mode="everything")


def test_without_a_tape_and_symbolically_it_is_a_plain_call():
    block = keras.remat(lambda t: t * 2.0)
    np.testing.assert_array_equal(np.asarray(block(sd.asarray([1.0, 2.0]))), [2.0, 4.0])
    with keras.RematScope(mode="full"):
        dense = layers.Dense(3)
    inputs = keras.Input((4,))
    model = keras.Model(inputs, dense(inputs))
    assert model.output_shape == (None, 3)
    with pytest.raises(TypeError, match="function or a layer"):
        keras.remat(5)


def test_recording_resumes_when_the_function_raises():
    w = sd.Variable(np.ones(3, np.float32))

    def failing(t):
        raise RuntimeError("inside")

    with sd.GradientTape() as tape:
        with pytest.raises(RuntimeError, match="inside"):
            keras.remat(failing)(w)
        loss = sd.sum(w * w)
    np.testing.assert_array_equal(np.asarray(tape.gradient(loss, w)), [2.0, 2.0, 2.0])


def test_watched_variables_are_the_users_variable_objects():
    a, b = sd.Variable([1.0], name="a"), sd.Variable([2.0], name="b")
    frozen = sd.Variable([3.0], name="frozen", trainable=False)
    with sd.GradientTape() as tape:
        sd.sum(b * a * frozen)
    watched = tape.watched_variables()
    assert [v.name for v in watched] == ["b", "a"] and watched[0] is b
