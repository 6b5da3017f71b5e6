"""swiftdl.config.experimental.enable_op_determinism(): exact convolutions (no Winograd),
results bit-identical from run to run and for any thread count, and the document's CNN's
gradients equal to Keras 3's to 1e-5, ReLU kinks included.

The Keras reference (fixtures/keras/keras_doc_cnn_gradients.npz) was computed by real Keras
3 (JAX backend) on real MNIST images by fixtures/keras/make_determinism_fixture.py; the
images are read here from ../shared/data, never from the fixture.

Comparison with Keras, per weight tensor: max |ours − Keras's| ≤ 1e-5 · max |Keras's|
(relative to the tensor's largest magnitude: a gradient's small elements are sums that
cancel, whose relative error no float32 algorithm bounds).
"""
import gzip
import os

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras import layers, models
from _tolerances import conv_error_bound

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "keras", "keras_doc_cnn_gradients.npz")
SEED = 20261203  # make_determinism_fixture.py's
RELATIVE = 1e-5


@pytest.fixture(autouse=True)
def restore_settings():
    """Every test leaves the mode off and the thread count as it found them."""
    threads = sd.config.get_num_threads()
    yield
    sd.config.experimental.disable_op_determinism()
    sd.config.set_num_threads(threads)


def initial_weights(shapes):
    """make_determinism_fixture.py's `initial_weights`: Glorot-uniform kernels from numpy's
    PCG64 stream, zero biases."""
    rng = np.random.default_rng(SEED)
    weights = []
    for shape in shapes:
        if len(shape) == 1:
            weights.append(np.zeros(shape, np.float32))
            continue
        receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
        limit = np.sqrt(6.0 / (receptive * (shape[-2] + shape[-1])))
        weights.append(rng.uniform(-limit, limit, size=shape).astype(np.float32))
    return weights


def read_idx(path):
    with gzip.open(path, "rb") as handle:
        data = handle.read()
    dims = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


@pytest.fixture
def mnist(shared_data):
    """MNIST's first test images (scaled to [0, 1], NHWC) and labels."""
    folder = os.path.join(shared_data, "mnist")
    images = read_idx(os.path.join(folder, "t10k-images-idx3-ubyte.gz"))[:256]
    labels = read_idx(os.path.join(folder, "t10k-labels-idx1-ubyte.gz"))[:256]
    return images.reshape(-1, 28, 28, 1).astype(np.float32) / 255, labels.astype(np.int64)


def document_cnn():
    model = models.Sequential()
    model.add(layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)))
    model.add(layers.MaxPooling2D((2, 2)))
    model.add(layers.Conv2D(64, (3, 3), activation="relu"))
    model.add(layers.MaxPooling2D((2, 2)))
    model.add(layers.Conv2D(64, (3, 3), activation="relu"))
    model.add(layers.Flatten())
    model.add(layers.Dense(64, activation="relu"))
    model.add(layers.Dense(10, activation="softmax"))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.set_weights(initial_weights([tuple(w.shape) for w in model.get_weights()]))
    return model


def loss_and_gradients(model, x, y):
    with sd.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy()(y, model(x, training=True))
    gradients = tape.gradient(loss, model.trainable_variables)
    return float(np.asarray(loss)), [np.asarray(g) for g in gradients]


def deviations(ours, theirs):
    """Per tensor: max |ours − theirs| / max |theirs|."""
    return [float(np.max(np.abs(a - b)) / np.max(np.abs(b))) for a, b in zip(ours, theirs)]


def test_switch_is_tensorflows():
    experimental = sd.config.experimental
    assert not experimental.is_op_determinism_enabled()
    experimental.enable_op_determinism()
    assert experimental.is_op_determinism_enabled() is True
    assert sd._C.get_op_determinism() is True
    experimental.disable_op_determinism()
    assert experimental.is_op_determinism_enabled() is False
    tf = sd  # what users write: import swiftdl as tf
    tf.config.experimental.enable_op_determinism()
    assert tf.config.experimental.is_op_determinism_enabled()


def test_document_cnn_gradients_match_keras_in_exact_mode(mnist):
    reference = np.load(FIXTURE)
    images, labels = mnist
    batch = reference["images"][0]
    sd.config.experimental.enable_op_determinism()
    model = document_cnn()
    loss, gradients = loss_and_gradients(model, images[batch], labels[batch])
    expected = [reference[f"grad_{i}"] for i in range(len(gradients))]
    assert abs(loss - float(reference["loss"])) <= RELATIVE * abs(float(reference["loss"]))
    worst = deviations(gradients, expected)
    print("max deviation from Keras per gradient (exact mode):", ["%.1e" % d for d in worst])
    assert max(worst) <= RELATIVE, worst
    # The case: the second convolution's bias gradient, summed over the ReLU's
    # kinks at background patches (outputs exactly 0, derivative 0 as in Keras).
    ours, theirs = gradients[3], expected[3]
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=RELATIVE * np.max(np.abs(theirs)))


def test_document_cnn_two_adam_steps_match_keras_in_exact_mode(mnist):
    reference = np.load(FIXTURE)
    images, labels = mnist
    sd.config.experimental.enable_op_determinism()
    model = document_cnn()
    for step in range(2):
        batch = reference["images"][step]
        model.train_on_batch(images[batch], labels[batch])
    after = model.get_weights()
    expected = [reference[f"adam_{i}"] for i in range(len(after))]
    worst = deviations(after, expected)
    print("max deviation from Keras per weight after two Adam steps (exact mode):", ["%.1e" % d for d in worst])
    # NOTE: Keras computes Adam's bias correction √(1 − β₂ᵗ)/(1 − β₁ᵗ) in float32, where
    # 1 − 0.999ᵗ cancels: its factor is 6.7e-6 (t = 1) and 1.0e-5 (t = 2) below the exact
    # one that swiftdl uses. The biases start at zero, so they are their two updates and
    # carry that difference whole (8.5e-6 measured); the gradients' 1e-5 comes on top.
    assert max(worst) <= RELATIVE + 1.1e-5, worst


def test_default_mode_stays_within_winograds_bound(mnist):
    """Off, the second convolution runs by Winograd (on AVX2 CPUs): within the documented
    bound of the exact value (Tests/python/_tolerances.py: 256·ε times the largest Σ|x||w|
    of each 4×4 output tile), while exact mode gives exact zeros for zero patches and stays
    within im2col's n·ε·Σ|x||w|."""
    images, _ = mnist
    weights = initial_weights([(3, 3, 1, 32), (3, 3, 32, 64)])
    # The first layer as initialised (zero bias): the background stays exactly 0.
    first = np.asarray(sd.nn.max_pool2d(sd.nn.relu(sd.nn.conv2d(images[:64], weights[0], 1, "VALID")), 2, 2, "VALID"))
    exact = np.asarray(sd.nn.conv2d(first.astype(np.float64), weights[1].astype(np.float64), 1, "VALID"))
    for enabled in (False, True):
        if enabled:
            sd.config.experimental.enable_op_determinism()
        computed = np.asarray(sd.nn.conv2d(first, weights[1], 1, "VALID")).astype(np.float64)
        bound = conv_error_bound(first, weights[1], winograd=not enabled)
        assert np.all(np.abs(computed - exact) <= bound)
        if enabled:
            assert np.all(computed[exact == 0] == 0)
    assert np.count_nonzero(exact == 0) > 0  # MNIST's background: zero patches exist


def cnn_training_step(images, labels, weights):
    model = document_cnn()
    model.set_weights(weights)
    _, gradients = loss_and_gradients(model, images[:64], labels[:64])
    model.train_on_batch(images[:64], labels[:64])
    model.train_on_batch(images[64:192], labels[64:192])
    return gradients + model.get_weights() + [np.asarray(model.predict(images[:100], verbose=0))]


def lstm_training_step(tokens, labels, weights):
    model = models.Sequential([keras.Input((tokens.shape[1],), dtype="int32"), layers.Embedding(500, 32), layers.LSTM(64),
                               layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    if weights is not None:
        model.set_weights(weights)
    with sd.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy()(labels, model(tokens, training=True))
    gradients = [np.asarray(g) for g in tape.gradient(loss, model.trainable_variables)]
    for _ in range(2):
        model.train_on_batch(tokens, labels)
    return gradients + model.get_weights()


def assert_bit_identical(runs):
    first = runs[0][1]
    for name, arrays in runs[1:]:
        assert len(arrays) == len(first)
        for i, (a, b) in enumerate(zip(arrays, first)):
            assert a.dtype == b.dtype and a.shape == b.shape
            assert a.tobytes() == b.tobytes(), f"{name}: array {i} differs from {runs[0][0]}'s"


def test_cnn_training_is_bit_identical_across_thread_counts_and_runs(mnist):
    images, labels = mnist
    sd.config.experimental.enable_op_determinism()
    weights = document_cnn().get_weights()
    runs = []
    for threads in (1, 2, 3, 2):
        sd.config.set_num_threads(threads)
        runs.append((f"{threads} threads", cnn_training_step(images, labels, weights)))
    assert_bit_identical(runs)


def test_lstm_training_is_bit_identical_across_thread_counts_and_runs():
    rng = np.random.default_rng(3)
    tokens = rng.integers(1, 500, size=(96, 40)).astype(np.int32)
    labels = rng.integers(0, 10, size=96).astype(np.int64)
    sd.config.experimental.enable_op_determinism()
    sd.keras.utils.set_random_seed(5)
    first = lstm_training_step(tokens, labels, None)  # any weights, then fixed
    weights = first[len(first) // 2:]
    runs = []
    for threads in (1, 2, 3, 2):
        sd.config.set_num_threads(threads)
        runs.append((f"{threads} threads", lstm_training_step(tokens, labels, weights)))
    assert_bit_identical(runs)
