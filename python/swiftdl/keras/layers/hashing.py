"""Hashing: strings or integers → hash bins, the same bins TensorFlow's
`to_hash_bucket_fast` (FarmHash Fingerprint64) or, with a salt, `to_hash_bucket_strong`
(SipHash-2-4) give, so a model trained with real Keras sees the same features here.

Hashing is preprocessing Keras also runs outside the graph (TensorFlow string ops on the
CPU): the whole batch is hashed in one engine call (`swiftdl._string_hash`; the per-string
`swiftdl._farmhash` is the reference the tests compare against), and the encodings are
engine ops.
"""
import numpy as np

import swiftdl as _sd
from swiftdl import _string_hash

from .category_encoding import encode_categorical, encoded_shape
from .layer import Layer
from .preprocessing_errors import UnsupportedElementsError


_TEXT_TYPES = (str, bytes, np.str_, np.bytes_)
_INTEGER_TYPES = (int, np.integer)


def holds_only_text(array):
    """Whether an object array holds only str and bytes (one C-level pass over the element
    types, not a Python step per element)."""
    return all(issubclass(t, _TEXT_TYPES) for t in set(map(type, array.reshape(-1).tolist())))


def hashable_values(values, layer_name):
    """`values` as a numpy array TensorFlow would hash: strings (a numpy str or bytes array,
    or an object array of str and bytes; bytes are hashed as they are, as TensorFlow hashes a
    string tensor's bytes) or int64 (floats truncated to int64 first, as Keras's Hashing does).

    Raises:
        UnsupportedElementsError: (a TypeError and a ValueError) for values that are neither
            strings nor numbers (None, strings mixed with numbers, other objects).
        ValueError: for NaN or infinite floats.
    """
    if isinstance(values, _sd.Tensor):
        values = values.numpy()
    array = np.asarray(values)
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array)):
            raise ValueError(f"Layer {layer_name} cannot hash non-finite floats (NaN or inf)")
        return array.astype(np.int64)
    if array.dtype.kind in "iub":
        return array.astype(np.int64)
    if array.dtype.kind in "US":
        return array
    if array.dtype == object:
        if holds_only_text(array):
            return array
        if holds_only_integers(array):
            return array.astype(np.int64)
    raise UnsupportedElementsError(f"Layer {layer_name} expects strings or integers; received an array of dtype "
                                   f"{array.dtype}{element_types(array)}")


def element_types(array):
    """", holding <types>" for an object array (what the message should name), else ""."""
    if array.dtype != object:
        return ""
    return ", holding " + ", ".join(sorted({type(v).__name__ for v in array.reshape(-1).tolist()}))


def holds_only_integers(array):
    """Whether an object array holds only integers (not booleans), in one C-level pass."""
    types = set(map(type, array.reshape(-1).tolist()))
    return all(issubclass(t, _INTEGER_TYPES) and not issubclass(t, (bool, np.bool_)) for t in types)


def mask_of(values, mask_value):
    """Where `values` (from `hashable_values`) equal `mask_value`; a str mask also matches its
    UTF-8 bytes, as TensorFlow compares string tensors by their bytes."""
    if values.dtype.kind in "iu":
        return values == mask_value
    text = mask_value.decode("utf-8") if isinstance(mask_value, bytes) else str(mask_value)
    if values.dtype.kind == "U":
        return values == text
    if values.dtype.kind == "S":
        return values == text.encode("utf-8")
    return (values == text) | (values == text.encode("utf-8"))


def hash_buckets(values, num_buckets, salt=None):
    """TensorFlow's hash bucket (int64, the shape of `values`) of every string or integer
    in `values` (integers hash as their decimal strings): Fingerprint64, or SipHash-2-4
    keyed by `salt` (two ints), modulo `num_buckets`."""
    return _string_hash.hash_bucket_array(values, num_buckets, salt)


class Hashing(Layer):
    """Hashes and bins categorical features: each string or integer goes to one of
    `num_bins` bins, with FarmHash Fingerprint64 (TensorFlow's `to_hash_bucket_fast`) or,
    with `salt`, SipHash-2-4 (`to_hash_bucket_strong`).

    Args:
        num_bins: the number of bins, including the mask bin when `mask_value` is set.
        mask_value: a value mapped to bin 0 (the others then use bins 1 .. num_bins - 1).
        salt: an int or a pair of ints: use SipHash-2-4 keyed with it.
        output_mode: "int" (default, the bins), "one_hot", "multi_hot" or "count".
        sparse: Keras returns a sparse tensor; swiftdl computes densely and returns the
            same values as a dense tensor ("int" mode refuses it, as Keras).

    Raises:
        ValueError: for a missing or non-positive `num_bins`, an unknown `output_mode`, a
            malformed `salt` or a non-integer `dtype` in "int" mode.
        TypeError: when called on values that are neither strings nor numbers.
    """

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False, **kwargs):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else "float32"
        super().__init__(**kwargs)
        if num_bins is None or isinstance(num_bins, bool) or not isinstance(num_bins, (int, np.integer)) \
                or num_bins <= 0:
            raise ValueError(f"The `num_bins` for `Hashing` cannot be `None` or non-positive values. "
                             f"Received: num_bins={num_bins}.")
        if output_mode == "int" and self.dtype not in ("int32", "int64"):
            raise ValueError(f"When `output_mode=\"int\"`, `dtype` should be an integer type, 'int32' or 'in64'. "
                             f"Received: dtype={kwargs['dtype']}")
        accepted = ("int", "one_hot", "multi_hot", "count")
        if output_mode not in accepted:
            raise ValueError(f"Invalid value for argument `output_mode`. Expected one of {accepted}. "
                             f"Received: output_mode={output_mode}")
        if sparse and output_mode == "int":
            raise ValueError("`sparse` may only be true if `output_mode` is `\"one_hot\"`, `\"multi_hot\"`, or "
                             f"`\"count\"`. Received: sparse={sparse} and output_mode={output_mode}")
        self.num_bins = int(num_bins)
        self.mask_value = mask_value
        self.strong_hash = salt is not None
        self.output_mode = output_mode
        self.sparse = bool(sparse)
        self.salt = None
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2 and all(isinstance(s, int) for s in salt):
                self.salt = list(salt)
            elif isinstance(salt, int) and not isinstance(salt, bool):
                self.salt = [salt, salt]
            else:
                raise ValueError("The `salt` argument for `Hashing` can only be a tuple of size 2 integers, or a "
                                 f"single integer. Received: salt={salt}.")

    def __call__(self, inputs, *args, **kwargs):
        from .keras_tensor import KerasTensor
        if isinstance(inputs, KerasTensor):
            return super().__call__(inputs, *args, **kwargs)
        self.built = True  # strings have no engine tensor; the call converts what it receives
        return self.call(inputs)

    def call(self, inputs):
        values = inputs.numpy() if isinstance(inputs, _sd.Tensor) else np.asarray(inputs)
        if values.dtype != object:  # an object array is checked by the hashing, below
            values = hashable_values(values, self.name)
        if self.output_mode == "one_hot" and values.ndim and values.shape[-1] == 1:
            values = values[..., 0]
        bins = self.num_bins
        if self.mask_value is not None and bins > 1:
            bins -= 1
        hashed, values = self._hash_buckets(values, bins)
        mask = mask_of(values, self.mask_value) if bins < self.num_bins else None
        if mask is not None:
            hashed = np.where(mask, 0, hashed + 1)
        return encode_categorical(_sd.asarray(hashed), self.output_mode, self.num_bins, self.dtype)

    def _hash_buckets(self, values, num_buckets):
        """(buckets, the values hashed). An object array goes to the hash kernel as it is:
        packing it checks in one C pass that its items are str or bytes, cheaper than a
        Python pass over their types first; only when it holds something else (integers,
        or values to reject) does `hashable_values` look at it."""
        try:
            return hash_buckets(values, num_buckets, self.salt), values
        except TypeError:
            if values.dtype != object:
                raise
        values = hashable_values(values, self.name)
        return hash_buckets(values, num_buckets, self.salt), values

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.output_mode, self.num_bins)

    def get_config(self):
        config = super().get_config()
        config.update({"num_bins": self.num_bins, "salt": self.salt, "mask_value": self.mask_value,
                       "output_mode": self.output_mode, "sparse": self.sparse})
        return config
