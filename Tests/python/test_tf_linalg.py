"""tf.linalg's matrix functions against numpy.linalg, with gradients for the
differentiable ones and errors for bad shapes."""
import numpy as np
import pytest

import swiftdl as tf
from _nn_gradcheck import check_gradients

RNG = np.random.default_rng(3)
A = RNG.standard_normal((2, 4, 4))
SPD = A @ A.transpose(0, 2, 1) + 4 * np.eye(4)


def close(result, expected, rtol=1e-6, atol=1e-8):
    np.testing.assert_allclose(np.asarray(result), expected, rtol=rtol, atol=atol)


def test_solves_and_factorisations():
    close(tf.linalg.inv(A), np.linalg.inv(A), rtol=1e-8)
    close(tf.linalg.det(A), np.linalg.det(A), rtol=1e-8)
    sign, logdet = tf.linalg.slogdet(A)
    close(sign * np.exp(logdet), np.linalg.det(A), rtol=1e-8)
    close(tf.linalg.logdet(SPD), np.linalg.slogdet(SPD)[1], rtol=1e-8)
    rhs = RNG.standard_normal((2, 4, 3))
    close(tf.linalg.solve(A, rhs), np.linalg.solve(A, rhs), rtol=1e-8)
    close(tf.linalg.solve(A, rhs, adjoint=True), np.linalg.solve(A.transpose(0, 2, 1), rhs), rtol=1e-8)
    chol = tf.linalg.cholesky(SPD)
    close(chol, np.linalg.cholesky(SPD), rtol=1e-8)
    close(tf.linalg.cholesky_solve(chol, rhs), np.linalg.solve(SPD, rhs), rtol=1e-8)
    lower = np.tril(A) + 3 * np.eye(4)
    close(tf.linalg.triangular_solve(lower, rhs), np.linalg.solve(lower, rhs), rtol=1e-8)
    close(tf.linalg.triangular_solve(lower, rhs, adjoint=True),
          np.linalg.solve(lower.transpose(0, 2, 1), rhs), rtol=1e-8)
    q, r = tf.linalg.qr(A[0])
    close(np.asarray(q) @ np.asarray(r), A[0], rtol=1e-8)
    close(np.asarray(q).T @ np.asarray(q), np.eye(4), atol=1e-10)
    with pytest.raises(tf.errors.InvalidArgumentError, match="square"):
        tf.linalg.inv(np.ones((2, 3)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="rhs"):
        tf.linalg.solve(A, np.ones((2, 3, 1)))


def test_eigh_and_svd():
    values, vectors = tf.linalg.eigh(SPD)
    close(values, np.linalg.eigvalsh(SPD), rtol=1e-9)
    v = np.asarray(vectors)
    close(v @ np.asarray(values)[..., None] * 0 + v @ np.apply_along_axis(np.diag, -1, np.asarray(values))
          @ v.transpose(0, 2, 1), SPD, rtol=1e-8)
    close(tf.linalg.eigvalsh(np.array([[2.0, 1.0], [1.0, 2.0]])), [1.0, 3.0])
    m = RNG.standard_normal((5, 3))
    s, u, v = tf.linalg.svd(m)  # TensorFlow's order
    close(s, np.linalg.svd(m, compute_uv=False), rtol=1e-7)
    close(np.asarray(u) * np.asarray(s) @ np.asarray(v).T, m, rtol=1e-7, atol=1e-9)
    s_wide = tf.linalg.svd(m.T, compute_uv=False)
    close(s_wide, np.linalg.svd(m, compute_uv=False), rtol=1e-7)
    s2, u2, v2 = tf.linalg.svd(m.T)
    close(np.asarray(u2) * np.asarray(s2) @ np.asarray(v2).T, m.T, rtol=1e-7, atol=1e-9)
    close(tf.linalg.pinv(m), np.linalg.pinv(m), rtol=1e-6, atol=1e-9)
    s3, u3, v3 = tf.linalg.svd(m, full_matrices=True)
    assert u3.shape == (5, 5) and v3.shape == (3, 3)
    close(np.asarray(u3)[:, :3] * np.asarray(s3) @ np.asarray(v3).T, m, rtol=1e-7, atol=1e-9)


def test_matrix_helpers():
    close(tf.linalg.diag_part(A), np.diagonal(A, axis1=-2, axis2=-1))
    close(tf.linalg.diag_part(A, k=1), np.diagonal(A, 1, axis1=-2, axis2=-1))
    close(tf.linalg.trace(A), np.trace(A, axis1=-2, axis2=-1))
    close(tf.linalg.diag(np.array([1.0, 2.0])), np.diag([1.0, 2.0]))
    close(tf.linalg.diag(np.array([1.0, 2.0]), k=1), np.diag([1.0, 2.0], 1))
    close(tf.linalg.diag(np.array([1.0, 2.0]), k=-1), np.diag([1.0, 2.0], -1))
    close(tf.linalg.band_part(A, 1, 0), np.tril(np.triu(A, -1)))
    close(tf.linalg.band_part(A, -1, 0), np.tril(A))
    close(tf.linalg.band_part(A, 0, -1), np.triu(A))
    close(tf.linalg.set_diag(A[0], np.zeros(4)), A[0] - np.diag(np.diag(A[0])))
    close(tf.linalg.matrix_transpose(A), A.transpose(0, 2, 1))
    close(tf.linalg.einsum("bii->b", A), np.einsum("bii->b", A))
    close(tf.linalg.norm(A[0]), np.linalg.norm(A[0]))
    close(tf.linalg.matvec(A, np.ones(4)), A @ np.ones(4))
    close(tf.linalg.eye(2, batch_shape=[3]), np.broadcast_to(np.eye(2), (3, 2, 2)))
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.linalg.diag_part(np.ones(3))


def test_gradients():
    m = A[0] + 4 * np.eye(4)
    check_gradients(tf.linalg.inv, m, rtol=1e-5)
    check_gradients(tf.linalg.det, m, rtol=1e-5)
    check_gradients(lambda x: tf.linalg.solve(x, np.ones((4, 1))), m, rtol=1e-5)
    check_gradients(tf.linalg.trace, m)
    check_gradients(lambda x: tf.linalg.band_part(x, 1, 1), m)
    check_gradients(lambda x: tf.linalg.cholesky(x @ tf.transpose(x) + 4 * np.eye(4)), m, rtol=1e-5)
