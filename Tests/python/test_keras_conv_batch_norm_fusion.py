"""Conv2D or DepthwiseConv2D → BatchNormalization (→ ReLU) chains run at inference as one engine op
(models/conv_batch_norm_fusion.py): the batch norm folded into the convolution. The fused
op must give what the three layers give one by one (up to rounding: the scale meets the
filters before the sums), in Sequential and functional models, their inference plans and
predict; gradients under a tape must be exact; anything else must stay unfused."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import _C, keras
from swiftdl.keras import layers

from keras_testing import randomize_batch_norm_statistics

RNG = np.random.default_rng(7)


def _randomize_statistics(model):
    randomize_batch_norm_statistics(model, RNG)


def _one_by_one(model, x):
    """The model's layers called separately, each through its own Layer.__call__."""
    for layer in model.layers:
        x = layer(x, training=False)
    return np.asarray(x)


def _close(actual, expected):
    scale = np.abs(expected).max()
    np.testing.assert_allclose(np.asarray(actual), expected, rtol=1e-5, atol=1e-5 * scale)


@pytest.mark.parametrize("activation", [None, "relu", "relu6"])
@pytest.mark.parametrize("padding,strides", [("same", 1), ("valid", 2), ("same", 2)])
def test_sequential_chains_match_the_layers_one_by_one(activation, padding, strides):
    stack = [keras.Input((9, 9, 3)), layers.Conv2D(8, 3, strides=strides, padding=padding, use_bias=True),
             layers.BatchNormalization()]
    if activation:
        stack.append(layers.ReLU(6.0 if activation == "relu6" else None))
    model = keras.Sequential(stack + [layers.Flatten(), layers.Dense(4)])
    _randomize_statistics(model)
    x = RNG.normal(size=(3, 9, 9, 3)).astype("float32") * 3
    expected = _one_by_one(model, sd.asarray(x))
    _close(model(x), expected)            # the normal path (Sequential.call)
    _close(model(x), expected)            # the inference plan
    _close(model.predict(x, verbose=0), expected)
    steps = model._inference_plan.steps
    assert len(steps) == 3  # conv+bn(+relu), flatten, dense


def _mobilenet_block():
    inputs = keras.Input((12, 12, 4))
    y = layers.Conv2D(16, 1, use_bias=False)(inputs)
    y = layers.ReLU(6.0)(layers.BatchNormalization()(y))
    y = layers.DepthwiseConv2D(3, padding="same", use_bias=False)(y)
    y = layers.ReLU(6.0)(layers.BatchNormalization()(y))
    y = layers.BatchNormalization()(layers.Conv2D(4, 1, use_bias=False)(y))
    added = layers.Add()([inputs, y])
    side = layers.BatchNormalization()(layers.Conv2D(4, 3, padding="same")(added))
    features = layers.Concatenate()([added, side])  # the conv's output is read twice below
    twice = layers.Conv2D(4, 1)(features)
    outputs = layers.Add()([layers.BatchNormalization()(twice), twice])
    return keras.Model(inputs, layers.GlobalAveragePooling2D()(outputs))


def _functional_one_by_one(model, x):
    values = {id(model.inputs[0]): x}
    for node in model._nodes:
        if type(node.layer).__name__ == "InputLayer":
            continue
        args = [values[id(a)] if not isinstance(a, list) else [values[id(t)] for t in a] for a in node.call_args]
        kwargs = {"training": False} if node.layer._call_accepts("training") else {}
        values[id(node.output_tensors[0])] = node.layer(*args, **kwargs)
    return np.asarray(values[id(model.outputs[0])])


def test_functional_chains_match_the_layers_one_by_one():
    model = _mobilenet_block()
    _randomize_statistics(model)
    x = RNG.normal(size=(2, 12, 12, 4)).astype("float32")
    expected = _functional_one_by_one(model, sd.asarray(x))
    _close(model(x), expected)
    _close(model(x), expected)
    names = [getattr(step[0], "__name__", "") for step in model._inference_plan.steps]
    # the expansion and the depthwise (with their ReLU6s), the 3×3 conv; not `twice`; the
    # projection with its Add (residual_add_fusion)
    assert names.count("conv2d_batch_norm") == 3 and names.count("conv2d_batch_norm_add") == 1
    _close(model.predict(x, verbose=0), expected)
    for batch in (1, 2):
        _close(model(x[:batch]), _functional_one_by_one(model, sd.asarray(x[:batch])))


def test_float64_models_fuse_too():
    model = keras.Sequential([keras.Input((5, 5, 2), dtype="float64"), layers.Conv2D(3, 2, dtype="float64"),
                              layers.BatchNormalization(dtype="float64"), layers.ReLU(dtype="float64")])
    _randomize_statistics(model)
    x = sd.asarray(RNG.normal(size=(2, 5, 5, 2)))  # numpy float64 input would become floatx
    expected = _one_by_one(model, x)
    assert expected.dtype == np.float64
    np.testing.assert_allclose(np.asarray(model(x)), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(np.asarray(model(x)), expected, rtol=1e-12, atol=1e-12)


def test_weights_changed_after_a_call_are_folded_afresh():
    model = keras.Sequential([keras.Input((6, 6, 2)), layers.Conv2D(3, 3), layers.BatchNormalization(),
                              layers.ReLU()])
    x = RNG.normal(size=(2, 6, 6, 2)).astype("float32")
    model(x), model(x)
    _randomize_statistics(model)
    model.layers[0].kernel.assign(model.layers[0].kernel * -2.0)
    _close(model(x), _one_by_one(model, sd.asarray(x)))


def test_gradients_under_a_tape_are_exact():
    model = keras.Sequential([keras.Input((7, 7, 3)), layers.Conv2D(5, 3, padding="same"),
                              layers.BatchNormalization(), layers.ReLU(6.0), layers.Flatten(), layers.Dense(2)])
    _randomize_statistics(model)
    x = sd.asarray(RNG.normal(size=(2, 7, 7, 3)).astype("float32"))
    with sd.GradientTape(persistent=True) as tape:
        tape.watch(x)
        fused = sd.reduce_sum(model(x, training=False) ** 2)
        separate_tensor = x
        for layer in model.layers:
            separate_tensor = layer(separate_tensor, training=False)
        separate = sd.reduce_sum(separate_tensor ** 2)
    wanted = [x] + model.trainable_weights
    for got, expected in zip(tape.gradient(fused, wanted), tape.gradient(separate, wanted)):
        _close(got, np.asarray(expected))


def test_a_frozen_batch_norm_trains_through_the_fused_chain():
    """Transfer learning freezes batch norms: in training they use their moving statistics,
    so the chain fuses, and the conv's weights still get exact gradients."""
    def build():
        keras.utils.set_random_seed(3)
        model = keras.Sequential([keras.Input((6, 6, 2)), layers.Conv2D(4, 3), layers.BatchNormalization(),
                                  layers.ReLU(), layers.Flatten(), layers.Dense(2)])
        _randomize_statistics(model)
        model.layers[1].trainable = False
        model.compile(optimizer="sgd", loss="mse")
        return model

    x = RNG.normal(size=(8, 6, 6, 2)).astype("float32")
    y = RNG.normal(size=(8, 2)).astype("float32")
    fused, reference = build(), build()
    reference.set_weights(fused.get_weights())
    fused.fit(x, y, batch_size=8, epochs=2, verbose=0)
    from swiftdl.keras.models import conv_batch_norm_fusion
    original = conv_batch_norm_fusion.fusable
    conv_batch_norm_fusion.fusable = lambda conv, norm: False
    try:
        reference.fit(x, y, batch_size=8, epochs=2, verbose=0)
    finally:
        conv_batch_norm_fusion.fusable = original
    for got, expected in zip(fused.get_weights(), reference.get_weights()):
        _close(got, expected)


def test_training_calls_and_other_layers_stay_unfused():
    model = keras.Sequential([keras.Input((6, 6, 2)), layers.Conv2D(4, 3, activation="relu"),
                              layers.BatchNormalization(), layers.ReLU()])
    x = RNG.normal(size=(2, 6, 6, 2)).astype("float32")
    model(x), model(x)
    assert len(model._inference_plan.steps) == 2  # the conv's own relu: not foldable
    trained = keras.Sequential([keras.Input((6, 6, 2)), layers.Conv2D(4, 3), layers.BatchNormalization()])
    before = np.asarray(trained.layers[1].moving_mean).copy()
    trained(x, training=True)
    assert not np.allclose(np.asarray(trained.layers[1].moving_mean), before)  # batch statistics were used


def test_the_engine_op_rejects_bad_operands_with_clear_errors():
    x = sd.asarray(np.ones((1, 5, 5, 2), "float32"))
    w = sd.asarray(np.ones((3, 3, 2, 4), "float32"))
    ok = [sd.asarray(np.ones(4, "float32")) for _ in range(2)]
    arguments = (1e-3, True, 6.0, (1, 1), (1, 1), 0, (0, 0, 0, 0))
    with pytest.raises(ValueError, match="mean must have shape"):
        _C.conv2d_batch_norm(x, w, None, sd.asarray(np.ones(3, "float32")), ok[1], None, None, *arguments)
    with pytest.raises(TypeError, match="variance must have the input's dtype"):
        _C.conv2d_batch_norm(x, w, None, ok[0], sd.asarray(np.ones(4)), None, None, *arguments)
    with pytest.raises(ValueError, match="epsilon"):
        _C.conv2d_batch_norm(x, w, None, ok[0], ok[1], None, None, -1.0, *arguments[1:])
    with pytest.raises(ValueError, match="max_value"):
        _C.conv2d_batch_norm(x, w, None, ok[0], ok[1], None, None, 1e-3, True, -6.0, *arguments[3:])
    with pytest.raises(ValueError):
        _C.conv2d_batch_norm(sd.asarray(np.ones((1, 5, 5, 3), "float32")), w, None, ok[0], ok[1], None, None,
                             *arguments)


@pytest.mark.parametrize("channels,multiplier", [(45, 1), (3, 2), (8, 1)])
@pytest.mark.parametrize("cap", [None, float("inf"), 6.0])
@pytest.mark.parametrize("padding,strides", [("same", 1), ("valid", 2), ("same", 2)])
def test_depthwise_chains_match_the_layers_one_by_one(channels, multiplier, cap, padding, strides):
    # 45 channels: the AVX2 kernel's 32-, 8- and 1-channel loops all clamp their sums.
    stack = [keras.Input((7, 8, channels)),
             layers.DepthwiseConv2D(3, strides=strides, padding=padding, depth_multiplier=multiplier),
             layers.BatchNormalization()]
    if cap is not None:
        stack.append(layers.ReLU(None if cap == float("inf") else cap))
    model = keras.Sequential(stack + [layers.Flatten(), layers.Dense(3)])
    _randomize_statistics(model)
    model.layers[0].bias.assign(RNG.normal(size=channels * multiplier).astype("float32"))
    x = RNG.normal(size=(3, 7, 8, channels)).astype("float32") * 3
    x[0, 1, 1, 0] = np.nan  # NaN flows through the clamp as through the layers
    expected = _one_by_one(model, sd.asarray(x))
    for got in (model(x), model(x), model.predict(x, verbose=0)):
        got = np.asarray(got)
        np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
        finite = ~np.isnan(expected)
        np.testing.assert_allclose(got[finite], expected[finite], rtol=1e-5, atol=1e-5 * np.abs(expected[finite]).max())
    assert len(model._inference_plan.steps) == 3  # depthwise+bn(+relu), flatten, dense


def test_depthwise_chains_clamp_to_the_cap_and_fuse_in_float64():
    model = keras.Sequential([keras.Input((5, 5, 4), dtype="float64"),
                              layers.DepthwiseConv2D(3, padding="same", dtype="float64"),
                              layers.BatchNormalization(dtype="float64"), layers.ReLU(6.0, dtype="float64")])
    _randomize_statistics(model)
    x = sd.asarray(RNG.normal(size=(2, 5, 5, 4)) * 10)
    expected = _one_by_one(model, x)
    assert expected.dtype == np.float64 and expected.max() == 6.0 and expected.min() == 0.0
    for _ in range(2):
        np.testing.assert_allclose(np.asarray(model(x)), expected, rtol=1e-12, atol=1e-12)
    assert len(model._inference_plan.steps) == 1


def test_depthwise_gradients_under_a_tape_are_exact():
    model = keras.Sequential([keras.Input((6, 6, 3)), layers.DepthwiseConv2D(3, depth_multiplier=2),
                              layers.BatchNormalization(), layers.ReLU(6.0), layers.Flatten(), layers.Dense(2)])
    _randomize_statistics(model)
    x = sd.asarray(RNG.normal(size=(2, 6, 6, 3)).astype("float32"))
    with sd.GradientTape(persistent=True) as tape:
        tape.watch(x)
        fused = sd.reduce_sum(model(x, training=False) ** 2)
        separate_tensor = x
        for layer in model.layers:
            separate_tensor = layer(separate_tensor, training=False)
        separate = sd.reduce_sum(separate_tensor ** 2)
    wanted = [x] + model.trainable_weights
    for got, expected in zip(tape.gradient(fused, wanted), tape.gradient(separate, wanted)):
        _close(got, np.asarray(expected))


def test_the_depthwise_engine_op_rejects_bad_operands_with_clear_errors():
    x = sd.asarray(np.ones((1, 5, 5, 2), "float32"))
    w = sd.asarray(np.ones((3, 3, 2, 3), "float32"))  # six output channels
    ok = [sd.asarray(np.ones(6, "float32")) for _ in range(2)]
    arguments = (1e-3, True, 6.0, (1, 1), (1, 1), 0, (0, 0, 0, 0))
    with pytest.raises(ValueError, match="mean must have shape"):
        _C.depthwise_conv2d_batch_norm(x, w, None, sd.asarray(np.ones(2, "float32")), ok[1], None, None, *arguments)
    with pytest.raises(ValueError, match="bias must have shape"):
        _C.depthwise_conv2d_batch_norm(x, w, sd.asarray(np.ones(2, "float32")), ok[0], ok[1], None, None, *arguments)
    with pytest.raises(ValueError, match="epsilon"):
        _C.depthwise_conv2d_batch_norm(x, w, None, ok[0], ok[1], None, None, float("nan"), *arguments[1:])
    with pytest.raises(ValueError, match="channels"):
        _C.depthwise_conv2d_batch_norm(sd.asarray(np.ones((1, 5, 5, 3), "float32")), w, None, ok[0], ok[1], None,
                                       None, *arguments)
