"""keras.ops and Python operators on KerasTensors build graph nodes, as in Keras 3: the
model runs them, summary() lists them, and .keras files hold them in Keras's form (the
keras_ops / swiftdl_ops fixtures check both directions against real Keras)."""
import inspect
import json

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras import layers, ops
from swiftdl.keras.symbolic.op_table import OPERATIONS
from swiftdl.keras.symbolic.table_operations import ops_function

RNG = np.random.default_rng(0)


def test_every_implemented_op_takes_the_arguments_keras_saves():
    """Each keras.ops function swiftdl has accepts every argument of Keras's operation class
    (constructor and call), so a node binds and saves exactly as Keras's does."""
    checked = 0
    for class_name, (_, function_name, init, call) in OPERATIONS.items():
        if function_name is None:
            continue
        try:
            function = ops_function(function_name)
        except NotImplementedError:
            continue
        parameters = inspect.signature(function).parameters
        lacking = [p.rstrip("*") for p in init + call if p.rstrip("*") not in parameters]
        assert not lacking, f"keras.ops.{function_name} lacks {lacking} of Keras's {class_name}"
        checked += 1
    assert checked > 250


def test_operators_and_ops_between_layers_run_and_differentiate():
    tokens = keras.Input((5,), dtype="int32")
    x = layers.Embedding(10, 4)(tokens)
    pos = layers.Embedding(5, 4)(ops.arange(5))  # a constant, as in keras.io's transformer
    x = x + pos
    pooled = ops.mean(x, axis=1)
    scaled = 2.0 * pooled - ops.max(x, axis=1) / 3.0
    out = layers.Dense(1)(ops.concatenate([scaled, -pooled[:, :2]], axis=-1))
    model = keras.Model(tokens, out)
    kinds = {type(o).__name__ for o in model.operations}
    assert {"Add", "Mean", "Max", "Multiply", "TrueDivide", "Subtract", "Negative", "GetItem", "Concatenate"} <= kinds
    assert all(not isinstance(layer, keras.Operation) for layer in model.layers)

    ids = RNG.integers(0, 10, (8, 5))
    embedded = model.layers[1].get_weights()[0][ids] + np.asarray(pos)
    mean = embedded.mean(axis=1)
    features = np.concatenate([2 * mean - embedded.max(axis=1) / 3, -mean[:, :2]], axis=-1)
    kernel, bias = model.layers[-1].get_weights()
    np.testing.assert_allclose(model.predict(ids, verbose=0), features @ kernel + bias, rtol=1e-5, atol=1e-6)

    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    targets = RNG.standard_normal((64, 1)).astype(np.float32)
    history = model.fit(RNG.integers(0, 10, (64, 5)), targets, epochs=15, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_saved_configs_hold_keras_operation_entries(tmp_path):
    keras.backend.clear_session()  # the op's auto-name ("reshape") counts per session
    x = keras.Input((3,))
    y = ops.reshape(x * np.float32(2), (-1, 3, 1))[:, 1:]
    model = keras.Model(x, ops.sum(y, axis=(1, 2), keepdims=True))
    entries = {e["class_name"]: e for e in json.loads(json.dumps(model.get_config()))["layers"]}
    assert entries["Reshape"] == {"module": "keras.src.ops.numpy", "class_name": "Reshape",
                                  "config": {"name": "reshape", "newshape": [-1, 3, 1]}, "registered_name": "Reshape",
                                  "name": "reshape", "inbound_nodes": entries["Reshape"]["inbound_nodes"]}
    key = entries["GetItem"]["inbound_nodes"][0]["args"][1]
    assert key == [{"class_name": "__slice__", "config": {"start": None, "stop": None, "step": None}},
                   {"class_name": "__slice__", "config": {"start": 1, "stop": None, "step": None}}]
    path = tmp_path / "ops.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    data = RNG.standard_normal((4, 3)).astype(np.float32)
    np.testing.assert_allclose(loaded.predict(data, verbose=0), (2 * data[:, 1:]).sum(axis=1)[:, None, None], rtol=1e-6)


def test_ops_on_tensors_still_compute_and_bad_uses_fail_clearly():
    assert isinstance(ops.add(np.ones(2), 1.0), sd.Tensor)
    with pytest.raises(NotImplementedError, match="not implemented"):
        ops_function("image.no_such_op")
    with pytest.raises(TypeError):
        np.asarray(keras.Input((2,)))


def test_a_function_runs_the_graph_between_keras_tensors():
    x = keras.Input((3,))
    dense = layers.Dense(2)
    function = keras.Function(x, [ops.mean(x * 2.0, axis=-1), dense(x)])
    data = RNG.standard_normal((4, 3)).astype(np.float32)
    mean, projected = function(data)
    np.testing.assert_allclose(np.asarray(mean), (2 * data).mean(axis=-1), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(np.asarray(projected), np.asarray(dense(data)), rtol=1e-6)
    assert dense in function.operations
    with pytest.raises(ValueError, match="expects 1 input"):
        function([data, data])
