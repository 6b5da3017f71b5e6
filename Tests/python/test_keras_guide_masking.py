"""keras.io's guide "Understanding masking & padding" (Keras 3 version), its code run as
written with the imports changed; the prints became assertions."""
import numpy as np

from swiftdl import keras
from swiftdl.keras import layers, ops

raw_inputs = [
    [711, 632, 71],
    [73, 8, 3215, 55, 927],
    [83, 91, 1, 645, 1253, 927],
]


def test_mask_generating_layers():
    padded_inputs = keras.utils.pad_sequences(raw_inputs, padding="post")
    assert padded_inputs.tolist()[0] == [711, 632, 71, 0, 0, 0]

    embedding = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)
    masked_output = embedding(padded_inputs)
    np.testing.assert_array_equal(np.asarray(masked_output._keras_mask), padded_inputs != 0)

    masking_layer = layers.Masking()
    unmasked_embedding = ops.cast(ops.tile(ops.expand_dims(padded_inputs, axis=-1), [1, 1, 10]), dtype="float32")
    masked_embedding = masking_layer(unmasked_embedding)
    np.testing.assert_array_equal(np.asarray(masked_embedding._keras_mask), padded_inputs != 0)

    model = keras.Sequential([layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True), layers.LSTM(32)])
    assert model(padded_inputs).shape == (3, 32)
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)(inputs)
    outputs = layers.LSTM(32)(x)
    model = keras.Model(inputs, outputs)
    assert model(padded_inputs).shape == (3, 32)

    class TemporalSplit(keras.layers.Layer):
        """Split the input tensor into 2 tensors along the time dimension."""

        def call(self, inputs):
            return ops.split(inputs, 2, axis=1)

        def compute_mask(self, inputs, mask=None):
            if mask is None:
                return None
            return ops.split(mask, 2, axis=1)

    first_half, second_half = TemporalSplit()(masked_embedding)
    np.testing.assert_array_equal(np.asarray(first_half._keras_mask), (padded_inputs != 0)[:, :3])
    np.testing.assert_array_equal(np.asarray(second_half._keras_mask), (padded_inputs != 0)[:, 3:])


def test_masks_passed_directly_and_custom_mask_layers():
    class MyLayer(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.embedding = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)
            self.lstm = layers.LSTM(32)

        def call(self, inputs):
            x = self.embedding(inputs)
            mask = self.embedding.compute_mask(inputs)
            output = self.lstm(x, mask=mask)
            return output

    layer = MyLayer()
    x = np.random.random((32, 10)) * 100
    x = x.astype("int32")
    assert layer(x).shape == (32, 32)

    class CustomEmbedding(keras.layers.Layer):
        def __init__(self, input_dim, output_dim, mask_zero=False, **kwargs):
            super().__init__(**kwargs)
            self.input_dim = input_dim
            self.output_dim = output_dim
            self.mask_zero = mask_zero

        def build(self, input_shape):
            self.embeddings = self.add_weight(shape=(self.input_dim, self.output_dim), initializer="random_normal",
                                              dtype="float32")

        def call(self, inputs):
            inputs = ops.cast(inputs, "int32")
            return ops.take(self.embeddings, inputs)

        def compute_mask(self, inputs, mask=None):
            if not self.mask_zero:
                return None
            return ops.not_equal(inputs, 0)

    layer = CustomEmbedding(10, 32, mask_zero=True)
    x = np.random.random((3, 10)) * 9
    x = x.astype("int32")
    y = layer(x)
    mask = layer.compute_mask(x)
    assert y.shape == (3, 10)  # ops.take flattens without an axis, in Keras too
    np.testing.assert_array_equal(np.asarray(mask), x != 0)


def test_mask_propagation_and_consumption_in_functional_models():
    class MyActivation(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

        def call(self, inputs):
            return ops.relu(inputs)

    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)(inputs)
    x = MyActivation()(x)
    assert x._keras_mask is not None  # the guide prints "Mask found:"
    outputs = layers.LSTM(32)(x)
    model = keras.Model(inputs, outputs)
    y = model(np.random.randint(0, 5000, size=(32, 100)))
    assert y.shape == (32, 32)

    class TemporalSoftmax(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

        def call(self, inputs, mask=None):
            assert mask is not None
            broadcast_float_mask = ops.expand_dims(ops.cast(mask, "float32"), -1)
            inputs_exp = ops.exp(inputs) * broadcast_float_mask
            inputs_sum = ops.sum(inputs_exp * broadcast_float_mask, axis=-1, keepdims=True)
            return inputs_exp / inputs_sum

    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=10, output_dim=32, mask_zero=True)(inputs)
    x = layers.Dense(1)(x)
    outputs = TemporalSoftmax()(x)
    model = keras.Model(inputs, outputs)
    ids = np.random.randint(0, 10, size=(32, 100))
    y = np.asarray(model(ids))
    assert y.shape == (32, 100, 1)
    # The guide sums over the last axis, of size 1: unmasked steps give exactly 1, masked
    # ones 0 / 0. That shows the Embedding's mask reached the layer through Dense.
    np.testing.assert_array_equal(np.isnan(y[..., 0]), ids == 0)
    assert (y[ids != 0] == 1).all()
