"""The UCI sentiment sentences (Kotzias et al., 2015) as padded id sequences for the LSTM."""
import os
import re
from collections import Counter

import numpy as np

from swiftdl.keras.utils import pad_sequences

FILES = ("amazon_cells_labelled.txt", "imdb_labelled.txt", "yelp_labelled.txt")


def default_folder():
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(here, "..", "..", "shared", "data", "sentiment")


def read_sentences(folder=None):
    folder = folder or default_folder()
    sentences, labels = [], []
    for name in FILES:
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            raise FileNotFoundError(f"{path} not found: the sentiment data lives in ../shared/data/sentiment")
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                text, _, label = line.rstrip("\n").rpartition("\t")
                if text and label.strip() in ("0", "1"):
                    sentences.append(text)
                    labels.append(int(label))
    return sentences, np.asarray(labels, dtype=np.int64)


def tokenize(text):
    return re.findall(r"[a-z0-9']+", text.lower())


def load_data(num_words=10000, maxlen=200, test_fraction=0.2, seed=0, folder=None):
    """((x_train, y_train), (x_test, y_test)): ids 1.. by frequency (0 pads), pre-padded to maxlen.
    The vocabulary comes from the training split only."""
    sentences, labels = read_sentences(folder)
    order = np.random.default_rng(seed).permutation(len(sentences))
    split = int(len(sentences) * (1 - test_fraction))
    train, test = order[:split], order[split:]
    counts = Counter(word for i in train for word in tokenize(sentences[i]))
    vocabulary = {word: rank + 1 for rank, (word, _) in enumerate(counts.most_common(num_words - 1))}

    def encode(indices):
        sequences = [[vocabulary[w] for w in tokenize(sentences[i]) if w in vocabulary] for i in indices]
        return pad_sequences(sequences, maxlen=maxlen)

    return (encode(train), labels[train]), (encode(test), labels[test])
