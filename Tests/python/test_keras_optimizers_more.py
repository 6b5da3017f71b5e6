"""Ftrl, Lamb, Adafactor, Muon, ScheduleFreeAdamW and LossScaleOptimizer (written with engine ops in
Python) against real Keras 3.15.1's 5-step trajectories, hand-written numpy versions of their formulas,
their configs and slot layouts, models that fit with them and `.keras` files, and bad arguments."""
import os

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras.optimizers import SGD, Adafactor, Adam, Ftrl, Lamb, LossScaleOptimizer, Muon, ScheduleFreeAdamW

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "keras_optimizers_more", "keras_optimizers_more.npz")
STEPS = 5
NAMES = ("kernel", "bias", "wide")
# As make_keras_optimizers_more_fixture.py writes them.
CASES = {
    "Ftrl": (Ftrl, {"learning_rate": 0.1}),
    "Ftrl_regularized": (Ftrl, {"learning_rate": 0.1, "learning_rate_power": -0.7, "initial_accumulator_value": 0.2,
                                "l1_regularization_strength": 0.01, "l2_regularization_strength": 0.02,
                                "l2_shrinkage_regularization_strength": 0.01, "beta": 0.1}),
    "Ftrl_wd_clip": (Ftrl, {"learning_rate": 0.1, "weight_decay": 0.05, "clipnorm": 0.7}),
    "Lamb": (Lamb, {"learning_rate": 0.01}),
    "Lamb_wd_clip": (Lamb, {"learning_rate": 0.01, "weight_decay": 0.05, "global_clipnorm": 0.5, "beta_1": 0.8}),
    "Adafactor": (Adafactor, {"learning_rate": 0.1}),
    "Adafactor_options": (Adafactor, {"learning_rate": 0.05, "beta_2_decay": -0.5, "epsilon_2": 0.01,
                                      "clip_threshold": 0.5, "relative_step": False}),
    "Muon": (Muon, {"learning_rate": 0.01}),
    "Muon_options": (Muon, {"learning_rate": 0.02, "nesterov": False, "rms_rate": None, "ns_steps": 3,
                            "adam_lr_ratio": 0.1, "weight_decay": 0.01, "adam_weight_decay": None, "momentum": 0.9}),
    "Muon_excluded": (Muon, {"learning_rate": 0.01, "exclude_layers": ["wid"]}),
    "ScheduleFreeAdamW": (ScheduleFreeAdamW, {"learning_rate": 0.01}),
    "ScheduleFreeAdamW_warmup": (ScheduleFreeAdamW, {"learning_rate": 0.02, "warmup_steps": 3, "weight_decay": 0.05,
                                                     "beta_1": 0.8}),
}


def _variables(data):
    return [sd.Variable(data[name], name=name) for name in NAMES]


def _grads(data, step):
    return [sd.asarray(data[f"grad_{name}_{step}"]) for name in NAMES]


@pytest.mark.parametrize("case", sorted(CASES))
def test_trajectories_match_keras(case):
    data = np.load(FIXTURE)
    cls, kwargs = CASES[case]
    variables = _variables(data)
    optimizer = cls(**kwargs)
    for step in range(STEPS):
        optimizer.apply_gradients(zip(_grads(data, step), variables))
        for name, variable in zip(NAMES, variables):
            # float32 arithmetic (and Muon's matmuls) in another order than XLA: a few ulps of weights ~1.
            np.testing.assert_allclose(np.asarray(variable), data[f"{case}_{name}_{step}"], rtol=2e-5, atol=2e-6,
                                       err_msg=f"{case} {name} step {step}")
    assert int(np.asarray(optimizer.iterations)) == STEPS


def test_loss_scale_optimizer_trajectory_matches_keras():
    """Keras (stateless on JAX) skips the step whose gradients hold an inf and halves the
    scale; it doubles the scale after every dynamic_growth_steps finite steps."""
    data = np.load(FIXTURE)
    variables = _variables(data)
    optimizer = LossScaleOptimizer(SGD(0.1, momentum=0.5), initial_scale=8.0, dynamic_growth_steps=2)
    for step in range(STEPS):
        grads = [data[f"grad_{name}_{step}"] * 8.0 for name in NAMES]
        if step == 2:
            grads[1][0] = np.inf
        optimizer.apply_gradients(zip([sd.asarray(g) for g in grads], variables))
        for name, variable in zip(NAMES, variables):
            np.testing.assert_allclose(np.asarray(variable), data[f"LossScaleOptimizer_{name}_{step}"], rtol=1e-6,
                                       atol=1e-6, err_msg=f"{name} step {step}")
        assert float(np.asarray(optimizer.dynamic_scale)) == float(data[f"LossScaleOptimizer_scale_{step}"])
        assert int(np.asarray(optimizer.step_counter)) == int(data[f"LossScaleOptimizer_counter_{step}"])
    assert int(np.asarray(optimizer.iterations)) == STEPS - 1  # the skipped step is not counted


def test_ftrl_one_step_by_hand():
    w = np.array([0.5, -1.0, 2.0], np.float32)
    g = np.array([0.3, -0.2, 0.1], np.float32)
    lr, power, l1, l2, shrink, beta, n0 = 0.2, -0.6, 0.05, 0.1, 0.02, 0.3, 0.4
    variable = sd.Variable(w)
    Ftrl(lr, learning_rate_power=power, initial_accumulator_value=n0, l1_regularization_strength=l1,
         l2_regularization_strength=l2, l2_shrinkage_regularization_strength=shrink, beta=beta).apply_gradients(
        [(sd.asarray(g), variable)])
    n = n0 + g * g
    z = (g + 2 * shrink * w) - (n ** -power - n0 ** -power) / lr * w
    expected = (np.clip(z, -l1, l1) - z) / (n ** -power / lr + 2 * (l2 + beta / (2 * lr)))
    np.testing.assert_allclose(np.asarray(variable), expected, rtol=1e-5)


def test_lamb_one_step_by_hand():
    w = np.array([[1.0, -2.0], [0.5, 0.0]], np.float32)
    g = np.array([[0.5, -0.25], [0.1, 0.3]], np.float32)
    variable = sd.Variable(w)
    Lamb(0.1, beta_1=0.8, beta_2=0.9, epsilon=1e-3).apply_gradients([(sd.asarray(g), variable)])
    update = (0.2 * g / 0.2) / (np.sqrt(0.1 * g * g / 0.1) + 1e-3)
    ratio = np.linalg.norm(w) / np.linalg.norm(update)
    np.testing.assert_allclose(np.asarray(variable), w - ratio * 0.1 * update, rtol=1e-5)
    # A zero variable takes the plain Adam step (trust ratio 1).
    zero = sd.Variable(np.zeros(2, np.float32))
    Lamb(0.1).apply_gradients([(sd.asarray(np.array([1.0, -1.0], np.float32)), zero)])
    np.testing.assert_allclose(np.asarray(zero), [-0.1, 0.1], rtol=1e-5)


def test_adafactor_one_step_by_hand():
    w = np.array([[1.0, -2.0, 0.5], [0.3, 0.0, 1.5]], np.float32)
    g = np.array([[0.5, -0.25, 0.1], [0.3, -0.6, 0.2]], np.float32)
    variable = sd.Variable(w)
    Adafactor(0.5, clip_threshold=0.8).apply_gradients([(sd.asarray(g), variable)])
    beta = 1 - 1.0 ** -0.8  # 0 at step 1: the factors take the step's statistics
    squared = g.astype(np.float64) ** 2 + 1e-30
    r = (1 - beta) * squared.mean(-1)
    c = (1 - beta) * squared.mean(-2)
    v = (r / r.mean())[:, None] * c[None, :]
    u = g / np.sqrt(v)
    u = u / max(1.0, np.sqrt((u ** 2).mean()) / 0.8)
    alpha = max(1e-3, np.sqrt((w.astype(np.float64) ** 2).mean())) * min(0.5, 1.0)
    np.testing.assert_allclose(np.asarray(variable), w - alpha * u, rtol=1e-5)


def test_muon_newton_schulz_orthogonalizes_and_adamw_for_vectors():
    rng = np.random.default_rng(0)
    g = rng.normal(size=(6, 3)).astype(np.float32)
    optimizer = Muon(ns_steps=10)
    orthogonal = np.asarray(optimizer.zeropower_via_newtonschulz5(sd.asarray(g), 10))
    # Keras's quintic iteration drives every singular value into roughly [0.7, 1.2], keeping
    # the singular vectors of g.
    singular = np.linalg.svd(orthogonal, compute_uv=False)
    assert singular.min() > 0.6 and singular.max() < 1.25
    u, _, vt = np.linalg.svd(g, full_matrices=False)
    np.testing.assert_allclose(np.abs(np.sum((u @ vt) * orthogonal) / np.linalg.norm(orthogonal) / np.sqrt(3)), 1.0,
                               atol=0.05)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        optimizer.zeropower_via_newtonschulz5(sd.ones((3,)), 5)
    # Vectors, embeddings and excluded layers take AdamW and get a velocity slot.
    embedding = sd.Variable(np.ones((4, 2), np.float32), name="embeddings")
    embedding.path = "embedding/embeddings"
    kernel = sd.Variable(np.ones((4, 2), np.float32), name="kernel")
    kernel.path = "dense/kernel"
    head = sd.Variable(np.ones((2, 2), np.float32), name="kernel")
    head.path = "output_dense/kernel"
    optimizer = Muon(exclude_layers=["output_dense"])
    optimizer.build([embedding, kernel, head])
    assert [optimizer._should_use_adamw(v) for v in (embedding, kernel, head)] == [True, False, True]
    assert [tuple(v.shape) for v in optimizer.variables[2:]] == [(4, 2), (4, 2), (4, 2), (2, 2), (2, 2)]


def test_schedule_free_adamw_one_step_by_hand():
    w = np.array([1.0, -2.0, 0.5], np.float32)
    g = np.array([0.5, -0.25, 0.1], np.float32)
    variable = sd.Variable(w)
    optimizer = ScheduleFreeAdamW(0.1, beta_1=0.8, beta_2=0.9, epsilon=1e-3)
    optimizer.apply_gradients([(sd.asarray(g), variable)])
    v = 0.1 * g * g
    z = w - 0.1 * g / (np.sqrt(v / 0.1) + 1e-3)
    x = (w - 0.2 * w) / 0.8
    x = 0 * x + z
    np.testing.assert_allclose(np.asarray(variable), 0.2 * z + 0.8 * x, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(optimizer.variables[2]), z, rtol=1e-5)  # the momentum slot holds z


@pytest.mark.parametrize("cls, extra", [
    (Ftrl, {"learning_rate_power": -0.3, "initial_accumulator_value": 0.5, "l1_regularization_strength": 0.1,
            "l2_regularization_strength": 0.2, "l2_shrinkage_regularization_strength": 0.3, "beta": 0.4}),
    (Lamb, {"beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-6}),
    (Adafactor, {"beta_2_decay": -0.6, "epsilon_1": 1e-20, "epsilon_2": 1e-2, "clip_threshold": 2.0,
                 "relative_step": False}),
    (Muon, {"adam_beta_1": 0.8, "adam_beta_2": 0.99, "epsilon": 1e-6, "exclude_layers": ["head"], "muon_a": 3.0,
            "muon_b": -4.0, "muon_c": 2.0, "adam_lr_ratio": 0.5, "momentum": 0.9, "ns_steps": 4, "nesterov": False,
            "exclude_embeddings": False, "adam_weight_decay": 0.01, "rms_rate": None}),
    (ScheduleFreeAdamW, {"beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-6, "warmup_steps": 10}),
])
def test_config_round_trip(cls, extra):
    optimizer = cls(learning_rate=0.02, weight_decay=0.01, clipnorm=1.0, name="opt", **extra)
    config = optimizer.get_config()
    for key, value in extra.items():
        assert config[key] == value
    clone = cls.from_config(config)
    assert clone.get_config() == config
    assert isinstance(keras.optimizers.get(cls.__name__.lower()), cls)
    assert type(keras.optimizers.deserialize(keras.optimizers.serialize(optimizer))) is cls


def test_slot_layouts_match_keras():
    """The optimizer's variables in Keras 3.15.1's order and shapes (what `.keras` files hold)."""
    tall = sd.Variable(np.ones((3, 2), np.float32), name="kernel")
    vector = sd.Variable(np.ones((2,), np.float32), name="bias")
    layouts = {
        Adafactor: [(3,), (2,), (3, 2), (), (), (2,)],  # an unfactored vector keeps two int32 scalars
        Muon: [(3, 2), (2,), (2,)],  # the vector takes AdamW: momentum and velocity
        Ftrl: [(3, 2), (3, 2), (2,), (2,)],
        Lamb: [(3, 2), (3, 2), (2,), (2,)],
        ScheduleFreeAdamW: [(3, 2), (3, 2), (2,), (2,)],
    }
    for cls, shapes in layouts.items():
        optimizer = cls()
        optimizer.build([tall, vector])
        assert [v.name for v in optimizer.variables[:2]] == ["iteration", "learning_rate"]
        assert [tuple(v.shape) for v in optimizer.variables[2:]] == shapes, cls.__name__
    adafactor = Adafactor()
    adafactor.build([vector])
    assert [np.asarray(v).dtype for v in adafactor.variables[2:]] == [np.int32, np.int32, np.float32]


def test_default_configs_match_keras():
    assert Muon().get_config()["weight_decay"] == 0.004 and Muon().get_config()["adam_weight_decay"] == 0.004
    assert ScheduleFreeAdamW().get_config()["learning_rate"] == pytest.approx(0.0025)
    assert Ftrl().get_config()["initial_accumulator_value"] == 0.1
    assert Adafactor().get_config()["epsilon_1"] == 1e-30


def test_loss_scale_optimizer_api_and_config():
    inner = Adam(0.01, loss_scale_factor=4.0)
    optimizer = LossScaleOptimizer(inner, initial_scale=1024.0, dynamic_growth_steps=10)
    assert inner.loss_scale_factor is None  # the wrapper does the scaling
    assert float(np.asarray(optimizer.scale_loss(sd.asarray(np.float32(2.0))))) == 2048.0
    assert optimizer.learning_rate is inner.learning_rate
    optimizer.learning_rate = 0.5
    assert float(np.asarray(inner.learning_rate)) == 0.5
    config = optimizer.get_config()
    assert set(config) == {"name", "inner_optimizer", "initial_scale", "dynamic_growth_steps"}
    assert config["inner_optimizer"]["class_name"] == "Adam"
    clone = keras.optimizers.deserialize(keras.optimizers.serialize(optimizer))
    assert type(clone) is LossScaleOptimizer and type(clone.inner_optimizer) is Adam
    assert clone.get_config() == config
    assert keras.mixed_precision.LossScaleOptimizer is LossScaleOptimizer
    variable = sd.Variable(np.ones((2,), np.float32), name="w")
    optimizer.build([variable])
    # Keras's order: the wrapper's iteration, learning_rate, step_counter, dynamic_scale, then the inner ones.
    assert [v.name for v in optimizer.variables[:4]] == ["iteration", "learning_rate", "step_counter", "dynamic_scale"]
    assert len(optimizer.variables) == 4 + len(inner.variables)


def test_loss_scale_optimizer_is_a_pass_through_in_float32():
    rng = np.random.default_rng(3)
    w = rng.normal(size=(3, 2)).astype(np.float32)
    a, b = sd.Variable(w), sd.Variable(w)
    plain, wrapped = Adam(0.05), LossScaleOptimizer(Adam(0.05))
    for _ in range(4):
        g = rng.normal(size=(3, 2)).astype(np.float32)
        plain.apply_gradients([(sd.asarray(g), a)])
        wrapped.apply_gradients([(sd.asarray(g * 2.0 ** 15), b)])  # gradients of the scaled loss
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_hostile_arguments():
    with pytest.raises(ValueError, match="initial_accumulator_value"):
        Ftrl(initial_accumulator_value=-0.1)
    with pytest.raises(ValueError, match="learning_rate_power"):
        Ftrl(learning_rate_power=0.5)
    for argument in ("l1_regularization_strength", "l2_regularization_strength", "l2_shrinkage_regularization_strength"):
        with pytest.raises(ValueError, match=argument):
            Ftrl(**{argument: -1.0})
    with pytest.raises(ValueError, match="ns_steps"):
        Muon(ns_steps=-1)
    with pytest.raises(ValueError, match="warmup_steps"):
        ScheduleFreeAdamW(warmup_steps=-2)
    with pytest.raises(ValueError, match="Argument\\(s\\) not recognized"):
        Lamb(beta=0.5)
    with pytest.raises(ValueError, match="no longer supports `dynamic=False`"):
        LossScaleOptimizer(SGD(), dynamic=False)
    with pytest.raises(ValueError, match="does not support `clipnorm`"):
        LossScaleOptimizer(SGD(), clipnorm=1.0)
    with pytest.raises(ValueError, match="does not support arguments: `foo`"):
        LossScaleOptimizer(SGD(), foo=1)
    with pytest.raises(TypeError, match="inner_optimizer"):
        LossScaleOptimizer("adam")
    LossScaleOptimizer(SGD(), use_ema=False, clipnorm=None)  # defaults, as older configs write them, are fine
    with pytest.raises(ValueError, match="learning_rate"):
        Adafactor(learning_rate="fast")


@pytest.mark.parametrize("make", [lambda: Ftrl(0.5), lambda: Lamb(0.05), lambda: Adafactor(0.1), lambda: Muon(0.05),
                                  lambda: ScheduleFreeAdamW(0.05), lambda: LossScaleOptimizer(SGD(0.05))],
                         ids=["Ftrl", "Lamb", "Adafactor", "Muon", "ScheduleFreeAdamW", "LossScaleOptimizer"])
def test_fit_and_keras_save_load_keep_optimizer_state(make, tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype(np.float32)
    y = (x @ np.array([[1.0, 0.5], [-2.0, 0.0], [0.5, 1.0]], np.float32)).astype(np.float32)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(2)])
    optimizer = make()
    model.compile(optimizer=optimizer, loss="mse")
    history = model.fit(x, y, epochs=8, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.7 * history.history["loss"][0]
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded.optimizer) is type(optimizer)
    assert loaded.optimizer.get_config() == optimizer.get_config()
    saved = [np.asarray(v) for v in model.optimizer.variables]
    restored = [np.asarray(v) for v in loaded.optimizer.variables]
    assert len(saved) == len(restored)
    for a, b in zip(saved, restored):
        np.testing.assert_array_equal(a, b)


def test_fit_scales_the_loss_for_the_gradients_only():
    """fit takes gradients of optimizer.scale_loss(loss), which the optimizer unscales: with
    a power-of-two loss_scale_factor the weights match an unscaled run exactly, and the
    reported loss is the unscaled one."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(32, 3)).astype(np.float32)
    y = rng.normal(size=(32, 1)).astype(np.float32)
    results = []
    for factor in (None, 8.0):
        keras.utils.set_random_seed(5)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        model.compile(optimizer=SGD(0.05, loss_scale_factor=factor), loss="mse")
        history = model.fit(x, y, epochs=2, batch_size=8, verbose=0, shuffle=False)
        results.append((history.history["loss"], [np.asarray(w) for w in model.get_weights()]))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    for a, b in zip(results[0][1], results[1][1]):
        np.testing.assert_array_equal(a, b)


def test_loss_scale_optimizer_stateless_apply_reads_the_given_scale():
    variable = sd.Variable(np.ones((2, 2), np.float32), name="k")
    optimizer = LossScaleOptimizer(SGD(0.1), initial_scale=4.0)
    optimizer.build([variable])
    state = [np.asarray(v) for v in optimizer.variables]
    state[2], state[3] = np.int64(1999), np.float32(2.0)  # step_counter, dynamic_scale
    values, new_state = optimizer.stateless_apply(state, [np.full((2, 2), 4.0, np.float32)], [np.asarray(variable)])
    np.testing.assert_allclose(np.asarray(values[0]), np.full((2, 2), 1.0 - 0.1 * 4.0 / 2.0), rtol=1e-6)
    assert int(np.asarray(new_state[2])) == 0 and float(np.asarray(new_state[3])) == 4.0  # growth step reached
    np.testing.assert_array_equal(np.asarray(variable), np.ones((2, 2)))  # the real variables are untouched
    assert float(np.asarray(optimizer.dynamic_scale)) == 4.0


@pytest.mark.parametrize("name, optimizer_cls, loss_cls, activation", [
    ("lso", LossScaleOptimizer, keras.losses.CategoricalGeneralizedCrossEntropy, "mish"),
    ("adafactor", Adafactor, keras.losses.Circle, "hard_silu")])
def test_loads_models_saved_by_keras(name, optimizer_cls, loss_cls, activation):
    """Real Keras's files with the new optimizers, losses, activations and regularizer load
    with their predictions and the optimizer's whole state."""
    data = np.load(FIXTURE)
    path = os.path.join(os.path.dirname(FIXTURE), f"keras_{name}_model.keras")
    model = keras.models.load_model(path)
    assert type(model.optimizer) is optimizer_cls and type(model.loss) is loss_cls
    assert model.layers[0].activation is getattr(keras.activations, activation)
    assert isinstance(model.layers[0].kernel_regularizer, keras.regularizers.OrthogonalRegularizer)
    np.testing.assert_allclose(np.asarray(model.predict(data["model_x"], verbose=0)), data[f"model_{name}_prediction"],
                               rtol=1e-5, atol=1e-6)
    state = [np.asarray(v) for v in model.optimizer.variables]
    expected = [data[f"model_{name}_optimizer_{i}"] for i in range(len(state))]
    assert f"model_{name}_optimizer_{len(state)}" not in data.files
    for got, want in zip(state, expected):
        np.testing.assert_array_equal(got, want)


def test_loss_scale_optimizer_files_hold_the_inner_optimizer_group_as_keras(tmp_path):
    import zipfile

    import h5py
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer=LossScaleOptimizer(SGD(0.1, momentum=0.5)), loss="mse")
    model.fit(np.ones((4, 3), np.float32), np.ones((4, 2), np.float32), verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        archive.extract("model.weights.h5", tmp_path)
    with h5py.File(tmp_path / "model.weights.h5") as weights:
        # As Keras writes it: all 8 variables (the wrapper's 4, then SGD's) and SGD's 4 again.
        assert len(weights["optimizer/vars"]) == 8 and len(weights["optimizer/inner_optimizer/vars"]) == 4
        np.testing.assert_array_equal(weights["optimizer/inner_optimizer/vars/2"][()], weights["optimizer/vars/6"][()])
