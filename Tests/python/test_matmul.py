"""matmul, @ and dot against numpy: 2-D, batched with broadcasting, 1-D operands,
transposed and sliced operands (BLAS transposes), integer dtypes, empty and mismatched."""
import numpy as np
import pytest

import swiftdl as sd
from conftest import DTYPES, assert_same, random_array

_SHAPES = [((3, 4), (4, 5)), ((1, 1), (1, 1)), ((4,), (4, 3)), ((3, 4), (4,)), ((5,), (5,)),
           ((2, 3, 4), (4, 2)), ((3, 4), (2, 4, 5)), ((2, 1, 3, 4), (5, 4, 2)), ((0, 4), (4, 3)),
           ((3, 0), (0, 2)), ((2, 0, 4), (4, 3)), ((64, 33), (33, 17))]


@pytest.mark.parametrize("shape_a, shape_b", _SHAPES, ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
def test_matmul_matches_numpy(rng, shape_a, shape_b, dtype):
    a = random_array(rng, shape_a, dtype)
    b = random_array(rng, shape_b, dtype)
    rtol = 2e-5 if dtype == np.float32 else 1e-12
    assert_same(sd.matmul(sd.asarray(a), sd.asarray(b)), a @ b, rtol=rtol, atol=1e-5)
    assert_same(sd.asarray(a) @ sd.asarray(b), a @ b, rtol=rtol, atol=1e-5)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_matmul_of_every_dtype_and_mixed(rng, dtype):
    a = random_array(rng, (3, 4), dtype, *((0, 5) if np.dtype(dtype).kind in "iu" else (None, None)))
    b = random_array(rng, (4, 2), dtype, *((0, 5) if np.dtype(dtype).kind in "iu" else (None, None)))
    assert_same(sd.asarray(a) @ sd.asarray(b), a @ b, rtol=2e-6)
    c = random_array(rng, (4, 2), np.float64)
    assert_same(sd.asarray(a) @ sd.asarray(c), a @ c, rtol=1e-6)


def test_matmul_of_views_uses_the_right_transposes(rng):
    a = random_array(rng, (6, 5), np.float32)
    b = random_array(rng, (6, 4), np.float32)
    ta, tb = sd.asarray(a), sd.asarray(b)
    assert_same(ta.T @ tb, a.T @ b, rtol=2e-5, atol=1e-5)
    assert_same(tb.T @ ta, b.T @ a, rtol=2e-5, atol=1e-5)
    assert_same(ta[::2].T @ tb[::2], a[::2].T @ b[::2], rtol=2e-5, atol=1e-5)
    assert_same(ta[::-1, :4] @ tb[:4, ::-1], a[::-1, :4] @ b[:4, ::-1], rtol=2e-5, atol=1e-5)
    batch = random_array(rng, (3, 5, 4), np.float64)
    assert_same(sd.asarray(batch).transpose(0, 2, 1) @ sd.asarray(batch), batch.transpose(0, 2, 1) @ batch, rtol=1e-12)
    broadcast = sd.broadcast_to(sd.asarray(a[:1]), (3, 5))
    assert_same(broadcast @ tb[:5], np.broadcast_to(a[:1], (3, 5)) @ b[:5], rtol=2e-5, atol=1e-5)


def test_reflected_and_in_place_matmul(rng):
    a = random_array(rng, (3, 3), np.float64)
    b = random_array(rng, (3, 3), np.float64)
    assert_same(a @ sd.asarray(b), a @ b)
    assert_same(b.tolist() @ sd.asarray(a), b @ a)
    t = sd.asarray(a)
    t @= sd.asarray(b)
    assert_same(t, a @ b)
    with pytest.raises(ValueError):
        u = sd.asarray(np.ones((2, 3)))
        u @= sd.asarray(np.ones((3, 4)))


def test_dot(rng):
    a = random_array(rng, (4,), np.float64)
    m = random_array(rng, (3, 4), np.float64)
    assert_same(sd.dot(sd.asarray(a), sd.asarray(a)), np.asarray(np.dot(a, a)))
    assert_same(sd.asarray(m).dot(sd.asarray(a)), m.dot(a))
    assert_same(sd.dot(sd.asarray(m), 2.0), np.dot(m, 2.0))


@pytest.mark.parametrize("shape_a, shape_b", [((2, 3), (2, 3)), ((3,), (4,)), ((2, 3, 4), (3, 4, 2)), ((), (3,)),
                                              ((3,), ()), ((2, 2, 3), (3, 3, 2))])
def test_matmul_mismatches_raise_value_error(shape_a, shape_b):
    with pytest.raises(ValueError):
        np.matmul(np.ones(shape_a), np.ones(shape_b))
    with pytest.raises(ValueError):
        sd.matmul(sd.ones(shape_a), sd.ones(shape_b))
    assert_same(sd.ones((2, 2)) @ sd.ones((2, 2)), np.full((2, 2), 2, np.float32))  # still fine afterwards


def test_matmul_integer_overflow_wraps_like_numpy():
    a = np.full((2, 2), 200, np.uint8)
    assert_same(sd.asarray(a) @ sd.asarray(a), a @ a)
    b = np.full((2, 2), 2 ** 40, np.int64)
    assert_same(sd.asarray(b) @ sd.asarray(b), b @ b)


@pytest.mark.parametrize("transpose_a", [False, True])
@pytest.mark.parametrize("transpose_b", [False, True])
@pytest.mark.parametrize("m, k, n", [(300, 200, 150), (24, 256, 1100), (1024, 96, 40)], ids=str)
def test_large_products_split_across_threads_match_numpy(rng, m, k, n, transpose_a, transpose_b):
    """Products worth several MFLOP are cut into bands of rows (or of columns, when the
    result is wide) run on the pool's threads (Kernels/Gemm.swift): every band must read
    the right part of transposed operands."""
    a = random_array(rng, (k, m) if transpose_a else (m, k), np.float32)
    b = random_array(rng, (n, k) if transpose_b else (k, n), np.float32)
    ta, tb = sd.asarray(a), sd.asarray(b)
    ta, a = (ta.T, a.T) if transpose_a else (ta, a)
    tb, b = (tb.T, b.T) if transpose_b else (tb, b)
    # float32 sums of ~k products: compare with the float64 product, rounded.
    expected = (a.astype(np.float64) @ b.astype(np.float64)).astype(np.float32)
    default = sd.config.get_num_threads()
    try:
        for threads in (1, 2, 3):
            sd.config.set_num_threads(threads)
            assert_same(ta @ tb, expected, rtol=1e-4, atol=1e-3)
    finally:
        sd.config.set_num_threads(default)


@pytest.mark.parametrize("shape_a, shape_b", [((16, 64, 48), (16, 48, 64)), ((4, 1, 64, 48), (3, 48, 64)),
                                              ((5, 200, 32), (32, 200)), ((3, 2, 100, 40), (40, 100))], ids=str)
@pytest.mark.parametrize("transpose_b", [False, True])
def test_batched_products_split_across_threads_match_numpy(rng, shape_a, shape_b, transpose_b):
    """A batch of matrices each too small for gemm to split (attention's heads) runs whole
    items on the pool's threads instead (Ops/Matmul.swift): every item must land in its own
    slot of the result, with broadcast batch axes and transposed right operands."""
    a = random_array(rng, shape_a, np.float32)
    b = random_array(rng, shape_b[:-2] + shape_b[-2:][::-1] if transpose_b else shape_b, np.float32)
    tb = sd.asarray(b)
    if transpose_b:
        tb, b = sd.swapaxes(tb, -1, -2), np.swapaxes(b, -1, -2)
    expected = (a.astype(np.float64) @ b.astype(np.float64)).astype(np.float32)
    default = sd.config.get_num_threads()
    try:
        for threads in (1, 2, 3):
            sd.config.set_num_threads(threads)
            assert_same(sd.asarray(a) @ tb, expected, rtol=1e-4, atol=1e-3)
    finally:
        sd.config.set_num_threads(default)


@pytest.mark.parametrize("m", [8, 24, 64, 67, 200])
@pytest.mark.parametrize("n", [1, 16, 17, 24, 33, 70])
@pytest.mark.parametrize("k", [1, 27, 144])
def test_small_products_match_numpy_with_any_thread_count(rng, m, k, n):
    """Products of up to 2^24 multiply-adds run on the engine's own kernel on AVX-512 CPUs
    (SwiftDLAVX512/SmallGemm.swift: 32- and 16-column panels, staged last columns and rows),
    elsewhere on BLAS: the same values either way. The engine's kernel gives the same bits
    in bands of rows or columns on 1-3 threads (each element is one chain of multiply-adds
    over k); BLAS may choose other kernels for other band sizes."""
    a, b = random_array(rng, (m, k), np.float32), random_array(rng, (k, n), np.float32)
    expected = a.astype(np.float64) @ b.astype(np.float64)
    default = sd.config.get_num_threads()
    results = []
    try:
        for threads in (1, 2, 3):
            sd.config.set_num_threads(threads)
            results.append(np.asarray(sd.asarray(a) @ sd.asarray(b)))
    finally:
        sd.config.set_num_threads(default)
    magnitude = np.abs(a).astype(np.float64) @ np.abs(b).astype(np.float64)
    for result in results:
        np.testing.assert_array_less(np.abs(result - expected), (k + 1) * np.finfo(np.float32).eps * magnitude + 1e-30)
    if sd.config.avx512_kernels_enabled():
        for other in results[1:]:
            np.testing.assert_array_equal(other, results[0])
