"""keras.optimizers.MultiOptimizer and OptimizerMap against real Keras 3.15
(fixtures/keras_multi_optimizer/): the same two-epoch fit gives Keras's weights and
optimizer state, configs and variable paths are Keras's, Keras's .keras file loads and
resumes, plus the map's matching rules and refusals."""
import json
import os
import sys

import numpy as np
import pytest

from swiftdl import keras

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "keras_multi_optimizer")
sys.path.insert(0, HERE)
from make_keras_multi_optimizer_fixture import build, optimizer  # noqa: E402

sys.path.remove(HERE)
REF = np.load(os.path.join(HERE, "multi_optimizer.npz"))
with open(os.path.join(HERE, "multi_optimizer.json")) as f:
    META = json.load(f)
OPTIMIZERS = keras.optimizers


def _trained():
    keras.backend.clear_session()
    model = build(keras)
    model.set_weights([REF[f"initial_{i}"] for i in range(len(model.weights))])
    model.compile(optimizer(keras), "mse")
    model.fit(REF["x"], REF["y"], batch_size=8, epochs=2, verbose=0, shuffle=False)
    return model


def test_training_gives_keras_weights_and_optimizer_state():
    model = _trained()
    for i, weight in enumerate(model.get_weights()):
        np.testing.assert_allclose(weight, REF[f"trained_{i}"], rtol=1e-5, atol=1e-6)
    assert [v.path for v in model.optimizer.variables] == META["optimizer_paths"]
    for i, variable in enumerate(model.optimizer.variables):
        np.testing.assert_allclose(np.asarray(variable), REF[f"optimizer_{i}"], rtol=1e-5, atol=1e-6)
    assert int(model.optimizer.iterations) == 8 and [int(o.iterations) for o in model.optimizer.optimizers] == [8, 8]


def test_config_is_keras_and_round_trips():
    model = _trained()
    assert OPTIMIZERS.serialize(model.optimizer) == META["config"]
    again = OPTIMIZERS.deserialize(META["config"])
    assert isinstance(again, OPTIMIZERS.MultiOptimizer)
    assert [o.name for o in again.optimizers] == ["adam", "sgd"]
    assert again._optimizer_map["encoder_dense/kernel"].name == "adam"


def test_a_keras_written_file_loads_with_its_optimizer_state(tmp_path):
    loaded = keras.models.load_model(os.path.join(HERE, "multi_optimizer.keras"))
    assert isinstance(loaded.optimizer, OPTIMIZERS.MultiOptimizer)
    for i, weight in enumerate(loaded.get_weights()):
        np.testing.assert_allclose(weight, REF[f"trained_{i}"], rtol=1e-6)
    for i, variable in enumerate(loaded.optimizer.variables):
        np.testing.assert_allclose(np.asarray(variable), REF[f"optimizer_{i}"], rtol=1e-6)
    path = str(tmp_path / "again.keras")
    loaded.save(path)
    reloaded = keras.models.load_model(path)
    for a, b in zip(reloaded.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    reloaded.fit(REF["x"], REF["y"], batch_size=8, epochs=1, verbose=0)
    assert int(reloaded.optimizer.optimizers[0].iterations) == 12


def test_a_function_can_choose_the_optimizer():
    keras.backend.clear_session()
    adam, sgd = OPTIMIZERS.Adam(0.01), OPTIMIZERS.SGD(0.1)
    model = build(keras)
    model.compile(OPTIMIZERS.MultiOptimizer(lambda v: adam if "encoder" in v.path else sgd), "mse")
    before = [np.array(w) for w in model.get_weights()]
    model.fit(REF["x"], REF["y"], batch_size=16, epochs=1, verbose=0)
    assert all(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    assert len(adam.variables) == 2 + 4 and len(sgd.variables) == 2   # Adam's slots for the encoder only
    with pytest.raises(NotImplementedError, match="OptimizerMap"):
        model.optimizer.get_config()


def test_the_map_matches_exact_paths_first_then_whole_path_patterns():
    rmsprop, adam, sgd = OPTIMIZERS.RMSprop(), OPTIMIZERS.Adam(), OPTIMIZERS.SGD()
    mapping = OPTIMIZERS.OptimizerMap(default_optimizer=rmsprop)
    mapping["encoder/layer_0/dense"] = adam
    mapping["encoder/.*"] = sgd
    mapping["decoder"] = adam
    assert mapping["decoder"] is adam and mapping["encoder/layer_0/dense"] is adam
    assert mapping["encoder/layer_0/attention/query"] is sgd
    assert mapping["decoder/layer_0/dense"] is rmsprop   # "decoder" must match the whole path
    mapping["encoder/layer_.*"] = adam
    with pytest.raises(ValueError, match="Multiple optimizers"):
        mapping["encoder/layer_1/dense"]


def test_bad_arguments_are_refused_as_keras_refuses_them():
    sgd = OPTIMIZERS.SGD()
    with pytest.raises(TypeError):
        OPTIMIZERS.OptimizerMap("sgd")
    with pytest.raises(TypeError):
        OPTIMIZERS.OptimizerMap(sgd, [("a", sgd)])
    mapping = OPTIMIZERS.OptimizerMap(sgd, {"a": OPTIMIZERS.Adam()})
    for key, value in [("a", OPTIMIZERS.Adam()), (3, OPTIMIZERS.Adam()), ("b", "adam"),
                       ("b", OPTIMIZERS.LossScaleOptimizer(OPTIMIZERS.Adam())),
                       ("b", OPTIMIZERS.MultiOptimizer(OPTIMIZERS.OptimizerMap(OPTIMIZERS.Adam())))]:
        with pytest.raises(ValueError):
            mapping[key] = value
    multi = OPTIMIZERS.MultiOptimizer(mapping)
    with pytest.raises(AttributeError):
        multi.learning_rate
    with pytest.raises(AttributeError):
        multi.learning_rate = 0.1
    variable = keras.Variable(np.ones(2, "float32"), name="w")
    bad = OPTIMIZERS.MultiOptimizer(lambda v: "sgd")
    with pytest.raises(ValueError, match="not an Optimizer"):
        bad.build([variable])
    with pytest.raises(ValueError, match="one-to-one"):
        multi.apply([np.ones(2, "float32")] * 2, [variable])


def test_loss_scale_factor_reaches_every_sub_optimizer():
    adam, sgd = OPTIMIZERS.Adam(), OPTIMIZERS.SGD()
    multi = OPTIMIZERS.MultiOptimizer(OPTIMIZERS.OptimizerMap(sgd, {"x": adam}), loss_scale_factor=4.0)
    assert adam.loss_scale_factor == sgd.loss_scale_factor == 4.0
    multi.loss_scale_factor = None
    assert adam.loss_scale_factor is None and sgd.loss_scale_factor is None
