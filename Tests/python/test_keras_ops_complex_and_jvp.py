"""keras.ops's last names: view_as_complex, view_as_real, polar and eig (complex results as
swiftdl.signal.ComplexTensor), the complex cases of real/imag/conj/angle/abs/isreal, and jvp
(exact J·t from the reverse-mode tape), against numpy and analytic Jacobians."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl.keras import ops
from swiftdl.keras.ops import forward_mode
from swiftdl.signal import ComplexTensor

RNG = np.random.default_rng(21)


def test_view_as_complex_and_back():
    pairs = RNG.standard_normal((3, 4, 2))
    values = ops.view_as_complex(pairs)
    assert isinstance(values, ComplexTensor) and values.dtype.name == "complex64" and values.shape == (3, 4)
    np.testing.assert_allclose(np.asarray(values), (pairs[..., 0] + 1j * pairs[..., 1]).astype(np.complex64))
    np.testing.assert_allclose(np.asarray(ops.view_as_real(values)), pairs.astype(np.float32), rtol=1e-7)
    numpy_complex = np.array([1 + 2j, 3 - 4j])
    np.testing.assert_array_equal(np.asarray(ops.view_as_real(numpy_complex)), [[1, 2], [3, -4]])
    np.testing.assert_array_equal(np.asarray(ops.view_as_real(np.array([1.5, -2.0]))), [[1.5, 0], [-2, 0]])


@pytest.mark.parametrize("shape", [(3,), (2, 3), ()])
def test_view_as_complex_refuses_a_last_axis_not_of_two(shape):
    with pytest.raises(ValueError, match="size 2"):
        ops.view_as_complex(np.ones(shape))


def test_polar_values_and_gradient():
    magnitude, phase = RNG.random(5) + 0.5, RNG.uniform(-3, 3, 5)
    values = ops.polar(magnitude, phase)
    np.testing.assert_allclose(np.asarray(values), magnitude * np.exp(1j * phase), rtol=1e-12)
    m, p = sd.Variable(magnitude), sd.Variable(phase)
    with sd.GradientTape() as tape:
        z = ops.polar(m, p)
        total = sd.sum(z.real * 2.0 + z.imag)
    dm, dp = tape.gradient(total, [m, p])
    np.testing.assert_allclose(dm.numpy(), 2 * np.cos(phase) + np.sin(phase), rtol=1e-12)
    np.testing.assert_allclose(dp.numpy(), magnitude * (-2 * np.sin(phase) + np.cos(phase)), rtol=1e-12)


def test_complex_cases_of_the_elementwise_ops():
    values = RNG.standard_normal(6) + 1j * RNG.standard_normal(6)
    values[2] = 3.0  # a real entry
    z = ComplexTensor(values.real, values.imag)
    for source in (z, values):
        np.testing.assert_allclose(np.asarray(ops.real(source)), values.real)
        np.testing.assert_allclose(np.asarray(ops.imag(source)), values.imag)
        np.testing.assert_allclose(np.asarray(ops.conj(source)), np.conj(values))
        np.testing.assert_allclose(np.asarray(ops.angle(source)), np.angle(values), rtol=1e-12)
        np.testing.assert_allclose(np.asarray(ops.abs(source)), np.abs(values), rtol=1e-12)
        np.testing.assert_array_equal(np.asarray(ops.isreal(source)), np.isreal(values))
    real = RNG.standard_normal(4)
    np.testing.assert_array_equal(np.asarray(ops.real(real)), real)
    np.testing.assert_array_equal(np.asarray(ops.imag(real)), np.zeros(4))


@pytest.mark.parametrize("dtype,complex_dtype", [(np.float32, np.complex64), (np.float64, np.complex128)])
def test_eig_satisfies_the_eigen_equation(dtype, complex_dtype):
    matrices = RNG.standard_normal((3, 5, 5)).astype(dtype)
    values, vectors = ops.eig(matrices)
    assert ops.linalg.eig is ops.eig
    assert values.dtype.name == np.dtype(complex_dtype).name and values.shape == (3, 5)
    assert vectors.shape == (3, 5, 5)
    w, v = np.asarray(values), np.asarray(vectors)
    tolerance = 1e-4 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(matrices @ v, v * w[:, None, :], atol=tolerance)
    np.testing.assert_allclose(np.sort_complex(w), np.sort_complex(np.linalg.eigvals(matrices.astype(np.float64))),
                               atol=tolerance * 10)


def test_eig_of_a_rotation_is_complex():
    values, _ = ops.eig(np.array([[0.0, -1.0], [1.0, 0.0]]))
    np.testing.assert_allclose(np.sort_complex(np.asarray(values)), [-1j, 1j], atol=1e-12)


@pytest.mark.parametrize("matrix,match", [(np.ones((2, 3)), "square"), (np.ones(3), "square"),
                                          (np.array([[np.nan, 0], [0, 1]]), "finite")])
def test_eig_refuses_bad_input(matrix, match):
    with pytest.raises(ValueError, match=match):
        ops.eig(matrix)


def test_jvp_of_sin_is_keras_s_example():
    primals_out, tangents_out = ops.jvp(ops.sin, (np.float32(0.1),), (np.float32(0.2),))
    np.testing.assert_allclose(float(primals_out), np.sin(0.1), rtol=1e-6)
    np.testing.assert_allclose(float(tangents_out), 0.2 * np.cos(0.1), rtol=1e-6)


def test_jvp_equals_the_jacobian_times_the_tangents():
    a, b = RNG.standard_normal((4, 3)), RNG.standard_normal(4)
    x, tangent = RNG.standard_normal(3), RNG.standard_normal(3)

    def function(v):
        return ops.tanh(ops.matmul(a, v) + b)

    out, product = ops.jvp(function, [x], [tangent])
    jacobian = (1 - np.tanh(a @ x + b) ** 2)[:, None] * a
    np.testing.assert_allclose(np.asarray(out), np.tanh(a @ x + b), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(product), jacobian @ tangent, rtol=1e-10)


def test_jvp_over_structures_with_aux_and_several_primals():
    x, y = RNG.standard_normal((2, 2)), RNG.standard_normal(2)
    tx, ty = RNG.standard_normal((2, 2)), RNG.standard_normal(2)

    def function(m, v):
        return {"product": ops.matmul(m, v), "norm": ops.sum(m * m)}, "aux"

    outputs, products, aux = ops.jvp(function, (x, y), (tx, ty), has_aux=True)
    assert aux == "aux" and set(products) == {"product", "norm"}
    np.testing.assert_allclose(np.asarray(products["product"]), tx @ y + x @ ty, rtol=1e-12)
    np.testing.assert_allclose(float(products["norm"]), 2 * np.sum(x * tx), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(outputs["product"]), x @ y, rtol=1e-12)


def test_jvp_of_a_constant_output_and_an_integer_output_is_zero():
    def function(v):
        return ops.ones((2,)), ops.argmax(v)

    _, (constant, index) = ops.jvp(function, (np.arange(3.0),), (np.ones(3),))
    np.testing.assert_array_equal(np.asarray(constant), [0, 0])
    assert float(index) == 0.0


def test_jvp_refuses_mismatched_tangents_and_huge_outputs(monkeypatch):
    with pytest.raises(ValueError, match="shape"):
        ops.jvp(ops.sin, (np.ones(3),), (np.ones(2),))
    with pytest.raises(ValueError, match="structure"):
        ops.jvp(ops.add, (np.ones(3), np.ones(3)), (np.ones(3),))
    with pytest.raises(TypeError, match="tuples or lists"):
        ops.jvp(ops.sin, np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match="pair"):
        ops.jvp(ops.sin, (np.ones(3),), (np.ones(3),), has_aux=True)
    monkeypatch.setattr(forward_mode, "MAX_OUTPUT_ELEMENTS", 4)
    with pytest.raises(NotImplementedError, match="one backward pass per output element"):
        ops.jvp(ops.sin, (np.ones(5),), (np.ones(5),))
