"""A TensorFlow-style custom training loop (GradientTape + optimizer.apply_gradients) trains
a 784-128-10 MLP on the MNIST subset in ../shared/data to at least 95% test accuracy."""
import gzip
import pathlib
import time

import numpy as np
import pytest

import swiftdl as sd

DATA = pathlib.Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "mnist"


def _read_idx(path, magic):
    with gzip.open(path, "rb") as stream:
        raw = stream.read()
    header = np.frombuffer(raw, dtype=">i4", count=2 if magic == 2049 else 4)
    assert header[0] == magic, f"{path.name} has magic {header[0]}, expected {magic}"
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 * len(header))
    return data.reshape(header[1], -1) if magic == 2051 else data


def _load_mnist():
    images_path, labels_path = DATA / "t10k-images-idx3-ubyte.gz", DATA / "t10k-labels-idx1-ubyte.gz"
    if not images_path.exists():
        pytest.skip(f"MNIST data not found at {DATA.resolve()}")
    images = _read_idx(images_path, 2051).astype(np.float32) / 255.0
    labels = _read_idx(labels_path, 2049).astype(np.int64)
    assert images.shape == (10000, 784) and list(labels[:10]) == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    return (images[:8000], labels[:8000]), (images[8000:], labels[8000:])


def _glorot(rng, fan_in, fan_out):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32)


def test_custom_training_loop_reaches_95_percent_on_mnist():
    (x_train, y_train), (x_test, y_test) = _load_mnist()
    rng = np.random.default_rng(0)
    w1 = sd.Variable(_glorot(rng, 784, 128), name="dense/kernel")
    b1 = sd.Variable(np.zeros(128, dtype=np.float32), name="dense/bias")
    w2 = sd.Variable(_glorot(rng, 128, 10), name="dense_1/kernel")
    b2 = sd.Variable(np.zeros(10, dtype=np.float32), name="dense_1/bias")
    variables = [w1, b1, w2, b2]
    optimizer = sd.optimizers.Adam(learning_rate=1e-3)

    def logits_of(x):
        hidden = sd.nn.relu(x @ w1 + b1)
        return hidden @ w2 + b2

    start = time.perf_counter()
    batch = 32
    losses = []
    for epoch in range(8):
        order = rng.permutation(len(x_train))
        for first in range(0, len(order), batch):
            index = order[first:first + batch]
            x, y = sd.asarray(x_train[index]), sd.asarray(y_train[index])
            with sd.GradientTape() as tape:
                loss = sd.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits_of(x)).mean()
            grads = tape.gradient(loss, variables)
            optimizer.apply_gradients(zip(grads, variables))
        losses.append(float(loss))
    predictions = np.asarray(logits_of(sd.asarray(x_test))).argmax(axis=1)
    accuracy = float((predictions == y_test).mean())
    elapsed = time.perf_counter() - start
    print(f"MNIST MLP: test accuracy {accuracy:.4f} after {int(optimizer.iterations.numpy())} steps in {elapsed:.1f} s")
    assert accuracy >= 0.95
    assert int(optimizer.iterations.numpy()) == 8 * 250
