"""custom_gradient (tf.custom_gradient, keras.ops.custom_gradient): the engine's tape calls a
backward rule written in Python. References: the analytic derivative, finite differences,
and the gradient the tape computes for the same function without the decorator."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl.keras import ops



def log1pexp_plain(x):
    return sd.log(1 + sd.exp(x))


@sd.custom_gradient
def log1pexp(x):
    e = sd.exp(x)

    def grad(upstream):
        return upstream * (1 - 1 / (1 + e))

    return sd.log(1 + e), grad


def test_the_tape_uses_the_users_rule_and_matches_the_analytic_derivative():
    x = sd.Variable(np.array([-3.0, 0.0, 2.0, 30.0]))
    with sd.GradientTape() as tape:
        y = log1pexp(x)
    gradient = tape.gradient(y, x).numpy()
    np.testing.assert_allclose(y.numpy(), np.log1p(np.exp(x.numpy())), rtol=1e-12)
    # The stable rule gives 1 at x = 30 where the naive formula's gradient is fine too; both are the sigmoid.
    np.testing.assert_allclose(gradient, 1 / (1 + np.exp(-x.numpy())), rtol=1e-12)


def test_the_rule_replaces_the_forward_ops_gradient():
    # A rule that is not the derivative (gradient reversal, as in domain-adversarial training).
    @ops.custom_gradient
    def reverse_gradient(x):
        def grad(upstream):
            return -2.0 * upstream

        return ops.multiply(x, 1.0), grad

    x = sd.Variable(np.arange(6, dtype=np.float32).reshape(2, 3))
    with sd.GradientTape() as tape:
        loss = sd.sum(reverse_gradient(x) * 3.0)
    np.testing.assert_array_equal(tape.gradient(loss, x).numpy(), np.full((2, 3), -6.0, np.float32))


def test_upstream_gradients_flow_through_and_compose_with_other_ops():
    x = sd.Variable(np.linspace(-2, 2, 7))
    with sd.GradientTape() as tape:
        loss = sd.sum(sd.square(log1pexp(x * 2.0)))
    with sd.GradientTape() as reference:
        reference_loss = sd.sum(sd.square(log1pexp_plain(x * 2.0)))
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), reference.gradient(reference_loss, x).numpy(),
                               rtol=1e-12)


def test_several_inputs_and_outputs_and_none_gradients():
    @sd.custom_gradient
    def product_and_sum(a, b):
        def grad(d_product, d_sum):
            return d_product * b + d_sum, None

        return (a * b, a + b), grad

    a = sd.Variable(np.array([1.0, 2.0]))
    b = sd.Variable(np.array([3.0, 5.0]))
    with sd.GradientTape(persistent=True) as tape:
        p, s = product_and_sum(a, b)
        only_product = sd.sum(p)
        both = sd.sum(p) + 10.0 * sd.sum(s)
    np.testing.assert_array_equal(tape.gradient(only_product, a).numpy(), [3.0, 5.0])   # d_sum comes as zeros
    np.testing.assert_array_equal(tape.gradient(both, a).numpy(), [13.0, 15.0])
    assert tape.gradient(both, b) is None


def test_matches_finite_differences_through_a_nested_rule():
    @sd.custom_gradient
    def cube(x):
        def grad(upstream):
            return upstream * 3.0 * x * x

        return x * x * x, grad

    x0 = np.array([0.3, -1.2, 2.0])
    x = sd.Variable(x0)
    with sd.GradientTape() as tape:
        loss = sd.sum(sd.sin(cube(x)))
    step = 1e-6
    numeric = np.array([(np.sin((x0 + step * e) ** 3).sum() - np.sin((x0 - step * e) ** 3).sum()) / (2 * step)
                        for e in np.eye(3)])
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), numeric, rtol=1e-6)


def test_no_tape_means_no_record_and_plain_values():
    np.testing.assert_allclose(log1pexp(sd.asarray([0.0])).numpy(), [np.log(2.0)])
    np.testing.assert_allclose(log1pexp(np.array([0.0])).numpy(), [np.log(2.0)])


def test_inside_a_keras_layer_trained_by_fit():
    from swiftdl import keras

    class ClipGradient(keras.layers.Layer):
        def call(self, x):
            @ops.custom_gradient
            def clipped(v):
                def grad(upstream):
                    return ops.clip(upstream, -1e-3, 1e-3)

                return v, grad

            return clipped(x)

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3), ClipGradient(), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    before = model.layers[0].kernel.numpy().copy()
    x = np.random.default_rng(0).standard_normal((16, 4)).astype(np.float32)
    model.fit(x, x.sum(1, keepdims=True) * 100, epochs=1, batch_size=16, verbose=0)
    moved = np.abs(model.layers[0].kernel.numpy() - before).max()
    # SGD's step is 0.01 times the kernel's gradient, a sum over the batch of x times the
    # clipped upstream (each entry at most 1e-3, whatever the loss's size).
    assert 0 < moved <= 0.01 * np.abs(x).sum(0).max() * 1e-3 * (1 + 1e-5)


def test_the_users_exception_reaches_the_caller_and_the_tape_stays_usable():
    class Boom(Exception):
        pass

    @sd.custom_gradient
    def fails(x):
        def grad(upstream):
            raise Boom("from the rule")

        return x * 2.0, grad

    x = sd.Variable(np.ones(3))
    with sd.GradientTape() as tape:
        y = sd.sum(fails(x))
    with pytest.raises(Boom, match="from the rule"):
        tape.gradient(y, x)
    with sd.GradientTape() as tape:
        y = sd.sum(x * 3.0)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [3.0, 3.0, 3.0])


@pytest.mark.parametrize("rule, error, match", [
    (lambda up: [up, up], ValueError, "returned 2 gradients for 1 arguments"),
    (lambda up: up[:2], ValueError, "shape"),
    (lambda up: "not a tensor", TypeError, "cannot convert str"),
])
def test_bad_rules_raise_clear_errors(rule, error, match):
    @sd.custom_gradient
    def f(x):
        return x * 1.0, rule

    x = sd.Variable(np.ones(3))
    with sd.GradientTape() as tape:
        y = sd.sum(f(x))
    with pytest.raises(error, match=match):
        tape.gradient(y, x)


def test_bad_decorated_functions_raise_clear_errors():
    with pytest.raises(TypeError, match="expects a function"):
        sd.custom_gradient(3)

    @sd.custom_gradient
    def no_rule(x):
        return x

    with pytest.raises(TypeError, match=r"must return \(outputs, grad_fn\)"):
        no_rule(sd.ones(2))

    @sd.custom_gradient
    def wants_variables(x):
        def grad(upstream, variables=None):
            return upstream, []

        return x * 1.0, grad

    with pytest.raises(TypeError, match="variables"):
        wants_variables(sd.ones(2))


def test_recording_resumes_after_the_forward_function_raises():
    @sd.custom_gradient
    def raises(x):
        raise RuntimeError("forward failed")

    x = sd.Variable(np.ones(2))
    with sd.GradientTape() as tape:
        with pytest.raises(RuntimeError):
            raises(x)
        y = sd.sum(x * x)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [2.0, 2.0])
