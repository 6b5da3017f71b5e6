"""HashedCrossing: crosses of categorical features → hash bins, as TensorFlow's
`tf.sparse.cross_hashed` computes them (so bins equal real Keras's)."""
import numpy as np

import swiftdl as _sd
from swiftdl import _farmhash, _string_hash

from .category_encoding import check_output_mode, encode_categorical
from .hashing import hashable_values
from .layer import Layer

# tf.sparse.cross_hashed's default hash_key, the seed of every cross's fingerprint.
_CROSS_HASH_KEY = 0xDECAFCAFFE


def _feature_fingerprints(values):
    """Each feature value's 64-bit fingerprint (uint64) as cross_hashed takes it: a
    string's Fingerprint64, an integer's own bits."""
    if values.dtype.kind in "USO":
        return _string_hash.fingerprint64_array(values)
    return values.astype(np.int64).view(np.uint64)


class HashedCrossing(Layer):
    """Crosses two or more categorical features with the hashing trick: each sample's tuple
    of feature values goes to one of `num_bins` bins (TensorFlow's `cross_hashed`: the
    features' fingerprints folded with FingerprintCat64).

    Args:
        num_bins: the number of hash bins.
        output_mode: "int" (default, int64 bins) or "one_hot".
        sparse: Keras (on TensorFlow) returns a sparse tensor; swiftdl computes densely
            and returns the same values as a dense tensor.

    Call arguments:
        inputs: a list or tuple of at least two features of equal shape `()`, `(batch,)`
            or `(batch, 1)`, each of strings or integers.

    Raises:
        ValueError: for fewer than two inputs, inputs of different or unsupported shapes,
            an unknown `output_mode` or a non-positive `num_bins`.
        TypeError: for inputs that are neither strings nor integers.
    """

    def __init__(self, num_bins, output_mode="int", sparse=False, name=None, dtype=None, **kwargs):
        if output_mode == "int" and dtype is None:
            dtype = "int64"
        super().__init__(name=name, dtype=dtype, **kwargs)
        check_output_mode(type(self).__name__, output_mode, ("int", "one_hot"))
        if isinstance(num_bins, bool) or not isinstance(num_bins, (int, np.integer)) or num_bins <= 0:
            raise ValueError(f"`num_bins` for `HashedCrossing` must be a positive integer. Received: num_bins={num_bins}")
        self.num_bins = int(num_bins)
        self.output_mode = output_mode
        self.sparse = bool(sparse)

    def __call__(self, inputs, *args, **kwargs):
        from .keras_tensor import KerasTensor
        if isinstance(inputs, (list, tuple)) and any(isinstance(x, KerasTensor) for x in inputs):
            return super().__call__(inputs, *args, **kwargs)
        self.built = True  # string features have no engine tensor
        return self.call(inputs)

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"`HashedCrossing` should be called on a list or tuple of inputs. Received: inputs={inputs}")
        if len(inputs) < 2:
            raise ValueError(f"`HashedCrossing` should be called on at least two inputs. Received: inputs={inputs}")
        for x in inputs:
            kind = np.asarray(x.numpy() if isinstance(x, _sd.Tensor) else x).dtype.kind
            if kind not in "iuUSO":
                raise ValueError(f"All `HashedCrossing` inputs should have an integer or string dtype. Received: an "
                                 f"input of dtype kind {kind!r}")
        features = [hashable_values(x, self.name) for x in inputs]
        shape = features[0].shape
        if len(shape) > 2 or (len(shape) == 2 and shape[-1] != 1):
            raise ValueError("All `HashedCrossing` inputs should have shape `()`, `(batch_size)` or `(batch_size, 1)`. "
                             f"Received: shapes {[f.shape for f in features]}")
        if not all(f.shape == shape for f in features[1:]):
            raise ValueError(f"All `HashedCrossing` inputs should have equal shape. Received: shapes "
                             f"{[f.shape for f in features]}")
        # numpy's uint64 arithmetic wraps modulo 2**64, as the C++ does: the fold runs over
        # whole columns at once.
        crossed = np.full(features[0].size, _CROSS_HASH_KEY, dtype=np.uint64)
        for feature in features:
            crossed = _farmhash.fingerprint_cat64(crossed, _feature_fingerprints(feature.reshape(-1)))
        bins = _sd.asarray((crossed % np.uint64(self.num_bins)).astype(np.int64).reshape(shape))
        return encode_categorical(bins, self.output_mode, self.num_bins, self.dtype)

    def compute_output_shape(self, input_shape):
        if not (len(input_shape) >= 2 and all(isinstance(s, tuple) for s in input_shape)):
            raise ValueError(f"Expected as input a list/tuple of 2 tensors. Received input_shape={input_shape}")
        first = tuple(input_shape[0])
        if self.output_mode == "int":
            return first
        if not first:
            return (self.num_bins,)
        if first[-1] != 1:
            return first + (self.num_bins,)
        return first[:-1] + (self.num_bins,)

    def compute_output_dtype(self, inputs):
        return self.dtype

    def get_config(self):
        return {"num_bins": self.num_bins, "output_mode": self.output_mode, "sparse": self.sparse, "name": self.name,
                "dtype": self.dtype}
