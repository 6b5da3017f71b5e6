"""keras.datasets fashion_mnist, cifar10, cifar100, boston_housing, california_housing and
reuters, on small files in the published formats (this machine has no network): each loader
asks get_file for Keras's URL, cache names and hash, parses what it gets as Keras does
(IDX, CIFAR's pickled batches through an array-only unpickler, npz), and returns Keras's
shapes, dtypes and seeded splits. A pickled batch that would run code is refused."""
import gzip
import os
import pickle

import numpy as np
import pytest

from swiftdl import keras
from swiftdl.keras.datasets import _remote


@pytest.fixture
def files(tmp_path, monkeypatch):
    """Replaces get_file by a lookup in tmp_path, recording what the loaders ask for."""
    calls = []

    def fetch(fname=None, origin=None, **kwargs):
        calls.append({"fname": fname, "origin": origin, **kwargs})
        name = kwargs.get("cache_subdir", "datasets").split(os.sep)[-1] + "/" + (fname or os.path.basename(origin))
        return str(tmp_path / name)
    monkeypatch.setattr(_remote, "fetch", fetch)
    return tmp_path, calls


def _idx(path, array, magic):
    header = magic.to_bytes(4, "big") + b"".join(n.to_bytes(4, "big") for n in array.shape)
    with gzip.open(path, "wb") as file:
        file.write(header + array.astype(np.uint8).tobytes())


def test_fashion_mnist(files):
    folder, calls = files
    (folder / "fashion-mnist").mkdir()
    rng = np.random.default_rng(0)
    images, labels = rng.integers(0, 256, (5, 28, 28)), rng.integers(0, 10, 5)
    for prefix in ("train", "t10k"):
        _idx(folder / "fashion-mnist" / f"{prefix}-images-idx3-ubyte.gz", images, 2051)
        _idx(folder / "fashion-mnist" / f"{prefix}-labels-idx1-ubyte.gz", labels, 2049)
    (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    np.testing.assert_array_equal(x_train, images)
    np.testing.assert_array_equal(y_test, labels)
    assert x_test.dtype == np.uint8 and x_test.shape == (5, 28, 28)
    assert calls[0]["origin"] == "https://storage.googleapis.com/tensorflow/tf-keras-datasets/train-labels-idx1-ubyte.gz"
    assert calls[0]["cache_subdir"] == os.path.join("datasets", "fashion-mnist")


def _cifar_batch(path, data, labels, label_key):
    with open(path, "wb") as file:
        pickle.dump({b"data": data, label_key.encode(): list(labels), b"batch_label": b"x"}, file, protocol=4)


def test_cifar10_and_cifar100(files):
    folder, calls = files
    rng = np.random.default_rng(1)
    cifar10 = folder / "datasets" / "cifar-10-batches-py-target" / "cifar-10-batches-py"
    cifar10.mkdir(parents=True)
    batches = [rng.integers(0, 256, (2, 3072), dtype=np.uint8) for _ in range(6)]
    for i in range(1, 6):
        _cifar_batch(cifar10 / f"data_batch_{i}", batches[i - 1], [i % 10, (i + 1) % 10], "labels")
    _cifar_batch(cifar10 / "test_batch", batches[5], [7, 8], "labels")
    (x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and y_train.shape == (10, 1) and y_train.dtype == np.uint8
    np.testing.assert_array_equal(x_train[0], batches[0][0].reshape(3, 32, 32).transpose(1, 2, 0))
    np.testing.assert_array_equal(y_test[:, 0], [7, 8])
    assert calls[-1]["extract"] and calls[-1]["file_hash"].startswith("6d958be0")

    cifar100 = folder / "datasets" / "cifar-100-python-target" / "cifar-100-python"
    cifar100.mkdir(parents=True)
    for name in ("train", "test"):
        with open(cifar100 / name, "wb") as file:
            pickle.dump({b"data": batches[0], b"fine_labels": [42, 99], b"coarse_labels": [3, 19]}, file, protocol=4)
    (_, fine), _ = keras.datasets.cifar100.load_data()
    (_, coarse), _ = keras.datasets.cifar100.load_data(label_mode="coarse")
    assert fine[:, 0].tolist() == [42, 99] and coarse[:, 0].tolist() == [3, 19]
    with pytest.raises(ValueError, match="label_mode"):
        keras.datasets.cifar100.load_data(label_mode="medium")


def test_a_pickled_batch_that_would_run_code_is_refused(files):
    folder, _ = files
    cifar10 = folder / "datasets" / "cifar-10-batches-py-target" / "cifar-10-batches-py"
    cifar10.mkdir(parents=True)
    with open(cifar10 / "data_batch_1", "wb") as file:
        pickle.dump({b"data": os.system}, file, protocol=4)
    with pytest.raises(pickle.UnpicklingError, match="refusing"):
        keras.datasets.cifar10.load_data()


def test_regression_sets_split_as_keras_does(files):
    folder, calls = files
    (folder / "datasets").mkdir()
    x, y = np.arange(50, dtype=np.float64).reshape(25, 2), np.arange(25, dtype=np.float64)
    np.savez(folder / "datasets" / "boston_housing.npz", x=x, y=y)
    np.savez(folder / "datasets" / "california_housing.npz", x=np.tile(x, (40, 1)), y=np.tile(y, 40))
    (x_train, y_train), (x_test, y_test) = keras.datasets.boston_housing.load_data(test_split=0.2, seed=113)
    order = np.arange(25)
    np.random.RandomState(113).shuffle(order)
    np.testing.assert_array_equal(y_train, y[order][:20])
    np.testing.assert_array_equal(x_test, x[order][20:])
    (x_small, _), (x_small_test, _) = keras.datasets.california_housing.load_data(version="small")
    assert len(x_small) + len(x_small_test) == 600 and len(x_small) == 480
    assert calls[0]["file_hash"].startswith("f553886a") and calls[1]["file_hash"].startswith("1a2e3a52")
    with pytest.raises(ValueError, match="test_split"):
        keras.datasets.boston_housing.load_data(test_split=1.0)
    with pytest.raises(ValueError, match="version"):
        keras.datasets.california_housing.load_data(version="medium")


def test_reuters(files):
    folder, _ = files
    (folder / "datasets").mkdir()
    xs = np.empty(5, dtype=object)
    for i in range(5):
        xs[i] = list(range(1, 3 + i))
    np.savez(folder / "datasets" / "reuters.npz", x=xs, y=np.arange(5))
    with open(folder / "datasets" / "reuters_word_index.json", "w") as file:
        file.write('{"the": 1}')
    (x_train, y_train), (x_test, y_test) = keras.datasets.reuters.load_data(test_split=0.4, seed=113)
    assert len(x_train) == 3 and len(x_test) == 2 and x_train.dtype == object
    # Ids shift by index_from=3 after the start mark 1; the largest id itself becomes the
    # out-of-vocabulary 2 (num_words defaults to it and ids must be below it), as in Keras.
    assert all(x[0] == 1 and all(w >= 4 or w == 2 for w in x[1:]) for x in list(x_train) + list(x_test))
    (short, _), _ = keras.datasets.reuters.load_data(maxlen=5, test_split=0.2)
    assert all(len(x) < 5 for x in short)
    assert keras.datasets.reuters.get_word_index() == {"the": 1}
    assert len(keras.datasets.reuters.get_label_names()) == 46
