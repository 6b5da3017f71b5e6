"""binary_crossentropy of probabilities as one engine op (nn_binary_crossentropy): values
against numpy's formula and Keras 3.15.1, gradients against the analytic formula and finite
differences, every reduction and sample weights, the shapes models give it, labels of other
dtypes, NaN, and bad operands raising Python exceptions."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import _C, keras
from swiftdl.keras import losses

EPS = 1e-7


def numpy_bce(target, output, dtype):
    """Keras's reference formula in `dtype`: clip to [eps, 1 - eps], then the mean over the last axis."""
    target = np.asarray(target, dtype)
    q = np.clip(np.asarray(output, dtype), dtype(EPS), dtype(1.0 - EPS))
    return -(target * np.log(q) + (1 - target) * np.log(1 - q)).mean(axis=-1)


def numpy_bce_gradient(target, output, upstream, dtype):
    """d(Σ upstream · loss)/d output: zero where the clip held the probability."""
    target, output = np.asarray(target, np.float64), np.asarray(output, np.float64)
    n = output.shape[-1]
    inside = (output >= dtype(EPS)) & (output <= dtype(1.0 - EPS))
    g = np.asarray(upstream, np.float64)[..., None] / n
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(inside, g * ((1 - target) / (1 - output) - target / output), 0.0)


# Keras 3.15.1 (TensorFlow backend) on these arrays; yp2 has a saturated 1.0 and 0.0.
yb = np.array([[0., 1., 0., 1.], [0., 0., 1., 1.], [1., 1., 0., 0.]], "float32")
yp2 = np.array([[0.46320018, 1.0, 0.9027937, 0.8520195], [0.0, 0.5183719, 0.6928549, 0.10776258],
                [0.5778163, 0.30787903, 0.88566864, 0.11100371]], "float32")
weights = np.array([0.5, 2.0, 1.0], "float32")
KERAS_REDUCED = {"sum_over_batch_size": 1.0183457, "sum": 3.055037, "none": [0.38914946, 1.6626713, 1.0032161]}
KERAS_FUNCTION = [0.7782989, 0.83133566, 1.0032161]
KERAS_OPS = [[6.2213010e-01, 1.1920930e-07, 2.3309197e+00, 1.6014586e-01],
             [1.1920930e-07, 7.3058301e-01, 3.6693472e-01, 2.2278247e+00],
             [5.4849929e-01, 1.1780484e+00, 2.1686544e+00, 1.1766220e-01]]


@pytest.mark.parametrize("reduction", sorted(KERAS_REDUCED))
def test_reductions_with_sample_weights_match_keras(reduction):
    loss = losses.BinaryCrossentropy(reduction=reduction)(yb, yp2, sample_weight=weights)
    np.testing.assert_allclose(np.asarray(loss), KERAS_REDUCED[reduction], rtol=2e-6)


def test_function_and_op_match_keras():
    np.testing.assert_allclose(np.asarray(losses.binary_crossentropy(yb, yp2)), KERAS_FUNCTION, rtol=2e-6)
    # keras.ops is elementwise (no mean); the clip leaves -log(1 - float32(1 - 1e-7)) at saturation.
    np.testing.assert_allclose(np.asarray(keras.ops.binary_crossentropy(yb, yp2)), KERAS_OPS, rtol=2e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(7,), (7, 1), (5, 3), (4, 6, 5, 1), (2, 3, 300)])
def test_values_match_numpy(dtype, shape, rng):
    output = rng.random(shape).astype(dtype)
    target = (rng.random(shape) > 0.5).astype(dtype)
    result = _C.nn_binary_crossentropy(sd.asarray(target), sd.asarray(output), EPS, 1.0 - EPS)
    assert result.dtype == np.dtype(dtype) and tuple(result.shape) == shape[:-1]
    # float32: the vectorised log is within 2 ulp of libm's, and the row means round differently.
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(np.asarray(result), numpy_bce(target, output, dtype), rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(6,), (6, 1), (3, 4), (2, 3, 3, 1)])
def test_gradients_match_the_formula(dtype, shape, rng):
    output = rng.uniform(0.05, 0.95, shape).astype(dtype)
    output.reshape(-1)[0] = 0.0  # clipped: no gradient
    output.reshape(-1)[-1] = 1.0
    target = rng.random(shape).astype(dtype)  # soft labels too
    upstream = rng.standard_normal(shape[:-1]).astype(dtype)
    p, z = sd.Variable(output), sd.Variable(target)
    with sd.GradientTape() as tape:
        total = (losses.binary_crossentropy(z, p) * sd.asarray(upstream)).sum()
    dp, dz = tape.gradient(total, [p, z])
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(np.asarray(dp), numpy_bce_gradient(target, output, upstream, dtype), rtol=tolerance,
                               atol=tolerance)
    q = np.clip(output.astype(np.float64), dtype(EPS), dtype(1 - EPS))
    expected_dz = -(upstream[..., None] / shape[-1]) * (np.log(q) - np.log(1 - q))
    np.testing.assert_allclose(np.asarray(dz), expected_dz, rtol=tolerance, atol=tolerance)


def test_gradients_match_finite_differences(rng):
    output = rng.uniform(0.1, 0.9, (3, 4))
    target = rng.random((3, 4))
    loss = losses.BinaryCrossentropy()

    def value(p, z):  # float64 tensors: numpy float64 arrays would become float32
        return float(np.asarray(loss(sd.asarray(z), sd.asarray(p))))

    p, z = sd.Variable(output), sd.Variable(target)
    with sd.GradientTape() as tape:
        total = loss(z, p)
    dp, dz = (np.asarray(g) for g in tape.gradient(total, [p, z]))
    h = 1e-6
    for index in np.ndindex(output.shape):
        step = np.zeros_like(output)
        step[index] = h
        np.testing.assert_allclose(dp[index], (value(output + step, target) - value(output - step, target)) / (2 * h),
                                   rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(dz[index], (value(output, target + step) - value(output, target - step)) / (2 * h),
                                   rtol=1e-6, atol=1e-9)


def test_matches_the_composite_ops_it_replaces(rng):
    """The same numbers as clip, log and mean run as separate ops (to float32 rounding)."""
    output = rng.random((8, 5, 5, 1)).astype(np.float32)
    output[0, 0, 0, 0], output[1, 1, 1, 0] = 0.0, 1.0
    target = rng.random((8, 5, 5, 1)).astype(np.float32)
    p = sd.Variable(output)
    with sd.GradientTape(persistent=True) as tape:
        fused = losses.BinaryCrossentropy()(target, p)
        q = sd.clip(p, EPS, 1.0 - EPS)
        composite = (-(sd.asarray(target) * sd.log(q) + (1.0 - sd.asarray(target)) * sd.log(1.0 - q))).mean(axis=-1)
        composite = composite.sum() / float(composite.size)
    np.testing.assert_allclose(float(np.asarray(fused)), float(np.asarray(composite)), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(tape.gradient(fused, p)), np.asarray(tape.gradient(composite, p)),
                               rtol=1e-5, atol=1e-9)


@pytest.mark.parametrize("labels", [np.array([[0], [1], [1]], np.int32), np.array([[0], [1], [1]], np.int64),
                                    np.array([[False], [True], [True]]), np.array([[0.], [1.], [1.]], np.float64)])
def test_labels_of_other_dtypes(labels):
    output = np.array([[0.2], [0.7], [0.9]], np.float32)
    result = losses.binary_crossentropy(labels, output)
    assert result.dtype == np.float32
    np.testing.assert_allclose(np.asarray(result), numpy_bce(labels.astype(np.float32), output, np.float32), rtol=1e-6)


def test_labels_of_rank_one_against_a_column_of_predictions():
    output = np.array([[0.2], [0.7], [0.9]], np.float32)
    expected = numpy_bce(np.array([[0.], [1.], [1.]]), output, np.float32).mean()
    np.testing.assert_allclose(float(np.asarray(losses.BinaryCrossentropy()(np.array([0, 1, 1]), output))), expected,
                               rtol=1e-6)


def test_nan_propagates_to_its_row_and_gets_no_gradient():
    output = np.array([[0.2, np.nan], [0.7, 0.4]], np.float32)
    target = np.array([[0., 1.], [1., 0.]], np.float32)
    p = sd.Variable(output)
    with sd.GradientTape() as tape:
        values = losses.binary_crossentropy(target, p)
        total = values.sum()
    values = np.asarray(values)
    assert np.isnan(values[0]) and np.isfinite(values[1])
    gradient = np.asarray(tape.gradient(total, p))
    assert gradient[0, 1] == 0 and np.all(np.isfinite(gradient))


def test_empty_last_axis_gives_nan_like_the_mean_of_nothing():
    result = _C.nn_binary_crossentropy(sd.zeros((2, 0)), sd.zeros((2, 0)), EPS, 1.0 - EPS)
    assert tuple(result.shape) == (2,) and np.all(np.isnan(np.asarray(result)))


def test_other_axes_and_label_smoothing_keep_the_formula(rng):
    output = rng.random((3, 4)).astype(np.float32)
    target = (rng.random((3, 4)) > 0.5).astype(np.float32)
    np.testing.assert_allclose(np.asarray(losses.binary_crossentropy(target, output, axis=0)),
                               numpy_bce(target.T, output.T, np.float32), rtol=1e-5)
    smoothed = target * 0.9 + 0.05
    np.testing.assert_allclose(np.asarray(losses.binary_crossentropy(target, output, label_smoothing=0.1)),
                               numpy_bce(smoothed, output, np.float32), rtol=1e-5)


def test_bad_operands_raise_python_exceptions():
    with pytest.raises(ValueError, match="same shape"):
        losses.binary_crossentropy(np.zeros((3, 2)), np.zeros((3, 4), np.float32))
    with pytest.raises(ValueError, match=r"binary_crossentropy.*same shape"):
        _C.nn_binary_crossentropy(sd.zeros((3, 2)), sd.zeros((3, 4)), EPS, 1.0 - EPS)
    with pytest.raises(ValueError, match="rank at least 1"):
        _C.nn_binary_crossentropy(sd.zeros(()), sd.zeros(()), EPS, 1.0 - EPS)
    with pytest.raises(TypeError, match="binary_crossentropy"):
        _C.nn_binary_crossentropy(sd.zeros((3,)), sd.zeros((3,), dtype="int32"), EPS, 1.0 - EPS)
    with pytest.raises(TypeError, match="bool"):
        _C.nn_binary_crossentropy(sd.asarray(np.ones(3, bool)), sd.zeros((3,)), EPS, 1.0 - EPS)
    with pytest.raises(ValueError, match="finite"):
        _C.nn_binary_crossentropy(sd.zeros((3,)), sd.zeros((3,)), float("nan"), 1.0)
    with pytest.raises(TypeError):
        _C.nn_binary_crossentropy(np.zeros(3), sd.zeros((3,)), EPS, 1.0 - EPS)


def test_trains_a_sigmoid_classifier(rng):
    x = rng.standard_normal((256, 4)).astype(np.float32)
    y = (x[:, :1] + x[:, 1:2] > 0).astype(np.float32)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=20, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.3 and history.history["accuracy"][-1] > 0.9
