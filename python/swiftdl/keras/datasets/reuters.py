"""Reuters newswire topics: keras.datasets.reuters, Keras's files through get_file."""
import json

import numpy as np

from . import _remote
from ._npz import load_npz

_LABELS = ("cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply", "coffee", "sugar",
           "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas", "cpi", "money-fx", "interest", "gnp",
           "meal-feed", "alum", "oilseed", "gold", "tin", "strategic-metal", "livestock", "retail", "ipi", "iron-steel",
           "rubber", "heat", "jobs", "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog",
           "lead")


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113, start_char=1,
              oov_char=2, index_from=3):
    """(x_train, y_train), (x_test, y_test): newswires as lists of word ids (Keras's
    start/out-of-vocabulary/offset conventions), topics 0-45, shuffled with `seed`."""
    path = _remote.fetch(fname=path, origin=f"{_remote.KERAS_DATASETS}reuters.npz",
                         file_hash="d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916")
    data = load_npz(path)
    xs, labels = data["x"], data["y"]
    indices = np.arange(len(xs))
    np.random.RandomState(seed).shuffle(indices)
    xs, labels = xs[indices], labels[indices]
    if start_char is not None:
        xs = [[start_char] + [w + index_from for w in x] for x in xs]
    elif index_from:
        xs = [[w + index_from for w in x] for x in xs]
    else:
        xs = [list(x) for x in xs]
    if maxlen:
        keep = [i for i, x in enumerate(xs) if len(x) < maxlen]
        xs, labels = [xs[i] for i in keep], labels[keep]
    if not num_words:
        num_words = max(max(x) for x in xs)
    if oov_char is not None:
        xs = [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    else:
        xs = [[w for w in x if skip_top <= w < num_words] for x in xs]
    cut = int(len(xs) * (1 - test_split))
    as_objects = lambda rows: np.array(rows + [None], dtype=object)[:-1]  # noqa: E731  (a 1-D array of lists)
    return (as_objects(xs[:cut]), np.array(labels[:cut])), (as_objects(xs[cut:]), np.array(labels[cut:]))


def get_word_index(path="reuters_word_index.json"):
    """The {word: index} dictionary of the Reuters data set."""
    path = _remote.fetch(path, origin=f"{_remote.KERAS_DATASETS}reuters_word_index.json",
                         file_hash="4d44cc38712099c9e383dc6e5f11a921")
    with open(path) as file:
        return json.load(file)


def get_label_names():
    """The 46 topic names, in label order."""
    return _LABELS
