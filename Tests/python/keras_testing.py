"""run_layer_test: the checks every Keras layer must pass (shapes, weights, config round
trip, a training step), in the spirit of Keras's own layer test helper."""
import numpy as np

from swiftdl import keras


def run_layer_test(layer_cls, init_kwargs, input_shape, input_dtype="float32", expected_output_shape=None,
                   expected_num_trainable_weights=None, expected_num_non_trainable_weights=0, run_training=True,
                   input_data=None):
    """Builds and calls the layer on random data and checks what Keras's contract promises.

    Returns the layer's output (numpy) for further checks.
    """
    rng = np.random.default_rng(0)
    if input_data is None:
        if np.dtype(input_dtype).kind in "iu":
            input_data = rng.integers(0, 5, size=input_shape).astype(input_dtype)
        else:
            input_data = rng.standard_normal(input_shape).astype(input_dtype)

    layer = layer_cls(**init_kwargs)
    output = layer(input_data)
    first = output[0] if isinstance(output, (list, tuple)) else output
    assert layer.built
    shape = layer.compute_output_shape(tuple(input_shape))
    actual = [tuple(o.shape) for o in output] if isinstance(output, (list, tuple)) else tuple(first.shape)
    expected_shape = shape if not isinstance(shape, list) else [tuple(s) for s in shape]
    assert actual == expected_shape, f"compute_output_shape {shape} vs actual {actual}"
    if expected_output_shape is not None:
        assert actual == expected_output_shape
    if expected_num_trainable_weights is not None:
        assert len(layer.trainable_weights) == expected_num_trainable_weights
    assert len(layer.non_trainable_weights) == expected_num_non_trainable_weights

    # The config round-trips, and the rebuilt layer computes the same thing with the same weights.
    config = layer.get_config()
    clone = layer_cls.from_config({k: v for k, v in config.items() if k != "name"})
    clone(input_data)
    clone.set_weights(layer.get_weights())
    again = clone(input_data)
    again_first = again[0] if isinstance(again, (list, tuple)) else again
    np.testing.assert_allclose(np.asarray(again_first), np.asarray(first), rtol=1e-5, atol=1e-6)
    for key in config:
        if key != "name":
            assert clone.get_config()[key] == config[key], key

    # Symbolic call gives the same output shape.
    symbolic = layer_cls(**init_kwargs)(keras.Input(batch_shape=(None,) + tuple(input_shape[1:]), dtype=input_dtype))
    symbolic_first = symbolic[0] if isinstance(symbolic, (list, tuple)) else symbolic
    assert symbolic_first.shape[1:] == tuple(first.shape)[1:]

    if run_training and layer.trainable_weights and not isinstance(output, (list, tuple)):
        inputs = keras.Input(batch_shape=(None,) + tuple(input_shape[1:]), dtype=input_dtype)
        trained_layer = layer_cls(**init_kwargs)
        model = keras.Model(inputs, trained_layer(inputs))
        model.compile(optimizer="sgd", loss="mse")
        target = np.zeros(tuple(first.shape), dtype="float32")
        before = [w.copy() for w in model.get_weights()]
        model.fit(input_data, target, epochs=1, batch_size=len(input_data), verbose=0)
        after = model.get_weights()
        assert any(not np.allclose(b, a) for b, a in zip(before, after)), "a training step changed no weight"
    return np.asarray(first)


def randomize_batch_norm_statistics(model, rng):
    """Gives the model's batch norms gamma, beta and moving statistics far from the identity
    (drawn from `rng`), so that a wrong fold of them into a convolution shows."""
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            channels = layer.moving_mean.shape[0]
            layer.set_weights([rng.uniform(0.5, 2.0, channels).astype("float32"),
                               rng.normal(size=channels).astype("float32"),
                               rng.normal(size=channels).astype("float32"),
                               rng.uniform(0.2, 3.0, channels).astype("float32")])
