"""keras.StatelessScope, Layer.stateless_call, Optimizer.stateless_apply and SymbolicScope,
checked against numpy versions of the same computation and against the stateful path."""
import numpy as np
import pytest

from swiftdl import keras
from swiftdl.keras import layers
from swiftdl.keras.stateless_scope import in_stateless_scope, in_symbolic_scope


def test_reads_see_the_mapped_value_and_the_variable_is_unchanged_afterwards():
    v = keras.Variable(np.array([1.0, 2.0, 3.0], np.float32))
    with keras.StatelessScope([(v, np.array([10.0, 20.0, 30.0], np.float32))]) as scope:
        assert in_stateless_scope()
        np.testing.assert_array_equal((v * 2).numpy(), [20.0, 40.0, 60.0])
        v.assign_add(np.float32(1.0))
    assert not in_stateless_scope()
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(np.asarray(scope.get_current_value(v)), [11.0, 21.0, 31.0])


def test_assignments_to_unmapped_variables_are_collected_and_undone():
    mapped = keras.Variable(np.zeros(2, np.float32))
    other = keras.Variable(np.full(2, 5.0, np.float32))
    untouched = keras.Variable(np.ones(2, np.float32))
    with keras.StatelessScope([(mapped, np.ones(2, np.float32))]) as scope:
        other.assign(np.array([7.0, 8.0], np.float32))
    np.testing.assert_array_equal(other.numpy(), [5.0, 5.0])
    np.testing.assert_array_equal(np.asarray(scope.get_current_value(other)), [7.0, 8.0])
    np.testing.assert_array_equal(np.asarray(scope.get_current_value(mapped)), [1.0, 1.0])
    assert scope.get_current_value(untouched) is None


def test_nested_scopes_restore_the_values_each_was_entered_with():
    v = keras.Variable(np.array([1.0], np.float32))
    with keras.StatelessScope([(v, np.array([2.0], np.float32))]) as outer:
        with keras.StatelessScope([(v, np.array([3.0], np.float32))]) as inner:
            v.assign(np.array([4.0], np.float32))
        np.testing.assert_array_equal(v.numpy(), [2.0])
    np.testing.assert_array_equal(v.numpy(), [1.0])
    np.testing.assert_array_equal(np.asarray(inner.get_current_value(v)), [4.0])
    np.testing.assert_array_equal(np.asarray(outer.get_current_value(v)), [2.0])


def test_the_scope_restores_variables_when_the_block_raises():
    v = keras.Variable(np.array([1.0], np.float32))
    with pytest.raises(RuntimeError):
        with keras.StatelessScope([(v, np.array([9.0], np.float32))]):
            raise RuntimeError("inside")
    np.testing.assert_array_equal(v.numpy(), [1.0])
    assert not in_stateless_scope()


def test_bad_mappings_raise_keras_errors():
    v = keras.Variable(np.zeros((2, 3), np.float32))
    with pytest.raises(ValueError, match="must be Variable instances"):
        keras.StatelessScope([(np.zeros(3), np.zeros(3))])
    with pytest.raises(ValueError, match=r"shape that matches.*\(3, 2\)"):
        keras.StatelessScope([(v, np.zeros((3, 2), np.float32))])


def test_dense_stateless_call_uses_the_given_weights():
    layer = layers.Dense(3)
    x = np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32)
    layer(x)
    before = [w.numpy().copy() for w in layer.weights]
    kernel = np.random.default_rng(1).standard_normal((5, 3)).astype(np.float32)
    bias = np.array([0.5, -1.0, 2.0], np.float32)
    outputs, non_trainable = layer.stateless_call([kernel, bias], [], x)
    np.testing.assert_allclose(outputs.numpy(), x @ kernel + bias, rtol=1e-5, atol=1e-5)
    assert non_trainable == []
    for weight, value in zip(layer.weights, before):
        np.testing.assert_array_equal(weight.numpy(), value)


def test_batch_normalization_stateless_call_returns_the_updated_moving_statistics():
    layer = layers.BatchNormalization(momentum=0.9)
    x = np.random.default_rng(2).standard_normal((8, 3)).astype(np.float32) * 2 + 1
    layer.build((None, 3))
    mean0 = np.array([0.1, 0.2, 0.3], np.float32)
    var0 = np.array([1.5, 0.5, 2.0], np.float32)
    gamma, beta = np.ones(3, np.float32) * 2, np.zeros(3, np.float32)
    outputs, (mean1, var1) = layer.stateless_call([gamma, beta], [mean0, var0], x, training=True)
    batch_mean, batch_var = x.mean(0), x.var(0)
    np.testing.assert_allclose(np.asarray(mean1), mean0 * 0.9 + batch_mean * 0.1, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(var1), var0 * 0.9 + batch_var * 0.1, rtol=1e-4)
    np.testing.assert_allclose(outputs.numpy(), gamma * (x - batch_mean) / np.sqrt(batch_var + 1e-3), rtol=1e-4,
                               atol=1e-4)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), np.zeros(3))
    np.testing.assert_array_equal(layer.moving_variance.numpy(), np.ones(3))


def test_stateless_call_checks_its_arguments():
    layer = layers.Dense(2)
    with pytest.raises(ValueError, match="must be built"):
        layer.stateless_call([], [], np.zeros((1, 2), np.float32))
    layer.build((None, 2))
    with pytest.raises(ValueError, match="expects 2 trainable_variables; received 1"):
        layer.stateless_call([np.zeros((2, 2), np.float32)], [], np.zeros((1, 2), np.float32))


def test_stateless_call_returns_the_losses_the_call_added():
    layer = layers.Dense(2, kernel_regularizer=keras.regularizers.L2(0.5))
    layer.build((None, 2))
    kernel = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    _, _, losses = layer.stateless_call([kernel, np.zeros(2, np.float32)], [], np.ones((1, 2), np.float32),
                                        return_losses=True)
    assert len(losses) == 1
    np.testing.assert_allclose(float(np.asarray(losses[0])), 0.5 * (kernel ** 2).sum(), rtol=1e-6)


@pytest.mark.parametrize("make", [lambda: keras.optimizers.SGD(0.1, momentum=0.9),
                                  lambda: keras.optimizers.Adam(0.01), lambda: keras.optimizers.Adamax(0.01)])
def test_optimizer_stateless_apply_matches_a_real_step_and_changes_nothing(make):
    rng = np.random.default_rng(3)
    start = rng.standard_normal((3, 2)).astype(np.float32)
    grad = rng.standard_normal((3, 2)).astype(np.float32)
    variable = keras.Variable(start)
    optimizer = make()
    optimizer.build([variable])
    state = [np.asarray(v).copy() for v in optimizer.variables]
    new_values, new_state = optimizer.stateless_apply(state, [grad], [start + 1])
    np.testing.assert_array_equal(variable.numpy(), start)
    for v, s in zip(optimizer.variables, state):
        np.testing.assert_array_equal(np.asarray(v), s)
    twin_variable = keras.Variable(start + 1)
    twin = make()
    twin.apply([grad], [twin_variable])
    np.testing.assert_allclose(np.asarray(new_values[0]), twin_variable.numpy(), rtol=1e-6)
    for value, expected in zip(new_state, twin.variables):
        np.testing.assert_allclose(np.asarray(value), np.asarray(expected), rtol=1e-6)


def test_sgd_stateless_apply_follows_the_formula():
    variable = keras.Variable(np.array([1.0, -2.0], np.float32))
    optimizer = keras.optimizers.SGD(0.5)
    optimizer.build([variable])
    (new,), _ = optimizer.stateless_apply([np.asarray(v) for v in optimizer.variables],
                                          [np.array([0.2, 0.4], np.float32)], [np.array([3.0, 4.0], np.float32)])
    np.testing.assert_allclose(np.asarray(new), [3.0 - 0.1, 4.0 - 0.2], rtol=1e-6)


def test_symbolic_scope_marks_its_block():
    assert not in_symbolic_scope()
    with keras.SymbolicScope():
        assert in_symbolic_scope()
    assert not in_symbolic_scope()


def test_mixed_precision_names_the_dtype_policy_functions():
    assert keras.mixed_precision.Policy("float32").compute_dtype == "float32"
    assert keras.mixed_precision.global_policy().name == keras.config.dtype_policy().name
