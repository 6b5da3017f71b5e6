"""Fuzz target: tensors made from numpy arrays, buffers, nested lists and scalars, and back.

Arrays of every dtype (supported or not, either byte order), shapes with zero and hostile
sizes, and layouts numpy can make (slices with steps, negative strides, transposes, zero
strides from broadcasting, Fortran order, unaligned and read-only memory) go through
`asarray` (copy True / False / None, with and without a dtype), `np.asarray(tensor)`,
DLPack, `astype`, indexing and a reduction. Where swiftdl accepts an array, its values
must equal numpy's; otherwise the error must be one of the contract's.

Run: python Tests/fuzz/fuzz_tensors.py -max_total_time=60 [corpus_dir]
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _harness import Draw, Finding, check, run  # noqa: E402

import swiftdl as sd  # noqa: E402

DTYPES = ["float32", "float64", "int32", "int64", "uint8", "bool", "float16", "int8", "int16", "uint16",
          "uint32", "uint64", "complex64", "complex128", ">f4", ">i8", "<f8", "object", "datetime64[s]",
          "U3", "S2", "V4", "longdouble"]
SUPPORTED = {np.dtype(n) for n in ["float32", "float64", "int32", "int64", "uint8", "bool"]}


def make_array(draw):
    dtype = np.dtype(draw.pick(DTYPES))
    shape = tuple(draw.int(0, 4) for _ in range(draw.int(0, 4)))
    count = int(np.prod(shape, dtype=np.int64))
    raw = draw.bytes(min(count * max(dtype.itemsize, 1), 256))
    if dtype.kind in "fc":
        values = np.frombuffer(raw.ljust(count * 8, b"\0")[:count * 8], np.float64)[:count]
        values = np.where(np.isfinite(values), values, draw.pick([0.0, np.nan, np.inf, -np.inf]))
        base = values.astype(dtype)
    elif dtype.kind in "biu":
        native = dtype.newbyteorder("=") if dtype.byteorder != "|" else dtype
        base = np.frombuffer(raw.ljust(count * dtype.itemsize, b"\0"), native, count).astype(dtype)
        if dtype.kind == "b":
            base = base.view(np.uint8).astype(bool)
    elif dtype.kind == "O":
        base = np.array([draw.pick([1, 2.5, "a", None, [1]]) for _ in range(count)] + [None], dtype=object)[:count]
    else:
        base = np.zeros(count, dtype)
    array = base.reshape(shape)
    return reshape_layout(draw, array)


def reshape_layout(draw, array):
    """Gives the array a layout: strided, reversed, transposed, broadcast, Fortran,
    unaligned, read-only or a plain buffer object."""
    for _ in range(draw.int(0, 3)):
        kind = draw.int(0, 8)
        if kind == 0 and array.ndim:
            axis = draw.int(0, array.ndim - 1)
            step = draw.pick([2, -1, -2, 3])
            index = [slice(None)] * array.ndim
            index[axis] = slice(None, None, step)
            array = array[tuple(index)]
        elif kind == 1 and array.ndim >= 2:
            array = array.transpose(np.roll(np.arange(array.ndim), draw.int(1, array.ndim - 1)))
        elif kind == 2:
            array = np.broadcast_to(array, (draw.int(0, 3),) + array.shape)
        elif kind == 3:
            array = np.asfortranarray(array)
        elif kind == 4 and array.dtype.itemsize > 1 and array.dtype != object and array.size:
            raw = np.zeros(array.size * array.dtype.itemsize + 1, np.uint8)
            unaligned = raw[1:].view(array.dtype).reshape(array.shape)
            unaligned[...] = array
            array = unaligned
        elif kind == 5:
            array = array.copy()
            array.flags.writeable = False
        elif kind == 6 and array.ndim:
            array = array[..., None]
        elif kind == 7 and array.ndim and array.shape[-1] > 0:
            array = array[..., :1]
        elif kind == 8:
            array = np.lib.stride_tricks.as_strided(array, shape=array.shape + (draw.int(0, 2),),
                                                    strides=array.strides + (0,), writeable=False)
    return array


def as_source(draw, array):
    """The array itself, a nested list, a scalar, a memoryview or bytes."""
    kind = draw.int(0, 6)
    if kind == 1 and array.dtype != object:
        return array.tolist()
    if kind == 2 and array.dtype != object:
        return memoryview(np.ascontiguousarray(array)) if array.dtype.kind in "biuf" else array
    if kind == 3 and array.size:
        return array.flat[0] if array.dtype != object else array.flat[0]
    if kind == 4:
        return draw.pick([1, -1, 2 ** 63, 2 ** 64, -(2 ** 63) - 1, 1.5, float("nan"), True, 1j, "1", b"1", None, [],
                          [[]], [[1], [2, 3]], [1, [2]], (1, 2.0), [True, 2], [2 ** 70]])
    return array


def one_input(data):
    draw = Draw(data)
    array = make_array(draw)
    source = as_source(draw, array)
    copy = draw.pick([True, False, None])
    dtype = draw.pick([None, None, "float32", "float64", "int32", "int64", "uint8", "bool", "float16", "complex64"])
    tensor = check(sd.asarray, source, dtype=dtype, copy=copy)
    if tensor is None:
        return
    if isinstance(source, np.ndarray) and source.dtype in SUPPORTED:
        expected = source if dtype is None else _numpy_cast(source, dtype)
        if expected is not None:
            _same(np.asarray(tensor), expected, f"asarray(copy={copy}, dtype={dtype})")
        if copy is False:
            assert dtype is None or np.dtype(dtype) == source.dtype
    back = np.asarray(tensor)
    assert back.shape == tuple(tensor.shape), (back.shape, tensor.shape)
    assert back.dtype == tensor.dtype, (back.dtype, tensor.dtype)
    exercise(draw, tensor, back)


def exercise(draw, tensor, reference):
    """A few follow-up operations on the tensor, each compared with numpy."""
    for _ in range(draw.int(0, 4)):
        kind = draw.int(0, 6)
        if kind == 0:
            target = draw.pick(["float32", "float64", "int32", "int64", "uint8", "bool"])
            result = check(tensor.astype, target)
            expected = _numpy_cast(reference, target)
            if result is not None and expected is not None:
                _same(np.asarray(result), expected, "astype")
        elif kind == 1:
            result = check(lambda: np.from_dlpack(tensor))
            if result is not None:
                _same(result, reference, "from_dlpack")
        elif kind == 2 and reference.ndim:
            index = tuple(draw.pick([slice(None, None, draw.pick([1, -1, 2])), draw.int(-3, 3), None, Ellipsis])
                          for _ in range(draw.int(1, reference.ndim)))
            try:
                expected = reference[index]
            except (IndexError, TypeError, ValueError):
                check(tensor.__getitem__, index)
                continue
            result = check(tensor.__getitem__, index)
            if result is None:
                raise Finding(f"numpy indexes {reference.shape} with {index}, swiftdl raised")
            _same(np.asarray(result), np.asarray(expected), f"getitem {index}")
        elif kind == 3:
            result = check(sd.sum, tensor)
            if result is not None and reference.dtype.kind in "biu":
                # Integer sums are exact (int64, wrapping alike) in both.
                assert int(np.asarray(result)) == int(reference.sum(dtype=np.int64)), (result, reference)
        elif kind == 4:
            shape = tuple(draw.size() for _ in range(draw.int(0, 3)))
            result = check(tensor.reshape, shape)
            if result is not None:
                _same(np.asarray(result), reference.reshape(shape), "reshape")
        elif kind == 5:
            borrowed = check(sd.asarray, reference, copy=draw.pick([False, None]))
            if borrowed is not None:
                _same(np.asarray(borrowed), reference, "re-borrow")
        else:
            shape = tuple(draw.size() for _ in range(draw.int(0, 3)))
            result = check(sd.broadcast_to, tensor, shape)
            if result is not None:
                _same(np.asarray(result), np.broadcast_to(reference, shape), "broadcast_to")


def _numpy_cast(array, dtype):
    dtype = np.dtype(dtype)
    if dtype not in SUPPORTED:
        return None
    if array.dtype.kind == "f" and dtype.kind in "iu":
        # C leaves float -> int casts of NaN and out-of-range values undefined; numpy's
        # result there depends on the platform, so only in-range values are compared.
        info = np.iinfo(dtype)
        with np.errstate(all="ignore"):
            if not np.all(np.isfinite(array)) or np.any(array < info.min) or np.any(array >= info.max):
                return None
    with np.errstate(all="ignore"):
        return array.astype(dtype)


def _same(actual, expected, what):
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    if expected.size > 100_000:  # a broadcast view: compare its corners
        corners = [tuple(0 for _ in expected.shape), tuple(n - 1 for n in expected.shape)]
        for corner in corners:
            np.testing.assert_array_equal(actual[corner], expected[corner], err_msg=what)
        return
    np.testing.assert_array_equal(actual, expected, err_msg=what, strict=False)


SEEDS = [bytes(range(256)), b"\x00" * 64, b"\xff" * 64]

if __name__ == "__main__":
    run(one_input, SEEDS)
