"""keras.layers.ReversibleEmbedding against real Keras 3 (fixtures/keras_reversible_embedding/):
embeddings and reverse logits for given weights (tied, untied with a soft cap, mask_zero),
configs, a Keras-written `.keras` model that uses one layer both ways; symbolic shapes,
gradients through both directions, bad input."""
import json
import os

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "keras_reversible_embedding")
KERAS = np.load(os.path.join(FIXTURES, "reversible_embedding.npz"))
with open(os.path.join(FIXTURES, "reversible_embedding.json")) as _file:
    CASES = json.load(_file)


@pytest.mark.parametrize("name", sorted(CASES))
def test_forward_and_reverse_match_keras(name):
    case = CASES[name]
    layer = keras.layers.ReversibleEmbedding(**case["arguments"])
    ids = KERAS[f"{name}/ids"]
    layer(ids)
    assert len(layer.get_weights()) == case["weights"]
    layer.set_weights([KERAS[f"{name}/weight{i}"] for i in range(case["weights"])])
    np.testing.assert_allclose(np.asarray(layer(ids)), KERAS[f"{name}/embedded"], rtol=1e-6)
    np.testing.assert_allclose(np.asarray(layer(KERAS[f"{name}/hidden"], reverse=True)), KERAS[f"{name}/logits"],
                               rtol=1e-5, atol=1e-6)
    if f"{name}/mask" in KERAS:
        np.testing.assert_array_equal(np.asarray(layer.compute_mask(ids)), KERAS[f"{name}/mask"])
    config = layer.get_config()
    expected = {k: v for k, v in case["config"].items() if k not in ("name", "dtype", "embeddings_initializer")}
    assert {k: config[k] for k in expected} == expected


def test_a_keras_written_model_loads_and_predicts_the_same(tmp_path):
    model = keras.saving.load_model(os.path.join(FIXTURES, "reversible_model.keras"))
    np.testing.assert_allclose(model.predict(KERAS["model/x"], verbose=0), KERAS["model/y"], rtol=1e-5, atol=1e-6)
    path = str(tmp_path / "again.keras")
    model.save(path)
    np.testing.assert_allclose(keras.saving.load_model(path).predict(KERAS["model/x"], verbose=0), KERAS["model/y"],
                               rtol=1e-5, atol=1e-6)


def test_symbolic_shapes_and_gradients_through_both_directions():
    layer = keras.layers.ReversibleEmbedding(10, 4, tie_weights=False)
    tokens = keras.Input((5,), dtype="int32")
    hidden = layer(tokens)
    logits = layer(hidden, reverse=True)
    assert hidden.shape == (None, 5, 4) and logits.shape == (None, 5, 10)
    model = keras.Model(tokens, logits)
    ids = np.random.default_rng(0).integers(0, 10, (4, 5))
    with sd.GradientTape() as tape:
        loss = sd.reduce_mean(keras.losses.sparse_categorical_crossentropy(ids, model(ids), from_logits=True))
    gradients = tape.gradient(loss, layer.trainable_weights)
    assert [w.name for w in layer.trainable_weights] == ["embeddings", "reverse_embeddings"]
    assert all(g is not None and np.abs(np.asarray(g)).sum() > 0 for g in gradients)


def test_bad_input():
    layer = keras.layers.ReversibleEmbedding(10, 4)
    layer(np.array([[1, 2]]))
    with pytest.raises(ValueError, match="output_dim=4"):
        layer(np.zeros((2, 3), np.float32), reverse=True)
    with pytest.raises(ValueError, match="out of range"):
        layer(np.array([[10]]))
    with pytest.raises(ValueError, match="logit_soft_cap"):
        keras.layers.ReversibleEmbedding(10, 4, logit_soft_cap=-1.0)
