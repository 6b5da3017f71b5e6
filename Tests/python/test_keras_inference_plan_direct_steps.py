"""Inference plans' direct steps (models/direct_steps.py): Conv2D, Conv2D + pooling,
conv + batch norm (+ ReLU) and Dense steps call the engine op with arguments worked out when
the plan was made. They must give exactly the layers' own outputs (the same op with the
same arguments), use weights assigned after planning, and give way to the layer's own call
once LoRA is enabled."""
import numpy as np
import pytest

from swiftdl import keras
from swiftdl.keras import layers

RNG = np.random.default_rng(3)


def _normal(model, x):
    """The output of the normal path (the plan is bypassed by a nested call depth)."""
    from swiftdl.keras.layers.layer import _CALL_DEPTH
    _CALL_DEPTH.value = getattr(_CALL_DEPTH, "value", 0) + 1
    try:
        return np.asarray(keras.Model.__call__(model, x, training=False))
    finally:
        _CALL_DEPTH.value -= 1


def _sequential():
    return keras.Sequential([
        keras.Input((11, 9, 3)), layers.Conv2D(8, 3, strides=(1, 2), padding="same", activation="relu"),
        layers.MaxPooling2D(2, padding="same"), layers.Conv2D(6, (2, 3), dilation_rate=(2, 1)),
        layers.BatchNormalization(), layers.ReLU(6.0), layers.Conv2D(5, 1, activation="tanh"), layers.Flatten(),
        layers.Dense(7, activation="relu"), layers.Dense(4, activation="softmax")])


def _functional():
    inputs = keras.Input((11, 9, 3))
    x = layers.Conv2D(8, 3, padding="same", use_bias=False)(inputs)
    x = layers.ReLU()(layers.BatchNormalization()(x))
    pooled = layers.AveragePooling2D(2)(layers.Conv2D(8, 3, padding="same")(x))
    x = layers.BatchNormalization()(layers.DepthwiseConv2D(3, strides=2, padding="same")(pooled))
    x = layers.Add()([x, layers.Conv2D(8, 1, strides=2, activation="relu")(pooled)])
    outputs = layers.Dense(3)(layers.GlobalAveragePooling2D()(x))
    return keras.Model(inputs, outputs)


def _randomize(model):
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            layer.set_weights([RNG.uniform(0.5, 2, w.shape).astype("float32") for w in layer.get_weights()])


@pytest.mark.parametrize("build", [_sequential, _functional])
def test_direct_steps_give_the_layers_own_outputs(build):
    model = build()
    _randomize(model)
    x = RNG.normal(size=(2, 11, 9, 3)).astype("float32")
    model(x)
    planned = np.asarray(model(x))
    names = [getattr(step[0] if isinstance(step, tuple) else step, "__name__", "") for step in
             model._inference_plan.steps]
    assert {"conv2d_pool", "conv2d_batch_norm", "dense"} <= set(names)
    np.testing.assert_array_equal(planned, _normal(model, x))
    np.testing.assert_array_equal(np.asarray(model(x[:1])), _normal(model, x[:1]))


@pytest.mark.parametrize("build", [_sequential, _functional])
def test_weights_assigned_after_planning_are_used(build):
    model = build()
    x = RNG.normal(size=(1, 11, 9, 3)).astype("float32")
    model(x)
    model(x)
    for layer in model.layers:
        for weight in layer.weights:
            weight.assign(RNG.uniform(0.5, 1.5, weight.shape).astype("float32"))
    np.testing.assert_array_equal(np.asarray(model(x)), _normal(model, x))


def test_enabling_lora_after_planning_takes_the_layers_own_call():
    model = keras.Sequential([keras.Input((6, 6, 2)), layers.Conv2D(4, 3, activation="relu"), layers.MaxPooling2D(),
                              layers.Conv2D(3, 2), layers.Flatten(), layers.Dense(5)])
    x = RNG.normal(size=(1, 6, 6, 2)).astype("float32")
    model(x)
    before = np.asarray(model(x))
    for layer in (model.layers[0], model.layers[2], model.layers[4]):
        layer.enable_lora(2)
        layer.lora_kernel_b.assign(RNG.normal(size=layer.lora_kernel_b.shape).astype("float32"))
    after = np.asarray(model(x))
    assert not np.allclose(after, before)
    np.testing.assert_array_equal(after, _normal(model, x))


def test_bad_input_after_planning_still_gets_the_layers_error():
    model = _sequential()
    x = RNG.normal(size=(1, 11, 9, 3)).astype("float32")
    model(x)
    model(x)
    with pytest.raises(ValueError):
        model(RNG.normal(size=(1, 11, 9, 4)).astype("float32"))
    np.testing.assert_array_equal(np.asarray(model(x)), _normal(model, x))
