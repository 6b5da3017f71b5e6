"""TextVectorization: raw strings → token ids (or multi-hot / count / tf-idf vectors).

Standardizing and splitting strings is text handling, done in Python; the vocabulary, its
table and the multi-hot / count / tf-idf encodings are a StringLookup's (with "" as the mask
token), as in Keras, so the two layers share one implementation.
"""
import itertools
import re
import string

import numpy as np

import swiftdl as _sd

from .layer import Layer
from .preprocessing_errors import UnsupportedElementsError
from .string_lookup import StringLookup

# Keras's DEFAULT_STRIP_REGEX: ASCII punctuation.
_PUNCTUATION = re.compile("[" + re.escape(string.punctuation) + "]")
_PUNCTUATION_DELETION = str.maketrans("", "", string.punctuation)
_MODES = ("int", "multi_hot", "count", "tf_idf")
_PAD, _OOV = "", "[UNK]"


class TextVectorization(Layer):
    """Maps strings to integer sequences or bag-of-words vectors, learning the vocabulary
    with `adapt(texts)`.

    Args:
        max_tokens: maximum vocabulary size, special tokens included ("" and "[UNK]" in
            int mode, "[UNK]" otherwise); None for no limit.
        standardize: "lower_and_strip_punctuation" (default), "lower", "strip_punctuation",
            None, or a callable str → str.
        split: "whitespace" (default), "character", None, or a callable str → list of str.
        ngrams: None, an int n (all 1..n-grams) or a tuple of the n's to produce.
        output_mode: "int", "multi_hot", "count" or "tf_idf".
        output_sequence_length: in int mode, pad with 0 or truncate every row to this length
            (without it rows are padded to the longest in the batch).
        pad_to_max_tokens: in the vector modes, make the output max_tokens wide.
        vocabulary: a list of tokens (without the special tokens) to use instead of adapt.
        idf_weights: with vocabulary and output_mode="tf_idf", the idf of each token.
    """

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation", split="whitespace", ngrams=None,
                 output_mode="int", output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                 idf_weights=None, sparse=False, ragged=False, encoding="utf-8", vocabulary_size=None, **kwargs):
        kwargs.setdefault("dtype", "int64" if output_mode == "int" else "float32")
        super().__init__(**kwargs)  # trainable as given (Keras writes it; there are no weights to train)
        if output_mode == "tf-idf":
            output_mode = "tf_idf"
        if output_mode not in _MODES:
            raise ValueError(f"TextVectorization: invalid value for argument `output_mode`. Expected one of {_MODES}. "
                             f"Received: output_mode={output_mode!r}")
        if max_tokens is not None and (not isinstance(max_tokens, int) or max_tokens < (2 if output_mode == "int" else 1)):
            raise ValueError(f"TextVectorization: `max_tokens` must be None or an int of at least "
                             f"{2 if output_mode == 'int' else 1} (room for the special tokens); received {max_tokens!r}")
        if standardize not in (None, "lower_and_strip_punctuation", "lower", "strip_punctuation") and not callable(standardize):
            raise ValueError(f"TextVectorization: unknown `standardize` {standardize!r}; use 'lower_and_strip_punctuation', "
                             "'lower', 'strip_punctuation', None or a callable")
        if split not in (None, "whitespace", "character") and not callable(split):
            raise ValueError(f"TextVectorization: unknown `split` {split!r}; use 'whitespace', 'character', None or a callable")
        if isinstance(ngrams, int) and not isinstance(ngrams, bool):
            if ngrams < 1:
                raise ValueError(f"TextVectorization: `ngrams` must be a positive int or a tuple of them; received {ngrams}")
            ngram_sizes = tuple(range(1, ngrams + 1))
        elif ngrams is None:
            ngram_sizes = (1,)
        elif isinstance(ngrams, (tuple, list)) and all(isinstance(n, int) and n > 0 for n in ngrams):
            ngram_sizes = tuple(ngrams)
        else:
            raise ValueError(f"TextVectorization: `ngrams` must be None, a positive int or a tuple of them; received {ngrams!r}")
        if output_sequence_length is not None:
            if output_mode != "int":
                raise ValueError("`output_sequence_length` must not be set if `output_mode` is not 'int'. "
                                 f"Received output_sequence_length={output_sequence_length}.")
            if not isinstance(output_sequence_length, int) or output_sequence_length < 1:
                raise ValueError(f"TextVectorization: `output_sequence_length` must be a positive int; received "
                                 f"{output_sequence_length!r}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError("TextVectorization: pad_to_max_tokens=True needs `max_tokens`")
        if ragged:
            raise ValueError("TextVectorization in swiftdl returns dense tensors: ragged=True is not supported")
        if sparse and output_mode == "int":
            raise ValueError("`sparse` may only be true if `output_mode` is `'one_hot'`, `'multi_hot'`, `'count'` or "
                             f"`'tf_idf'`. Received: sparse={sparse} and output_mode={output_mode}")
        # sparse=True: Keras returns a sparse tensor; this returns its values as a dense one.
        self.sparse = bool(sparse)
        self.max_tokens, self.standardize, self.split = max_tokens, standardize, split
        self.ngrams, self._ngram_sizes = ngrams, ngram_sizes
        self.output_mode, self.output_sequence_length = output_mode, output_sequence_length
        self.pad_to_max_tokens, self.encoding = bool(pad_to_max_tokens), encoding
        # A vocabulary given up front means there is nothing to adapt (FeatureSpace skips it).
        self._has_input_vocabulary = vocabulary is not None
        # Keras's layout: "" is the mask (index 0 in int mode), "[UNK]" the one OOV index.
        self._lookup_layer = StringLookup(max_tokens=max_tokens, mask_token=_PAD, oov_token=_OOV,
                                          output_mode=output_mode, pad_to_max_tokens=pad_to_max_tokens,
                                          encoding=encoding, name=f"{self.name}_string_lookup",
                                          vocabulary_size=vocabulary_size)
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        elif idf_weights is not None:
            raise ValueError("TextVectorization: `idf_weights` needs a `vocabulary`")

    # ---- text → tokens ----------------------------------------------------------------
    def _strings(self, data):
        if isinstance(data, _sd.Tensor):
            raise UnsupportedElementsError(f"TextVectorization {self.name} expects strings; received a numeric swiftdl "
                                           "tensor")
        array = np.asarray(data, dtype=object)
        if array.ndim == 2 and array.shape[1] == 1:
            array = array[:, 0]
        if array.ndim != 1:
            raise ValueError(f"TextVectorization {self.name} expects a batch of strings, shape (batch,) or (batch, 1); "
                             f"received shape {array.shape}")
        if set(map(type, array.tolist())) <= {str}:
            return array.tolist()  # already str: no step per element
        texts = []
        for value in array:
            if isinstance(value, bytes):
                value = value.decode(self.encoding)
            if not isinstance(value, str):
                raise UnsupportedElementsError(f"TextVectorization {self.name} expects strings; received "
                                               f"{type(value).__name__} {value!r:.60}")
            texts.append(value)
        return texts

    def _token_rows(self, texts):
        """Each text's tokens. With the built-in standardize and whitespace split (and
        unigrams) the batch is standardized as one string, joined by newlines, then cut back
        into rows: lowering and stripping punctuation act per character (Python's final-sigma
        rule sees a newline as it sees a text's end), and a newline is whitespace, so the
        rows equal the per-text results. Texts holding a newline take the per-text path."""
        joined = "\n".join(texts)
        if self.split != "whitespace" or self._ngram_sizes != (1,) or joined.count("\n") != max(len(texts) - 1, 0) \
                or self.standardize not in (None, "lower", "strip_punctuation", "lower_and_strip_punctuation"):
            return [self._tokens(text) for text in texts]
        if self.standardize in ("lower", "lower_and_strip_punctuation"):
            joined = joined.lower()
        if self.standardize in ("strip_punctuation", "lower_and_strip_punctuation"):
            # str.translate deletes ASCII from ASCII text ~20x faster than the regex, but is
            # slower than it on other text.
            joined = joined.translate(_PUNCTUATION_DELETION) if joined.isascii() else _PUNCTUATION.sub("", joined)
        return [line.split() for line in joined.split("\n")] if texts else []

    def _tokens(self, text):
        if self.standardize in ("lower", "lower_and_strip_punctuation"):
            text = text.lower()
        if self.standardize in ("strip_punctuation", "lower_and_strip_punctuation"):
            text = _PUNCTUATION.sub("", text)
        elif callable(self.standardize):
            text = self.standardize(text)
        if self.split == "whitespace":
            words = text.split()
        elif self.split == "character":
            words = list(text)
        elif callable(self.split):
            words = list(self.split(text))
        else:
            words = [text]
        if self._ngram_sizes == (1,):
            return words
        grams = []
        for n in self._ngram_sizes:
            grams.extend(" ".join(words[i:i + n]) for i in range(len(words) - n + 1))
        return grams

    # ---- vocabulary -----------------------------------------------------------------------
    def _special(self):
        return [_PAD, _OOV] if self.output_mode == "int" else [_OOV]

    def adapt(self, data, batch_size=None, steps=None):
        """Learns the vocabulary (and for tf_idf the idf weights) from `data`: a list or
        array of strings, or an iterable of batches of them."""
        if isinstance(data, (str, bytes)):
            raise ValueError("TextVectorization.adapt expects a collection of strings, not a single string")
        batches = [data] if isinstance(data, (list, tuple, np.ndarray)) else data
        lookup = self._lookup_layer
        lookup.reset_state()
        for step, batch in enumerate(batches):
            if steps is not None and step >= steps:
                break
            lookup.update_state([self._tokens(text) for text in self._strings(batch)])  # one document per text
        lookup.finalize_state()

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Uses `vocabulary` (tokens, optionally starting with the special tokens)."""
        tokens = [t.decode(self.encoding) if isinstance(t, bytes) else t for t in list(vocabulary)]
        if not all(isinstance(t, str) for t in tokens):
            raise TypeError("TextVectorization: the vocabulary must hold strings")
        special = self._special()
        if idf_weights is not None and tokens[:len(special)] != special and len(idf_weights) == len(tokens) + 1:
            idf_weights = list(idf_weights)[1:]  # weights given with the OOV token's first
        self._lookup_layer.set_vocabulary(tokens, idf_weights)

    # Keras writes the lookup's state twice: under this layer and under `_lookup_layer`.
    def save_own_variables(self, store):
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store):
        self._lookup_layer.load_own_variables(store)

    def save_assets(self, dir_path):
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path):
        self._lookup_layer.load_assets(dir_path)

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary, index order; with the padding ('') and OOV ('[UNK]') tokens first."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self):
        return self._lookup_layer.vocabulary_size()

    # ---- calling ----------------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        from .keras_tensor import KerasTensor
        if args and isinstance(args[0], KerasTensor):
            return super().__call__(*args, **kwargs)
        if not args:
            raise ValueError(f"Layer {self.name} must be called with inputs as the first argument")
        self.built = True
        return self.call(args[0])

    def call(self, inputs):
        lookup = self._lookup_layer
        if lookup._tokens is None:
            raise ValueError(f"TextVectorization {self.name} has no vocabulary: call `adapt(texts)` or pass `vocabulary=`")
        rows = self._token_rows(self._strings(inputs))
        lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
        flat = np.empty(int(lengths.sum()), dtype=object)  # the table reads str objects as they are
        flat[:] = list(itertools.chain.from_iterable(rows))
        indices = lookup._lookup(flat)
        # Each token's (row, column) in a batch padded to its longest row.
        row_of = np.repeat(np.arange(len(rows)), lengths)
        column_of = np.arange(len(flat)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        if self.output_mode == "int":
            length = self.output_sequence_length or int(lengths.max(initial=0))
            ids = np.zeros((len(rows), length), dtype=np.int64)
            kept = column_of < length
            ids[row_of[kept], column_of[kept]] = indices[kept]
            return _sd.asarray(ids)
        # -1 pads the short rows: outside [0, depth), it encodes as nothing.
        padded = np.full((len(rows), max(int(lengths.max(initial=0)), 1)), -1, dtype=np.int64)
        padded[row_of, column_of] = indices
        return lookup._encode(_sd.asarray(padded)).astype(self.dtype)

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return (input_shape[0], self.output_sequence_length)
        # max_tokens when padded, else the vocabulary's size (known from a config before
        # its asset file is read, as in Keras).
        return (input_shape[0], self._lookup_layer._depth())

    def compute_output_dtype(self, inputs):
        return "int64" if self.output_mode == "int" else "float32"

    def get_config(self):
        config = super().get_config()
        config.pop("dtype", None)
        lookup = self._lookup_layer
        config.update({
            "max_tokens": self.max_tokens,
            "standardize": self.standardize if not callable(self.standardize) else None,
            "split": self.split if not callable(self.split) else None,
            "ngrams": self.ngrams, "output_mode": self.output_mode,
            "output_sequence_length": self.output_sequence_length, "pad_to_max_tokens": self.pad_to_max_tokens,
            "sparse": self.sparse, "ragged": False, "encoding": self.encoding,
            # The learned vocabulary travels in the config (Keras accepts a `vocabulary` list),
            # so a saved model needs no asset files.
            "vocabulary": None if lookup._tokens is None else lookup.get_vocabulary(include_special_tokens=False),
            "idf_weights": None if lookup.idf_weights is None
            else lookup.idf_weights[lookup._token_start_index():lookup.vocabulary_size()].tolist(),
            "vocabulary_size": lookup._frozen_vocab_size,
        })
        return config
