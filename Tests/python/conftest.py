"""Shared helpers for the numpy-conformance tests: seeded random data of every dtype and
one comparison that checks dtype, shape and values together."""
import os

import numpy as np
import pytest

import swiftdl as sd

DTYPES = [np.float32, np.float64, np.int32, np.int64, np.uint8, np.bool_]
FLOATS = [np.float32, np.float64]
INTS = [np.int32, np.int64, np.uint8]


def random_array(rng, shape, dtype, low=None, high=None):
    """Seeded data of `dtype`: normals for floats, small integers (non-negative for uint8)."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    if dtype.kind == "f":
        values = rng.standard_normal(shape) * 3
        if low is not None:
            values = rng.uniform(low, high, shape)
        return values.astype(dtype)
    if low is None:
        low, high = (0, 200) if dtype == np.uint8 else (-50, 50)
    return rng.integers(low, high, shape).astype(dtype)


def assert_same(result, expected, rtol=None, atol=0.0):
    """result (a swiftdl Tensor) equals numpy's `expected` in type, dtype, shape and values."""
    assert isinstance(result, sd.Tensor), f"expected a swiftdl.Tensor, got {type(result).__name__}"
    expected = np.asarray(expected)
    actual = np.asarray(result)
    assert actual.dtype == expected.dtype, f"dtype {actual.dtype} != numpy's {expected.dtype}"
    assert actual.shape == expected.shape, f"shape {actual.shape} != numpy's {expected.shape}"
    if expected.dtype.kind == "f":
        if rtol is None:
            rtol = 2e-6 if expected.dtype == np.float32 else 1e-12
        np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True)
    else:
        np.testing.assert_array_equal(actual, expected)


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture
def no_leaks():
    """Fails the test if it leaves engine handles alive once its objects are collected."""
    import gc
    gc.collect()
    before = sd._C.live_tensors()
    yield
    gc.collect()
    assert sd._C.live_tensors() == before, "engine tensor handles leaked"


REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED_DATA = os.path.join(REPO, "..", "shared", "data")


@pytest.fixture(scope="session")
def shared_data():
    """The project's shared data folder (../shared/data beside the repository)."""
    if not os.path.isdir(SHARED_DATA):
        pytest.skip("../shared/data is not beside the repository")
    return SHARED_DATA
