"""IntegerLookup: integer values → contiguous indices from a vocabulary (or back)."""
import numpy as np

import swiftdl as _sd

from .hashing import element_types, holds_only_integers
from .index_lookup import IndexLookup
from .preprocessing_errors import UnsupportedElementsError


class IntegerLookup(IndexLookup):
    """Maps integer values (ids that may be sparse or large) to contiguous indices through
    a vocabulary, given or learned with `adapt`.

    Index layout: with `mask_token` set and `output_mode="int"`, the mask value maps to 0;
    then come `num_oov_indices` indices for values outside the vocabulary (with several,
    chosen by `value % num_oov_indices`, or by hashing with `oov_method="farmhash"`); then
    the vocabulary in order.

    Args:
        max_tokens: the largest vocabulary size, special tokens included; None for no limit.
        num_oov_indices: the number of OOV indices (default 1); 0 makes OOV input an error.
        mask_token: the value standing for masked inputs, or None (default).
        oov_token: the value `invert` returns for OOV indices (default -1).
        vocabulary: a list or 1-D array of integers, or the path of a text file.
        vocabulary_dtype: must be "int64".
        idf_weights: with output_mode="tf_idf" and a vocabulary, each value's idf weight.
        invert: map indices back to values.
        output_mode: "int" (default), "one_hot", "multi_hot", "count" or "tf_idf".
        sparse: Keras returns a sparse tensor; swiftdl computes densely and returns the
            same values as a dense tensor ("int" mode refuses it, as Keras).
        pad_to_max_tokens: in the vector modes, make the output `max_tokens` wide.
        oov_method: "floormod" (default) or "farmhash" (hash the decimal string).
        salt: with oov_method="farmhash", an int or a pair: SipHash-2-4 keyed by it.

    Raises:
        ValueError: for invalid arguments, a repeated or misplaced vocabulary value, or OOV
            input with `num_oov_indices=0`.
        TypeError: when called on strings or floats that are not whole numbers.
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1, vocabulary=None,
                 vocabulary_dtype="int64", idf_weights=None, invert=False, output_mode="int", sparse=False,
                 pad_to_max_tokens=False, oov_method="floormod", salt=None, name=None, **kwargs):
        if max_tokens is not None and not isinstance(max_tokens, bool) and isinstance(max_tokens, int) \
                and max_tokens <= 1:
            raise ValueError(f"If `max_tokens` is set for `IntegerLookup`, it must be greater than 1. "
                             f"Received: max_tokens={max_tokens}")
        if isinstance(num_oov_indices, int) and num_oov_indices < 0:
            raise ValueError(f"The value of `num_oov_indices` argument for `IntegerLookup` must >= 0. "
                             f"Received: num_oov_indices={num_oov_indices}")
        if vocabulary_dtype != "int64":
            raise ValueError(f"Only `vocabulary_dtype='int64'` is supported at this time. Received: "
                             f"vocabulary_dtype={vocabulary_dtype}")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, vocabulary_dtype=vocabulary_dtype,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode, sparse=sparse,
                         pad_to_max_tokens=pad_to_max_tokens, oov_method=oov_method, salt=salt, name=name, **kwargs)

    def _keys(self, values):
        array = values.numpy() if isinstance(values, _sd.Tensor) else np.asarray(values)
        if array.dtype.kind in "iub":
            return array.astype(np.int64)
        if array.dtype.kind == "f" and np.all(np.isfinite(array)) and np.all(array == np.round(array)):
            return array.astype(np.int64)
        if array.dtype == object and holds_only_integers(array):
            return array.astype(np.int64)
        raise UnsupportedElementsError(f"Layer {self.name} (IntegerLookup) expects integers; received an array of dtype "
                                       f"{array.dtype}{element_types(array)}")

    def _read_vocabulary_file(self, path):
        lines = super()._read_vocabulary_file(path)
        try:
            return [int(line) for line in lines]
        except ValueError:
            raise ValueError(f"Layer {self.name}: vocabulary file {path} must hold one integer a line") from None

    def _invert(self, indices):
        return _sd.asarray(super()._invert(indices).astype(np.int64))

    def get_config(self):
        config = super().get_config()
        for key in ("oov_token", "mask_token"):
            if config[key] is not None:
                config[key] = int(config[key])
        if config["vocabulary"] is not None:
            config["vocabulary"] = [int(v) for v in config["vocabulary"]]
        return config
