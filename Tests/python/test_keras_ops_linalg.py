"""swiftdl.keras.ops.linalg against numpy.linalg, with finite-difference gradients: the
factorizations are compositions of engine ops, so the tape differentiates them."""
import numpy as np
import pytest

from swiftdl.keras import ops

from _nn_gradcheck import check_gradients

RNG = np.random.default_rng(3)


def _close(actual, expected, rtol=1e-10, atol=1e-12):
    actual = np.asarray(actual)
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)
    assert actual.shape == np.shape(expected)


def _spd(shape):
    a = RNG.standard_normal(shape)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


def test_namespace():
    assert ops.linalg.solve is ops.solve and ops.linalg.norm is ops.norm and ops.linalg.qr is ops.qr


@pytest.mark.parametrize("n", [1, 3, 6])
def test_solve_inv_det(n):
    a = RNG.standard_normal((2, n, n))
    a[0, :, 0] *= 1e-3  # a small leading column: pivoting must choose rows by size
    b = RNG.standard_normal((2, n, 2))
    _close(ops.solve(a, b), np.linalg.solve(a, b))
    _close(ops.solve(a[0], b[0, :, 0]), np.linalg.solve(a[0], b[0, :, 0]))
    _close(ops.inv(a), np.linalg.inv(a))
    _close(ops.det(a), np.linalg.det(a))
    sign, logabs = ops.slogdet(a)
    expected_sign, expected_log = np.linalg.slogdet(a)
    _close(sign, expected_sign)
    _close(logabs, expected_log)


def test_det_of_singular_and_permuted_matrices():
    _close(ops.det(np.array([[0.0, 1.0], [1.0, 0.0]])), -1.0)
    _close(ops.det(np.array([[1.0, 2.0], [2.0, 4.0]])), 0.0)
    assert ops.det(np.eye(3, dtype=np.float32)).dtype == np.float32


def test_lu_factor_reconstructs_with_scipy_pivots():
    a = RNG.standard_normal((5, 5))
    lu, pivots = ops.lu_factor(a)
    lu, pivots = np.asarray(lu), np.asarray(pivots)
    assert pivots.dtype == np.int32
    order = list(range(5))
    for k, p in enumerate(pivots):
        order[k], order[p] = order[p], order[k]
    _close((np.tril(lu, -1) + np.eye(5)) @ np.triu(lu), a[order])
    # Partial pivoting: every multiplier is at most 1 in size.
    assert np.abs(np.tril(lu, -1)).max() <= 1.0


def test_cholesky_family():
    a = _spd((2, 4, 4))
    _close(ops.cholesky(a), np.linalg.cholesky(a))
    _close(ops.cholesky(a, upper=True), np.swapaxes(np.linalg.cholesky(a), -1, -2))
    factor = np.linalg.cholesky(a)
    _close(ops.cholesky_inverse(factor), np.linalg.inv(a))
    _close(ops.cholesky_inverse(np.swapaxes(factor, -1, -2), upper=True), np.linalg.inv(a))
    _close(ops.logdet(a), np.linalg.slogdet(a)[1])
    assert np.isnan(np.asarray(ops.cholesky(-np.eye(2)))).any()


def test_solve_triangular():
    a = RNG.standard_normal((2, 4, 4)) + 4 * np.eye(4)
    b = RNG.standard_normal((2, 4, 3))
    _close(ops.solve_triangular(a, b, lower=True), np.linalg.solve(np.tril(a), b))
    _close(ops.solve_triangular(a, b[..., 0]), np.linalg.solve(np.triu(a), b[..., :1])[..., 0])


@pytest.mark.parametrize("shape", [(5, 3), (3, 3), (3, 5), (2, 4, 3)])
@pytest.mark.parametrize("mode", ["reduced", "complete"])
def test_qr_matches_lapack(shape, mode):
    x = RNG.standard_normal(shape)
    q, r = ops.qr(x, mode=mode)
    expected_q, expected_r = np.linalg.qr(x, mode=mode)
    _close(q, expected_q)
    _close(r, expected_r)


def test_lstsq():
    a, b = RNG.standard_normal((6, 3)), RNG.standard_normal((6, 2))
    _close(ops.lstsq(a, b), np.linalg.lstsq(a, b, rcond=None)[0])
    wide, rhs = RNG.standard_normal((2, 4)), RNG.standard_normal(2)
    _close(ops.lstsq(wide, rhs), np.linalg.lstsq(wide, rhs, rcond=None)[0])


@pytest.mark.parametrize("name, function, make", [
    ("solve", lambda a: ops.solve(a, a[:, :1] * 2.0 + 1.0), lambda: RNG.standard_normal((3, 3)) + 3 * np.eye(3)),
    ("inv", ops.inv, lambda: RNG.standard_normal((3, 3)) + 3 * np.eye(3)),
    ("det", ops.det, lambda: RNG.standard_normal((3, 3))),
    ("slogdet", lambda a: ops.slogdet(a)[1], lambda: RNG.standard_normal((3, 3))),
    ("cholesky", lambda a: ops.cholesky(a @ a.T + 3.0 * np.eye(3)), lambda: RNG.standard_normal((3, 3))),
    ("qr", lambda a: ops.concatenate([ops.qr(a)[0], ops.qr(a)[1]], axis=0), lambda: RNG.standard_normal((4, 3))),
    ("lstsq", lambda a: ops.lstsq(a, np.arange(4.0)), lambda: RNG.standard_normal((4, 2))),
    ("solve_triangular", lambda a: ops.solve_triangular(a + 3.0 * np.eye(3), np.ones((3, 2)), lower=True),
     lambda: RNG.standard_normal((3, 3))),
])
def test_gradients(name, function, make):
    check_gradients(function, make(), rtol=1e-5, atol=1e-7)


def test_errors_name_the_op():
    with pytest.raises(ValueError, match=r"\[solve\]"):
        ops.solve(np.ones((2, 3)), np.ones(2))
    with pytest.raises(ValueError, match=r"\[det\]"):
        ops.det(np.ones(3))
    with pytest.raises(ValueError, match=r"\[qr\]"):
        ops.qr(np.ones((2, 2)), mode="r")
    with pytest.raises(ValueError, match=r"\[lstsq\]"):
        ops.lstsq(np.ones((3, 2)), np.ones(4))


@pytest.mark.parametrize("n", [1, 2, 5, 9])
def test_eigh_against_numpy(n):
    a = RNG.standard_normal((2, n, n))
    a = a + np.swapaxes(a, -1, -2)
    a[0, 0, :] = 0.0  # repeated zero eigenvalues
    a[0, :, 0] = 0.0
    values, vectors = ops.eigh(a)
    values, vectors = np.asarray(values), np.asarray(vectors)
    _close(values, np.linalg.eigh(a)[0], rtol=1e-12, atol=1e-12)
    _close(vectors @ (values[..., :, None] * np.swapaxes(vectors, -1, -2)), a, atol=1e-12)
    _close(np.swapaxes(vectors, -1, -2) @ vectors, np.broadcast_to(np.eye(n), a.shape), atol=1e-12)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4), (2, 6, 2)])
@pytest.mark.parametrize("full_matrices", [True, False])
def test_svd_against_numpy(shape, full_matrices):
    x = RNG.standard_normal(shape)
    u, s, vh = (np.asarray(t) for t in ops.svd(x, full_matrices=full_matrices))
    expected_u, expected_s, expected_vh = np.linalg.svd(x, full_matrices=full_matrices)
    assert u.shape == expected_u.shape and vh.shape == expected_vh.shape
    _close(s, expected_s, atol=1e-12)
    k = min(shape[-2:])
    _close((u[..., :, :k] * s[..., None, :]) @ vh[..., :k, :], x, atol=1e-12)
    _close(np.swapaxes(u, -1, -2) @ u, np.broadcast_to(np.eye(u.shape[-1]), shape[:-2] + (u.shape[-1],) * 2), atol=1e-12)
    _close(vh @ np.swapaxes(vh, -1, -2), np.broadcast_to(np.eye(vh.shape[-2]), shape[:-2] + (vh.shape[-2],) * 2),
           atol=1e-12)


def test_pinv_and_matrix_rank():
    x = RNG.standard_normal((5, 3))
    _close(ops.pinv(x), np.linalg.pinv(x))
    singular = np.outer(np.arange(4.0), np.arange(1.0, 4.0))
    _close(ops.pinv(singular), np.linalg.pinv(singular), atol=1e-12)
    assert int(ops.matrix_rank(singular)) == 1 and int(ops.matrix_rank(x)) == 3
    assert ops.matrix_rank(x).dtype == np.int32


def test_spectral_gradients():
    check_gradients(lambda a: ops.eigh(a + a.T)[0], RNG.standard_normal((3, 3)), rtol=1e-5, atol=1e-7)
    check_gradients(lambda a: ops.svd(a, compute_uv=False), RNG.standard_normal((4, 3)), rtol=1e-5, atol=1e-7)
    check_gradients(ops.pinv, RNG.standard_normal((4, 2)), rtol=1e-5, atol=1e-7)
