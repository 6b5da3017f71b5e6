"""IndexLookup: the vocabulary table under StringLookup and IntegerLookup (Keras's
`index_lookup.py`): tokens → indices (or back with `invert`), with mask and OOV indices,
a vocabulary given, read from a file or learned by `adapt`, and the one-hot / multi-hot /
count / tf-idf encodings.

Looking tokens up is preprocessing that Keras also runs outside the graph (in TensorFlow
hash tables): here an engine hash table (`swiftdl._lookup_table`) maps a whole batch in one
call; the encodings are engine ops.
"""
import collections
import os

import numpy as np

import swiftdl as _sd
from swiftdl import _lookup_table

from .. import backend
from .category_encoding import check_output_mode, encode_categorical, encoded_shape
from .feature_normalization import first_of
from .hashing import hash_buckets, mask_of
from .layer import Layer

_INT64_MAX = np.iinfo(np.int64).max


def frequency_order(counts):
    """Tokens of a `{token: count}` dict in Keras's vocabulary order: by count, ties by
    token, both descending (`np.lexsort((tokens, counts))[::-1]`)."""
    return sorted(counts, key=lambda token: (counts[token], token), reverse=True)


def inverse_document_frequency(document_counts, num_documents):
    """Keras's idf: log(1 + N / (1 + document count)), per token."""
    return np.log(1.0 + num_documents / (1.0 + np.asarray(document_counts, dtype=np.float64)))


class IndexLookup(Layer):
    """Maps tokens to indices from a vocabulary; the shared base of StringLookup and
    IntegerLookup (see their docstrings for the arguments). Index layout: the mask token
    (in "int" mode, when set) at 0, then `num_oov_indices` OOV indices, then the tokens."""

    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary_dtype, vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", sparse=False, pad_to_max_tokens=False,
                 oov_method="floormod", name=None, salt=None, vocabulary_size=None, **kwargs):
        kind = type(self).__name__
        if max_tokens is not None and (isinstance(max_tokens, bool) or not isinstance(max_tokens, (int, np.integer))
                                       or max_tokens <= 1):
            raise ValueError(f"If set, `max_tokens` must be greater than 1. Received: max_tokens={max_tokens}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"If pad_to_max_tokens is True, must set `max_tokens`. Received: max_tokens={max_tokens}")
        if isinstance(num_oov_indices, bool) or not isinstance(num_oov_indices, (int, np.integer)) or num_oov_indices < 0:
            raise ValueError(f"`num_oov_indices` must be greater than or equal to 0. "
                             f"Received: num_oov_indices={num_oov_indices}")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(f"Unknown value for `oov_method` argument of layer {kind}. Allowed values are: "
                             f"'floormod', 'farmhash'. Received: oov_method={oov_method!r}")
        if salt is not None:
            if vocabulary_dtype != "string" and oov_method != "farmhash":
                raise ValueError(f"`salt` can only be used when `oov_method='farmhash'`. Received: oov_method={oov_method}")
            if isinstance(salt, (tuple, list)) and len(salt) == 2 and all(isinstance(s, int) for s in salt):
                salt = list(salt)
            elif isinstance(salt, int) and not isinstance(salt, bool):
                salt = [salt, salt]
            else:
                raise ValueError("The `salt` argument for `IndexLookup` can only be a tuple of 2 integers, or a single "
                                 f"integer. Received: salt={salt}.")
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode == "tf-idf":
            output_mode = "tf_idf"
        check_output_mode(kind, output_mode, ("int", "one_hot", "multi_hot", "count", "tf_idf"))
        if invert and output_mode != "int":
            raise ValueError(f"`output_mode` must be `'int'` when `invert` is true. Received: output_mode={output_mode}")
        if sparse and output_mode == "int":  # otherwise dense outputs with the values of Keras's sparse ones
            raise ValueError("`sparse` may only be true if `output_mode` is `'one_hot'`, `'multi_hot'`, `'count'` or "
                             f"`'tf_idf'`. Received: sparse={sparse} and output_mode={output_mode}")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(f"`idf_weights` should only be set if `output_mode` is `'tf_idf'`. "
                             f"Received: idf_weights={idf_weights} and output_mode={output_mode}")
        # The size a config recorded (Keras writes it; a set vocabulary replaces it).
        self._frozen_vocab_size = vocabulary_size
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("dtype", None)  # the outputs' dtype follows the mode, as in Keras
        trainable = kwargs.pop("trainable", True)
        if kwargs:
            raise ValueError(f"Unrecognized keyword argument(s): {kwargs}")
        super().__init__(name=name, trainable=trainable)
        self.invert = bool(invert)
        self.max_tokens = None if max_tokens is None else int(max_tokens)
        self.num_oov_indices = int(num_oov_indices)
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = bool(sparse)
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.vocabulary_dtype = vocabulary_dtype
        self.oov_method = oov_method
        self.salt = salt
        self.input_vocabulary = None if isinstance(vocabulary, str) else vocabulary
        self.input_idf_weights = idf_weights
        self._has_input_vocabulary = bool(has_input_vocabulary)
        self._tokens = None  # the vocabulary without special tokens, in index order
        self.idf_weights = None
        if output_mode == "tf_idf" and self._has_input_vocabulary and idf_weights is None:
            raise ValueError("When specifying the `vocabulary` argument, in TF-IDF output mode, the `idf_weights` "
                             "argument must also be provided.")
        self.reset_state()
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    # ---- keys: what a token is for this layer -------------------------------------------------
    def _keys(self, values):
        """`values` as a numpy array of this layer's key type (str or int64)."""
        raise NotImplementedError

    def _special_tokens(self):
        return [self.mask_token] * self._oov_start_index() + [self.oov_token] * self.num_oov_indices

    def _oov_start_index(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self):
        return self._oov_start_index() + self.num_oov_indices

    # ---- the vocabulary ----------------------------------------------------------------------
    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary in index order: a token's position is the index it maps to
        (mask and OOV tokens first), or without them with `include_special_tokens=False`."""
        tokens = [] if self._tokens is None else self._tokens.tolist()
        vocab = self._special_tokens() + tokens
        return vocab if include_special_tokens else vocab[self._token_start_index():]

    def vocabulary_size(self):
        """The number of indices: the tokens plus the mask and OOV indices."""
        return (0 if self._tokens is None else len(self._tokens)) + self._token_start_index()

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Sets the vocabulary (and, for "tf_idf", the idf weights) directly.

        Args:
            vocabulary: a list, tuple or 1-D array of tokens (optionally starting with the
                special tokens in index order), or the path of a text file with one token a line.
            idf_weights: the idf weight of each token, needed exactly in "tf_idf" mode.
        """
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError("`idf_weights` must be set if output_mode is 'tf_idf'.")
        elif idf_weights is not None:
            raise ValueError(f"`idf_weights` should only be set if output_mode is `'tf_idf'`. "
                             f"Received: output_mode={self.output_mode} and idf_weights={idf_weights}")
        if isinstance(vocabulary, str):
            vocabulary = self._read_vocabulary_file(vocabulary)
        elif isinstance(vocabulary, _sd.Tensor):
            vocabulary = vocabulary.numpy()
        vocabulary = [v.decode("utf-8") if isinstance(v, bytes) else v for v in np.asarray(vocabulary).tolist()] \
            if not isinstance(vocabulary, (list, tuple)) else list(vocabulary)
        if not vocabulary:
            raise ValueError(f"Cannot set an empty vocabulary. Received: vocabulary={vocabulary}")
        keys = self._keys(vocabulary).tolist()
        if np.asarray(vocabulary).ndim != 1:
            raise ValueError(f"Layer {self.name}: the vocabulary must be 1-D; received shape {np.shape(vocabulary)}")
        special = self._special_tokens()
        token_start = self._token_start_index()
        found_special_tokens = keys[:token_start] == special
        tokens = keys[token_start:] if found_special_tokens else keys
        repeated = [t for t, c in collections.Counter(tokens).items() if c > 1]
        if repeated:
            raise ValueError("The passed vocabulary has at least one repeated term. Please uniquify your dataset. "
                             f"The repeated terms are: {repeated}")
        for reserved, what in ((self.mask_token, "mask_token"), (self.oov_token if self.invert else None, "oov_token")):
            if reserved is not None and reserved in tokens:
                raise ValueError(f"Found reserved {'mask' if what == 'mask_token' else 'OOV'} token at unexpected "
                                 "location in `vocabulary`. Note that passed `vocabulary` does not need to include the "
                                 "OOV and mask tokens. Either remove all mask and OOV tokens, or include them only at "
                                 f"the start of the vocabulary in precisely this order: {special}. Received: "
                                 f"{what}={reserved} at vocabulary index {keys.index(reserved)}")
        if self.max_tokens is not None and token_start + len(tokens) > self.max_tokens:
            raise ValueError("Attempted to set a vocabulary larger than the maximum vocab size. Received vocabulary "
                             f"size is {token_start + len(tokens)}; `max_tokens` is {self.max_tokens}.")
        weights = None
        if idf_weights is not None:
            weights = np.asarray(idf_weights.numpy() if isinstance(idf_weights, _sd.Tensor) else idf_weights,
                                 dtype=np.float64)
            if weights.ndim != 1:
                raise ValueError(f"TF-IDF data must be a 1-index array. Received: type(idf_weights)={type(idf_weights)}")
            if len(weights) != len(vocabulary):
                raise ValueError(f"`idf_weights` must be the same length as vocabulary. len(idf_weights) is "
                                 f"{len(weights)}; len(vocabulary) is {len(vocabulary)}")
            # Without the special tokens given, they get the mean idf (no real document
            # frequency exists for them), as in Keras.
            if not found_special_tokens:
                weights = np.concatenate([np.full(token_start, np.average(weights)), weights])
        self._set_tokens(tokens, weights)
        self._record_vocabulary_size()

    def _read_vocabulary_file(self, path):
        # Configs never hold a path (get_config writes the tokens), so loading a model
        # reads no file outside its archive.
        if not os.path.exists(path):
            raise ValueError(f"Vocabulary file {path} does not exist.")
        if self.output_mode == "tf_idf":
            raise ValueError("output_mode `'tf_idf'` does not support loading a vocabulary from file.")
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        return lines

    def _set_tokens(self, tokens, idf_weights=None):
        """Installs `tokens` (keys, no special tokens) and the hash table of their positions."""
        key_dtype = str if self.vocabulary_dtype == "string" else np.int64
        self._tokens = self._keys(np.asarray(list(tokens), dtype=key_dtype))  # typed even when empty
        table_type = _lookup_table.StringTable if self.vocabulary_dtype == "string" else _lookup_table.Int64Table
        self._table = table_type(self._tokens)
        if idf_weights is not None:
            weights = np.asarray(idf_weights, dtype=backend.floatx())
            if self.pad_to_max_tokens and self.max_tokens is not None and len(weights) < self.max_tokens:
                weights = np.concatenate([weights, np.zeros(self.max_tokens - len(weights), weights.dtype)])
            self.idf_weights = weights

    def _record_vocabulary_size(self):
        if self.output_mode != "int" and not self.pad_to_max_tokens and self._frozen_vocab_size is not None \
                and self._frozen_vocab_size != self.vocabulary_size() and self.built:
            raise RuntimeError(f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, the "
                               "vocabulary size cannot be changed after the layer is called. Old vocab size is "
                               f"{self._frozen_vocab_size}, new vocab size is {self.vocabulary_size()}")
        self._frozen_vocab_size = self.vocabulary_size()

    # ---- adapt ----------------------------------------------------------------------------
    def adapt(self, data, steps=None):
        """Learns the vocabulary (most frequent tokens first, ties by token, descending;
        truncated to `max_tokens`) and, for "tf_idf", the document frequencies, from an
        array or list (each element one document), or a `swiftdl.data.Dataset` or iterable
        of batches (each row of a batch one document); `steps` limits the batches read."""
        self.reset_state()
        if isinstance(data, (list, tuple, np.ndarray, _sd.Tensor)) or not hasattr(data, "__iter__"):
            values = self._keys(data)
            if values.ndim == 1:
                values = values[:, None]
            self.update_state(values)
        else:
            for i, batch in enumerate(data):
                if steps is not None and i >= steps:
                    break
                self.update_state(first_of(batch))
        self.finalize_state()

    def update_state(self, data):
        """Counts the tokens of one batch: each row of an array is a document (a scalar or
        a 1-D batch is one document, as in Keras); a list of token lists is a ragged batch,
        one document per list (what TextVectorization's tokenizer produces)."""
        if self._has_input_vocabulary:
            raise ValueError(f"Cannot adapt layer '{self.name}' after setting a static vocabulary via `vocabulary` "
                             "argument or `set_vocabulary()` method.")
        if isinstance(data, list) and any(isinstance(d, (list, tuple)) for d in data):
            documents = [self._keys(d) for d in data if len(d)]
            num_documents = len(data)
        else:
            values = self._keys(data)
            if values.ndim < 2:
                values = values.reshape(1, -1)
            documents = list(values.reshape(len(values), -1))
            num_documents = len(values)
        if documents:
            tokens, counts = np.unique(np.concatenate(documents), return_counts=True)
            for token, count in zip(tokens.tolist(), counts.tolist()):
                self._token_counts[token] += count
        if self.output_mode == "tf_idf":
            for document in documents:
                for token in np.unique(document).tolist():
                    self._document_counts[token] += 1
            self._num_documents += num_documents

    def finalize_state(self):
        if self._has_input_vocabulary or not self._token_counts:
            return
        for special in (self.mask_token, self.oov_token):
            if special is not None:
                self._token_counts.pop(special, None)
        tokens = frequency_order(self._token_counts)
        if self.max_tokens:
            tokens = tokens[:self.max_tokens - self._token_start_index()]
        weights = None
        if self.output_mode == "tf_idf":
            idf = inverse_document_frequency([self._document_counts[t] for t in tokens], self._num_documents)
            idf = idf.astype(backend.floatx())
            weights = np.concatenate([np.full(self._token_start_index(), np.mean(idf) if len(idf) else 0.0), idf])
        self._set_tokens(tokens, weights)
        self.reset_state()
        self._frozen_vocab_size = self.vocabulary_size()

    def reset_state(self):
        self._token_counts = collections.Counter()
        self._document_counts = collections.Counter()
        self._num_documents = 0

    # ---- calling ----------------------------------------------------------------------------
    def build(self, input_shape=None):
        self.built = True

    def __call__(self, inputs, *args, **kwargs):
        from .keras_tensor import KerasTensor
        if isinstance(inputs, KerasTensor):
            return super().__call__(inputs, *args, **kwargs)
        self.built = True  # string inputs have no engine tensor; skip the numeric conversion
        return self.call(inputs)

    def _depth(self):
        return self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size

    def call(self, inputs):
        if self.output_mode != "int" and not self.pad_to_max_tokens and self._frozen_vocab_size is None:
            raise RuntimeError(f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, you must "
                               "set the layer's vocabulary before calling it. Either pass a `vocabulary` argument to "
                               "the layer, or call `adapt` with some sample data.")
        if self.invert:
            return self._invert(self._keys(inputs))
        keys = self._lookup_keys(inputs)
        try:
            lookups = _sd.asarray(self._lookup(keys))
        except TypeError:
            # The table checks an object array's items as it packs them; on anything but
            # str or bytes, `_keys` converts what it can or raises the layer's error.
            if keys.dtype != object:
                raise
            lookups = _sd.asarray(self._lookup(self._keys(keys)))
        if self.output_mode == "int":
            return lookups
        return self._encode(lookups)

    def _encode(self, lookups):
        """The vector modes' encoding of a Tensor of indices (rows of a batch; indices
        outside [0, depth), such as the mask's, encode as nothing)."""
        if self.output_mode != "tf_idf":
            # int64, as Keras's TensorFlow tables give (its compute_output_spec says floatx).
            return encode_categorical(lookups, self.output_mode, self._depth(), "int64")
        if self.idf_weights is None:
            raise ValueError("When `output_mode` is `'tf_idf'`, `idf_weights` must be provided.")
        counts = encode_categorical(lookups, "count", self._depth(), backend.floatx())
        return counts * _sd.asarray(self.idf_weights[:self._depth()])

    def _lookup_keys(self, values):
        """`values` as the table looks them up (by default `_keys`; StringLookup passes bytes
        and object arrays through to the table, which reads and checks them without a Python
        step each; `call` falls back to `_keys` when the table refuses an object array)."""
        return self._keys(values)

    def _lookup(self, keys):
        """Indices (int64, the shape of `keys`) of each key: its vocabulary index, the mask
        index, or an OOV index (hashed or floormod among several)."""
        flat = keys.reshape(-1)
        if self._tokens is not None:
            lookups = self._table.lookup(flat)
            found = lookups >= 0
            lookups[found] += self._token_start_index()
        else:
            lookups = np.full(flat.shape, -1, dtype=np.int64)
            found = np.zeros(flat.shape, bool)
        masked = np.zeros(flat.shape, bool) if self.mask_token is None else mask_of(flat, self.mask_token)
        missing = ~found & ~masked
        if self.num_oov_indices == 0:
            if missing.any():
                raise ValueError(f"When `num_oov_indices=0` all inputs should be in vocabulary, found OOV values "
                                 f"{flat[missing][:10].tolist()}, consider setting `num_oov_indices=1`.")
        elif self.num_oov_indices == 1:
            lookups[missing] = self._oov_start_index()
        elif missing.any():
            lookups[missing] = self._oov_buckets(flat[missing]) + self._oov_start_index()
        if self.mask_token is not None:
            lookups[masked] = 0 if self.output_mode == "int" else _INT64_MAX
        return lookups.reshape(keys.shape)

    def _oov_buckets(self, values):
        if values.dtype.kind in "iu" and self.oov_method != "farmhash":
            return np.mod(values, self.num_oov_indices)  # floor modulo, as tf.math.floormod
        return hash_buckets(values, self.num_oov_indices, self.salt)

    def _invert(self, indices):
        if indices.dtype.kind not in "iu":
            raise TypeError(f"Layer {self.name} (invert=True) expects integer indices; received dtype {indices.dtype}")
        vocabulary = np.asarray(self.get_vocabulary(), dtype=object)
        inside = (indices >= 0) & (indices < len(vocabulary))
        result = np.full(indices.shape, self.oov_token, dtype=object)
        result[inside] = vocabulary[indices[inside]]
        return result

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, "count" if self.output_mode == "tf_idf" else self.output_mode, self._depth())

    def compute_output_dtype(self, inputs):
        if self.invert:
            return self.vocabulary_dtype
        return backend.floatx() if self.output_mode == "tf_idf" else "int64"

    # ---- config and saving ------------------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        # A learned vocabulary also travels in the config (Keras keeps it only in the asset
        # file that save_assets writes; its from_config accepts a `vocabulary` list), so
        # from_config alone rebuilds the layer.
        vocabulary = self.input_vocabulary
        idf_weights = self.input_idf_weights
        if self._tokens is not None and (vocabulary is None or not isinstance(vocabulary, (list, tuple))):
            vocabulary = self.get_vocabulary()
            if self.idf_weights is not None:
                idf_weights = self.idf_weights[:self.vocabulary_size()].tolist()
        config.update({
            "invert": self.invert, "max_tokens": self.max_tokens, "num_oov_indices": self.num_oov_indices,
            "oov_token": self.oov_token, "mask_token": self.mask_token, "output_mode": self.output_mode,
            "sparse": self.sparse, "pad_to_max_tokens": self.pad_to_max_tokens, "vocabulary_dtype": self.vocabulary_dtype,
            "idf_weights": _listify(idf_weights), "vocabulary": _listify(vocabulary),
            "vocabulary_size": self._frozen_vocab_size, "oov_method": self.oov_method, "salt": self.salt,
        })
        return config

    def save_own_variables(self, store):
        # Keras's layout: a tf_idf layer keeps its idf weights (front- and back-padded) in `vars`.
        if self.output_mode == "tf_idf" and self.idf_weights is not None:
            store["idf_weights"] = np.asarray(self.idf_weights)

    def load_own_variables(self, store):
        if self.output_mode == "tf_idf" and "idf_weights" in store:
            self.idf_weights = np.asarray(store["idf_weights"], dtype=backend.floatx())

    def save_assets(self, dir_path):
        """Writes the vocabulary, one token a line, to `dir_path`/vocabulary.txt (Keras's
        asset layout; a vocabulary given as a list travels in the config instead)."""
        if self.input_vocabulary is not None:
            return
        with open(os.path.join(dir_path, "vocabulary.txt"), "w", encoding="utf-8") as handle:
            handle.write("\n".join(str(token) for token in self.get_vocabulary()))

    def load_assets(self, dir_path):
        """Reads the vocabulary that save_assets (or Keras) wrote to `dir_path`; a layer
        whose config held the vocabulary has it already."""
        path = os.path.join(dir_path, "vocabulary.txt")
        if self.input_vocabulary is not None or not os.path.exists(path):
            return
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        values = lines if self.vocabulary_dtype == "string" else [int(line) for line in lines]
        # A tf_idf layer's weights came with its variables (load_own_variables runs first).
        weights = self.idf_weights[:len(values)] if self.output_mode == "tf_idf" else None
        self.set_vocabulary(values, idf_weights=weights)

    def get_build_config(self):
        return {}

    def build_from_config(self, config):
        self.build(None)


def _listify(values):
    if isinstance(values, _sd.Tensor):
        values = values.numpy()
    if isinstance(values, np.ndarray):
        values = values.tolist()
    return list(values) if isinstance(values, tuple) else values
