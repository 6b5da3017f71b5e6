"""GradientTape.gradient_as_ready: the backward pass tells, once per source, as soon as that
source's gradient is final (data-parallel training starts each bucket's allreduce from it).
The reference is the same computation through the plain tape.gradient."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras


def _model():
    keras.utils.set_random_seed(3)
    inputs = keras.Input((6,))
    shared = keras.layers.Dense(6, activation="tanh", name="shared")
    hidden = shared(shared(inputs))  # one layer called twice
    outputs = keras.layers.Dense(2, name="head")(hidden)
    model = keras.Model(inputs, outputs)
    model.unused = keras.layers.Dense(3, name="unused")  # trainable, never on the loss's path
    model.unused.build((None, 2))
    return model


def _loss(model, x):
    return sd.sum(model(x) ** 2)


def test_each_variable_is_told_once_after_its_last_contribution_with_the_final_gradient():
    model = _model()
    x = sd.asarray(np.random.default_rng(0).random((4, 6)).astype("float32"))
    variables = model.trainable_variables
    with sd.GradientTape() as tape:
        loss = _loss(model, x)
    expected = tape.gradient(loss, variables)

    events = []
    with sd.GradientTape() as tape:
        loss = _loss(model, x)

    def on_ready(index, gradient):
        # A copy now: if anything were added to the gradient later, it would differ at the end.
        events.append((index, None if gradient is None else np.array(gradient)))
        return True  # and tell me after every op

    gradients = tape.gradient_as_ready(loss, variables, on_ready)
    told = [index for index, _ in events if index >= 0]
    assert sorted(told) == list(range(len(variables)))  # once each
    for index, copy in events:
        if index < 0:
            assert copy is None
            continue
        if expected[index] is None:
            assert copy is None and gradients[index] is None, variables[index].path
        else:
            np.testing.assert_array_equal(copy, np.asarray(gradients[index]), err_msg=variables[index].path)
            np.testing.assert_array_equal(copy, np.asarray(expected[index]), err_msg=variables[index].path)
    names = [variables[index].path for index in told]
    # The head's gradients are final before the shared layer's (it is consumed twice, the
    # first call last in the backward pass); the unused layer's (None) before any work.
    assert max(names.index(v.path) for v in model.get_layer("head").trainable_variables) < \
        min(names.index(v.path) for v in model.get_layer("shared").trainable_variables)
    assert {variables[i].path for i, _ in events[:2]} == {v.path for v in model.unused.trainable_variables}
    assert any(index == -1 for index, _ in events)  # ops ran backward with nothing final


def test_the_calls_after_each_op_come_only_while_the_last_call_returned_true():
    model = _model()
    x = sd.ones((2, 6))
    for wanted in (False, True):
        with sd.GradientTape() as tape:
            loss = _loss(model, x)
        told = []
        tape.gradient_as_ready(loss, model.trainable_variables, lambda index, _: told.append(index) or wanted)
        assert sorted(i for i in told if i >= 0) == list(range(len(model.trainable_variables)))
        assert (-1 in told) == wanted


def test_an_exception_in_the_callback_ends_the_pass_and_propagates():
    model = _model()
    x = sd.ones((2, 6))
    with sd.GradientTape() as tape:
        loss = _loss(model, x)

    def on_ready(index, gradient):
        if gradient is not None:
            raise KeyError("stop here")

    with pytest.raises(KeyError, match="stop here"):
        tape.gradient_as_ready(loss, model.trainable_variables, on_ready)
    # The engine is fine afterwards.
    with sd.GradientTape() as tape:
        loss = _loss(model, x)
    assert all(g is not None for g in tape.gradient(loss, model.trainable_variables)[:4])


def test_on_ready_must_be_callable():
    from swiftdl import _C
    with sd.GradientTape() as tape:
        v = sd.Variable(np.ones(2, np.float32))
        loss = sd.sum(v * v)
    with pytest.raises(TypeError, match="on_ready must be callable"):
        _C.tape_gradient(tape._tape, [loss], [v], None, 3)
