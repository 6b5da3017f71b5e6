"""LoRA in Dense, Conv and Embedding beyond the numbers (test_keras_layer_arguments.py checks
those against Keras): training moves only the factors, weight files hold the merged weight
as Keras's do, and enable_lora's refusals."""
import os

import numpy as np
import pytest

from swiftdl import keras


def _model(lora_rank):
    inputs = keras.Input((4,))
    outputs = keras.layers.Dense(2, lora_rank=lora_rank, name="dense")(inputs)
    return keras.Model(inputs, outputs)


def test_training_moves_only_the_factors_and_bias():
    model = _model(2)
    dense = model.get_layer("dense")
    kernel = dense.kernel.numpy().copy()
    assert [w.name for w in dense.trainable_weights] == ["bias", "lora_kernel_a", "lora_kernel_b"]
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.random.default_rng(0).normal(size=(8, 4)), np.ones((8, 2))
    model.fit(x.astype("float32"), y.astype("float32"), epochs=2, verbose=0)
    np.testing.assert_array_equal(dense.kernel.numpy(), kernel)
    assert np.any(dense.lora_kernel_b.numpy() != 0)


def test_weight_files_hold_the_merged_kernel(tmp_path):
    model = _model(2)
    dense = model.get_layer("dense")
    rng = np.random.default_rng(1)
    dense.set_weights([rng.normal(size=w.shape).astype("float32") for w in dense.weights])
    x = rng.normal(size=(3, 4)).astype("float32")
    expected = np.asarray(model(x))
    path = os.path.join(tmp_path, "lora.weights.h5")
    model.save_weights(path)
    plain = _model(None)  # Keras's file: kernel (merged) and bias only
    plain.load_weights(path)
    np.testing.assert_allclose(np.asarray(plain(x)), expected, rtol=1e-5, atol=1e-6)
    again = _model(2)
    again.load_weights(path)
    np.testing.assert_allclose(np.asarray(again(x)), expected, rtol=1e-5, atol=1e-6)
    assert not np.any(again.get_layer("dense").lora_kernel_a.numpy())


def test_enable_lora_refusals_and_late_enabling():
    with pytest.raises(ValueError, match="isn't yet built"):
        keras.layers.Dense(2).enable_lora(2)
    layer = keras.layers.Dense(2, kernel_constraint="non_neg")
    layer.build((1, 3))
    with pytest.raises(ValueError, match="kernel_constraint"):
        layer.enable_lora(2)
    layer = keras.layers.Conv1D(2, 3)
    layer.build((1, 5, 3))
    layer.enable_lora(1, lora_alpha=4)
    assert layer.get_config()["lora_rank"] == 1 and layer.get_config()["lora_alpha"] == 4
    with pytest.raises(ValueError, match="already enabled"):
        layer.enable_lora(1)
    with pytest.raises(ValueError, match="lora_rank"):
        keras.layers.Dense(2, lora_rank=0)
    with pytest.raises(ValueError, match="lora_rank"):
        keras.layers.Conv2DTranspose(2, 3, lora_rank=2)
