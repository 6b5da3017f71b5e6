"""swiftdl.optimizers: several steps of every optimizer (every option) against a hand-written
numpy version of Keras 3's formulas, plus the Keras object contract and hostile input."""
import math
import warnings

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import optimizers

SHAPES = [(3, 4), (5,), ()]
STEPS = 5


# ---- the reference: Keras 3's update rules, written out in numpy ----------------------------


def _clip(grads, clipnorm=None, clipvalue=None, global_clipnorm=None, **_):
    if clipnorm:
        return [g * clipnorm / max(np.sqrt((g * g).sum()), clipnorm) for g in grads]
    if global_clipnorm:
        norm = np.sqrt(sum((g * g).sum() for g in grads))
        return [g * global_clipnorm * min(1 / norm, 1 / global_clipnorm) for g in grads]
    if clipvalue:
        return [np.clip(g, -clipvalue, clipvalue) for g in grads]
    return grads


def reference_run(kind, config, params, grad_steps, lr_at=None):
    """Applies len(grad_steps) steps of optimizer `kind` with Keras's formulas."""
    params = [p.copy() for p in params]
    zeros = lambda: [np.zeros_like(p) for p in params]  # noqa: E731
    state = {"m": zeros(), "v": zeros(), "vhat": zeros(), "avg": zeros(),
             "acc": [np.full_like(p, config.get("initial_accumulator_value", 0.1)) for p in params]}
    for step, grads in enumerate(grad_steps):
        lr = float(np.float32(lr_at(step) if lr_at else config.get("learning_rate", DEFAULT_LR[kind])))
        grads = _clip([g.astype(np.float64) for g in grads], **config)
        wd = config.get("weight_decay", 0.004 if kind == "adamw" else None)
        if wd:
            params = [p - p * wd * lr for p in params]
        for i, g in enumerate(grads):
            p = params[i]
            if kind == "sgd":
                mu = config.get("momentum", 0.0)
                if mu:
                    state["m"][i] = state["m"][i] * mu - g * lr
                    p = p + (state["m"][i] * mu - g * lr if config.get("nesterov") else state["m"][i])
                else:
                    p = p - g * lr
            elif kind in ("adam", "adamw"):
                b1, b2, eps = config.get("beta_1", 0.9), config.get("beta_2", 0.999), config.get("epsilon", 1e-7)
                t = step + 1
                alpha = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
                state["m"][i] = state["m"][i] + (g - state["m"][i]) * (1 - b1)
                state["v"][i] = state["v"][i] + (g * g - state["v"][i]) * (1 - b2)
                v = state["v"][i]
                if config.get("amsgrad"):
                    state["vhat"][i] = np.maximum(state["vhat"][i], v)
                    v = state["vhat"][i]
                p = p - state["m"][i] * alpha / (np.sqrt(v) + eps)
            elif kind == "rmsprop":
                rho, mu, eps = config.get("rho", 0.9), config.get("momentum", 0.0), config.get("epsilon", 1e-7)
                state["v"][i] = rho * state["v"][i] + (1 - rho) * g * g
                if config.get("centered"):
                    state["avg"][i] = rho * state["avg"][i] + (1 - rho) * g
                    denominator = state["v"][i] - state["avg"][i] ** 2 + eps
                else:
                    denominator = state["v"][i] + eps
                increment = lr * g / np.sqrt(denominator)
                if mu > 0:
                    state["m"][i] = mu * state["m"][i] + increment
                    p = p - state["m"][i]
                else:
                    p = p - increment
            elif kind == "adagrad":
                eps = config.get("epsilon", 1e-7)
                state["acc"][i] = state["acc"][i] + g * g
                p = p - lr * g / np.sqrt(state["acc"][i] + eps)
            params[i] = p
    return params


DEFAULT_LR = {"sgd": 0.01, "adam": 0.001, "adamw": 0.001, "rmsprop": 0.001, "adagrad": 0.001}
CLASSES = {"sgd": optimizers.SGD, "adam": optimizers.Adam, "adamw": optimizers.AdamW,
           "rmsprop": optimizers.RMSprop, "adagrad": optimizers.Adagrad}

CASES = [
    ("sgd", {}),
    ("sgd", {"learning_rate": 0.1, "momentum": 0.9}),
    ("sgd", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    ("sgd", {"learning_rate": 0.05, "momentum": 0.5, "weight_decay": 0.1, "clipvalue": 0.5}),
    ("adam", {}),
    ("adam", {"learning_rate": 0.01, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-3}),
    ("adam", {"learning_rate": 0.01, "amsgrad": True}),
    ("adam", {"learning_rate": 0.01, "clipnorm": 0.5}),
    ("adam", {"learning_rate": 0.01, "global_clipnorm": 1.0, "amsgrad": True}),
    ("adamw", {}),
    ("adamw", {"learning_rate": 0.02, "weight_decay": 0.1, "amsgrad": True, "clipvalue": 0.3}),
    ("rmsprop", {}),
    ("rmsprop", {"learning_rate": 0.01, "rho": 0.8, "momentum": 0.9}),
    ("rmsprop", {"learning_rate": 0.01, "centered": True}),
    ("rmsprop", {"learning_rate": 0.01, "centered": True, "momentum": 0.5, "epsilon": 1e-4, "global_clipnorm": 2.0}),
    ("adagrad", {}),
    ("adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.5, "epsilon": 1e-3, "clipnorm": 1.0}),
]


def _problem(dtype, seed=0):
    rng = np.random.default_rng(seed)
    params = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    grad_steps = [[(rng.standard_normal(s) * 2).astype(dtype) for s in SHAPES] for _ in range(STEPS)]
    return params, grad_steps


@pytest.mark.parametrize("kind,config", CASES, ids=[f"{k}-{i}" for i, (k, _) in enumerate(CASES)])
@pytest.mark.parametrize("dtype,rtol", [(np.float64, 1e-10), (np.float32, 2e-5)])
def test_steps_match_the_numpy_reference(kind, config, dtype, rtol):
    params, grad_steps = _problem(dtype)
    variables = [sd.Variable(p) for p in params]
    optimizer = CLASSES[kind](**config)
    for grads in grad_steps:
        optimizer.apply_gradients(zip([sd.asarray(g) for g in grads], variables))
    expected = reference_run(kind, config, params, grad_steps)
    for variable, want in zip(variables, expected):
        assert variable.dtype == dtype
        np.testing.assert_allclose(np.asarray(variable), want, rtol=rtol, atol=rtol)
    assert int(optimizer.iterations.numpy()) == STEPS


def test_large_variables_take_the_parallel_path_and_match():
    rng = np.random.default_rng(1)
    params = [rng.standard_normal((300, 400)), rng.standard_normal(70_001)]
    grad_steps = [[rng.standard_normal(p.shape) for p in params] for _ in range(3)]
    variables = [sd.Variable(p) for p in params]
    optimizer = optimizers.Adam(learning_rate=0.01, clipnorm=50.0)
    for grads in grad_steps:
        optimizer.apply_gradients(zip(grads, variables))  # numpy gradients are accepted too
    for variable, want in zip(variables, reference_run("adam", {"learning_rate": 0.01, "clipnorm": 50.0}, params, grad_steps)):
        np.testing.assert_allclose(np.asarray(variable), want, rtol=1e-10)


# ---- schedules -------------------------------------------------------------------------------


def test_schedules_follow_keras_formulas():
    exponential = optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    staircase = optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    piecewise = optimizers.schedules.PiecewiseConstantDecay([3, 6], [1.0, 0.5, 0.1])
    cosine = optimizers.schedules.CosineDecay(0.2, decay_steps=8, alpha=0.1)
    warm = optimizers.schedules.CosineDecay(0.0, decay_steps=8, warmup_target=0.4, warmup_steps=4)
    for step in range(20):
        assert np.isclose(exponential(step), 0.1 * 0.5 ** (step / 10), rtol=1e-6)
        assert np.isclose(staircase(step), 0.1 * 0.5 ** (step // 10), rtol=1e-6)
        assert piecewise(step) == np.float32(1.0 if step <= 3 else 0.5 if step <= 6 else 0.1)
        s = min(step, 8)
        assert np.isclose(cosine(step), 0.2 * (0.9 * 0.5 * (1 + math.cos(math.pi * s / 8)) + 0.1), rtol=1e-6)
        s = min(step, 12)
        want = 0.4 * s / 4 if s < 4 else 0.4 * 0.5 * (1 + math.cos(math.pi * (s - 4) / 8))
        assert np.isclose(warm(step), want, rtol=1e-6, atol=1e-7)
    with pytest.raises(ValueError, match="decay_steps"):
        optimizers.schedules.ExponentialDecay(0.1, decay_steps=0, decay_rate=0.5)
    with pytest.raises(ValueError, match="length of boundaries"):
        optimizers.schedules.PiecewiseConstantDecay([1, 2], [1.0])


def test_a_schedule_drives_the_learning_rate_by_iterations():
    schedule = optimizers.schedules.ExponentialDecay(0.05, decay_steps=2, decay_rate=0.3)
    params, grad_steps = _problem(np.float64, seed=2)
    variables = [sd.Variable(p) for p in params]
    optimizer = optimizers.Adam(learning_rate=schedule)
    for grads in grad_steps:
        optimizer.apply_gradients(zip(grads, variables))
    expected = reference_run("adam", {}, params, grad_steps, lr_at=lambda step: schedule(step))
    for variable, want in zip(variables, expected):
        np.testing.assert_allclose(np.asarray(variable), want, rtol=1e-10)
    assert np.isclose(float(optimizer.learning_rate), schedule(STEPS))
    with pytest.raises(TypeError, match="not settable"):
        optimizer.learning_rate = 0.1


# ---- the Keras object contract ------------------------------------------------------------------


def test_defaults_match_keras():
    assert optimizers.SGD().get_config()["learning_rate"] == pytest.approx(0.01)
    adam = optimizers.Adam()
    config = adam.get_config()
    assert (config["learning_rate"], config["beta_1"], config["beta_2"], config["epsilon"], config["amsgrad"]) == \
        (pytest.approx(0.001), 0.9, 0.999, 1e-7, False)
    assert optimizers.AdamW().weight_decay == 0.004
    rms = optimizers.RMSprop().get_config()
    assert (rms["rho"], rms["momentum"], rms["epsilon"], rms["centered"]) == (0.9, 0.0, 1e-7, False)
    assert optimizers.Adagrad().get_config()["initial_accumulator_value"] == 0.1


def test_learning_rate_is_settable_and_used():
    variable = sd.Variable(np.array([1.0, 2.0]))
    optimizer = optimizers.SGD(learning_rate=0.1)
    optimizer.learning_rate = 0.5
    assert float(optimizer.learning_rate) == 0.5
    optimizer.apply_gradients([(sd.asarray(np.array([1.0, -1.0])), variable)])
    np.testing.assert_allclose(np.asarray(variable), [0.5, 2.5])


def test_none_gradients_are_skipped_with_a_warning():
    a, b = sd.Variable(np.ones(2)), sd.Variable(np.ones(3))
    optimizer = optimizers.SGD(learning_rate=1.0)
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        optimizer.apply_gradients([(None, a), (sd.asarray(np.ones(3)), b)])
    np.testing.assert_array_equal(np.asarray(a), np.ones(2))
    np.testing.assert_array_equal(np.asarray(b), np.zeros(3))
    with pytest.raises(ValueError, match="No gradients provided for any variable"):
        optimizer.apply_gradients([(None, a)])


def test_slots_are_created_lazily_per_variable_in_keras_order():
    a, b = sd.Variable(np.ones((2, 2)), name="a"), sd.Variable(np.ones(3), name="b")
    optimizer = optimizers.Adam(amsgrad=True)
    assert len(optimizer.variables) == 2  # iteration, learning_rate
    optimizer.apply_gradients([(sd.asarray(np.ones((2, 2))), a)])
    assert [v.name for v in optimizer.variables] == ["iteration", "learning_rate", "a_momentum", "a_velocity",
                                                     "a_velocity_hat"]
    optimizer.apply_gradients([(sd.asarray(np.ones((2, 2))), a), (sd.asarray(np.ones(3)), b)])
    assert len(optimizer.variables) == 8
    assert all(not v.trainable for v in optimizer.variables)
    assert int(optimizer.iterations.numpy()) == 2
    # b started a step later: one Adam step at t = 2 from zero slots.
    alpha = float(np.float32(0.001)) * math.sqrt(1 - 0.999 ** 2) / (1 - 0.9 ** 2)
    m, v = 0.1, 0.001
    np.testing.assert_allclose(np.asarray(b), 1 - alpha * m / (math.sqrt(v) + 1e-7), rtol=1e-6)


def test_config_round_trips_and_string_lookup_works():
    schedule = optimizers.schedules.CosineDecay(0.1, 100, alpha=0.2)
    for optimizer in (optimizers.SGD(0.3, momentum=0.5, nesterov=True, clipnorm=1.0),
                      optimizers.Adam(0.002, amsgrad=True, global_clipnorm=3.0),
                      optimizers.AdamW(learning_rate=schedule, weight_decay=0.01),
                      optimizers.RMSprop(centered=True, momentum=0.2), optimizers.Adagrad(epsilon=1e-5)):
        config = optimizer.get_config()
        clone = type(optimizer).from_config(config)
        assert clone.get_config() == config
        assert optimizers.deserialize(optimizers.serialize(optimizer)).get_config() == config
    assert isinstance(optimizers.get("adam"), optimizers.Adam)
    assert isinstance(optimizers.get("SGD"), optimizers.SGD)
    assert isinstance(optimizers.get("rmsprop"), optimizers.RMSprop)
    assert isinstance(optimizers.get({"class_name": "Adagrad", "config": {"learning_rate": 0.5}}), optimizers.Adagrad)
    adam = optimizers.Adam()
    assert optimizers.get(adam) is adam
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier"):
        optimizers.get("nope")


# ---- hostile input -----------------------------------------------------------------------------


def test_bad_arguments_raise_like_keras():
    with pytest.raises(ValueError, match="Only one of `clipnorm`, `clipvalue` and `global_clipnorm`"):
        optimizers.Adam(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="weight_decay"):
        optimizers.AdamW(weight_decay=None)
    with pytest.raises(ValueError, match="momentum"):
        optimizers.SGD(momentum=2.0)
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.SGD(learning_rate="fast")
    with pytest.raises(ValueError, match="not recognized"):
        optimizers.Adam(beta3=0.1)


def test_bad_gradients_and_variables_raise_clear_errors():
    variable = sd.Variable(np.ones((2, 3), dtype=np.float32))
    optimizer = optimizers.Adam()
    with pytest.raises(ValueError, match=r"\[Adam\] gradient 0 has shape \(3, 2\) but its variable has shape \(2, 3\)"):
        optimizer.apply_gradients([(sd.asarray(np.ones((3, 2))), variable)])
    with pytest.raises(TypeError, match=r"can only update swiftdl.Variable"):
        optimizer.apply_gradients([(sd.asarray(np.ones(2)), sd.asarray(np.ones(2)))])
    integer = sd.Variable(np.ones(2, dtype=np.int64))
    with pytest.raises(TypeError, match=r"\[SGD\] variable 0 must be float32 or float64; received dtype int64"):
        optimizers.SGD().apply_gradients([(sd.asarray(np.ones(2)), integer)])
    with pytest.raises(TypeError, match=r"gradient 0 must be numeric; received dtype bool"):
        optimizers.SGD().apply_gradients([(sd.asarray(np.ones(2, dtype=bool)), sd.Variable(np.ones(2)))])
    # A failed call leaves the variable untouched and the optimizer usable.
    np.testing.assert_array_equal(np.asarray(variable), np.ones((2, 3)))
    optimizer.apply_gradients([(sd.asarray(np.ones((2, 3), dtype=np.float32)), variable)])
    assert np.all(np.asarray(variable) < 1)


def test_integer_gradients_are_converted_and_a_variable_can_be_its_own_gradient():
    variable = sd.Variable(np.array([1.0, 2.0]))
    optimizers.SGD(learning_rate=0.5).apply_gradients([(variable, variable)])
    np.testing.assert_allclose(np.asarray(variable), [0.5, 1.0])
    optimizers.SGD(learning_rate=0.5).apply_gradients([(sd.asarray(np.array([1, 1])), variable)])
    np.testing.assert_allclose(np.asarray(variable), [0.0, 0.5])


def test_training_with_a_tape_reduces_a_quadratic_loss():
    target = np.array([3.0, -2.0])
    w = sd.Variable(np.zeros(2))
    optimizer = optimizers.get("adam")
    optimizer.learning_rate = 0.1
    for _ in range(200):
        with sd.GradientTape() as tape:
            loss = ((w - sd.asarray(target)) ** 2).sum()
        optimizer.apply_gradients(zip([tape.gradient(loss, w)], [w]))
    np.testing.assert_allclose(np.asarray(w), target, atol=1e-2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert optimizer.iterations.numpy() == 200


def test_exclude_from_weight_decay_by_variable_and_by_name():
    kernel = sd.Variable(np.ones((2, 2)), name="dense/kernel")
    bias = sd.Variable(np.ones(2), name="dense/bias")
    other = sd.Variable(np.ones(3), name="other")
    optimizer = optimizers.AdamW(learning_rate=0.1, weight_decay=0.5)
    optimizer.exclude_from_weight_decay(var_list=[other], var_names=["bias"])
    zero = [sd.asarray(np.zeros(v.shape)) for v in (kernel, bias, other)]
    optimizer.apply_gradients(zip(zero, [kernel, bias, other]))
    # Zero gradients leave Adam's step at 0; only the decay (1 - 0.5 * lr) shows.
    lr = float(np.float32(0.1))
    np.testing.assert_allclose(np.asarray(kernel), np.full((2, 2), 1 - 0.5 * lr))
    np.testing.assert_array_equal(np.asarray(bias), np.ones(2))
    np.testing.assert_array_equal(np.asarray(other), np.ones(3))


def test_build_then_apply_without_variables_like_keras():
    a, b = sd.Variable(np.ones(2), name="a"), sd.Variable(np.ones(3), name="b")
    optimizer = optimizers.SGD(learning_rate=0.5, momentum=0.5)
    with pytest.raises(ValueError, match="must already be built"):
        optimizer.apply([sd.asarray(np.ones(2))])
    optimizer.build([a, b])
    assert [v.name for v in optimizer.variables][2:] == ["a_momentum", "b_momentum"]
    optimizer.build([a])  # already known: no new slots
    assert len(optimizer.variables) == 4
    optimizer.apply([sd.asarray(np.ones(2)), sd.asarray(np.ones(3))])
    np.testing.assert_allclose(np.asarray(b), np.full(3, 0.5))
    with pytest.raises(ValueError, match="Received a list of 1 gradients, but the optimizer is tracking 2"):
        optimizer.apply([sd.asarray(np.ones(2))])


def test_state_saves_and_loads_like_keras():
    a = sd.Variable(np.ones(3), name="a")
    first = optimizers.Adam(learning_rate=0.1)
    for _ in range(3):
        first.apply_gradients([(sd.asarray(np.array([1.0, -2.0, 0.5])), a)])
    store = {}
    first.save_own_variables(store)
    assert sorted(store) == ["0", "1", "2", "3"] and store["0"] == 3
    b = sd.Variable(np.asarray(a), name="a")
    second = optimizers.Adam(learning_rate=0.1)
    second.build([b])
    second.load_own_variables(store)
    first.apply_gradients([(sd.asarray(np.array([0.3, 0.3, 0.3])), a)])
    second.apply_gradients([(sd.asarray(np.array([0.3, 0.3, 0.3])), b)])
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    with pytest.warns(UserWarning, match="Skipping variable loading"):
        optimizers.Adam().load_own_variables(store)


@pytest.mark.parametrize("frequency", [None, 2])
def test_exponential_moving_average_follows_keras(frequency):
    params, grad_steps = _problem(np.float64, seed=3)
    variables = [sd.Variable(p, name=f"v{i}") for i, p in enumerate(params)]
    optimizer = optimizers.SGD(learning_rate=0.1, use_ema=True, ema_momentum=0.9, ema_overwrite_frequency=frequency)
    lr = float(np.float32(0.1))
    current = [p.copy() for p in params]
    averages = [np.zeros_like(p) for p in params]
    for step, grads in enumerate(grad_steps):
        optimizer.apply_gradients(zip(grads, variables))
        # Keras: the update, then average ← m·average + (1 - m)·variable (m = 0 on step 0),
        # then every `frequency` steps the variables take their averages.
        current = [c - g * lr for c, g in zip(current, grads)]
        m = 0.0 if step == 0 else 0.9
        averages = [m * a + (1 - m) * c for a, c in zip(averages, current)]
        if frequency and (step + 1) % frequency == 0:
            current = [a.copy() for a in averages]
        for variable, want in zip(variables, current):
            np.testing.assert_allclose(np.asarray(variable), want, rtol=1e-12)
    assert [v.name for v in optimizer.variables][2:] == ["v0_average", "v1_average", "v2_average"]
    optimizer.finalize_variable_values(variables)
    for variable, want in zip(variables, averages):
        np.testing.assert_allclose(np.asarray(variable), want, rtol=1e-12)


def test_ema_arguments_are_validated_like_keras():
    with pytest.raises(ValueError, match="ema_momentum"):
        optimizers.Adam(use_ema=True, ema_momentum=1.5)
    with pytest.raises(ValueError, match="ema_overwrite_frequency"):
        optimizers.Adam(use_ema=True, ema_overwrite_frequency=0.5)


@pytest.mark.parametrize("kind,config", [("adam", {"learning_rate": 0.01, "weight_decay": 0.1}),
                                         ("sgd", {"learning_rate": 0.1, "momentum": 0.9, "clipnorm": 1.0})])
def test_gradient_accumulation_applies_the_mean_every_n_calls(kind, config):
    rng = np.random.default_rng(4)
    params = [rng.standard_normal(s) for s in SHAPES]
    calls = [[rng.standard_normal(s) for s in SHAPES] for _ in range(6)]
    variables = [sd.Variable(p) for p in params]
    optimizer = CLASSES[kind](gradient_accumulation_steps=3, **config)
    for index, grads in enumerate(calls):
        optimizer.apply_gradients(zip(grads, variables))
        if index == 1:  # mid-accumulation: nothing applied yet
            for variable, p in zip(variables, params):
                np.testing.assert_array_equal(np.asarray(variable), p)
    means = [[sum(c[i] for c in calls[k:k + 3]) / 3 for i in range(len(SHAPES))] for k in (0, 3)]
    for variable, want in zip(variables, reference_run(kind, config, params, means)):
        np.testing.assert_allclose(np.asarray(variable), want, rtol=1e-10, atol=1e-12)
    assert int(np.asarray(optimizer.iterations)) == 2 and int(optimizer._iterations.numpy()) == 6
    with pytest.raises(ValueError, match="gradient_accumulation_steps"):
        optimizers.SGD(gradient_accumulation_steps=1)
