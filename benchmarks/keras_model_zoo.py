"""The model families of benchmarks/keras_models.py, written once as keras.io writes them and
built with whichever Keras is passed in (swiftdl's or TensorFlow's), with synthetic data.

Each builder takes (keras, samples) and returns (model, x, y, compile arguments). The inputs
are what keras.io's examples feed these models: CIFAR-size images for the ResNet, 96×96 for
the MobileNetV2, token ids for the text models, MNIST-size images for the autoencoder.
"""
import numpy as np


def _rng():
    return np.random.default_rng(0)


def resnet_cifar(keras, samples):
    """A ResNet-style CNN: BatchNorm, padding="same", stride-2 convolutions, residual adds."""
    layers = keras.layers

    def block(x, filters, stride):
        shortcut = x
        x = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        if stride != 1 or shortcut.shape[-1] != filters:
            shortcut = layers.Conv2D(filters, 1, strides=stride, use_bias=False)(shortcut)
            shortcut = layers.BatchNormalization()(shortcut)
        return layers.Activation("relu")(layers.Add()([x, shortcut]))

    inputs = keras.Input((32, 32, 3))
    x = layers.Conv2D(32, 3, padding="same", use_bias=False)(inputs)
    x = layers.Activation("relu")(layers.BatchNormalization()(x))
    for filters, stride in ((32, 1), (64, 2), (128, 2)):
        x = block(x, filters, stride)
    outputs = layers.Dense(10, activation="softmax")(layers.GlobalAveragePooling2D()(x))
    x_data = _rng().random((samples, 32, 32, 3), dtype=np.float32)
    y_data = _rng().integers(0, 10, samples)
    return keras.Model(inputs, outputs), x_data, y_data, dict(optimizer="adam", loss="sparse_categorical_crossentropy")


def mobilenet_v2(keras, samples):
    """A MobileNetV2-style CNN at 96×96: inverted residuals (1×1 expand, 3×3 depthwise, 1×1
    project) with ReLU6 and BatchNorm."""
    layers = keras.layers

    def inverted_residual(x, expansion, filters, stride):
        channels = x.shape[-1]
        y = layers.Conv2D(channels * expansion, 1, use_bias=False)(x)
        y = layers.ReLU(6.0)(layers.BatchNormalization()(y))
        y = layers.DepthwiseConv2D(3, strides=stride, padding="same", use_bias=False)(y)
        y = layers.ReLU(6.0)(layers.BatchNormalization()(y))
        y = layers.BatchNormalization()(layers.Conv2D(filters, 1, use_bias=False)(y))
        return layers.Add()([x, y]) if stride == 1 and channels == filters else y

    inputs = keras.Input((96, 96, 3))
    x = layers.Conv2D(16, 3, strides=2, padding="same", use_bias=False)(inputs)
    x = layers.ReLU(6.0)(layers.BatchNormalization()(x))
    for expansion, filters, stride in ((1, 16, 1), (6, 24, 2), (6, 24, 1), (6, 32, 2), (6, 32, 1), (6, 64, 2)):
        x = inverted_residual(x, expansion, filters, stride)
    x = layers.ReLU(6.0)(layers.BatchNormalization()(layers.Conv2D(256, 1, use_bias=False)(x)))
    outputs = layers.Dense(10, activation="softmax")(layers.GlobalAveragePooling2D()(x))
    x_data = _rng().random((samples, 96, 96, 3), dtype=np.float32)
    y_data = _rng().integers(0, 10, samples)
    return keras.Model(inputs, outputs), x_data, y_data, dict(optimizer="adam", loss="sparse_categorical_crossentropy")


def _token_ids(samples, length, vocabulary, padded=False):
    ids = _rng().integers(1, vocabulary, (samples, length)).astype("int32")
    if padded:  # sequences of random lengths, zero-padded at the end (for mask_zero)
        lengths = _rng().integers(length // 4, length + 1, samples)
        ids[np.arange(length)[None, :] >= lengths[:, None]] = 0
    return ids


def bidirectional_lstm(keras, samples):
    """keras.io's bidirectional LSTM text classifier: two stacked Bidirectional(LSTM(64))."""
    layers = keras.layers
    inputs = keras.Input((None,), dtype="int32")
    x = layers.Embedding(20000, 128)(inputs)
    x = layers.Bidirectional(layers.LSTM(64, return_sequences=True))(x)
    x = layers.Bidirectional(layers.LSTM(64))(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    y = _rng().integers(0, 2, samples).astype("float32")
    return keras.Model(inputs, outputs), _token_ids(samples, 200, 20000), y, dict(optimizer="adam",
                                                                                    loss="binary_crossentropy")


def gru_masked(keras, samples):
    """A GRU text classifier over zero-padded sequences (mask_zero=True) with dropout."""
    layers = keras.layers
    model = keras.Sequential([keras.Input((200,), dtype="int32"), layers.Embedding(10000, 64, mask_zero=True),
                              layers.GRU(64, dropout=0.2), layers.Dense(1, activation="sigmoid")])
    y = _rng().integers(0, 2, samples).astype("float32")
    return model, _token_ids(samples, 200, 10000, padded=True), y, dict(optimizer="adam", loss="binary_crossentropy")


def text_cnn(keras, samples):
    """keras.io's 1-D convolutional text classifier (text_classification_from_scratch), length 400."""
    layers = keras.layers
    inputs = keras.Input((None,), dtype="int64")
    x = layers.Embedding(20000, 128)(inputs)
    x = layers.Dropout(0.5)(x)
    x = layers.Conv1D(128, 7, padding="valid", activation="relu", strides=3)(x)
    x = layers.Conv1D(128, 7, padding="valid", activation="relu", strides=3)(x)
    x = layers.GlobalMaxPooling1D()(x)
    x = layers.Dropout(0.5)(layers.Dense(128, activation="relu")(x))
    outputs = layers.Dense(1, activation="sigmoid")(x)
    y = _rng().integers(0, 2, samples).astype("float32")
    return keras.Model(inputs, outputs), _token_ids(samples, 400, 20000).astype("int64"), y, dict(
        optimizer="adam", loss="binary_crossentropy")


def transformer(keras, samples):
    """keras.io's transformer text classifier: token and position embeddings, one encoder
    block (MultiHeadAttention, LayerNormalization, a feed-forward pair), pooled."""
    layers, ops = keras.layers, keras.ops
    length, vocabulary, width = 200, 20000, 32

    class TokenAndPositionEmbedding(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.token_embedding = layers.Embedding(vocabulary, width)
            self.position_embedding = layers.Embedding(length, width)

        def call(self, x):
            positions = ops.arange(0, ops.shape(x)[-1], 1)
            return self.token_embedding(x) + self.position_embedding(positions)

    class TransformerBlock(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.attention = layers.MultiHeadAttention(num_heads=2, key_dim=width)
            self.feed_forward = keras.Sequential([layers.Dense(32, activation="relu"), layers.Dense(width)])
            self.norm1 = layers.LayerNormalization(epsilon=1e-6)
            self.norm2 = layers.LayerNormalization(epsilon=1e-6)
            self.dropout1 = layers.Dropout(0.1)
            self.dropout2 = layers.Dropout(0.1)

        def call(self, inputs, training=None):
            attended = self.dropout1(self.attention(inputs, inputs), training=training)
            x = self.norm1(inputs + attended)
            return self.norm2(x + self.dropout2(self.feed_forward(x), training=training))

    inputs = keras.Input((length,), dtype="int32")
    x = TransformerBlock()(TokenAndPositionEmbedding()(inputs))
    x = layers.Dropout(0.1)(layers.GlobalAveragePooling1D()(x))
    x = layers.Dropout(0.1)(layers.Dense(20, activation="relu")(x))
    outputs = layers.Dense(2, activation="softmax")(x)
    y = _rng().integers(0, 2, samples)
    return keras.Model(inputs, outputs), _token_ids(samples, length, vocabulary), y, dict(
        optimizer="adam", loss="sparse_categorical_crossentropy")


def transformer_ops(keras, samples):
    """The transformer classifier with its attention written in keras.ops, as a custom layer
    does it (keras.io's guide on writing layers): query/key/value projections, heads split
    with reshape and transpose, softmax(QK^T / sqrt(d)) V with matmul. Issue 12 asks that
    ops in user code not make a model slower than the same model from layers."""
    layers, ops = keras.layers, keras.ops
    length, vocabulary, width, heads = 200, 20000, 32, 2

    class OpsSelfAttention(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.query, self.key, self.value = (layers.Dense(heads * width) for _ in range(3))
            self.output_projection = layers.Dense(width)

        def split_heads(self, x):
            x = ops.reshape(x, (-1, length, heads, width))
            return ops.transpose(x, (0, 2, 1, 3))

        def call(self, x):
            query, key, value = (self.split_heads(f(x)) for f in (self.query, self.key, self.value))
            scores = ops.matmul(query, ops.transpose(key, (0, 1, 3, 2))) / ops.sqrt(float(width))
            attended = ops.matmul(ops.softmax(scores, axis=-1), value)
            merged = ops.reshape(ops.transpose(attended, (0, 2, 1, 3)), (-1, length, heads * width))
            return self.output_projection(merged)

    class TokenAndPositionEmbedding(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.token_embedding = layers.Embedding(vocabulary, width)
            self.position_embedding = layers.Embedding(length, width)

        def call(self, x):
            return self.token_embedding(x) + self.position_embedding(ops.arange(0, length, 1))

    inputs = keras.Input((length,), dtype="int32")
    x = TokenAndPositionEmbedding()(inputs)
    x = layers.LayerNormalization(epsilon=1e-6)(x + layers.Dropout(0.1)(OpsSelfAttention()(x)))
    feed_forward = layers.Dense(width)(layers.Dense(32, activation="relu")(x))
    x = layers.LayerNormalization(epsilon=1e-6)(x + layers.Dropout(0.1)(feed_forward))
    x = layers.Dropout(0.1)(layers.GlobalAveragePooling1D()(x))
    x = layers.Dropout(0.1)(layers.Dense(20, activation="relu")(x))
    outputs = layers.Dense(2, activation="softmax")(x)
    y = _rng().integers(0, 2, samples)
    return keras.Model(inputs, outputs), _token_ids(samples, length, vocabulary), y, dict(
        optimizer="adam", loss="sparse_categorical_crossentropy")


def conv_autoencoder(keras, samples):
    """keras.io's convolutional denoising autoencoder: two Conv2D + MaxPooling2D, two
    Conv2DTranspose with stride 2, a sigmoid Conv2D."""
    layers = keras.layers
    inputs = keras.Input((28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu", padding="same")(inputs)
    x = layers.MaxPooling2D(2, padding="same")(x)
    x = layers.Conv2D(32, 3, activation="relu", padding="same")(x)
    x = layers.MaxPooling2D(2, padding="same")(x)
    x = layers.Conv2DTranspose(32, 3, strides=2, activation="relu", padding="same")(x)
    x = layers.Conv2DTranspose(32, 3, strides=2, activation="relu", padding="same")(x)
    outputs = layers.Conv2D(1, 3, activation="sigmoid", padding="same")(x)
    images = _rng().random((samples, 28, 28, 1), dtype=np.float32)
    return keras.Model(inputs, outputs), images, images, dict(optimizer="adam", loss="binary_crossentropy")


def mlp(keras, samples):
    """An MLP 784-512-256-10 on flattened MNIST-size inputs."""
    layers = keras.layers
    model = keras.Sequential([keras.Input((784,)), layers.Dense(512, activation="relu"),
                              layers.Dense(256, activation="relu"), layers.Dense(10, activation="softmax")])
    x = _rng().random((samples, 784), dtype=np.float32)
    return model, x, _rng().integers(0, 10, samples), dict(optimizer="adam", loss="sparse_categorical_crossentropy")


def document_cnn(keras, samples):
    """The source document's CNN (Conv32-Pool-Conv64-Pool-Conv64-Dense64-Dense10)."""
    layers = keras.layers
    model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(32, (3, 3), activation="relu"),
                              layers.MaxPooling2D((2, 2)), layers.Conv2D(64, (3, 3), activation="relu"),
                              layers.MaxPooling2D((2, 2)), layers.Conv2D(64, (3, 3), activation="relu"),
                              layers.Flatten(), layers.Dense(64, activation="relu"),
                              layers.Dense(10, activation="softmax")])
    x = _rng().random((samples, 28, 28, 1), dtype=np.float32)
    return model, x, _rng().integers(0, 10, samples), dict(optimizer="adam", loss="sparse_categorical_crossentropy")


def document_lstm(keras, samples):
    """The source document's text classifier: Embedding(10000, 64), LSTM(64), Dense(64), Dense(10)."""
    layers = keras.layers
    model = keras.Sequential([keras.Input((200,), dtype="int32"), layers.Embedding(10000, 64), layers.LSTM(64),
                              layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
    return model, _token_ids(samples, 200, 10000), _rng().integers(0, 10, samples), dict(
        optimizer="adam", loss="sparse_categorical_crossentropy")


# name: (builder, training samples per timed epoch)
MODELS = {
    "resnet": (resnet_cifar, 1024),
    "mobilenet_v2": (mobilenet_v2, 256),
    "bilstm": (bidirectional_lstm, 512),
    "gru_masked": (gru_masked, 1024),
    "text_cnn": (text_cnn, 2048),
    "transformer": (transformer, 1024),
    "transformer_ops": (transformer_ops, 1024),
    "conv_autoencoder": (conv_autoencoder, 1024),
    "mlp": (mlp, 8192),
    "doc_cnn": (document_cnn, 4096),
    "doc_lstm": (document_lstm, 1024),
}
