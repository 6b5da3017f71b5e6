"""keras.constraints: each constraint against a hand-written numpy version of Keras 3's
formula, get/serialize/deserialize, the projection after every optimizer step, and the
`*_constraint` arguments of every layer that takes them, through get_config and .keras files."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras import constraints, layers

from keras_testing import run_layer_test

EPSILON = 1e-7  # keras.backend.epsilon()
RNG = np.random.default_rng(3)


def numpy_norms(w, axis):
    return np.sqrt(np.sum(np.square(w), axis=tuple(np.atleast_1d(axis)), keepdims=True))


def numpy_max_norm(w, max_value, axis):
    norms = numpy_norms(w, axis)
    return w * (np.clip(norms, 0, max_value) / (EPSILON + norms))


def numpy_min_max_norm(w, min_value, max_value, rate, axis):
    norms = numpy_norms(w, axis)
    desired = rate * np.clip(norms, min_value, max_value) + (1 - rate) * norms
    return w * (desired / (EPSILON + norms))


def numpy_unit_norm(w, axis):
    return w / (EPSILON + numpy_norms(w, axis))


CASES = [
    (constraints.MaxNorm(2.0, axis=0), lambda w: numpy_max_norm(w, 2.0, 0), (5, 4)),
    (constraints.MaxNorm(1.5, axis=[0, 1, 2]), lambda w: numpy_max_norm(w, 1.5, [0, 1, 2]), (3, 3, 2, 4)),
    (constraints.MaxNorm(), lambda w: numpy_max_norm(w, 2, 0), (7,)),
    (constraints.MinMaxNorm(0.5, 1.0, rate=1.0, axis=0), lambda w: numpy_min_max_norm(w, 0.5, 1.0, 1.0, 0), (6, 3)),
    (constraints.MinMaxNorm(2.0, 3.0, rate=0.25, axis=1), lambda w: numpy_min_max_norm(w, 2.0, 3.0, 0.25, 1), (4, 6)),
    (constraints.UnitNorm(axis=0), lambda w: numpy_unit_norm(w, 0), (5, 3)),
    (constraints.UnitNorm(axis=[0, 1]), lambda w: numpy_unit_norm(w, [0, 1]), (2, 3, 4)),
    (constraints.NonNeg(), lambda w: np.maximum(w, 0), (4, 5)),
    (constraints.Constraint(), lambda w: w, (3,)),
]


@pytest.mark.parametrize("constraint, reference, shape", CASES, ids=lambda case: getattr(case, "__name__", None))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_constraints_match_keras_formulas(constraint, reference, shape, dtype):
    w = (RNG.standard_normal(shape) * 2).astype(dtype)
    got = np.asarray(constraint(sd.asarray(w)))
    np.testing.assert_allclose(got, reference(w.astype("float64")), rtol=1e-5 if dtype == "float32" else 1e-12,
                               atol=1e-6 if dtype == "float32" else 1e-12)


def test_zero_columns_stay_zero():
    w = np.zeros((3, 2), "float32")
    for constraint in (constraints.MaxNorm(1.0), constraints.UnitNorm(), constraints.MinMaxNorm(1.0, 2.0)):
        assert np.all(np.asarray(constraint(sd.asarray(w))) == 0)


def test_accepts_numpy_arrays_and_variables():
    w = np.array([[3.0, -4.0]], "float32").T
    np.testing.assert_allclose(np.asarray(constraints.MaxNorm(1.0)(w)), numpy_max_norm(w, 1.0, 0), rtol=1e-6)
    variable = sd.Variable(w)
    np.testing.assert_allclose(np.asarray(constraints.NonNeg()(variable)), [[3.0], [0.0]])


@pytest.mark.parametrize("name, cls", [("max_norm", constraints.MaxNorm), ("MaxNorm", constraints.MaxNorm),
                                       ("min_max_norm", constraints.MinMaxNorm), ("non_neg", constraints.NonNeg),
                                       ("NonNeg", constraints.NonNeg), ("unit_norm", constraints.UnitNorm)])
def test_get_by_name(name, cls):
    assert type(constraints.get(name)) is cls


def test_get_passes_instances_callables_and_none_through():
    constraint = constraints.UnitNorm(axis=1)
    assert constraints.get(constraint) is constraint
    assert constraints.get(None) is None
    function = lambda w: w  # noqa: E731
    assert constraints.get(function) is function
    assert type(constraints.get(constraints.NonNeg)) is constraints.NonNeg


@pytest.mark.parametrize("bad", ["nope", 3, {"class_name": "Nope", "config": {}}, {"config": {}}])
def test_get_refuses_what_it_cannot_interpret(bad):
    with pytest.raises(ValueError):
        constraints.get(bad)


@pytest.mark.parametrize("constraint, config", [
    (constraints.MaxNorm(3, axis=[0, 1, 2]), {"max_value": 3, "axis": [0, 1, 2]}),
    (constraints.MinMaxNorm(0.1, 2.0, 0.5, 1), {"min_value": 0.1, "max_value": 2.0, "rate": 0.5, "axis": 1}),
    (constraints.UnitNorm(axis=-1), {"axis": -1}),
    (constraints.NonNeg(), {}),
])
def test_serialize_is_keras_format_and_round_trips(constraint, config):
    entry = constraints.serialize(constraint)
    assert entry == {"module": "keras.constraints", "class_name": type(constraint).__name__, "config": config,
                     "registered_name": None}
    again = constraints.deserialize(entry)
    assert type(again) is type(constraint) and again.get_config() == constraint.get_config()
    assert constraints.get(entry).get_config() == config
    assert constraints.serialize(None) is None


def test_optimizer_projects_variables_after_each_update():
    w0 = np.array([[3.0, -1.0], [4.0, 0.5]], "float32")
    grad = np.array([[0.5, 1.0], [-1.0, 2.0]], "float32")
    variable = sd.Variable(w0, constraint=constraints.MaxNorm(2.0, axis=0))
    free = sd.Variable(w0)
    optimizer = keras.optimizers.SGD(learning_rate=0.1)
    optimizer.apply_gradients([(sd.asarray(grad), variable), (sd.asarray(grad), free)])
    np.testing.assert_allclose(np.asarray(variable), numpy_max_norm(w0 - 0.1 * grad, 2.0, 0), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(free), w0 - 0.1 * grad, rtol=1e-6)


def test_adam_steps_then_projects():
    w0 = RNG.standard_normal((4, 3)).astype("float32")
    grad = RNG.standard_normal((4, 3)).astype("float32")
    variable = sd.Variable(w0, constraint=constraints.NonNeg())
    keras.optimizers.Adam(learning_rate=0.01).apply_gradients([(sd.asarray(grad), variable)])
    # Adam's first step moves every weight by lr * g / (|g| + eps·...) ≈ lr·sign(g).
    m, v = 0.1 * grad, 0.001 * grad * grad
    m_hat, v_hat = m / (1 - 0.9), v / (1 - 0.999)
    expected = np.maximum(w0 - 0.01 * m_hat / (np.sqrt(v_hat) + 1e-7), 0)
    np.testing.assert_allclose(np.asarray(variable), expected, rtol=1e-5, atol=1e-6)


def test_add_weight_sets_the_variables_constraint():
    layer = layers.Dense(3, kernel_constraint="non_neg", bias_constraint=constraints.MaxNorm(1.0))
    layer.build((None, 4))
    assert isinstance(layer.kernel.constraint, constraints.NonNeg)
    assert isinstance(layer.bias.constraint, constraints.MaxNorm)


def test_fit_keeps_dense_weights_inside_their_constraints():
    x = RNG.standard_normal((64, 5)).astype("float32")
    y = (x @ RNG.standard_normal((5, 3)) * 4).astype("float32")
    model = keras.Sequential([keras.Input((5,)),
                              layers.Dense(3, kernel_constraint=constraints.MaxNorm(0.5, axis=0),
                                           bias_constraint=constraints.NonNeg())])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    kernel, bias = model.get_weights()
    assert np.all(np.linalg.norm(kernel, axis=0) <= 0.5 + 1e-5)
    assert np.all(bias >= 0)


def test_a_custom_constraint_subclass_is_applied():
    class Clip(constraints.Constraint):
        def __init__(self, limit=0.1):
            self.limit = limit

        def __call__(self, w):
            return sd.clip(w, -self.limit, self.limit)

        def get_config(self):
            return {"limit": self.limit}

    x = RNG.standard_normal((32, 4)).astype("float32")
    model = keras.Sequential([keras.Input((4,)), layers.Dense(2, kernel_constraint=Clip(0.05))])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, np.ones((32, 2), "float32"), epochs=1, batch_size=8, verbose=0)
    assert np.abs(model.layers[0].get_weights()[0]).max() <= 0.05 + 1e-7


MAX = {"class_name": "MaxNorm", "config": {"max_value": 2.0, "axis": 0}}
LAYER_CASES = [
    (layers.Dense, {"units": 3}, ("kernel", "bias"), (2, 4)),
    (layers.Conv1D, {"filters": 2, "kernel_size": 2}, ("kernel", "bias"), (2, 5, 3)),
    (layers.Conv2D, {"filters": 2, "kernel_size": 2}, ("kernel", "bias"), (2, 5, 5, 3)),
    (layers.Conv2DTranspose, {"filters": 2, "kernel_size": 2}, ("kernel", "bias"), (2, 4, 4, 3)),
    (layers.DepthwiseConv2D, {"kernel_size": 2}, ("depthwise", "bias"), (2, 4, 4, 3)),
    (layers.SeparableConv2D, {"filters": 2, "kernel_size": 2}, ("depthwise", "pointwise", "bias"), (2, 4, 4, 3)),
    (layers.Embedding, {"input_dim": 6, "output_dim": 3}, ("embeddings",), (2, 4)),
    (layers.LSTM, {"units": 3}, ("kernel", "recurrent", "bias"), (2, 4, 3)),
    (layers.GRU, {"units": 3}, ("kernel", "recurrent", "bias"), (2, 4, 3)),
    (layers.SimpleRNN, {"units": 3}, ("kernel", "recurrent", "bias"), (2, 4, 3)),
    (layers.BatchNormalization, {}, ("beta", "gamma"), (4, 3)),
    (layers.LayerNormalization, {}, ("beta", "gamma"), (2, 3)),
    (layers.GroupNormalization, {"groups": 1}, ("beta", "gamma"), (2, 3)),
]


@pytest.mark.parametrize("cls, kwargs, weights, shape", LAYER_CASES, ids=[case[0].__name__ for case in LAYER_CASES])
def test_layers_take_round_trip_and_apply_their_constraints(cls, kwargs, weights, shape):
    arguments = dict(kwargs, **{f"{w}_constraint": MAX for w in weights})
    layer = cls(**arguments)
    config = layer.get_config()
    for w in weights:
        assert config[f"{w}_constraint"] == dict(MAX, module="keras.constraints", registered_name=None)
        assert isinstance(getattr(layer, f"{w}_constraint"), constraints.MaxNorm)
    input_dtype = "int32" if cls is layers.Embedding else "float32"
    run_layer_test(cls, arguments, shape, input_dtype=input_dtype,
                   expected_num_non_trainable_weights=2 if cls is layers.BatchNormalization else 0)
    clone = cls.from_config(config)
    clone(np.zeros(shape, input_dtype))
    constrained = [v for v in clone.weights if isinstance(v.constraint, constraints.MaxNorm)]
    assert len(constrained) == len(weights)


def test_multi_head_attention_constrains_every_projection():
    layer = layers.MultiHeadAttention(2, 3, kernel_constraint="unit_norm", bias_constraint="non_neg")
    x = np.ones((1, 4, 5), "float32")
    layer(x, x)
    projections = (layer.query_dense, layer.key_dense, layer.value_dense, layer.output_dense)
    assert all(isinstance(p.kernel.constraint, constraints.UnitNorm) for p in projections)
    assert all(isinstance(p.bias.constraint, constraints.NonNeg) for p in projections)
    assert layer.get_config()["kernel_constraint"]["class_name"] == "UnitNorm"


def test_keras_file_round_trip_keeps_constraints(tmp_path):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3, kernel_constraint=constraints.MaxNorm(1.5, axis=0)),
                              layers.Dense(1, bias_constraint="non_neg")])
    model.compile(optimizer="adam", loss="mse")
    x = RNG.standard_normal((16, 4)).astype("float32")
    model.fit(x, np.zeros((16, 1), "float32"), epochs=1, verbose=0)
    path = tmp_path / "constrained.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    kernel_constraint = loaded.layers[0].kernel.constraint
    assert isinstance(kernel_constraint, constraints.MaxNorm) and kernel_constraint.get_config() == {"max_value": 1.5,
                                                                                                      "axis": 0}
    assert isinstance(loaded.layers[1].bias.constraint, constraints.NonNeg)
    loaded.fit(x, np.full((16, 1), -5.0, "float32"), epochs=2, verbose=0)
    assert np.all(np.linalg.norm(loaded.layers[0].get_weights()[0], axis=0) <= 1.5 + 1e-5)
    assert np.all(loaded.layers[1].get_weights()[1] >= 0)


class Bounded(constraints.Constraint):
    def __init__(self, limit=1.0):
        self.limit = limit

    def __call__(self, w):
        return sd.clip(w, -self.limit, self.limit)

    def get_config(self):
        return {"limit": self.limit}


def test_custom_constraints_load_through_custom_objects(tmp_path):
    model = keras.Sequential([keras.Input((2,)), layers.Dense(2, kernel_constraint=Bounded(0.25))])
    path = tmp_path / "custom.keras"
    model.save(path)
    entry = model.layers[0].get_config()["kernel_constraint"]
    assert entry["class_name"] == "Bounded" and entry["config"] == {"limit": 0.25}
    loaded = keras.models.load_model(path, custom_objects={"Bounded": Bounded})
    assert isinstance(loaded.layers[0].kernel.constraint, Bounded) and loaded.layers[0].kernel.constraint.limit == 0.25
    with pytest.raises(ValueError, match="Bounded"):
        keras.models.load_model(path)


def test_keras_written_constraint_entries_are_understood():
    # a Dense entry as Keras 3 writes it in config.json
    entry = {"module": "keras.layers", "class_name": "Dense", "config": {
        "name": "dense", "trainable": True, "dtype": "float32", "units": 2, "activation": "linear", "use_bias": True,
        "kernel_constraint": {"module": "keras.constraints", "class_name": "MinMaxNorm",
                              "config": {"min_value": 0.0, "max_value": 1.0, "rate": 1.0, "axis": 0},
                              "registered_name": None},
        "bias_constraint": None}, "registered_name": None}
    layer = keras.saving.deserialize_keras_object(entry)
    assert isinstance(layer.kernel_constraint, constraints.MinMaxNorm) and layer.bias_constraint is None


def test_keras_variable_takes_a_constraint():
    variable = keras.Variable(np.array([0.5, -0.5], "float32"), constraint=constraints.NonNeg())
    assert isinstance(variable.constraint, constraints.NonNeg)
    keras.optimizers.SGD(1.0).apply_gradients([(sd.asarray(np.array([1.0, -1.0], "float32")), variable)])
    np.testing.assert_allclose(np.asarray(variable), [0.0, 0.5])
    variable.constraint = None  # settable, as in Keras
    keras.optimizers.SGD(1.0).apply_gradients([(sd.asarray(np.array([1.0, 0.0], "float32")), variable)])
    np.testing.assert_allclose(np.asarray(variable), [-1.0, 0.5])


def clip_to_a_tenth(w):
    return sd.clip(w, -0.1, 0.1)


def test_a_plain_function_constraint_is_written_by_name_and_loaded_from_custom_objects(tmp_path):
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2, kernel_constraint=clip_to_a_tenth)])
    entry = model.layers[0].get_config()["kernel_constraint"]
    assert entry["class_name"] == "function" and entry["config"] == "clip_to_a_tenth"
    path = tmp_path / "function.keras"
    model.save(path)
    loaded = keras.models.load_model(path, custom_objects={"clip_to_a_tenth": clip_to_a_tenth})
    assert loaded.layers[0].kernel.constraint is clip_to_a_tenth
    with pytest.raises(ValueError, match="clip_to_a_tenth"):
        keras.models.load_model(path)
