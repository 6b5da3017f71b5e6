"""Sequential inference plans (models/inference_plan.py): after one normal call, inference
calls with the same kind of input skip the per-layer bookkeeping. They must give exactly
the normal path's outputs and leave every other call (training, masks, custom layers, new
shapes, bad input) on the normal path."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras import layers

RNG = np.random.default_rng(0)


def _cnn():
    return keras.Sequential([keras.Input((12, 12, 2)), layers.Conv2D(4, 3, activation="relu"), layers.MaxPooling2D(),
                             layers.BatchNormalization(), layers.Dropout(0.5), layers.Flatten(),
                             layers.Dense(8, activation="relu"), layers.Dense(3, activation="softmax")])


def _normal(model, x, **kwargs):
    """The output of the normal path (the plan is bypassed by a nested call depth)."""
    from swiftdl.keras.layers.layer import _CALL_DEPTH
    _CALL_DEPTH.value = getattr(_CALL_DEPTH, "value", 0) + 1
    try:
        return np.asarray(keras.Model.__call__(model, x, **kwargs))
    finally:
        _CALL_DEPTH.value -= 1


def test_planned_calls_equal_the_normal_path_at_any_batch_size():
    model = _cnn()
    model.layers[2].moving_mean.assign(RNG.normal(size=4).astype("float32"))
    x = RNG.normal(size=(5, 12, 12, 2)).astype("float32")
    first = np.asarray(model(x))
    planned = np.asarray(model(x))
    assert model._inference_plan.steps is not None
    np.testing.assert_array_equal(planned, first)
    np.testing.assert_array_equal(planned, _normal(model, x))
    for batch in (1, 3):
        np.testing.assert_array_equal(np.asarray(model(x[:batch])), _normal(model, x[:batch]))
    np.testing.assert_array_equal(np.asarray(model(sd.asarray(x))), first)


def test_weights_set_after_planning_are_used():
    model = _cnn()
    x = RNG.normal(size=(2, 12, 12, 2)).astype("float32")
    model(x), model(x)
    model.set_weights([w * 0.5 for w in model.get_weights()])
    np.testing.assert_array_equal(np.asarray(model(x)), _normal(model, x))


def test_training_calls_take_the_normal_path():
    model = keras.Sequential([keras.Input((200,)), layers.Dropout(0.5)])
    x = np.ones((4, 200), "float32")
    model(x), model(x)
    dropped = np.asarray(model(x, training=True))
    assert (dropped == 0).any() and np.asarray(model(x)).min() == 1.0


def test_a_new_sample_shape_meets_the_normal_checks():
    model = keras.Sequential([keras.Input((6,)), layers.Dense(2)])
    x = np.ones((3, 6), "float32")
    model(x), model(x)
    with pytest.raises(ValueError):
        model(np.ones((3, 7), "float32"))
    with pytest.raises(ValueError):
        model(np.ones((3, 7), "float32"))


def test_adding_a_layer_replans():
    model = keras.Sequential([keras.Input((6,)), layers.Dense(2)])
    x = np.ones((3, 6), "float32")
    model(x), model(x)
    model.add(layers.Dense(5))
    assert np.asarray(model(x)).shape == (3, 5) and np.asarray(model(x)).shape == (3, 5)


def test_masks_and_custom_layers_are_not_planned_and_still_right():
    class Doubler(layers.Layer):
        def call(self, x):
            return x * 2.0

    custom = keras.Sequential([keras.Input((3,)), layers.Dense(3), Doubler()])
    x = np.ones((2, 3), "float32")
    custom(x), custom(x)
    assert custom._inference_plan.steps is None
    np.testing.assert_array_equal(np.asarray(custom(x)), _normal(custom, x))
    masked = keras.Sequential([keras.Input((5,), dtype="int32"), layers.Embedding(10, 4, mask_zero=True),
                               layers.LSTM(3)])
    ids = np.array([[1, 2, 0, 0, 0], [3, 4, 5, 6, 7]], "int32")
    masked(ids), masked(ids)
    np.testing.assert_array_equal(np.asarray(masked(ids)), _normal(masked, ids))


def test_a_subclass_with_its_own_call_is_not_planned():
    class Shifted(keras.Sequential):
        def call(self, inputs, training=None, mask=None):
            return super().call(inputs, training=training) + 1.0

    model = Shifted([keras.Input((2,)), layers.Dense(2, kernel_initializer="zeros")])
    x = np.ones((1, 2), "float32")
    model(x)
    np.testing.assert_array_equal(np.asarray(model(x)), [[1.0, 1.0]])


def _residual():
    inputs = keras.Input((8, 8, 3))
    a = layers.Conv2D(4, 3, padding="same", activation="relu")(inputs)
    b = layers.BatchNormalization()(layers.Conv2D(4, 1)(inputs))
    merged = layers.Add()([a, b])
    joined = layers.Concatenate()([merged, layers.MaxPooling2D(1)(a)])
    pooled = layers.GlobalAveragePooling2D()(layers.Dropout(0.3)(joined))
    return keras.Model(inputs, {"probabilities": layers.Dense(3, activation="softmax")(pooled),
                                "features": pooled})


def test_functional_plans_equal_the_normal_path_with_structured_outputs():
    model = _residual()
    x = RNG.normal(size=(4, 8, 8, 3)).astype("float32")
    first = model(x)
    planned = model(x)
    assert model._inference_plan.steps is not None
    for key in ("probabilities", "features"):
        np.testing.assert_array_equal(np.asarray(planned[key]), np.asarray(first[key]))
    from swiftdl.keras.layers.layer import _CALL_DEPTH
    _CALL_DEPTH.value = 1
    try:
        normal = keras.Model.__call__(model, x[:2])
    finally:
        _CALL_DEPTH.value = 0
    np.testing.assert_array_equal(np.asarray(model(x[:2])["features"]), np.asarray(normal["features"]))


def test_functional_models_with_attention_and_ops_nodes_stay_right():
    tokens = keras.Input((6, 8))
    attended = layers.MultiHeadAttention(num_heads=2, key_dim=4)(tokens, tokens)
    shifted = attended + tokens   # an operation node: the normal path
    model = keras.Model(tokens, layers.GlobalAveragePooling1D()(layers.LayerNormalization()(shifted)))
    x = RNG.normal(size=(2, 6, 8)).astype("float32")
    first = np.asarray(model(x))
    np.testing.assert_array_equal(np.asarray(model(x)), first)
    assert model._inference_plan.steps is None
    plain = keras.Model(tokens, layers.MultiHeadAttention(num_heads=2, key_dim=4)(tokens, tokens))
    first = np.asarray(plain(x))
    np.testing.assert_array_equal(np.asarray(plain(x)), first)
    assert plain._inference_plan.steps is not None


def test_batch_norm_and_relu_run_fused_in_a_sequential_plan():
    model = keras.Sequential([keras.Input((6, 6, 3)), layers.Conv2D(4, 3), layers.Dropout(0.1),
                              layers.BatchNormalization(), layers.ReLU(6.0), layers.Flatten(), layers.Dense(2)])
    norm = model.layers[2]
    norm.set_weights([RNG.uniform(0.5, 2, 4).astype("float32") for _ in range(4)])
    x = RNG.normal(size=(3, 6, 6, 3)).astype("float32") * 4
    first = np.asarray(model(x))
    planned = np.asarray(model(x))
    steps = model._inference_plan.steps
    assert len(steps) == 5 and steps[2].keywords == {"training": False, "_then_relu": 6.0}
    np.testing.assert_array_equal(planned, first)


def test_layers_that_can_make_masks_are_planned_when_they_make_none():
    """The document's LSTM: an Embedding without mask_zero and RNNs make no mask from
    unmasked input, so their plan runs; with mask_zero the mask depends on the ids, so the
    model keeps the normal path."""
    for mask_zero in (False, True):
        keras.utils.set_random_seed(1)
        model = keras.Sequential([keras.Input((7,), dtype="int32"), layers.Embedding(20, 4, mask_zero=mask_zero),
                                  layers.GRU(3, return_sequences=True), layers.LSTM(5), layers.Dense(2)])
        ids = np.array([[1, 2, 3, 0, 0, 0, 0], [4, 5, 6, 7, 8, 9, 10]], "int32")
        first = np.asarray(model(ids))
        planned = np.asarray(model(ids))
        assert (model._inference_plan.steps is not None) == (not mask_zero)
        np.testing.assert_array_equal(planned, first)
        np.testing.assert_array_equal(planned, _normal(model, ids))


def test_conv_batch_norm_chains_run_fused_in_a_functional_plan_and_values_are_dropped():
    inputs = keras.Input((6, 6, 3))
    normed = layers.BatchNormalization()(layers.Conv2D(4, 3)(inputs))
    activated = layers.ReLU(6.0)(normed)                        # the batch norm's only reader: fused
    branch = layers.BatchNormalization()(layers.Conv2D(4, 1)(activated))
    shared = layers.Add()([layers.ReLU()(branch), branch])      # a second reader: not fused
    model = keras.Model(inputs, [layers.Dense(2)(layers.Flatten()(shared)), activated])
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            layer.set_weights([RNG.uniform(0.5, 2, 4).astype("float32") for _ in range(4)])
    x = RNG.normal(size=(3, 6, 6, 3)).astype("float32") * 4
    first = [np.asarray(part) for part in model(x)]
    planned = [np.asarray(part) for part in model(x)]
    steps = model._inference_plan.steps
    # Both convolutions fold their batch norm; the first also its ReLU6, the second not (its
    # batch norm has two readers).
    chains = [step[0].relu_cap for step in steps if step[0].__name__ == "conv2d_batch_norm"]
    assert chains == [6.0, None]
    assert len(steps) == len([l for l in model.layers if not isinstance(l, layers.InputLayer)]) - 3
    dropped = [slot for *_, done, _source in steps for slot in done]
    assert len(dropped) == len(set(dropped)) and 0 in dropped and model._inference_plan.outputs[1] not in dropped
    for got, expected in zip(planned, first):
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("functional", [False, True])
def test_the_planning_call_runs_each_layer_once_and_returns_its_own_output(functional):
    # Planning runs every step to learn the shapes; that run's output is the call's answer,
    # not a second run of the new plan.
    dense = layers.Dense(3)
    calls = []
    original = dense.call
    dense.call = lambda *args, **kwargs: calls.append(1) or original(*args, **kwargs)
    if functional:
        inputs = keras.Input((4,))
        model = keras.Model(inputs, layers.Dense(2)(dense(inputs)))
    else:
        model = keras.Sequential([keras.Input((4,)), dense, layers.Dense(2)])
    x = RNG.normal(size=(3, 4)).astype("float32")
    first = np.asarray(model(x))
    calls.clear()
    planned = np.asarray(model(x))
    assert model._inference_plan.steps is not None and len(calls) == 1
    np.testing.assert_array_equal(planned, first)
    np.testing.assert_array_equal(np.asarray(model(x)), first)
    assert len(calls) == 2


@pytest.mark.parametrize("functional", [False, True])
def test_float64_engine_input_to_a_float32_model_is_cast_on_every_call(functional):
    # Plans call the layers' `call` directly, past Layer.__call__'s autocast: an input the
    # layers would cast keeps the normal path (it had raised a dtype TypeError on the
    # second call).
    if functional:
        inputs = keras.Input((4,))
        model = keras.Model(inputs, layers.Dense(2)(layers.Dense(3)(inputs)))
    else:
        model = keras.Sequential([keras.Input((4,)), layers.Dense(3), layers.Dense(2)])
    x = sd.asarray(RNG.normal(size=(3, 4)))
    first = np.asarray(model(x))
    assert first.dtype == np.float32
    for _ in range(2):
        np.testing.assert_array_equal(np.asarray(model(x)), first)
