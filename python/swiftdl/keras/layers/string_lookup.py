"""StringLookup: strings → integer indices from a vocabulary (or back, with `invert`)."""
import numpy as np

import swiftdl as _sd

from .hashing import element_types
from .index_lookup import IndexLookup
from .preprocessing_errors import UnsupportedElementsError


class StringLookup(IndexLookup):
    """Maps strings to integer indices through a vocabulary, given (a list or a file with
    one token a line) or learned with `adapt`.

    Index layout: with `mask_token` set and `output_mode="int"`, the mask token maps to 0;
    then come `num_oov_indices` indices for out-of-vocabulary strings (several are chosen
    by hashing the string, as TensorFlow's `to_hash_bucket_fast`, or SipHash with `salt`);
    then the vocabulary in order.

    Args:
        max_tokens: the largest vocabulary size, special tokens included; None for no limit.
        num_oov_indices: the number of OOV indices (default 1); 0 makes OOV input an error.
        mask_token: the token standing for masked values, or None (default).
        oov_token: the token `invert` returns for OOV indices (default "[UNK]").
        vocabulary: a list or 1-D array of strings, or the path of a text file.
        idf_weights: with output_mode="tf_idf" and a vocabulary, each token's idf weight.
        invert: map indices back to strings.
        output_mode: "int" (default), "one_hot", "multi_hot", "count" or "tf_idf".
        pad_to_max_tokens: in the vector modes, make the output `max_tokens` wide.
        sparse: Keras returns a sparse tensor; swiftdl computes densely and returns the
            same values as a dense tensor ("int" mode refuses it, as Keras).
        encoding: how bytes inputs are decoded (default "utf-8").
        salt: an int or a pair of ints: hash OOV strings with SipHash-2-4 keyed by it.

    Raises:
        ValueError: for invalid arguments, a repeated or misplaced vocabulary token, or OOV
            input with `num_oov_indices=0`.
        TypeError: when called on numbers.
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]", vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", pad_to_max_tokens=False, sparse=False,
                 encoding="utf-8", name=None, salt=None, **kwargs):
        self.encoding = encoding
        kwargs.pop("vocabulary_dtype", None)
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, idf_weights=idf_weights, invert=invert,
                         output_mode=output_mode, pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, name=name,
                         salt=salt, vocabulary_dtype="string", **kwargs)

    def _keys(self, values):
        if isinstance(values, _sd.Tensor):
            if self.invert:
                return values.numpy()
            raise UnsupportedElementsError(f"Layer {self.name} (StringLookup) expects strings; received a numeric "
                                           f"tensor of dtype {values.dtype}")
        array = np.asarray(values)
        if self.invert and array.dtype.kind in "iu":
            return array.astype(np.int64)
        if array.dtype.kind == "U":
            return array
        if array.dtype.kind == "S":
            return np.char.decode(array, self.encoding)
        if array.dtype == object:
            flat = [v.decode(self.encoding) if isinstance(v, bytes) else v for v in array.reshape(-1).tolist()]
            if all(isinstance(v, str) for v in flat):
                return np.asarray(flat, dtype=str).reshape(array.shape)
        raise UnsupportedElementsError(f"Layer {self.name} (StringLookup) expects strings; received an array of dtype "
                                       f"{array.dtype}{element_types(array)}")

    def _lookup_keys(self, values):
        # The table compares UTF-8 bytes: with the default encoding, bytes and object arrays of
        # str and bytes go to it as they are (a str matches its UTF-8 bytes, as in TensorFlow).
        if isinstance(values, _sd.Tensor) or self.encoding.replace("_", "-").lower() not in ("utf-8", "utf8"):
            return self._keys(values)
        array = np.asarray(values)
        if array.dtype.kind in "US":
            return array
        if array.dtype == object:
            return array  # the table checks the items; see IndexLookup.call
        return self._keys(array)

    def _invert(self, indices):
        return super()._invert(indices).astype(str)

    def get_config(self):
        config = super().get_config()
        del config["vocabulary_dtype"]  # strings are the only choice
        config["encoding"] = self.encoding
        return config
