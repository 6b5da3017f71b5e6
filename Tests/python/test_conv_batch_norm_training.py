"""Conv → BatchNormalization (→ ReLU) chains in training under a tape are recorded as one node
that keeps only the chain's input and output and runs the convolution again in its backward
pass (conv_batch_norm_training). The batch norm's gradients there come from
`_C.nn_fused_batch_norm_gradients`, checked here against the tape's gradient of the composed
ops and against finite differences; the models' gradients, weights after training and moving
statistics against the layers run one by one (a different order of the same float operations,
so within a tolerance, never bit for bit)."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import _C, keras, nn
from swiftdl.keras import layers
from swiftdl.keras.models import conv_batch_norm_training

RNG = np.random.default_rng(5)
EPSILON = 1e-3


def _composed(x, gamma, beta, axis, cap):
    """Batch norm with the batch's statistics and a relu, from elementwise ops and reductions."""
    axes = tuple(a for a in range(x.ndim) if a != axis % x.ndim)
    shape = [1] * x.ndim
    shape[axis] = -1
    mean = sd.mean(x, axis=axes, keepdims=True)
    centered = x - mean
    variance = sd.mean(centered * centered, axis=axes, keepdims=True)
    y = centered / sd.sqrt(variance + EPSILON)
    if gamma is not None:
        y = y * sd.reshape(gamma, shape)
    y = y + sd.reshape(beta, shape)
    if cap is not None:
        y = sd.maximum(y, 0.0)
        if np.isfinite(cap):
            y = sd.minimum(y, cap)
    return y


def _engine_gradients(x, gamma, beta, upstream, axis, cap):
    """The gradients op, from the fused op's output and statistics as a training chain keeps them."""
    y, mean, variance = nn.fused_batch_norm_relu(x, gamma, beta, epsilon=EPSILON, axis=axis, max_value=cap) \
        if cap is not None else nn.fused_batch_norm(x, gamma, beta, epsilon=EPSILON, axis=axis)
    return _C.nn_fused_batch_norm_gradients(sd.asarray(x), y, sd.asarray(upstream), axis, mean, variance,
                                            None if gamma is None else sd.asarray(gamma), EPSILON, cap is not None,
                                            float(cap or 0.0))


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, axis", [((8, 9, 9, 24), -1), ((4, 6, 5, 5), 1), ((300, 7), -1)])
@pytest.mark.parametrize("cap", [None, float("inf"), 6.0])
@pytest.mark.parametrize("gamma_kind", ["random", "near zero", "none"])
def test_the_gradients_equal_the_composed_ops(threads, dtype, shape, axis, cap, gamma_kind):
    c = shape[axis]
    x = (RNG.standard_normal(shape) * 4 + 1).astype(dtype)  # values on both sides of 0 and of 6
    gamma = {"random": RNG.standard_normal(c) * 3, "near zero": RNG.standard_normal(c) * 1e-6,
             "none": None}[gamma_kind]
    gamma = None if gamma is None else gamma.astype(dtype)
    beta = (RNG.standard_normal(c) + 2).astype(dtype)
    upstream = RNG.standard_normal(shape).astype(dtype)
    previous = sd.config.get_num_threads()
    sd.config.set_num_threads(threads)
    try:
        got = _engine_gradients(x, gamma, beta, upstream, axis, cap)
        xt, bt = sd.Variable(x), sd.Variable(beta)
        gt = None if gamma is None else sd.Variable(gamma)
        with sd.GradientTape() as tape:
            total = sd.sum(_composed(xt, gt, bt, axis, cap) * upstream)
        wanted = tape.gradient(total, [xt, bt] + ([gt] if gt is not None else []))
    finally:
        sd.config.set_num_threads(previous)
    dx, dgamma, dbeta = (np.asarray(g) for g in got)
    assert dx.shape == shape and dx.dtype == dtype and dgamma.shape == dbeta.shape == (c,)
    # The composed ops sum in another order (and round the normalised value differently):
    # float32 agrees to ~1e-5 of the gradients' scale, float64 to ~1e-12.
    tolerance = 2e-4 if dtype == np.float32 else 1e-9
    for a, b in [(dx, wanted[0]), (dbeta, wanted[1])] + ([(dgamma, wanted[2])] if gt is not None else []):
        b = np.asarray(b)
        np.testing.assert_allclose(a, b, rtol=tolerance, atol=tolerance * np.abs(b).max())


@pytest.mark.parametrize("cap", [None, 6.0])
def test_the_gradients_match_finite_differences(cap):
    x = RNG.standard_normal((4, 3, 3, 3)) * 4
    gamma, beta = RNG.standard_normal(3) * 3, RNG.standard_normal(3) + 2
    weights = RNG.standard_normal(x.shape)

    def loss(x, gamma, beta):
        run = (lambda *a: nn.fused_batch_norm_relu(*a, epsilon=EPSILON, axis=-1, max_value=cap)) if cap is not None \
            else (lambda *a: nn.fused_batch_norm(*a, epsilon=EPSILON, axis=-1))
        return float(np.sum(np.asarray(run(x, gamma, beta)[0]) * weights))

    got = [np.asarray(g) for g in _engine_gradients(x, gamma, beta, weights, -1, cap)]
    for index, (array, analytic) in enumerate(zip((x, gamma, beta), got)):
        numeric = np.zeros_like(array)
        for position in np.ndindex(array.shape):
            arguments = [x.copy(), gamma.copy(), beta.copy()]
            arguments[index][position] += 1e-6
            up = loss(*arguments)
            arguments[index][position] -= 2e-6
            numeric[position] = (up - loss(*arguments)) / 2e-6
        np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-6)


def test_bad_operands_raise_clear_errors():
    x = sd.asarray(RNG.standard_normal((4, 3)).astype(np.float32))
    statistics = sd.zeros((3,)), sd.ones((3,))
    with pytest.raises(ValueError, match="dy must have x's shape"):
        _C.nn_fused_batch_norm_gradients(x, x, sd.zeros((4, 2)), -1, *statistics, None, EPSILON, False, 0.0)
    with pytest.raises(ValueError, match="y .the op's output. is needed with a relu"):
        _C.nn_fused_batch_norm_gradients(x, None, x, -1, *statistics, None, EPSILON, True, 6.0)
    with pytest.raises(ValueError, match="max_value must be a number > 0"):
        _C.nn_fused_batch_norm_gradients(x, x, x, -1, *statistics, None, EPSILON, True, 0.0)
    with pytest.raises(ValueError, match=r"mean must have shape \(3,\)"):
        _C.nn_fused_batch_norm_gradients(x, x, x, -1, sd.zeros((2,)), statistics[1], None, EPSILON, False, 0.0)
    with pytest.raises(TypeError, match="variance must have x's dtype float32"):
        _C.nn_fused_batch_norm_gradients(x, x, x, -1, statistics[0], sd.ones((3,), dtype="float64"), None, EPSILON,
                                         False, 0.0)
    with pytest.raises(ValueError, match="epsilon"):
        _C.nn_fused_batch_norm_gradients(x, x, x, -1, *statistics, None, -1.0, False, 0.0)


def _chains_model(dtype):
    """Chains of each kind: 1×1 → batch norm → relu6, depthwise → batch norm → relu,
    3×3 with a bias → batch norm, and one too costly to run again (3×3 over 8 channels)."""
    keras.utils.set_random_seed(4)
    inputs = keras.Input((8, 8, 3), dtype=dtype)
    x = layers.Conv2D(8, 1, use_bias=False, dtype=dtype)(inputs)
    x = layers.ReLU(6.0, dtype=dtype)(layers.BatchNormalization(dtype=dtype)(x))
    x = layers.DepthwiseConv2D(3, strides=2, padding="same", use_bias=False, dtype=dtype)(x)
    x = layers.Activation("relu", dtype=dtype)(layers.BatchNormalization(dtype=dtype)(x))
    x = layers.BatchNormalization(dtype=dtype)(layers.Conv2D(8, 3, padding="same", dtype=dtype)(x))
    x = layers.BatchNormalization(dtype=dtype)(layers.Conv2D(4, 3, dtype=dtype)(x))
    outputs = layers.Dense(3, dtype=dtype)(layers.Flatten(dtype=dtype)(x))
    return keras.Model(inputs, outputs)


def _gradients_and_statistics(model, x, recompute):
    limit = conv_batch_norm_training.RECOMPUTE_LIMIT
    conv_batch_norm_training.RECOMPUTE_LIMIT = limit if recompute else 0
    try:
        with sd.GradientTape() as tape:
            loss = sd.sum(model(x, training=True) ** 2)
        recorded = _C.tape_recorded_count(tape._tape)
        gradients = tape.gradient(loss, model.trainable_weights)
    finally:
        conv_batch_norm_training.RECOMPUTE_LIMIT = limit
    moving = [np.asarray(w).copy() for w in model.non_trainable_weights]
    return [np.asarray(g) for g in gradients], moving, recorded


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_model_gradients_and_moving_statistics_match_the_layers_one_by_one(threads, dtype):
    x = RNG.standard_normal((6, 8, 8, 3)).astype(dtype)
    previous = sd.config.get_num_threads()
    sd.config.set_num_threads(threads)
    try:
        chained, reference = _chains_model(dtype), _chains_model(dtype)
        reference.set_weights(chained.get_weights())
        got, got_moving, got_recorded = _gradients_and_statistics(chained, x, recompute=True)
        wanted, wanted_moving, wanted_recorded = _gradients_and_statistics(reference, x, recompute=False)
    finally:
        sd.config.set_num_threads(previous)
    assert got_recorded < wanted_recorded  # the cheap chains are one node each
    tolerance = 1e-4 if dtype == "float32" else 1e-10
    for a, b in zip(got + got_moving, wanted + wanted_moving):
        np.testing.assert_allclose(a, b, rtol=tolerance, atol=tolerance * max(np.abs(b).max(), 1.0))


def test_a_gradient_with_respect_to_the_models_input_flows_through_the_chain():
    model = _chains_model("float64")
    x = sd.asarray(RNG.standard_normal((2, 8, 8, 3)))
    grads = []
    for recompute in (True, False):
        limit = conv_batch_norm_training.RECOMPUTE_LIMIT
        conv_batch_norm_training.RECOMPUTE_LIMIT = limit if recompute else 0
        try:
            with sd.GradientTape() as tape:
                tape.watch(x)
                loss = sd.sum(model(x, training=True) ** 2)
            grads.append(np.asarray(tape.gradient(loss, x)))
        finally:
            conv_batch_norm_training.RECOMPUTE_LIMIT = limit
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-10, atol=1e-12)


def test_sequential_training_matches_the_layers_one_by_one():
    def build():
        keras.utils.set_random_seed(6)
        model = keras.Sequential([keras.Input((6, 6, 2)), layers.Conv2D(6, 1, use_bias=False),
                                  layers.BatchNormalization(), layers.ReLU(6.0),
                                  layers.DepthwiseConv2D(3, padding="same"), layers.BatchNormalization(),
                                  layers.GlobalAveragePooling2D(), layers.Dense(2)])
        # SGD: Adam turns the rounding noise of a gradient that is zero in exact arithmetic (a
        # bias before a batch norm) into steps of the learning rate, of either sign.
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        return model

    x = RNG.normal(size=(16, 6, 6, 2)).astype("float32")
    y = RNG.normal(size=(16, 2)).astype("float32")
    chained, reference = build(), build()
    reference.set_weights(chained.get_weights())
    chained.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
    limit = conv_batch_norm_training.RECOMPUTE_LIMIT
    conv_batch_norm_training.RECOMPUTE_LIMIT = 0
    try:
        reference.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
    finally:
        conv_batch_norm_training.RECOMPUTE_LIMIT = limit
    for got, expected in zip(chained.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(got, expected, rtol=2e-4, atol=2e-5)
