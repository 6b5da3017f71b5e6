"""The multi-hot / count encodings through the engine's per-row bincount
(_C.bincount_rows) against numpy's one-hot sum, the reference: random indices with values
outside [0, depth) (the lookup layers' mask index encodes as nothing), 1-D and 2-D inputs,
empty rows and batches. Counts are integers: the comparison is exact."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import _C
from swiftdl.keras.layers.category_encoding import encode_categorical


def _reference(indices, depth, binary):
    rows = np.atleast_2d(indices)
    counts = (rows[..., None] == np.arange(depth)).sum(axis=1)
    counts = np.minimum(counts, 1) if binary else counts
    return counts if np.ndim(indices) == 2 else counts[0]


@pytest.mark.parametrize("shape", [(256, 8), (5, 1), (3, 0), (0, 4), (17,), (1,)])
@pytest.mark.parametrize("mode", ["multi_hot", "count"])
def test_encodings_match_numpy(shape, mode):
    rng = np.random.default_rng(sum(shape))
    indices = rng.integers(-2, 70, shape)
    indices[indices == 69] = np.iinfo(np.int64).max
    got = encode_categorical(sd.asarray(indices), mode, 64, "float32")
    assert got.dtype == sd.float32
    np.testing.assert_array_equal(np.asarray(got), _reference(indices, 64, mode == "multi_hot"))


def test_bincount_rows_checks_its_arguments():
    indices = np.zeros((2, 3), np.int64)
    with pytest.raises(ValueError, match="shape"):
        _C.bincount_rows(indices, 4, True, np.empty((2, 5), np.int64))
    with pytest.raises(ValueError, match="8-byte"):
        _C.bincount_rows(indices.astype(np.int32), 4, True, np.empty((2, 4), np.int64))
    with pytest.raises(ValueError, match="depth"):
        _C.bincount_rows(indices, 0, True, np.empty((2, 0), np.int64))
    with pytest.raises(TypeError, match="writable"):
        _C.bincount_rows(indices, 4, False, b"x" * 64)
