"""keras.layers.GroupQueryAttention against real Keras 3 (fixtures/keras_gqa/): outputs and
attention scores for given weights over head groupings, bias, gate, masks (attention,
causal, sliding window), separate keys and a longer value; a `.keras` file written by Keras
loads and predicts the same; configs round-trip; gradients reach every weight; bad
arguments raise Keras's errors."""
import json
import os

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "keras_gqa")
KERAS = np.load(os.path.join(FIXTURES, "gqa.npz"))
with open(os.path.join(FIXTURES, "gqa.json")) as _file:
    CASES = json.load(_file)


def _call_arguments(name, case):
    arguments = {"use_causal_mask": case["call"].get("use_causal_mask", False)}
    if f"{name}/key" in KERAS:
        arguments["key"] = KERAS[f"{name}/key"]
    if f"{name}/attention_mask" in KERAS:
        arguments["attention_mask"] = KERAS[f"{name}/attention_mask"]
    return arguments


@pytest.mark.parametrize("name", sorted(CASES))
def test_outputs_and_scores_match_keras(name):
    case = CASES[name]
    layer = keras.layers.GroupQueryAttention(**case["layer"])
    query, value = KERAS[f"{name}/query"], KERAS[f"{name}/value"]
    arguments = _call_arguments(name, case)
    layer(query, value, **arguments)
    assert [list(w.shape) for w in layer.get_weights()] == case["weight_shapes"]
    layer.set_weights([KERAS[f"{name}/weight{i}"] for i in range(case["weights"])])
    output, scores = layer(query, value, return_attention_scores=True, **arguments)
    np.testing.assert_allclose(np.asarray(output), KERAS[f"{name}/output"], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np.asarray(scores), KERAS[f"{name}/scores"], rtol=1e-4, atol=1e-6)
    # Without the scores the layer takes the fused attention op: the same output.
    np.testing.assert_allclose(np.asarray(layer(query, value, **arguments)), KERAS[f"{name}/output"], rtol=1e-4,
                               atol=1e-5)
    expected_config = {k: v for k, v in case["config"].items() if k not in ("name", "dtype", "kernel_initializer")}
    config = layer.get_config()
    assert {k: config[k] for k in expected_config} == expected_config
    assert config["kernel_initializer"]["class_name"] == "GlorotUniform"


def test_a_keras_file_written_by_keras_loads_and_predicts_the_same(tmp_path):
    model = keras.saving.load_model(os.path.join(FIXTURES, "gqa_model.keras"))
    layer = model.layers[1]
    assert type(layer).__name__ == "GroupedQueryAttention" and layer.name == "grouped_query_attention"
    np.testing.assert_allclose(model.predict(KERAS["model/x"], verbose=0), KERAS["model/y"], rtol=1e-4, atol=1e-5)
    # Saved again by swiftdl, it names the class as Keras does and loads back the same.
    path = str(tmp_path / "again.keras")
    model.save(path)
    again = keras.saving.load_model(path)
    np.testing.assert_allclose(again.predict(KERAS["model/x"], verbose=0), KERAS["model/y"], rtol=1e-4, atol=1e-5)
    assert keras.layers.serialize(again.layers[1])["class_name"] == "GroupQueryAttention"


def test_gradients_reach_every_weight_and_a_model_trains():
    keras.utils.set_random_seed(0)
    inputs = keras.Input((6, 8))
    attended = keras.layers.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2, use_gate=True,
                                                dropout=0.1)(inputs, inputs)
    model = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.GlobalAveragePooling1D()(attended)))
    model.compile("adam", "mse")
    x = np.random.default_rng(0).standard_normal((16, 6, 8)).astype(np.float32)
    y = x.sum(axis=(1, 2))[:, None]
    layer = model.layers[1]
    with sd.GradientTape() as tape:
        loss = sd.reduce_mean((model(x, training=True) - y) ** 2)
    gradients = tape.gradient(loss, layer.trainable_weights)
    assert len(gradients) == 10 and all(g is not None and np.abs(np.asarray(g)).sum() > 0 for g in gradients)
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=20, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before


def test_equals_multi_head_attention_when_every_query_head_has_its_own_key_head():
    """With num_key_value_heads == num_query_heads the layer is MultiHeadAttention."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 5, 6)).astype(np.float32)
    grouped = keras.layers.GroupQueryAttention(head_dim=3, num_query_heads=2, num_key_value_heads=2)
    multi = keras.layers.MultiHeadAttention(num_heads=2, key_dim=3)
    grouped(x, x)
    multi(x, x)
    multi.set_weights(grouped.get_weights())
    np.testing.assert_allclose(np.asarray(grouped(x, x)), np.asarray(multi(x, x)), rtol=1e-5, atol=1e-6)


def test_symbolic_calls_and_bad_arguments():
    inputs = keras.Input((5, 6))
    out = keras.layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1)(inputs, inputs)
    assert out.shape == (None, 5, 6)
    with pytest.raises(ValueError, match="divisible"):
        keras.layers.GroupQueryAttention(head_dim=2, num_query_heads=3, num_key_value_heads=2)
    with pytest.raises(ValueError, match="sliding_window"):
        keras.layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1, sliding_window=0)
    with pytest.raises(ValueError, match="head_dim"):
        keras.layers.GroupQueryAttention(head_dim=-1, num_query_heads=2, num_key_value_heads=1)
    with pytest.raises(ValueError, match="flash attention"):
        keras.layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1, dropout=0.5,
                                         flash_attention=True)
    layer = keras.layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1)
    with pytest.raises(ValueError, match="rank 3"):
        layer(np.zeros((2, 6), np.float32), np.zeros((2, 6), np.float32))
    with pytest.raises(ValueError, match="must be called with a `value`"):
        layer(np.zeros((2, 3, 6), np.float32))
