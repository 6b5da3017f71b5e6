"""tf.linalg's functions added after the first 28 (LU family, tridiagonal and banded
solves, expm/sqrtm/logm, lstsq, eig, diagonal bands), against TensorFlow 2.21's outputs
(fixtures/tf_linalg/tf_linalg_more.npz, written by make_tf_linalg_fixture.py on the same
inputs), with finite differences for the gradients TensorFlow defines."""
import pathlib

import numpy as np
import pytest

import swiftdl as tf
from _nn_gradcheck import check_gradients

F = np.load(pathlib.Path(__file__).parent / "fixtures" / "tf_linalg" / "tf_linalg_more.npz")


def close(actual, name, rtol=1e-9, atol=1e-10):
    expected = F[name]
    np.testing.assert_allclose(np.asarray(actual), expected, rtol=rtol, atol=atol, err_msg=name)
    assert np.asarray(actual).shape == expected.shape, name


def test_diagonal_bands_and_tensor_diagonals():
    close(tf.linalg.diag(F["diag_values"], k=1), "diag_k1")
    close(tf.linalg.diag(F["diag_values"], k=-2, num_cols=6), "diag_k_neg")
    close(tf.linalg.diag(F["diag_values"], num_rows=3, num_cols=5, padding_value=9.0), "diag_rect")
    close(tf.linalg.diag(F["diag_bands"], k=(-1, 1)), "diag_band")
    close(tf.linalg.diag(F["diag_bands"], k=(-1, 1), align="LEFT_RIGHT"), "diag_band_left")
    close(tf.linalg.diag_part(F["a"], k=(-1, 2)), "diag_part_band")
    close(tf.linalg.diag_part(F["a"][:, :3, :], k=(-1, 1), padding_value=7.0, align="LEFT_LEFT"), "diag_part_band_pad")
    close(tf.linalg.diag_part(F["a"][:, :3, :], k=1), "diag_part_k")
    close(tf.linalg.set_diag(F["a"], F["diag_values"][:, :3] * 0 + 1.0, k=1), "set_diag_k")
    close(tf.linalg.set_diag(F["a"], F["diag_bands"], k=(-1, 1)), "set_diag_band")
    close(tf.linalg.set_diag(F["a"][:, :3, :], F["diag_values"]), "set_diag_rect")
    close(tf.linalg.tensor_diag(F["tensor"]), "tensor_diag")
    close(tf.linalg.tensor_diag_part(F["tensor_diag"]), "tensor_diag_part")
    check_gradients(lambda d: tf.linalg.diag(d, k=(-1, 1)), F["diag_bands"])
    check_gradients(lambda x: tf.linalg.diag_part(x, k=(-1, 2)), F["a"])
    with pytest.raises(tf.errors.InvalidArgumentError, match="diagonal must end in shape"):
        tf.linalg.set_diag(F["a"], np.ones((2, 3)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="align"):
        tf.linalg.diag_part(F["a"], k=(0, 1), align="MIDDLE")
    with pytest.raises(tf.errors.InvalidArgumentError, match="d1..dk"):
        tf.linalg.tensor_diag_part(np.ones((2, 3)))


def test_cross_normalize_rank():
    close(tf.linalg.cross(F["u"], F["v"]), "cross")
    normalized, norm = tf.linalg.normalize(F["a"], axis=[-2, -1])
    close(normalized, "normalize"), close(norm, "normalize_norm")
    normalized, norm = tf.linalg.normalize(F["u"], ord=1, axis=0)
    close(normalized, "normalize_1"), close(norm, "normalize_1_norm")
    close(tf.linalg.matrix_rank(F["rank2"]), "matrix_rank")
    close(tf.linalg.matrix_rank(F["a"]), "matrix_rank_full")
    close(tf.linalg.matrix_rank(F["rank2"], tol=100.0), "matrix_rank_tol")
    with pytest.raises(tf.errors.InvalidArgumentError, match="size 3"):
        tf.linalg.cross(np.ones((2, 4)), np.ones((2, 4)))


def test_lu_family():
    lu, perm = tf.linalg.lu(F["a"])
    close(lu, "lu"), close(perm, "lu_perm")
    assert np.asarray(perm).dtype == np.int32
    lu32, perm32 = tf.linalg.lu(F["a"].astype(np.float32))
    close(lu32, "lu32", rtol=1e-5, atol=1e-5), close(perm32, "lu32_perm")
    close(tf.linalg.lu_solve(lu, perm, F["rhs"]), "lu_solve")
    close(tf.linalg.lu_matrix_inverse(lu, perm), "lu_matrix_inverse")
    close(tf.linalg.lu_reconstruct(lu, perm), "lu_reconstruct")
    check_gradients(lambda r: tf.linalg.lu_solve(F["lu"], F["lu_perm"], r), F["rhs"])
    check_gradients(lambda a: tf.linalg.lu_reconstruct(*tf.linalg.lu(a)), F["a"])
    with pytest.raises(tf.errors.InvalidArgumentError, match="perm"):
        tf.linalg.lu_solve(lu, np.zeros((2, 3), np.int32), F["rhs"])
    with pytest.raises(tf.errors.InvalidArgumentError, match="square"):
        tf.linalg.lu(np.ones((2, 3)))


def test_tridiagonal_and_banded_systems():
    compact, rhs = F["compact"], F["tri_rhs"]
    close(tf.linalg.tridiagonal_solve(compact, rhs), "tridiagonal_solve_compact")
    close(tf.linalg.tridiagonal_solve((F["upper"], F["main"], F["lower"]), rhs, diagonals_format="sequence"),
          "tridiagonal_solve_sequence")
    dense = (tf.linalg.diag(F["main"]) + tf.linalg.diag(F["upper"][:, :-1], k=1)
             + tf.linalg.diag(F["lower"][:, 1:], k=-1))
    close(tf.linalg.tridiagonal_solve(dense, rhs, diagonals_format="matrix"), "tridiagonal_solve_matrix")
    close(tf.linalg.tridiagonal_solve(compact, rhs[..., 0]), "tridiagonal_solve_vector")
    close(tf.linalg.tridiagonal_solve(compact, np.swapaxes(rhs, -1, -2), transpose_rhs=True),
          "tridiagonal_solve_compact")
    close(tf.linalg.tridiagonal_matmul(compact, rhs), "tridiagonal_matmul")
    close(tf.linalg.tridiagonal_matmul((F["upper"], F["main"], F["lower"]), rhs, diagonals_format="sequence"),
          "tridiagonal_matmul_sequence")
    close(tf.linalg.banded_triangular_solve(F["banded_lower"], F["band_rhs"]), "banded_solve_lower")
    close(tf.linalg.banded_triangular_solve(F["banded_upper"], F["band_rhs"], lower=False), "banded_solve_upper")
    close(tf.linalg.banded_triangular_solve(F["banded_lower"], F["band_rhs"], adjoint=True), "banded_solve_lower_adjoint")
    with tf.GradientTape() as tape:
        d, r = tf.constant(compact), tf.constant(rhs)
        tape.watch([d, r])
        loss = tf.reduce_sum(tf.linalg.tridiagonal_solve(d, r) * np.random.default_rng(0).normal(size=rhs.shape))
    grad_d, grad_r = tape.gradient(loss, [d, r])
    close(grad_d, "grad_tridiagonal_solve_diagonals", rtol=1e-8, atol=1e-9)
    close(grad_r, "grad_tridiagonal_solve_rhs", rtol=1e-8, atol=1e-9)
    with pytest.raises(ValueError, match="diagonals_format"):
        tf.linalg.tridiagonal_solve(compact, rhs, diagonals_format="banded")
    with pytest.raises(ValueError, match="rows of rhs"):
        tf.linalg.tridiagonal_solve(compact, np.ones((2, 4, 1)))


def test_matrix_functions():
    close(tf.linalg.expm(F["a"]), "expm", rtol=1e-12)
    close(tf.linalg.expm(F["small"]), "expm_small", rtol=1e-12)
    close(tf.linalg.expm(F["a"] * 3.0), "expm_big", rtol=1e-10)
    close(tf.linalg.expm(F["a"].astype(np.float32)), "expm32", rtol=2e-5, atol=1e-5)
    close(tf.linalg.sqrtm(F["spd"]), "sqrtm", rtol=1e-11)
    close(tf.matrix_square_root(F["spd"]), "sqrtm", rtol=1e-11)
    close(tf.linalg.sqrtm(F["spd"].astype(np.float32)), "sqrtm32", rtol=2e-5, atol=1e-5)
    log = tf.linalg.logm(F["log_input"].astype(np.complex128))
    close(log, "logm", rtol=1e-10, atol=1e-12)
    assert log.dtype == tf.complex128
    round_trip = tf.linalg.logm(tf.linalg.expm(F["small"]))
    np.testing.assert_allclose(np.asarray(round_trip), F["small"], rtol=1e-10, atol=1e-12)
    close(_weighted_gradient(tf.linalg.expm, F["a"]), "grad_expm", rtol=1e-9)
    close(_weighted_gradient(tf.linalg.sqrtm, F["spd"]), "grad_sqrtm", rtol=1e-7, atol=1e-9)
    with pytest.raises(tf.errors.InvalidArgumentError, match="square"):
        tf.linalg.expm(np.ones((2, 3)))


def _weighted_gradient(function, value):
    x = tf.constant(value)
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = function(x)
        loss = tf.reduce_sum(out * np.random.default_rng(0).normal(size=out.shape))
    return tape.gradient(loss, x)


def test_least_squares():
    close(tf.linalg.lstsq(F["tall"], F["tall_rhs"]), "lstsq_tall")
    close(tf.linalg.lstsq(F["tall"], F["tall_rhs"], fast=False), "lstsq_tall_slow")
    close(tf.linalg.lstsq(F["wide"], F["wide_rhs"]), "lstsq_wide")
    close(tf.linalg.lstsq(F["tall"], F["tall_rhs"], l2_regularizer=0.5), "lstsq_l2")
    close(tf.linalg.lstsq(F["wide"], F["wide_rhs"], l2_regularizer=0.5), "lstsq_wide_l2")
    a, b = tf.constant(F["tall"]), tf.constant(F["tall_rhs"])
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        out = tf.linalg.lstsq(a, b)
        loss = tf.reduce_sum(out * np.random.default_rng(0).normal(size=out.shape))
    grad_a, grad_b = tape.gradient(loss, [a, b])
    close(grad_a, "grad_lstsq_a", rtol=1e-8), close(grad_b, "grad_lstsq_b", rtol=1e-8)


def test_eigenvalues():
    values = np.asarray(tf.linalg.eigvals(F["eig_input"]))
    np.testing.assert_allclose(np.sort_complex(values), np.sort_complex(F["eigvals"]), rtol=1e-10)
    values, vectors = tf.linalg.eig(F["eig_input"])
    v = np.asarray(vectors)
    np.testing.assert_allclose(F["eig_input"] @ v, v * np.asarray(values)[None, :], atol=1e-10)
    np.testing.assert_allclose(np.sort_complex(np.asarray(tf.eigvals(F["eig_input"]))), np.sort_complex(F["eigvals"]),
                               rtol=1e-10)
    close(tf.linalg.eigh_tridiagonal(F["tri_d"], F["tri_e"]), "eigh_tridiagonal", rtol=1e-10)
    close(tf.linalg.eigh_tridiagonal(F["tri_d"], F["tri_e"], select="i", select_range=[1, 3]),
          "eigh_tridiagonal_range", rtol=1e-10)
    close(tf.linalg.eigh_tridiagonal(F["tri_d"], F["tri_e"], select="v", select_range=[-1.0, 2.0]),
          "eigh_tridiagonal_value_range", rtol=1e-10)
    _, vectors = tf.linalg.eigh_tridiagonal(F["tri_d"], F["tri_e"], eigvals_only=False)
    np.testing.assert_allclose(np.abs(np.asarray(vectors)), np.abs(F["eigh_tridiagonal_vectors"]), atol=1e-9)
    with pytest.raises(ValueError, match="alpha"):
        tf.linalg.eigh_tridiagonal(np.ones(3), np.ones(3))
