"""Finite-difference gradient checks for the nn tests: the tape's gradient of a weighted sum
of an op's output against central differences of the op itself, in float64."""
import numpy as np

import swiftdl as sd


def check_gradients(function, *arrays, wrt=None, eps=1e-6, rtol=1e-5, atol=1e-7, seed=0):
    """Asserts that the tape's gradients of sum(function(*tensors) * w) match central
    differences for the inputs listed in `wrt` (default: all). Non-float arrays (labels)
    are passed through and never differentiated."""
    arrays = [np.asarray(a) for a in arrays]
    wrt = range(len(arrays)) if wrt is None else wrt
    tensors = [sd.asarray(a) for a in arrays]
    with sd.GradientTape() as tape:
        for i in wrt:
            tape.watch(tensors[i])
        out = function(*tensors)
        weights = np.random.default_rng(seed).standard_normal(np.shape(out))
        loss = (out * sd.asarray(weights)).sum()
    analytic = tape.gradient(loss, [tensors[i] for i in wrt])

    def value(perturbed):
        result = np.asarray(function(*[sd.asarray(a) for a in perturbed]), dtype=np.float64)
        return float((result * weights).sum())

    for position, i in enumerate(wrt):
        numeric = np.zeros(arrays[i].shape)
        for index in np.ndindex(arrays[i].shape):
            plus = [a.copy() for a in arrays]
            minus = [a.copy() for a in arrays]
            plus[i][index] += eps
            minus[i][index] -= eps
            numeric[index] = (value(plus) - value(minus)) / (2 * eps)
        assert analytic[position] is not None, f"no gradient for input {i}"
        np.testing.assert_allclose(np.asarray(analytic[position]), numeric, rtol=rtol, atol=atol,
                                   err_msg=f"gradient of input {i}")
