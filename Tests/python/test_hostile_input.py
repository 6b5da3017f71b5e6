"""Hostile input: bad shapes, axes, indices, dtypes and sizes raise clear Python exceptions,
through the public API and straight at swiftdl._C, and the process keeps computing
correctly afterwards (a Swift trap would kill the test run itself)."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import _C

_CLEAR = (ValueError, TypeError, IndexError, MemoryError)

_PUBLIC = {
    "huge zeros": (lambda: sd.zeros((10 ** 12,)), MemoryError),
    "huge empty 2-d": (lambda: sd.empty((10 ** 7, 10 ** 7), np.float64), MemoryError),
    "element count overflow": (lambda: sd.zeros((2 ** 40, 2 ** 40)), MemoryError),
    "byte count overflow": (lambda: sd.zeros((2 ** 61,), np.float64), MemoryError),
    "dimension beyond int64": (lambda: sd.zeros((10 ** 30,)), ValueError),
    "huge ones": (lambda: sd.ones((10 ** 12,)), MemoryError),
    "huge full": (lambda: sd.full((10 ** 12,), 1.0), MemoryError),
    "huge eye": (lambda: sd.eye(10 ** 7), MemoryError),
    "huge arange": (lambda: sd.arange(0, 1e15), MemoryError),
    "huge linspace": (lambda: sd.linspace(0, 1, 10 ** 13), MemoryError),
    "huge random": (lambda: sd.random.uniform(size=(10 ** 12,)), MemoryError),
    "huge reshape target": (lambda: sd.zeros(4).reshape(2 ** 40, 2 ** 40), (ValueError, MemoryError)),
    "huge broadcast": (lambda: sd.broadcast_to(sd.zeros(1), (10 ** 12,)) + 1, MemoryError),
    "zero-size with overflowing sizes": (lambda: sd.zeros((0, 2 ** 62, 4)), MemoryError),
    "reshape to overflowing zero-size": (lambda: sd.zeros(0).reshape(2 ** 62, 0), MemoryError),
    "broadcast_to overflowing": (lambda: sd.broadcast_to(sd.zeros(1), (2 ** 62, 4)), MemoryError),
    "negative dims": (lambda: sd.zeros((2, -3)), ValueError),
    "negative dims empty": (lambda: sd.empty(-1), ValueError),
    "negative dims random": (lambda: sd.random.normal(size=(-2,)), ValueError),
    "negative eye": (lambda: sd.eye(-1), ValueError),
    "too many dims": (lambda: sd.zeros((1,) * 65), ValueError),
    "float shape": (lambda: sd.zeros((2.5,)), TypeError),
    "string shape": (lambda: sd.zeros("abc"), TypeError),
    "None in shape": (lambda: sd.zeros((2, None)), TypeError),
    "float16": (lambda: sd.asarray(np.zeros(3, np.float16)), TypeError),
    "complex": (lambda: sd.asarray(np.zeros(3, np.complex128)), TypeError),
    "complex scalar": (lambda: sd.asarray(1 + 2j), TypeError),
    "object array": (lambda: sd.asarray(np.array([1, "a", None], dtype=object)), TypeError),
    "ragged list": (lambda: sd.asarray([[1, 2], [3]]), ValueError),
    "deeply ragged": (lambda: sd.asarray([[[1]], [2, 3]]), ValueError),
    "string": (lambda: sd.asarray("text"), TypeError),
    "string list": (lambda: sd.asarray(["a", "b"]), TypeError),
    "bytes": (lambda: sd.asarray(b"abc"), TypeError),
    "None": (lambda: sd.asarray(None), TypeError),
    "dict": (lambda: sd.asarray({"a": 1}), TypeError),
    "datetime": (lambda: sd.asarray(np.array(["2020-01-01"], "datetime64[D]")), TypeError),
    "structured": (lambda: sd.asarray(np.zeros(2, [("a", "f4")])), TypeError),
    "unsupported dtype name": (lambda: sd.zeros(3, dtype="float128"), TypeError),
    "dtype nonsense": (lambda: sd.zeros(3, dtype="not a dtype"), TypeError),
    "astype complex": (lambda: sd.zeros(3).astype(np.complex64), TypeError),
    "bad reshape": (lambda: sd.zeros(6).reshape(4, 2), ValueError),
    "two unknown dims": (lambda: sd.zeros(6).reshape(-1, -1), ValueError),
    "bad transpose": (lambda: sd.zeros((2, 3)).transpose(0, 0), ValueError),
    "bad axis": (lambda: sd.zeros((2, 3)).sum(axis=2), (ValueError, IndexError)),
    "bad negative axis": (lambda: sd.zeros((2, 3)).mean(axis=-3), (ValueError, IndexError)),
    "huge axis": (lambda: sd.zeros((2, 3)).max(axis=2 ** 62), (ValueError, IndexError)),
    "axis beyond int64": (lambda: sd.zeros((2, 3)).max(axis=2 ** 70), (ValueError, IndexError)),
    "repeated axis": (lambda: sd.zeros((2, 3)).sum(axis=(1, 1)), ValueError),
    "float axis": (lambda: sd.zeros((2, 3)).sum(axis=1.0), TypeError),
    "bad squeeze": (lambda: sd.zeros((2, 3)).squeeze(0), ValueError),
    "bad expand_dims": (lambda: sd.expand_dims(sd.zeros(3), 5), ValueError),
    "bad concatenate axis": (lambda: sd.concatenate([sd.zeros(3), sd.zeros(3)], axis=1), (ValueError, IndexError)),
    "bad stack shapes": (lambda: sd.stack([sd.zeros(3), sd.zeros(2)]), ValueError),
    "too many indices": (lambda: sd.zeros((2, 3))[0, 0, 0], IndexError),
    "index out of range": (lambda: sd.zeros((2, 3))[2], IndexError),
    "negative index out of range": (lambda: sd.zeros((2, 3))[:, -4], IndexError),
    "huge index": (lambda: sd.zeros(3)[2 ** 62], IndexError),
    "index beyond int64": (lambda: sd.zeros(3)[2 ** 70], IndexError),
    "array index out of range": (lambda: sd.zeros(3)[[0, 3]], IndexError),
    "huge array index": (lambda: sd.zeros(3)[np.array([2 ** 62])], IndexError),
    "float index": (lambda: sd.zeros(3)[1.0], IndexError),
    "float array index": (lambda: sd.zeros(3)[np.array([1.0])], IndexError),
    "bad mask": (lambda: sd.zeros(3)[np.array([True, False])], IndexError),
    "setitem out of range": (lambda: sd.zeros(3).__setitem__(3, 1.0), IndexError),
    "setitem array out of range": (lambda: sd.zeros(3).__setitem__([-4], 1.0), IndexError),
    "setitem bad value": (lambda: sd.zeros(3).__setitem__(0, "x"), (TypeError, ValueError)),
    "setitem bad shape": (lambda: sd.zeros((2, 3)).__setitem__(0, sd.zeros(4)), ValueError),
    "take out of range": (lambda: sd.take(sd.zeros(5), [5]), IndexError),
    "take negative out of range": (lambda: sd.take(sd.zeros((2, 3)), [-4], axis=1), IndexError),
    "take huge": (lambda: sd.take(sd.zeros(5), [2 ** 63 - 1]), IndexError),
    "take bad axis": (lambda: sd.take(sd.zeros(5), [0], axis=3), (ValueError, IndexError)),
    "matmul mismatch": (lambda: sd.zeros((2, 3)) @ sd.zeros((2, 3)), ValueError),
    "matmul batch mismatch": (lambda: sd.zeros((2, 2, 3)) @ sd.zeros((3, 3, 2)), ValueError),
    "matmul scalar": (lambda: sd.matmul(sd.asarray(1.0), sd.zeros(2)), ValueError),
    "broadcast mismatch": (lambda: sd.zeros((2, 3)) + sd.zeros((4,)), ValueError),
    "out shape mismatch": (lambda: sd.add(sd.zeros(3), 1.0, out=sd.zeros(4)), ValueError),
    "where mismatch": (lambda: sd.where(sd.zeros(3) > 0, sd.zeros(2), 0.0), ValueError),
    "uint8 + 300": (lambda: sd.zeros(3, np.uint8) + 300, OverflowError),
    "int32 + 2**40": (lambda: sd.zeros(3, np.int32) + 2 ** 40, OverflowError),
    "negative int power": (lambda: sd.asarray([2]) ** -1, ValueError),
    "bitwise float": (lambda: sd.zeros(3) & sd.zeros(3), TypeError),
    "bool minus": (lambda: sd.asarray([True]) - sd.asarray([True]), TypeError),
    "invert float": (lambda: ~sd.zeros(3), TypeError),
    "max of empty": (lambda: sd.zeros(0).max(), ValueError),
    "argmin of empty": (lambda: sd.zeros((0, 2)).argmin(), ValueError),
    "randint empty range": (lambda: sd.random.randint(3, 3), ValueError),
    "arange zero step": (lambda: sd.arange(0, 1, 0), ValueError),
    "arange nan": (lambda: sd.arange(0, float("nan")), ValueError),
    "arange inf": (lambda: sd.arange(0, float("inf")), (ValueError, MemoryError)),
    "bool of many": (lambda: bool(sd.zeros(3)), ValueError),
    "float of many": (lambda: float(sd.zeros(3)), TypeError),
    "set_num_threads 0": (lambda: sd.config.set_num_threads(0), ValueError),
    "base type": (lambda: sd._C.TensorBase(), TypeError),
}


@pytest.mark.parametrize("name", sorted(_PUBLIC))
def test_public_api_refuses_hostile_input(name):
    call, expected = _PUBLIC[name]
    with pytest.raises(expected) as info:
        call()
    assert str(info.value), "the exception must say what was wrong"
    _still_computes()


def _t(values=(1.0, 2.0, 3.0, 4.0), dtype=np.float32):
    return sd.asarray(np.asarray(values, dtype))


# Straight at the extension: argument types, op codes, geometry and offsets a buggy caller
# could send. The engine validates every one.
_RAW = {
    "binary non-tensor": lambda: _C.binary(0, np.zeros(2), _t()),
    "binary None": lambda: _C.binary(0, None, _t()),
    "binary bad code": lambda: _C.binary(10 ** 6, _t(), _t()),
    "binary negative code": lambda: _C.binary(-5, _t(), _t()),
    "unary bad code": lambda: _C.unary(1000, _t()),
    "reduce bad code": lambda: _C.reduce(-1, _t(), None, False),
    "reduce axes non-ints": lambda: _C.reduce(0, _t(), ["a"], False),
    "reduce too many axes": lambda: _C.reduce(0, _t(), list(range(100)), False),
    "var huge ddof": lambda: float(_C.var(_t(), None, 2 ** 62, False)),
    "cast bad dtype": lambda: _C.cast(_t(), 99),
    "empty bad dtype": lambda: _C.empty([2], 42, True),
    "empty rank 65": lambda: _C.empty([1] * 65, 0, True),
    "view out of storage": lambda: _C.view(_t(), 10, [2], [1]),
    "view negative offset": lambda: _C.view(_t(), -1, [2], [1]),
    "view stride past end": lambda: _C.view(_t(), 0, [3], [2]),
    "view negative stride past start": lambda: _C.view(_t(), 1, [3], [-1]),
    "view overflowing geometry": lambda: _C.view(_t(), 0, [2 ** 40, 2 ** 40], [2 ** 40, 1]),
    "view huge stride": lambda: _C.view(_t(), 0, [2], [2 ** 62]),
    "view shape/strides mismatch": lambda: _C.view(_t(), 0, [2, 2], [1]),
    "view negative size": lambda: _C.view(_t(), 0, [-2], [1]),
    "gather offsets out of range": lambda: _C.gather_offsets(_t(), sd.asarray([0, 4])),
    "gather negative offsets": lambda: _C.gather_offsets(_t(), sd.asarray([-1])),
    "gather float offsets": lambda: _C.gather_offsets(_t(), _t()),
    "scatter offsets out of range": lambda: _C.scatter_offsets(_t(), sd.asarray([2 ** 40]), _t((1.0,))),
    "scatter value shape": lambda: _C.scatter_offsets(_t(), sd.asarray([0, 1]), _t((1.0, 2.0, 3.0))),
    "take float indices": lambda: _C.take(_t(), _t(), None),
    "take axis beyond int64": lambda: _C.take(_t(), sd.asarray([0]), 2 ** 70),
    "full bad dtype": lambda: _C.full([2], _t((1.0,)), 17),
    "full bad value shape": lambda: _C.full([2], _t((1.0, 2.0, 3.0)), 0),
    "full negative shape": lambda: _C.full([-2], _t((1.0,)), 0),
    "arange huge": lambda: _C.arange(0.0, 1e300, 1.0, 0),
    "arange reversed step": lambda: _C.arange(0.0, 10.0, -1.0, 3).size == 0 or _raise(),
    "linspace negative": lambda: _C.linspace(0.0, 1.0, -5, True, 0),
    "linspace huge": lambda: _C.linspace(0.0, 1.0, 2 ** 62, True, 0),
    "eye huge": lambda: _C.eye(2 ** 31, 2 ** 31, 0, 0),
    "eye bad dtype": lambda: _C.eye(2, 2, 0, 9),
    "randint bad dtype": lambda: _C.random_randint([2], 0, 5, 0),
    "uniform bad dtype": lambda: _C.random_uniform([2], 0.0, 1.0, 3),
    "permutation negative": lambda: _C.random_permutation(-1),
    "permutation huge": lambda: _C.random_permutation(2 ** 62),
    "concatenate non-tensors": lambda: _C.concatenate([1, 2], 0),
    "concatenate non-sequence": lambda: _C.concatenate(5, 0),
    "stack empty": lambda: _C.stack([], 0),
    "transpose wrong length": lambda: _C.transpose(_t(), [0, 1]),
    "squeeze non-unit": lambda: _C.squeeze(_t(), [0]),
    "expand_dims far": lambda: _C.expand_dims(_t(), 10 ** 9),
    "broadcast to fewer dims": lambda: _C.broadcast_to(_C.reshape(_t(), [2, 2]), [2]),
    "from_buffer non-buffer": lambda: _C.from_buffer(object(), False),
    "assign incompatible": lambda: _C.assign(_t(), _t((1.0, 2.0))),
    "set_num_threads huge": lambda: _C.set_num_threads(10 ** 6),
}


# Sizes whose products overflow int64, even where a zero size makes the count 0: numpy
# refuses such arrays, and release builds (-Ounchecked) must refuse them too rather than
# wrap them (issue 11). Each must raise, not return.
_OVERFLOWING = {
    "empty zero-size overflowing": lambda: _C.empty([0, 2 ** 62, 4], 0, True),
    "empty zero-size bytes overflowing": lambda: _C.empty([2 ** 62, 0], 0, True),
    "view zero-size overflowing": lambda: _C.view(_t(), 0, [2 ** 62, 0], [0, 0]),
    "view size-1 huge stride": lambda: _C.view(_t(), 0, [1], [2 ** 62]),
    "reshape zero-size overflowing": lambda: _C.reshape(_C.empty([0], 0, True), [2 ** 62, 0]),
    "broadcast_to overflowing": lambda: _C.broadcast_to(_t((1.0,)), [2 ** 62, 4]),
    "broadcast_to bytes overflowing": lambda: _C.broadcast_to(_t((1.0,)), [2 ** 62]),
    "broadcast_to negative": lambda: _C.broadcast_to(_t((1.0,)), [-1]),
    "broadcast result overflowing": lambda: _C.binary(0, _C.broadcast_to(_t((1.0,)), [2 ** 60]), _C.empty([16, 1], 0, True)),
    "lstm recurrent kernel overflowing width": lambda: _C.lstm(
        _C.empty([0, 1, 0], 0, True), _C.empty([0, 0], 0, True), _C.empty([2 ** 61, 0], 4, True),
        None, None, None, None, False, False),
    "lstm uint8 recurrent kernel (2^62, 0)": lambda: _C.lstm(
        _C.empty([0, 1, 0], 0, True), _C.empty([0, 0], 0, True), _C.empty([2 ** 62, 0], 4, True),
        None, None, None, None, False, False),
    "normal count overflowing": lambda: _C.random_normal([2 ** 63 - 1], 0.0, 1.0, 1),
    "conv2d padding overflowing": lambda: _C.conv2d(
        _C.empty([1, 1, 1, 1], 0, True), _C.empty([1, 1, 1, 1], 0, True), None, 0, (1, 1), (1, 1), 2,
        (2 ** 31 - 1,) * 4),
}


@pytest.mark.parametrize("name", sorted(_OVERFLOWING))
def test_overflowing_sizes_are_refused(name):
    with pytest.raises((ValueError, MemoryError, IndexError, TypeError)) as info:
        _OVERFLOWING[name]()
    assert str(info.value).startswith("["), "the engine, not Python's int conversion, must refuse it"
    _still_computes()


def test_eye_with_a_diagonal_near_int64_max_is_empty():
    for k in (2 ** 63 - 1, -(2 ** 63)):
        np.testing.assert_array_equal(np.asarray(sd.eye(3, 3, k=k)), np.eye(3, 3, k=k, dtype=np.float32))


def _raise():
    raise ValueError("unexpected")


@pytest.mark.parametrize("name", sorted(_RAW))
def test_extension_refuses_hostile_calls(name):
    try:
        result = _RAW[name]()
    except (ValueError, TypeError, IndexError, MemoryError, OverflowError) as error:
        assert str(error)
        if isinstance(error, OverflowError):
            # only Python-level integer conversion may overflow, never the engine
            assert "[" not in str(error)
    else:
        # a call the engine accepts must give a sensible result rather than garbage
        assert result is None or result is True or isinstance(result, (sd.Tensor, float, bool))
    _still_computes()


def test_failed_calls_leave_no_handles_behind():
    import gc
    gc.collect()
    before = _C.live_tensors()
    for name in sorted(_RAW):
        try:
            _RAW[name]()
        except (ValueError, TypeError, IndexError, MemoryError, OverflowError):
            pass
    for call, _ in _PUBLIC.values():
        try:
            call()
        except (ValueError, TypeError, IndexError, MemoryError, OverflowError):
            pass
    gc.collect()
    assert _C.live_tensors() == before


def _still_computes():
    a = np.arange(12.0).reshape(3, 4)
    t = sd.asarray(a)
    np.testing.assert_array_equal(np.asarray((t @ t.T).sum(axis=0)), (a @ a.T).sum(axis=0))
    np.testing.assert_array_equal(np.asarray(t[::-1, [0, 2]]), a[::-1, [0, 2]])
    assert sd._C.get_num_threads() >= 1
