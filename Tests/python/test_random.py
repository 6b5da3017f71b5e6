"""swiftdl.random: reproducible seeded streams, the right ranges, shapes, dtypes and moments."""
import numpy as np
import pytest

import swiftdl as sd
from conftest import assert_same


def test_same_seed_same_numbers_and_different_seed_different_numbers():
    sd.random.seed(42)
    first = [sd.random.uniform(size=(5,)), sd.random.normal(size=(3, 2)), sd.random.randint(0, 10, size=4),
             sd.random.permutation(6)]
    sd.random.seed(42)
    second = [sd.random.uniform(size=(5,)), sd.random.normal(size=(3, 2)), sd.random.randint(0, 10, size=4),
              sd.random.permutation(6)]
    for a, b in zip(first, second):
        assert_same(a, np.asarray(b))
    sd.random.seed(43)
    assert not np.array_equal(np.asarray(sd.random.uniform(size=(5,))), np.asarray(first[0]))
    # successive draws continue the stream instead of repeating it
    assert not np.array_equal(np.asarray(sd.random.uniform(size=(5,))), np.asarray(sd.random.uniform(size=(5,))))


def test_stream_does_not_depend_on_the_thread_count():
    old = sd.config.get_num_threads()
    try:
        sd.config.set_num_threads(1)
        sd.random.seed(7)
        one = np.asarray(sd.random.normal(size=100_000))
        sd.config.set_num_threads(2)
        sd.random.seed(7)
        two = np.asarray(sd.random.normal(size=100_000))
    finally:
        sd.config.set_num_threads(old)
    np.testing.assert_array_equal(one, two)


@pytest.mark.parametrize("dtype", [None, np.float32, np.float64], ids=str)
def test_uniform_range_shape_and_moments(dtype):
    sd.random.seed(0)
    t = sd.random.uniform(-2.0, 3.0, size=(200, 500), dtype=dtype)
    a = np.asarray(t)
    assert t.shape == (200, 500) and a.dtype == (dtype or np.float32)
    assert a.min() >= -2.0 and a.max() < 3.0
    assert abs(a.mean() - 0.5) < 0.02 and abs(a.var() - 25 / 12) < 0.03
    assert sd.random.uniform().shape == ()
    assert sd.random.rand(2, 3).shape == (2, 3)


@pytest.mark.parametrize("dtype", [None, np.float64], ids=str)
def test_normal_moments(dtype):
    sd.random.seed(1)
    a = np.asarray(sd.random.normal(1.5, 2.0, size=(400, 500), dtype=dtype))
    assert a.dtype == (dtype or np.float32)
    assert abs(a.mean() - 1.5) < 0.02 and abs(a.std() - 2.0) < 0.02
    assert abs(((a - 1.5) ** 3).mean()) < 0.1  # symmetric
    assert np.isfinite(a).all()
    assert sd.random.randn(4).shape == (4,)


@pytest.mark.parametrize("dtype", [None, np.int32, np.uint8, np.int64], ids=str)
def test_randint_range_and_uniformity(dtype):
    sd.random.seed(2)
    t = sd.random.randint(3, 13, size=(100_000,), dtype=dtype)
    a = np.asarray(t)
    assert a.dtype == (dtype or np.int64)
    assert a.min() == 3 and a.max() == 12
    counts = np.bincount(a - 3)
    assert counts.min() > 9_300 and counts.max() < 10_700
    one_arg = np.asarray(sd.random.randint(5, size=1000))
    assert one_arg.min() >= 0 and one_arg.max() <= 4
    big = np.asarray(sd.random.randint(-(2 ** 62), 2 ** 62, size=1000))
    assert big.min() < -(2 ** 60) and big.max() > 2 ** 60


def test_permutation():
    sd.random.seed(3)
    p = np.asarray(sd.random.permutation(1000))
    assert p.dtype == np.int64 and sorted(p.tolist()) == list(range(1000))
    assert not np.array_equal(p, np.arange(1000))
    rows = np.arange(20).reshape(10, 2)
    shuffled = np.asarray(sd.random.permutation(rows))
    assert sorted(map(tuple, shuffled.tolist())) == sorted(map(tuple, rows.tolist()))
    assert (shuffled[:, 1] - shuffled[:, 0] == 1).all()  # rows move whole
    assert sd.random.permutation(0).shape == (0,)


@pytest.mark.parametrize("call", [
    lambda: sd.random.randint(5, 5), lambda: sd.random.randint(5, 2), lambda: sd.random.seed(-1),
    lambda: sd.random.uniform(size=(-1,)), lambda: sd.random.permutation(-3),
    lambda: sd.random.permutation(sd.asarray(1.0)), lambda: sd.random.randint(0, 300, size=3, dtype=np.uint8),
    lambda: sd.random.normal(size=(2,), dtype=np.int32)])
def test_bad_arguments_raise(call):
    with pytest.raises((ValueError, TypeError)):
        call()
