"""IMDB movie-review sentiment: keras.datasets.imdb.load_data(), local copy first."""
import json

import numpy as np

from . import _files
from ._npz import load_npz

_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2,
              index_from=3, **kwargs):
    """((x_train, y_train), (x_test, y_test)) with Keras's conventions: reviews as lists of
    word ids (1 starts a review, 2 marks out-of-vocabulary words, real words from
    `index_from`), shuffled with `seed`, optionally cut to `num_words` and `maxlen`.

    Looks for `imdb.npz` at `path`, in $SWIFTDL_DATASETS, ~/.keras/datasets and
    ~/.cache/swiftdl/datasets before downloading (with a SHA-256 check).
    """
    if kwargs:
        raise TypeError(f"Unrecognized keyword arguments: {sorted(kwargs)}")
    name = path if str(path).endswith(".npz") else "imdb.npz"
    found = _files.find([str(name).split("/")[-1]], path if path != "imdb.npz" else None, ("", "imdb"))
    if found is None:
        found = _files.download(_URL + "imdb.npz", "imdb.npz", _SHA256, "imdb")
    data = load_npz(found)
    x_train, labels_train, x_test, labels_test = data["x_train"], data["y_train"], data["x_test"], data["y_test"]

    rng = np.random.RandomState(seed)
    order = np.arange(len(x_train))
    rng.shuffle(order)
    x_train, labels_train = x_train[order], labels_train[order]
    order = np.arange(len(x_test))
    rng.shuffle(order)
    x_test, labels_test = x_test[order], labels_test[order]

    def shift(sequences):
        if start_char is not None:
            return [[start_char] + [w + index_from for w in x] for x in sequences]
        return [[w + index_from for w in x] for x in sequences]

    x_train, x_test = shift(x_train), shift(x_test)
    if maxlen:
        keep_train = [i for i, x in enumerate(x_train) if len(x) < maxlen]
        keep_test = [i for i, x in enumerate(x_test) if len(x) < maxlen]
        x_train, labels_train = [x_train[i] for i in keep_train], labels_train[keep_train]
        x_test, labels_test = [x_test[i] for i in keep_test], labels_test[keep_test]
        if not x_train or not x_test:
            raise ValueError(f"After filtering for sequences shorter than maxlen={maxlen}, no sequence was kept. Increase "
                             "maxlen.")
    sequences = x_train + x_test
    if not num_words:
        num_words = max(max(x) for x in sequences)
    if oov_char is not None:
        sequences = [[w if skip_top <= w < num_words else oov_char for w in x] for x in sequences]
    else:
        sequences = [[w for w in x if skip_top <= w < num_words] for x in sequences]
    split = len(x_train)
    as_objects = lambda rows: np.array(rows + [None], dtype=object)[:-1]  # keep a 1-D array of lists
    return (as_objects(sequences[:split]), labels_train), (as_objects(sequences[split:]), labels_test)


def get_word_index(path="imdb_word_index.json"):
    """The {word: index} dictionary of the IMDB data set."""
    found = _files.find([str(path).split("/")[-1]], path if path != "imdb_word_index.json" else None, ("", "imdb"))
    if found is None:
        raise OSError(f"imdb: {path} was not found locally; put it in one of {', '.join(_files.candidate_folders())}")
    with open(found, encoding="utf-8") as handle:
        return json.load(handle)
