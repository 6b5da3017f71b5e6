"""The thinnest end-to-end path: numpy → engine → numpy, with values checked."""
import numpy as np

import swiftdl as sd


def test_matmul_then_sum_matches_numpy():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((5, 4)).astype(np.float32)
    b = rng.standard_normal((4, 3)).astype(np.float32)
    result = (sd.asarray(a) @ sd.asarray(b)).sum(axis=0)
    np.testing.assert_allclose(np.asarray(result), (a @ b).sum(axis=0), rtol=1e-5)


def test_asarray_without_copy_shares_numpy_memory():
    source = np.arange(6.0).reshape(2, 3)
    tensor = sd.asarray(source, copy=False)
    source[1, 2] = 42.0
    assert float(tensor[1, 2]) == 42.0
