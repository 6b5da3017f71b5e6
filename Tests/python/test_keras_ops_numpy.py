"""swiftdl.keras.ops, numpy part: values against numpy, Keras's dtype rules, negative axes,
empty shapes, finite-difference gradients and errors that name the op."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras import ops

from _nn_gradcheck import check_gradients

RNG = np.random.default_rng(0)


def _close(actual, expected, rtol=1e-5, atol=1e-6):
    actual = np.asarray(actual)
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)
    assert actual.shape == np.shape(expected)


def test_reachable_as_keras_ops_and_module():
    assert keras.ops is ops
    assert keras.ops.linalg.norm is ops.norm


@pytest.mark.parametrize("name, x1, x2, expected", [
    ("add", np.int32, np.float32, "float32"),
    ("add", np.int64, np.float32, "float32"),   # Keras, unlike numpy's float64
    ("add", np.uint8, np.int32, "int32"),
    ("multiply", np.float32, np.float64, "float64"),
    ("divide", np.int32, np.int32, "float32"),
    ("subtract", np.bool_, np.int32, "int32"),
])
def test_binary_dtype_rules(name, x1, x2, expected):
    a = np.ones((2, 3), x1)
    b = np.ones((3,), x2)
    assert ops.dtype(getattr(ops, name)(a, b)) == expected


def test_python_scalars_are_weak():
    x = np.ones(3, np.float32)
    assert ops.add(x, 2.5).dtype == np.float32
    assert ops.add(np.ones(3, np.int32), 2).dtype == np.int32
    assert ops.add(np.ones(3, np.int32), 2.5).dtype == np.float32
    assert ops.multiply(np.ones(3, np.float64), 2.0).dtype == np.float64
    assert ops.convert_to_tensor([1, 2]).dtype == np.int32
    assert ops.convert_to_tensor([1.0, 2]).dtype == np.float32
    assert ops.arange(5).dtype == np.int32 and ops.arange(5.0).dtype == np.float32


@pytest.mark.parametrize("name", ["sqrt", "exp", "log", "log1p", "expm1", "sin", "cos", "tan", "tanh", "sinh",
                                  "cosh", "arcsinh", "log2", "log10", "exp2", "reciprocal", "rsqrt", "cbrt",
                                  "floor", "ceil", "trunc", "round", "sign", "abs", "square", "negative", "sinc",
                                  "deg2rad", "rad2deg", "fabs", "signbit", "isnan", "isfinite"])
def test_unary_against_numpy(name):
    x = RNG.uniform(0.1, 3.0, size=(3, 4)).astype(np.float32) * np.array([1, -1, 1, -1], np.float32)
    if name in ("sqrt", "log", "log2", "log10", "rsqrt", "log1p"):
        x = np.abs(x)
    reference = {"rsqrt": lambda v: 1 / np.sqrt(v), "cbrt": np.cbrt, "sinc": np.sinc}.get(name, getattr(np, name, None))
    _close(getattr(ops, name)(x), reference(x), rtol=2e-5, atol=1e-5)


def test_unary_on_integers_gives_floatx():
    assert ops.sqrt(np.array([4], np.int32)).dtype == np.float32
    assert ops.exp(np.array([1], np.int64)).dtype == np.float32
    assert ops.mean(np.array([1, 2], np.int32)).dtype == np.float32
    assert ops.sum(np.array([True, True])).dtype == np.int32
    assert ops.argmax(np.array([1.0, 3.0])).dtype == np.int32


def test_special_values():
    x = np.array([-np.inf, -1.5, -0.0, 0.0, 2.5, np.inf, np.nan], np.float32)
    _close(ops.signbit(x), np.signbit(x))
    _close(ops.isinf(x), np.isinf(x))
    _close(ops.isposinf(x), np.isposinf(x))
    _close(ops.nan_to_num(x), np.nan_to_num(x))
    _close(ops.round(np.array([0.5, 1.5, 2.5, -0.5, 1.234], np.float32), 0), np.round([0.5, 1.5, 2.5, -0.5, 1.234]))
    _close(ops.round(np.array([1.234, 5.678], np.float64), 2), np.round([1.234, 5.678], 2))


@pytest.mark.parametrize("name", ["add", "subtract", "multiply", "divide", "maximum", "minimum", "power", "mod",
                                  "floor_divide", "fmod", "hypot", "logaddexp", "logaddexp2", "equal", "less",
                                  "greater_equal", "logical_and", "logical_xor", "fmax", "heaviside", "arctanh_skip"])
def test_binary_broadcasting_against_numpy(name):
    if name.endswith("_skip"):
        return
    a = RNG.uniform(0.5, 2.0, size=(2, 1, 4)).astype(np.float64)
    b = RNG.uniform(0.5, 2.0, size=(3, 1)).astype(np.float64) * np.array([[1], [-1], [1]])
    reference = getattr(np, name)
    _close(getattr(ops, name)(a, b), reference(a, b), rtol=1e-12, atol=1e-12)


def test_clip_where_divide_no_nan_isclose():
    x = np.array([[-2, 0, 3], [5, -7, 1]], np.int32)
    _close(ops.clip(x, -1, 2), np.clip(x, -1, 2))
    assert ops.clip(np.array([True, False]), 0, 1).dtype == np.int32
    _close(ops.where(x > 0, x, 0.5), np.where(x > 0, x, 0.5).astype(np.float32))
    _close(ops.divide_no_nan(np.array([1.0, 2.0]), np.array([0.0, 4.0])), [0.0, 0.5])
    assert bool(ops.allclose(np.array([1.0, np.nan]), np.array([1.0 + 1e-9, np.nan]), equal_nan=True))
    assert not bool(ops.allclose(np.array([1.0]), np.array([1.1])))


@pytest.mark.parametrize("axis", [None, 0, -1, (0, 2), (-1, -3)])
@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "prod", "std", "var", "any", "all", "ptp"])
def test_reductions_against_numpy(name, axis):
    x = RNG.standard_normal((2, 3, 4))
    reference = getattr(np, name)
    for keepdims in (False, True):
        if name == "ptp":
            expected = np.ptp(x, axis=axis, keepdims=keepdims)
        else:
            expected = reference(x, axis=axis, keepdims=keepdims)
        _close(getattr(ops, name)(x, axis=axis, keepdims=keepdims), expected, rtol=1e-10, atol=1e-12)


def test_reductions_on_empty_and_errors():
    empty = np.zeros((0, 3), np.float32)
    _close(ops.sum(empty, axis=0), np.zeros(3))
    _close(ops.max(empty, axis=0, initial=-1.0), np.full(3, -1.0))
    with pytest.raises(ValueError, match=r"\[max\]"):
        ops.max(empty, axis=0)
    with pytest.raises(ValueError, match=r"\[sum\]"):
        ops.sum(np.ones((2, 3)), axis=2)
    with pytest.raises(ValueError, match=r"\[argmax\]"):
        ops.argmax(empty)


def test_argmax_logsumexp_count_average():
    x = RNG.standard_normal((3, 5))
    _close(ops.argmax(x, axis=-1), np.argmax(x, axis=-1))
    _close(ops.argmin(x, axis=0, keepdims=True), np.argmin(x, axis=0, keepdims=True))
    big = np.array([[1000.0, 1000.0], [-1000.0, 0.0]])
    _close(ops.logsumexp(big, axis=1), np.log(np.sum(np.exp(big - big.max(1, keepdims=True)), 1)) + big.max(1))
    _close(ops.logsumexp(x), np.log(np.exp(x).sum()))
    _close(ops.count_nonzero(np.array([[0, 1], [2, 0]]), axis=0), [1, 1])
    w = np.array([1.0, 2.0, 3.0, 0.0, 1.0])
    _close(ops.average(x, axis=1, weights=w), np.average(x, axis=1, weights=w))


@pytest.mark.parametrize("axis", [0, 1, -1, None])
def test_cumsum_cumprod(axis):
    x = RNG.standard_normal((3, 5))
    x[1, 2] = 0.0
    _close(ops.cumsum(x, axis=axis), np.cumsum(x, axis=axis), rtol=1e-12, atol=1e-12)
    _close(ops.cumprod(x, axis=axis), np.cumprod(x, axis=axis), rtol=1e-12, atol=1e-12)
    assert ops.cumsum(np.array([True, True])).dtype == np.int32


def test_creation():
    assert ops.zeros((2, 3)).dtype == np.float32 and ops.ones(2, "int32").dtype == np.int32
    _close(ops.full((2, 2), 7), np.full((2, 2), 7.0, np.float32))
    _close(ops.full_like(np.zeros((2,), np.int32), 3), [3, 3])
    _close(ops.linspace(0.0, 1.0, 5), np.linspace(0, 1, 5))
    _close(ops.linspace(0.0, 1.0, 4, endpoint=False), np.linspace(0, 1, 4, endpoint=False))
    _close(ops.linspace(np.array([0.0, 1.0]), np.array([1.0, 3.0]), 3, axis=1),
           np.linspace(np.array([0.0, 1.0]), np.array([1.0, 3.0]), 3, axis=1), rtol=1e-6)
    _close(ops.logspace(0.0, 2.0, 3), np.logspace(0, 2, 3), rtol=1e-5)
    _close(ops.geomspace(1.0, 8.0, 4), np.geomspace(1, 8, 4), rtol=1e-6)
    _close(ops.eye(3, 4, k=1), np.eye(3, 4, k=1))
    _close(ops.tri(3, 4, k=-1), np.tri(3, 4, k=-1))
    x = RNG.standard_normal((2, 3, 4))
    _close(ops.tril(x, k=1), np.tril(x, k=1))
    _close(ops.triu(x, k=-1), np.triu(x, k=-1))
    for indexing in ("xy", "ij"):
        for got, want in zip(ops.meshgrid(np.arange(3), np.arange(2), np.arange(4), indexing=indexing),
                             np.meshgrid(np.arange(3), np.arange(2), np.arange(4), indexing=indexing)):
            _close(got, want)


def test_shape_ops():
    x = RNG.standard_normal((2, 3, 4))
    _close(ops.reshape(x, (4, -1)), x.reshape(4, -1))
    _close(ops.transpose(x, (2, 0, 1)), x.transpose(2, 0, 1))
    _close(ops.expand_dims(x, -1), x[..., None])
    _close(ops.squeeze(x[:, :1], axis=1), x[:, 0])
    _close(ops.concatenate([x, x], axis=-1), np.concatenate([x, x], axis=-1))
    _close(ops.stack([x, x], axis=-2), np.stack([x, x], axis=-2))
    for got, want in zip(ops.split(x, 2, axis=-1), np.split(x, 2, axis=-1)):
        _close(got, want)
    for got, want in zip(ops.split(x, [1, 3], axis=1), np.split(x, [1, 3], axis=1)):
        _close(got, want)
    for got, want in zip(ops.array_split(x, 3, axis=2), np.array_split(x, 3, axis=2)):
        _close(got, want)
    _close(ops.tile(x[0], (2, 1, 3)), np.tile(x[0], (2, 1, 3)))
    _close(ops.repeat(x, 2, axis=1), np.repeat(x, 2, axis=1))
    _close(ops.repeat(x, [1, 0, 2], axis=-2), np.repeat(x, [1, 0, 2], axis=-2))
    _close(ops.repeat(x, 2), np.repeat(x, 2))
    _close(ops.broadcast_to(x[0, 0], (3, 4)), np.broadcast_to(x[0, 0], (3, 4)))
    _close(ops.flip(x, axis=(0, -1)), np.flip(x, axis=(0, -1)))
    _close(ops.rot90(x, k=3, axes=(1, 2)), np.rot90(x, k=3, axes=(1, 2)))
    _close(ops.roll(x, 2, axis=-1), np.roll(x, 2, axis=-1))
    _close(ops.roll(x, -5), np.roll(x, -5))
    _close(ops.moveaxis(x, 0, -1), np.moveaxis(x, 0, -1))
    _close(ops.swapaxes(x, 0, 2), np.swapaxes(x, 0, 2))
    _close(ops.hstack([x, x]), np.hstack([x, x]))
    _close(ops.vstack([x[0, 0], x[0, 1]]), np.vstack([x[0, 0], x[0, 1]]))
    _close(ops.dstack([x[0], x[1]]), np.dstack([x[0], x[1]]))
    _close(ops.diagonal(x, offset=1, axis1=1, axis2=2), np.diagonal(x, offset=1, axis1=1, axis2=2))
    _close(ops.diag(x[0, 0], k=-1), np.diag(x[0, 0], k=-1))
    _close(ops.diag(x[0], k=1), np.diag(x[0], k=1))
    _close(ops.trace(x, axis1=1, axis2=2), np.trace(x, axis1=1, axis2=2))
    _close(ops.diff(x, n=2, axis=1), np.diff(x, n=2, axis=1))
    assert ops.ndim(x) == 3 and ops.size(x) == 24 and ops.shape(x) == (2, 3, 4)


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric", "wrap", "maximum", "mean"])
def test_pad_modes(mode):
    x = RNG.standard_normal((3, 4))
    _close(ops.pad(x, ((1, 2), (3, 0)), mode=mode), np.pad(x, ((1, 2), (3, 0)), mode=mode))
    if mode == "constant":
        _close(ops.pad(x, 1, constant_values=5.0), np.pad(x, 1, constant_values=5.0))


def test_empty_shapes():
    x = np.zeros((0, 3))
    _close(ops.concatenate([x, x]), np.zeros((0, 3)))
    _close(ops.transpose(x), np.zeros((3, 0)))
    _close(ops.cumsum(x, axis=0), np.zeros((0, 3)))
    _close(ops.sort(x, axis=0), np.zeros((0, 3)))
    _close(ops.take(np.arange(3.0), np.zeros((0,), np.int32)), np.zeros(0))
    _close(ops.matmul(np.zeros((2, 0)), np.zeros((0, 3))), np.zeros((2, 3)))


def test_take_and_take_along_axis():
    x = RNG.standard_normal((3, 4, 5))
    idx = np.array([[0, -1], [2, 1]])
    _close(ops.take(x, idx, axis=-2), np.take(x, idx % 4, axis=-2))
    _close(ops.take(x, [5, -2]), np.take(x, [5, -2]))
    order = np.argsort(x, axis=1)
    _close(ops.take_along_axis(x, order, axis=1), np.take_along_axis(x, order, axis=1))
    _close(ops.take_along_axis(x, order[:, :1], axis=-2), np.take_along_axis(x, order[:, :1], axis=-2))
    with pytest.raises(IndexError, match=r"\[take\]"):
        ops.take(x, [4], axis=1)


def test_slices_and_scatters():
    x = RNG.standard_normal((4, 5))
    _close(ops.slice(x, (1, 2), (2, 3)), x[1:3, 2:5])
    updated = x.copy()
    updated[1:3, 0:2] = -1.0
    _close(ops.slice_update(x, (1, 0), -np.ones((2, 2))), updated)
    _close(ops.scatter([[0, 1], [3, 4], [0, 1]], [1.0, 2.0, 3.0], (4, 5)),
           np.array([[0, 4, 0, 0, 0], [0] * 5, [0] * 5, [0, 0, 0, 0, 2]], np.float32))
    target = np.zeros((4, 3))
    rows = np.array([[1.0, 1, 1], [2, 2, 2], [3, 3, 3]])
    expected = target.copy()
    expected[[2, 0]] = rows[[0, 2]]  # index 2 gets row 0, index 0 the last of its duplicates
    _close(ops.scatter_update(target, [[2], [0], [0]], rows), expected)
    added = np.zeros(4)
    np.add.at(added, [0, 0, 1], [1.0, 1.0, 1.0])
    _close(ops.scatter_update(np.zeros(4), [[0], [0], [1]], np.ones(3), reduction="add"), added)
    maxed = np.full(4, 0.5)
    np.maximum.at(maxed, [0, 0, 1], [1.0, 3.0, 0.2])
    _close(ops.scatter_update(np.full(4, 0.5), [[0], [0], [1]], np.array([1.0, 3.0, 0.2]), reduction="max"), maxed)
    with pytest.raises(ValueError, match=r"\[scatter_update\]"):
        ops.scatter_update(target, [[0]], rows[:1], reduction="median")
    with pytest.raises(ValueError, match=r"\[slice_update\]"):
        ops.slice_update(x, (3, 0), np.ones((2, 2)))


def test_segments_searchsorted_isin_bincount():
    data = RNG.standard_normal((5, 2))
    ids = np.array([0, 2, 0, 1, 2])
    _close(ops.segment_sum(data, ids), np.stack([data[ids == s].sum(0) for s in range(3)]))
    _close(ops.segment_max(data, ids, num_segments=4)[:3], np.stack([data[ids == s].max(0) for s in range(3)]))
    seq = np.array([1.0, 2.0, 2.0, 5.0])
    values = np.array([0.0, 2.0, 3.0, 9.0])
    for side in ("left", "right"):
        _close(ops.searchsorted(seq, values, side=side), np.searchsorted(seq, values, side=side))
    _close(ops.digitize(values, seq), np.digitize(values, seq))
    _close(ops.isin(np.array([1, 2, 3]), np.array([3, 1])), [True, False, True])
    _close(ops.bincount(np.array([0, 1, 1, 4])), np.bincount([0, 1, 1, 4]))
    _close(ops.bincount(np.array([0, 1, 1]), weights=np.array([0.5, 1.0, 2.0]), minlength=4),
           np.bincount([0, 1, 1], weights=[0.5, 1.0, 2.0], minlength=4))
    for got, want in zip(ops.unravel_index(np.array([5, 7]), (2, 4)), np.unravel_index([5, 7], (2, 4))):
        _close(got, want)


def test_sorting():
    x = RNG.standard_normal((3, 6))
    x[0, 1] = x[0, 4]  # a tie: stable order
    x[2, 2] = np.nan
    _close(ops.sort(x, axis=-1), np.sort(x, axis=-1))
    _close(ops.argsort(x, axis=-1), np.argsort(x, axis=-1, kind="stable"))
    _close(ops.sort(x, axis=0), np.sort(x, axis=0))
    ints = np.array([3, 1, 2, 1], np.int32)
    _close(ops.argsort(ints), np.argsort(ints, kind="stable"))
    values, indices = ops.top_k(np.array([[1.0, 5.0, 3.0, 5.0], [0.0, -1.0, 2.0, 1.0]]), 3)
    _close(values, [[5.0, 5.0, 3.0], [2.0, 1.0, 0.0]])
    _close(indices, [[1, 3, 2], [2, 3, 0]])
    big = RNG.standard_normal((2, 40))
    values, indices = ops.top_k(big, 20)
    _close(indices, np.argsort(-big, axis=-1, kind="stable")[:, :20])
    _close(ops.in_top_k(np.array([1, 0]), np.array([[0.1, 0.9, 0.5], [0.1, 0.9, 0.5]]), 2), [True, False])
    y = RNG.standard_normal((4, 7))
    _close(ops.median(y, axis=1), np.median(y, axis=1))
    _close(ops.quantile(y, [0.1, 0.75], axis=0), np.quantile(y, [0.1, 0.75], axis=0))
    _close(ops.percentile(y, 30.0, method="lower"), np.percentile(y, 30.0, method="lower"))


@pytest.mark.parametrize("subscripts, shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("ij,kj", [(2, 3), (4, 3)]),
    ("i,i->", [(5,), (5,)]),
    ("ii->i", [(3, 3)]),
    ("ijk->kj", [(2, 3, 4)]),
    ("...ij,...jk->...ik", [(2, 2, 3), (3, 4)]),
    ("ab,bc,cd->ad", [(2, 3), (3, 4), (4, 2)]),
    ("btnh,bsnh->bnts", [(2, 3, 2, 4), (2, 5, 2, 4)]),
    ("i,j->ij", [(2,), (3,)]),
])
def test_einsum_against_numpy(subscripts, shapes):
    operands = [RNG.standard_normal(s) for s in shapes]
    _close(ops.einsum(subscripts, *operands), np.einsum(subscripts, *operands), rtol=1e-10, atol=1e-12)


def test_products():
    a, b = RNG.standard_normal((2, 3, 4)), RNG.standard_normal((4, 5))
    _close(ops.matmul(a, b), a @ b, rtol=1e-10)
    _close(ops.matmul(a[0, 0], b), a[0, 0] @ b, rtol=1e-10)
    _close(ops.tensordot(a, b, axes=1), np.tensordot(a, b, axes=1), rtol=1e-10)
    _close(ops.tensordot(a, a, axes=([0, 2], [0, 2])), np.tensordot(a, a, axes=([0, 2], [0, 2])), rtol=1e-10)
    _close(ops.dot(a, b), np.dot(a, b), rtol=1e-10)
    _close(ops.inner(a, a[0]), np.inner(a, a[0]), rtol=1e-10)
    _close(ops.outer(a[0, 0], b[0]), np.outer(a[0, 0], b[0]))
    _close(ops.vdot(a[0], a[1]), np.vdot(a[0], a[1]))
    _close(ops.kron(a[0], b[:2, :2]), np.kron(a[0], b[:2, :2]), rtol=1e-10)
    _close(ops.cross(a[0, :, :3], a[1, :, :3]), np.cross(a[0, :, :3], a[1, :, :3]), rtol=1e-10)
    with pytest.raises(ValueError, match=r"\[matmul\]"):
        ops.matmul(a, a)
    with pytest.raises(ValueError, match=r"\[einsum\]"):
        ops.einsum("ij,jk->ik", a[0])


def test_norm():
    x = RNG.standard_normal((3, 4))
    for order in (None, "fro", 1, -1, np.inf, -np.inf, "nuc", 2, -2):
        _close(ops.norm(x, ord=order), np.linalg.norm(x, ord=order), rtol=1e-10)
    for order in (None, 1, 3, np.inf, 0):
        _close(ops.norm(x, ord=order, axis=-1, keepdims=True), np.linalg.norm(x, ord=order, axis=-1, keepdims=True),
               rtol=1e-10)
    with pytest.raises(ValueError, match=r"\[norm\]"):
        ops.norm(x, ord="max")


GRADIENT_CASES = {
    "cumsum": (lambda x: ops.cumsum(x, axis=1), (3, 5)),
    "cumprod": (lambda x: ops.cumprod(x, axis=-1), (2, 5)),
    "sort": (lambda x: ops.sort(x, axis=0), (4, 3)),
    "top_k": (lambda x: ops.top_k(x, 2)[0], (3, 5)),
    "logsumexp": (lambda x: ops.logsumexp(x, axis=-1), (3, 4)),
    "take_along_axis": (lambda x: ops.take_along_axis(x, sd.asarray(np.array([[2, 0], [1, 1], [0, 2]])), 1), (3, 3)),
    "slice_update": (lambda x: ops.slice_update(x, (1, 1), ops.square(x[:2, :2])), (3, 4)),
    "scatter_update": (lambda x: ops.scatter_update(x, [[0], [2]], x[1:3] * 2.0), (3, 2)),
    "scatter": (lambda x: ops.scatter([[1], [0], [1]], x, (3, 2)), (3, 2)),
    "segment_max": (lambda x: ops.segment_max(x, sd.asarray(np.array([0, 1, 0, 1])), 2), (4, 2)),
    "einsum": (lambda x: ops.einsum("ij,kj->ik", x, x), (3, 2)),
    "tensordot": (lambda x: ops.tensordot(x, x, axes=([0], [0])), (3, 2)),
    "pad_reflect": (lambda x: ops.pad(x, ((2, 1), (0, 1)), mode="reflect"), (3, 3)),
    "roll_tile_repeat": (lambda x: ops.repeat(ops.tile(ops.roll(x, 1, axis=0), (1, 2)), 2, axis=0), (2, 2)),
    "std_norm": (lambda x: ops.std(x, axis=0) + ops.norm(x, ord=3, axis=1).sum(), (3, 4)),
    "math": (lambda x: ops.arcsinh(x) + ops.logaddexp(x, -x) + ops.sinh(x) * ops.hypot(x, 1.0), (2, 3)),
    "quantile": (lambda x: ops.quantile(x, 0.3, axis=1), (2, 5)),
}


@pytest.mark.parametrize("name", sorted(GRADIENT_CASES))
def test_gradients_by_finite_differences(name):
    function, shape = GRADIENT_CASES[name]
    x = RNG.standard_normal(shape)
    check_gradients(function, x, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("call, message", [
    (lambda: ops.reshape(np.ones(6), (4, -1)), r"\[reshape\]"),
    (lambda: ops.concatenate([np.ones((2, 3)), np.ones((3, 2))], axis=0), r"\[concatenate\]"),
    (lambda: ops.split(np.ones(5), 2), r"\[split\]"),
    (lambda: ops.transpose(np.ones((2, 3)), (0, 0)), r"\[transpose\]"),
    (lambda: ops.squeeze(np.ones((2, 3)), axis=0), r"\[squeeze\]"),
    (lambda: ops.pad(np.ones(3), 1, mode="bogus"), r"\[pad\]"),
    (lambda: ops.top_k(np.ones(3), 4), r"\[top_k\]"),
    (lambda: ops.broadcast_to(np.ones(3), (2, 2)), r"\[broadcast_to\]"),
    (lambda: ops.arange(0, 5, 0), r"\[arange\]"),
    (lambda: ops.bitwise_and(np.ones(2), np.ones(2)), r"\[bitwise_and\]"),
])
def test_bad_input_names_the_op(call, message):
    with pytest.raises((ValueError, TypeError, IndexError), match=message):
        call()
