"""Zero-copy exchange with numpy and its lifetimes: np.asarray(tensor) shares memory and
keeps the tensor alive; asarray(array, copy=False) borrows numpy memory and keeps the array
alive; no engine handle leaks (swiftdl._C.live_tensors)."""
import gc
import weakref

import numpy as np
import pytest

import swiftdl as sd
from conftest import assert_same


def test_numpy_view_of_a_tensor_shares_memory_and_outlives_it(no_leaks):
    t = sd.arange(6, dtype=np.float64).reshape(2, 3)
    view = np.asarray(t)
    assert view.ctypes.data == t._data_pointer
    view[0, 0] = 42.0
    assert float(t[0, 0]) == 42.0
    t[1, 2] = -1.0
    assert view[1, 2] == -1.0
    reference = weakref.ref(t)
    del t
    gc.collect()
    assert reference() is not None  # the numpy view holds the tensor
    assert view.tolist() == [[42.0, 1.0, 2.0], [3.0, 4.0, -1.0]]
    del view
    gc.collect()
    assert reference() is None


@pytest.mark.parametrize("make", [lambda t: t.T, lambda t: t[::-1, 1::2], lambda t: sd.broadcast_to(t[:1], (4, 6))],
                         ids=["transposed", "negative-step", "broadcast"])
def test_numpy_views_of_strided_tensors(rng, make, no_leaks):
    base = rng.standard_normal((4, 6))
    t = make(sd.asarray(base))
    view = np.asarray(t)
    expected = make(sd.asarray(base)).numpy()
    assert view.shape == t.shape and view.strides == t.strides
    np.testing.assert_array_equal(view, expected)
    assert view.ctypes.data == t._data_pointer or t.size == 0


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64, np.uint8, np.bool_],
                         ids=lambda d: np.dtype(d).name)
def test_borrowing_numpy_memory(dtype, no_leaks):
    source = np.zeros((3, 4), dtype)
    t = sd.asarray(source, copy=False)
    assert t._data_pointer == source.ctypes.data
    source[1, 2] = 1
    assert t[1, 2].item() == source[1, 2].item()
    t[2, 3] = 1
    assert source[2, 3] == 1  # writes go both ways
    del source
    gc.collect()
    assert t.sum().item() == 2  # the tensor kept the array alive
    expected = np.zeros((3, 4), dtype)
    expected[1, 2] = expected[2, 3] = 1
    assert_same(t + t, expected + expected)


def test_borrowed_array_dies_with_the_last_tensor(no_leaks):
    class Owner(np.ndarray):
        pass

    source = np.arange(10.0).view(Owner)
    alive = weakref.ref(source)
    t = sd.asarray(source, copy=False)
    view = t[2:5]
    del source
    gc.collect()
    assert alive() is not None
    del t
    gc.collect()
    assert alive() is not None  # a view of the tensor still reads the borrowed memory
    assert_same(view, np.arange(2.0, 5.0))
    del view
    gc.collect()
    assert alive() is None


def test_borrowing_strided_and_negative_stride_arrays(rng, no_leaks):
    base = rng.standard_normal((6, 8))
    for source in (base[::2, ::-3], base.T, base[:, 1]):
        t = sd.asarray(source, copy=False)
        assert_same(t, source)
        assert t._data_pointer == source.ctypes.data
        assert_same(t * 2, source * 2)


def test_copy_modes(no_leaks):
    source = np.arange(4.0)
    copied = sd.asarray(source)  # copy=True is the default
    source[0] = 9.0
    assert float(copied[0]) == 0.0
    maybe = sd.asarray(source, copy=None)
    assert maybe._data_pointer == source.ctypes.data
    readonly = np.arange(4.0)
    readonly.flags.writeable = False
    with pytest.raises(ValueError):
        sd.asarray(readonly, copy=False)
    assert sd.asarray(readonly, copy=None)._data_pointer != readonly.ctypes.data
    with pytest.raises(ValueError):
        sd.asarray(np.arange(3), dtype=np.float32, copy=False)
    del maybe, copied


def test_round_trip_numpy_tensor_numpy_keeps_one_buffer(no_leaks):
    source = np.arange(12, dtype=np.int32).reshape(3, 4)
    t = sd.asarray(source, copy=False)
    back = np.asarray(t)
    assert back.ctypes.data == source.ctypes.data
    again = sd.asarray(back, copy=False)
    assert again._data_pointer == source.ctypes.data
    again[0, 0] = 100
    assert source[0, 0] == 100
    del source, t, back
    gc.collect()
    assert int(again[0, 0]) == 100


def test_dlpack_round_trip(no_leaks):
    t = sd.arange(6, dtype=np.float32).reshape(2, 3).T
    array = np.from_dlpack(t)
    assert array.ctypes.data == t._data_pointer and array.strides == t.strides
    np.testing.assert_array_equal(array, np.arange(6, dtype=np.float32).reshape(2, 3).T)
    del t
    gc.collect()
    assert array.sum() == 15
    assert sd.asarray(np.float32(1)).__dlpack_device__() == (1, 0)
    with pytest.raises(BufferError):
        sd.zeros(2).__dlpack__(copy=True)


def test_memoryview_and_buffer_export(no_leaks):
    t = sd.arange(4, dtype=np.int64)
    view = memoryview(t)
    assert view.format in ("l", "q") and view.shape == (4,) and view.tolist() == [0, 1, 2, 3]
    view.release()
    strided = memoryview(t.reshape(2, 2).T)
    assert strided.strides == (8, 16) and not strided.c_contiguous
    assert strided.tolist() == [[0, 2], [1, 3]]
    strided.release()
    assert bytes(sd.asarray(np.array([1, 2], np.uint8))) == b"\x01\x02"


def test_ops_do_not_leak_handles(rng, no_leaks):
    a = rng.standard_normal((5, 5))
    for _ in range(3):
        t = sd.asarray(a)
        (t @ t.T + 1).sum(axis=0).numpy()
        t[t > 0] = 0
        t[[0, 1]] *= 2
        sd.concatenate([t, t]).max()
        np.exp(t)
        try:
            t @ sd.ones((3, 3))
        except ValueError:
            pass
    del t
