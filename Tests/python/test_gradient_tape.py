"""swiftdl.GradientTape, Variable and stop_gradient against TensorFlow 2's semantics:
persistence, watching, structures of sources, unconnected sources, dtypes that are never
differentiated, accumulation, nested tapes, threads, the Variable API and bad input."""
import collections
import gc
import threading

import numpy as np
import pytest

import swiftdl as sd


def f64(values):
    return sd.asarray(np.asarray(values, dtype=np.float64))


# ---- persistence ---------------------------------------------------------------------

def test_persistent_tape_allows_several_gradient_calls():
    x = f64([1.0, 2.0, 3.0])
    with sd.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    np.testing.assert_allclose(np.asarray(tape.gradient(y, x)), [2, 4, 6])
    np.testing.assert_allclose(np.asarray(tape.gradient(z, x)), 4 * np.array([1, 8, 27]))
    np.testing.assert_allclose(np.asarray(tape.gradient(z, y)), 2 * np.array([1, 4, 9]))
    np.testing.assert_allclose(np.asarray(tape.gradient(y, x)), [2, 4, 6])


def test_second_gradient_call_on_a_non_persistent_tape_raises():
    x = f64([1.0, 2.0])
    with sd.GradientTape() as tape:
        tape.watch(x)
        y = (x * x).sum()
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="non-persistent GradientTape"):
        tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="persistent"):
        tape.gradient(y * 2.0, [x])


def test_gradient_inside_the_with_block():
    x = f64([3.0])
    with sd.GradientTape() as tape:
        tape.watch(x)
        y = x ** 3
        gradient = tape.gradient(y, x)
    np.testing.assert_allclose(np.asarray(gradient), [27.0])


def test_a_tape_can_be_entered_again_to_record_more():
    x = f64(2.0)
    tape = sd.GradientTape(persistent=True)
    with tape:
        tape.watch(x)
        y = x * x
    z = y * 10.0  # not recorded: the tape is not entered
    with tape:
        w = y * 3.0
    np.testing.assert_allclose(float(tape.gradient(w, x)), 12.0)
    assert tape.gradient(z, x) is None


def test_reset_forgets_what_was_recorded():
    x = f64(2.0)
    with sd.GradientTape() as tape:
        tape.watch(x)
        x * x  # recorded, then forgotten
        tape.reset()
        tape.watch(x)
        z = x * 5.0
    assert float(tape.gradient(z, x)) == 5.0


# ---- what the tape follows -----------------------------------------------------------

def test_watched_plain_tensor_gets_a_gradient_and_unwatched_gets_none():
    x, y = f64([1.0, 2.0]), f64([3.0, 4.0])
    with sd.GradientTape() as tape:
        tape.watch(x)
        z = x * y
    gx, gy = tape.gradient(z, [x, y])
    np.testing.assert_allclose(np.asarray(gx), [3, 4])
    assert gy is None  # TensorFlow: a source no tape follows gets None


def test_unwatched_inputs_get_none_for_every_kind_of_op():
    x, c = f64([[1.0, 2.0], [3.0, 4.0]]), f64([[0.5, -1.0], [2.0, 1.0]])
    ops = [lambda a, b: a @ b, lambda a, b: a / b, lambda a, b: sd.concatenate([a, b]),
           lambda a, b: sd.stack([a, b]), lambda a, b: sd.where(a > 2, a, b), lambda a, b: sd.maximum(a, b),
           lambda a, b: a ** b]
    for op in ops:
        with sd.GradientTape() as tape:
            tape.watch(x)
            out = op(x, c)
        gx, gc_ = tape.gradient(out, [x, c])
        assert gx is not None and gc_ is None


def test_target_as_its_own_source():
    x = f64([1.0, 2.0])
    with sd.GradientTape(persistent=True) as tape:
        tape.watch(x)
    np.testing.assert_array_equal(np.asarray(tape.gradient(x, x)), [1.0, 1.0])
    assert tape.gradient(f64([1.0, 2.0]), x) is None


def test_gradient_with_respect_to_an_intermediate_tensor():
    x = f64([1.0, 2.0])
    with sd.GradientTape() as tape:
        tape.watch(x)
        h = x * 3.0
        y = (h * h).sum()
    gh, gx = tape.gradient(y, [h, x])
    np.testing.assert_allclose(np.asarray(gh), 2 * np.asarray(h))
    np.testing.assert_allclose(np.asarray(gx), 18 * np.asarray(x))


def test_trainable_variables_are_watched_automatically():
    w = sd.Variable([1.0, 2.0])
    frozen = sd.Variable([3.0, 4.0], trainable=False)
    x = f64([5.0, 6.0])
    with sd.GradientTape() as tape:
        y = (w * frozen * x).sum()
    gw, gf, gx = tape.gradient(y, [w, frozen, x])
    np.testing.assert_allclose(np.asarray(gw), [15.0, 24.0])
    assert gf is None and gx is None


def test_variable_read_together_with_a_watched_tensor_is_still_watched():
    x = f64([5.0, 6.0])
    w = sd.Variable([1.0, 2.0])
    with sd.GradientTape() as tape:
        tape.watch(x)
        y = (x * w).sum()  # x comes first: the tape must still notice w
    gx, gw = tape.gradient(y, [x, w])
    np.testing.assert_allclose(np.asarray(gx), [1.0, 2.0])
    np.testing.assert_allclose(np.asarray(gw), [5.0, 6.0])


def test_non_trainable_variable_can_be_watched_explicitly_and_trainable_can_change():
    v = sd.Variable([3.0], trainable=False)
    with sd.GradientTape() as tape:
        tape.watch(v)
        y = v * v
    np.testing.assert_allclose(np.asarray(tape.gradient(y, v)), [6.0])
    v.trainable = True
    with sd.GradientTape() as tape:
        y = v * v
    np.testing.assert_allclose(np.asarray(tape.gradient(y, v)), [6.0])


def test_watch_accessed_variables_false():
    w, u = sd.Variable([2.0]), sd.Variable([3.0])
    with sd.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(u)
        y = w * u * w
    gw, gu = tape.gradient(y, [w, u])
    assert gw is None
    np.testing.assert_allclose(np.asarray(gu), [4.0])


def test_watch_accepts_structures():
    a, b, c = f64(1.0), f64(2.0), f64(3.0)
    with sd.GradientTape() as tape:
        tape.watch({"a": a, "rest": [b, (c,)]})
        y = a * b * c
    assert [float(g) for g in tape.gradient(y, [a, b, c])] == [6.0, 3.0, 2.0]


def test_stop_recording():
    x = f64([2.0])
    with sd.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        with tape.stop_recording():
            hidden = x * 100.0
            assert tape.gradient is not None
        z = y + hidden
        w = z * 1.0
    np.testing.assert_allclose(np.asarray(tape.gradient(w, x)), [4.0])


def test_stop_recording_does_not_watch_variables_read_inside():
    v = sd.Variable([2.0])
    with sd.GradientTape() as tape:
        with tape.stop_recording():
            y = v * v
    assert tape.gradient(y, v) is None


def test_stop_gradient():
    x = f64([1.0, 2.0, 3.0])
    with sd.GradientTape() as tape:
        tape.watch(x)
        y = x * sd.stop_gradient(x) + sd.stop_gradient(x * x)
    np.testing.assert_allclose(np.asarray(tape.gradient(y, x)), [1.0, 2.0, 3.0])
    constant = sd.stop_gradient(np.array([1.0, 2.0]))
    assert isinstance(constant, sd.Tensor) and not isinstance(constant, sd.Variable)


def test_stop_gradient_of_a_variable():
    v = sd.Variable([2.0, 3.0])
    with sd.GradientTape() as tape:
        y = v * sd.stop_gradient(v)
    np.testing.assert_allclose(np.asarray(tape.gradient(y, v)), [2.0, 3.0])


# ---- targets, output_gradients and structures ----------------------------------------

def test_non_scalar_target_is_summed():
    x = f64([[1.0, 2.0], [3.0, 4.0]])
    with sd.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    np.testing.assert_allclose(np.asarray(tape.gradient(y, x)), 2 * np.asarray(x))


def test_output_gradients_weight_the_target():
    x = f64([[1.0, 2.0], [3.0, 4.0]])
    weights = np.array([[1.0, -1.0], [0.5, 2.0]])
    with sd.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x ** 3
    expected = 3 * np.asarray(x) ** 2 * weights
    np.testing.assert_allclose(np.asarray(tape.gradient(y, x, output_gradients=sd.asarray(weights))), expected)
    np.testing.assert_allclose(np.asarray(tape.gradient(y, x, output_gradients=weights)), expected)
    np.testing.assert_allclose(np.asarray(tape.gradient(y, x, output_gradients=[weights])), expected)
    np.testing.assert_allclose(np.asarray(tape.gradient(y, x, output_gradients=weights.tolist())), expected)


def test_output_gradients_of_another_float_dtype_are_cast():
    x = sd.asarray(np.array([1.0, 2.0], np.float32))
    with sd.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    gradient = tape.gradient(y, x, output_gradients=np.array([1.0, 3.0]))
    assert gradient.dtype == np.float32
    np.testing.assert_allclose(np.asarray(gradient), [2.0, 12.0])


def _structured_case():
    a, b = sd.Variable([1.0, 2.0], name="a"), sd.Variable(3.0, name="b")
    c = f64([4.0])
    with sd.GradientTape() as tape:
        tape.watch(c)
        y = (a * b).sum() * c
    return tape, y, a, b, c


def test_sources_as_a_single_tensor_or_variable():
    tape, y, a, b, c = _structured_case()
    gradient = tape.gradient(y, a)
    assert isinstance(gradient, sd.Tensor) and not isinstance(gradient, sd.Variable)
    np.testing.assert_allclose(np.asarray(gradient), [12.0, 12.0])
    tape, y, a, b, c = _structured_case()
    np.testing.assert_allclose(np.asarray(tape.gradient(y, c)), [9.0])


def test_sources_as_list_tuple_dict_and_nested_structures():
    expected = {"a": [12.0, 12.0], "b": 12.0, "c": [9.0]}

    def check(gradient, name):
        np.testing.assert_allclose(np.asarray(gradient), expected[name])

    tape, y, a, b, c = _structured_case()
    result = tape.gradient(y, [a, b, c])
    assert isinstance(result, list) and len(result) == 3
    for gradient, name in zip(result, "abc"):
        check(gradient, name)

    tape, y, a, b, c = _structured_case()
    result = tape.gradient(y, (a, b))
    assert isinstance(result, tuple) and len(result) == 2

    tape, y, a, b, c = _structured_case()
    result = tape.gradient(y, {"weights": {"z": a, "b": b}, "input": c})
    assert set(result) == {"weights", "input"} and set(result["weights"]) == {"z", "b"}
    check(result["weights"]["z"], "a")
    check(result["weights"]["b"], "b")
    check(result["input"], "c")

    tape, y, a, b, c = _structured_case()
    result = tape.gradient(y, [a, (b, [c]), {"k": a}])
    assert isinstance(result[1], tuple) and isinstance(result[1][1], list) and isinstance(result[2], dict)
    check(result[0], "a")
    check(result[1][0], "b")
    check(result[1][1][0], "c")
    check(result[2]["k"], "a")

    Pair = collections.namedtuple("Pair", "first second")
    tape, y, a, b, c = _structured_case()
    result = tape.gradient(y, Pair(a, c))
    assert isinstance(result, Pair)
    check(result.first, "a")
    check(result.second, "c")

    tape, y, a, b, c = _structured_case()
    assert tape.gradient(y, []) == []


def test_unconnected_sources_are_none_or_zero():
    x, unrelated = f64([1.0, 2.0]), sd.Variable(np.ones((2, 3), np.float32))
    with sd.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = (x * 2.0).sum()
    assert tape.gradient(y, [x, unrelated])[1] is None
    zero = tape.gradient(y, [x, unrelated], unconnected_gradients="zero")[1]
    assert isinstance(zero, sd.Tensor) and zero.shape == (2, 3) and zero.dtype == np.float32
    assert not np.asarray(zero).any()
    with pytest.raises(ValueError, match="unconnected_gradients"):
        tape.gradient(y, x, unconnected_gradients="zeros!")


def test_watched_but_unused_source_is_unconnected():
    x, y = f64([1.0]), f64([2.0])
    with sd.GradientTape() as tape:
        tape.watch([x, y])
        z = x * 3.0
    gx, gy = tape.gradient(z, [x, y], unconnected_gradients="zero")
    assert float(gx) == 3.0 and float(gy) == 0.0


# ---- dtypes --------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint8, np.bool_])
def test_integer_and_bool_tensors_are_never_differentiated(dtype):
    i = sd.asarray(np.array([1, 0, 1], dtype=dtype))
    x = f64([1.0, 2.0, 3.0])
    with sd.GradientTape() as tape:
        tape.watch([i, x])
        y = (x * i).sum() + sd.where(i, x, 0.0).sum()
    gi, gx = tape.gradient(y, [i, x])
    assert gi is None
    np.testing.assert_allclose(np.asarray(gx), 2 * np.asarray(i, dtype=np.float64))
    with sd.GradientTape() as tape:
        tape.watch(i)
        y = i.astype(np.float64) * 2.0
    assert tape.gradient(y, i) is None


def test_integer_variable_is_never_differentiated():
    counter = sd.Variable(np.int64(3))
    with sd.GradientTape() as tape:
        y = counter * 2.0
    assert tape.gradient(y, counter) is None
    assert tape is not None


def test_float32_gradients_stay_float32():
    w = sd.Variable(np.array([1.0, 2.0], np.float32))
    with sd.GradientTape() as tape:
        y = (w * w).sum()
    gradient = tape.gradient(y, w)
    assert gradient.dtype == np.float32 and gradient.shape == (2,)


# ---- accumulation, nesting, threads --------------------------------------------------

def test_gradients_accumulate_when_a_tensor_is_used_several_times():
    x = f64([0.5, 1.5])
    with sd.GradientTape() as tape:
        tape.watch(x)
        y = x * x + x + sd.sin(x) + x[0] * x - x[::-1]
    values = np.asarray(x)
    expected = 2 * values + 1 + np.cos(values) + values[0] - 1
    expected[0] += values.sum()
    np.testing.assert_allclose(np.asarray(tape.gradient(y, x)), expected)


def test_variable_used_in_several_branches_accumulates():
    w = sd.Variable([[1.0, 2.0], [3.0, 4.0]])
    x = f64([[1.0, 0.0], [0.0, 2.0]])
    with sd.GradientTape() as tape:
        y = (x @ w).sum() + (w * w).sum() + sd.tanh(w.T).sum()
    expected = np.asarray(x).sum(axis=0)[:, None] * np.ones((2, 2)) + 2 * np.asarray(w) \
        + (1 - np.tanh(np.asarray(w)) ** 2)
    np.testing.assert_allclose(np.asarray(tape.gradient(y, w)), expected)


def test_nested_tapes_both_record():
    x = f64(3.0)
    with sd.GradientTape() as outer:
        outer.watch(x)
        with sd.GradientTape() as inner:
            inner.watch(x)
            y = x * x
        z = y * x
    assert float(inner.gradient(y, x)) == 6.0
    assert float(outer.gradient(z, x)) == 27.0


def test_inner_tape_does_not_see_ops_recorded_before_it_was_entered():
    x = f64(2.0)
    with sd.GradientTape() as outer:
        outer.watch(x)
        y = x * x
        with sd.GradientTape() as inner:
            z = y * 3.0
    assert inner.gradient(z, x) is None
    assert float(outer.gradient(z, x)) == 12.0


def test_stop_recording_pauses_only_its_own_tape():
    x = f64(2.0)
    with sd.GradientTape() as outer:
        outer.watch(x)
        with sd.GradientTape() as inner:
            inner.watch(x)
            with inner.stop_recording():
                y = x * x
    assert inner.gradient(y, x) is None
    assert float(outer.gradient(y, x)) == 4.0


def test_tapes_on_several_threads_at_once():
    errors, barrier = [], threading.Barrier(4)

    def worker(seed):
        try:
            rng = np.random.default_rng(seed)
            w = sd.Variable(rng.standard_normal((8, 4)))
            x = sd.asarray(rng.standard_normal((16, 8)))
            barrier.wait()
            for _ in range(50):
                with sd.GradientTape() as tape:
                    loss = sd.tanh(x @ w).sum()
                gradient = np.asarray(tape.gradient(loss, w))
                h = np.tanh(np.asarray(x) @ np.asarray(w))
                np.testing.assert_allclose(gradient, np.asarray(x).T @ (1 - h * h), rtol=1e-10)
        except Exception as error:  # noqa: BLE001 (reported in the main thread)
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors


def test_a_tape_records_only_its_own_thread():
    x = f64(2.0)
    results = {}
    with sd.GradientTape() as tape:
        tape.watch(x)

        def other():
            results["y"] = x * x
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert tape.gradient(results["y"], x) is None


# ---- Variable ------------------------------------------------------------------------

def test_variable_basics():
    v = sd.Variable([[1.0, 2.0], [3.0, 4.0]], name="kernel")
    # Python floats make float32 variables, as in TensorFlow; numpy arrays keep their dtype.
    assert v.shape == (2, 2) and v.dtype == np.float32 and v.name == "kernel" and v.trainable
    assert sd.Variable(np.zeros(2)).dtype == np.float64
    assert isinstance(v.numpy(), np.ndarray)
    np.testing.assert_array_equal(v.numpy(), [[1, 2], [3, 4]])
    f32 = sd.Variable(np.zeros(3, np.float32))
    assert f32.dtype == np.float32 and f32.shape == (3,)
    assert sd.Variable([1, 2], dtype=np.float32).dtype == np.float32
    assert float(sd.Variable(lambda: np.float64(2.5))) == 2.5


def test_variable_copies_its_initial_value():
    source = np.array([1.0, 2.0])
    v = sd.Variable(source)
    source[0] = 100.0
    assert v.numpy()[0] == 1.0


def test_assign_family():
    v = sd.Variable([1.0, 2.0])
    assert v.assign([5.0, 6.0]) is v
    np.testing.assert_array_equal(v.numpy(), [5, 6])
    v.assign_add(np.array([1.0, 1.0]))
    np.testing.assert_array_equal(v.numpy(), [6, 7])
    v.assign_sub(sd.asarray([2.0, 3.0]))
    np.testing.assert_array_equal(v.numpy(), [4, 4])
    snapshot = v.value()
    v.assign([0.0, 0.0])
    np.testing.assert_array_equal(np.asarray(snapshot), [4, 4])


@pytest.mark.parametrize("method", ["assign", "assign_add", "assign_sub"])
def test_assign_checks_shapes(method):
    v = sd.Variable([1.0, 2.0], name="v")
    for bad in ([1.0, 2.0, 3.0], [[1.0, 2.0]], 1.0):
        with pytest.raises(ValueError, match=r"shape"):
            getattr(v, method)(bad)
    np.testing.assert_array_equal(v.numpy(), [1, 2])


def test_assign_rejects_what_cannot_become_a_tensor():
    v = sd.Variable([1.0, 2.0])
    with pytest.raises((TypeError, ValueError)):
        v.assign("not numbers")
    with pytest.raises((TypeError, ValueError)):
        v.assign_add(object())
    np.testing.assert_array_equal(v.numpy(), [1, 2])


def test_assign_inside_a_tape_is_not_differentiated():
    v = sd.Variable([1.0, 2.0])
    with sd.GradientTape() as tape:
        v.assign_add([1.0, 1.0])
        y = v * v
    np.testing.assert_allclose(np.asarray(tape.gradient(y, v)), [4.0, 6.0])


def test_variable_arithmetic_returns_plain_tensors():
    v = sd.Variable([1.0, 2.0])
    for result in (v + 1, 1 - v, v * v, v / 2, v ** 2, -v, abs(v), v @ v, v[0], v.T, v.reshape(2, 1),
                   sd.exp(v), v.sum(), v > 1):
        assert type(result) is sd.Tensor, type(result)
    np.testing.assert_array_equal(np.asarray(v * 3), [3, 6])
    assert float(v @ v) == 5.0


def test_variable_numpy_interop():
    v = sd.Variable([1.0, 4.0])
    np.testing.assert_array_equal(np.asarray(v), [1, 4])
    np.testing.assert_array_equal(np.sqrt(v), [1, 2])
    np.testing.assert_array_equal(np.array(v) + np.ones(2), [2, 5])
    assert np.asarray(v).dtype == np.float32
    np.testing.assert_array_equal(np.add(v, v), [2, 8])
    assert sd.asarray(v).shape == (2,)


def test_variable_repr():
    v = sd.Variable(np.array([1.0, 2.0], np.float32), name="bias")
    text = repr(v)
    assert text.startswith("<swiftdl.Variable 'bias'")
    assert "shape=(2,)" in text and "float32" in text and "numpy=array([1., 2.]" in text


def test_variable_in_a_training_step_with_an_optimizer():
    w = sd.Variable([1.0, -1.0])
    optimizer = sd.optimizers.SGD(learning_rate=0.1)
    with sd.GradientTape() as tape:
        loss = (w * w).sum()
    optimizer.apply_gradients(zip(tape.gradient(loss, [w]), [w]))
    np.testing.assert_allclose(w.numpy(), [0.8, -0.8])


# ---- hostile input -------------------------------------------------------------------

def test_integer_target_raises():
    x = f64([1.0])
    with sd.GradientTape() as tape:
        tape.watch(x)
        y = x.astype(np.int64)
    with pytest.raises(TypeError, match=r"\[gradient\].*float.*int64"):
        tape.gradient(y, x)


def test_wrong_output_gradients_shape_raises():
    x = f64([1.0, 2.0])
    with sd.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    with pytest.raises(ValueError, match=r"output_gradients.*\(3,\).*\(2,\)"):
        tape.gradient(y, x, output_gradients=np.ones(3))
    with pytest.raises((TypeError, ValueError)):
        tape.gradient(y, x, output_gradients="abc")
    np.testing.assert_allclose(np.asarray(tape.gradient(y, x)), [2.0, 4.0])  # still usable


@pytest.mark.parametrize("bad", [1.0, [1.0, 2.0], np.array([1.0]), None, "x", [None]], ids=repr)
def test_non_tensor_sources_raise(bad):
    x = f64([1.0])
    with sd.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    with pytest.raises(TypeError, match="sources"):
        tape.gradient(y, bad)
    assert float(tape.gradient(y, x)) == 2.0  # a failed call does not use up the tape


def test_failed_call_does_not_use_up_a_non_persistent_tape():
    x = f64([1.0])
    with sd.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    with pytest.raises(TypeError):
        tape.gradient(y, "not a tensor")
    assert float(tape.gradient(y, x)) == 2.0


@pytest.mark.parametrize("bad", [1.0, "x", None, object()], ids=repr)
def test_watch_of_a_non_tensor_raises(bad):
    with sd.GradientTape() as tape:
        with pytest.raises(TypeError, match="watch"):
            tape.watch(bad)


def test_python_number_target():
    x = f64([1.0])
    with sd.GradientTape() as tape:
        tape.watch(x)
    assert tape.gradient(3.0, x) is None


# ---- memory --------------------------------------------------------------------------

def test_tapes_free_their_records():
    gc.collect()
    before = sd._C.live_tensors()
    x = f64(np.ones((4, 4)))
    for persistent in (False, True):
        with sd.GradientTape(persistent=persistent) as tape:
            tape.watch(x)
            y = sd.tanh(x @ x).sum()
        gradient = tape.gradient(y, x)
        del tape, y, gradient
    del x
    gc.collect()
    assert sd._C.live_tensors() == before


def test_targets_as_a_list_or_structure_are_summed():
    x = f64([1.0, 2.0])
    with sd.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y, z = x * x, x * 3.0
    np.testing.assert_allclose(np.asarray(tape.gradient([y, z], x)), 2 * np.asarray(x) + 3)
    np.testing.assert_allclose(np.asarray(tape.gradient({"a": y, "b": (z, y)}, x)), 4 * np.asarray(x) + 3)
    weighted = tape.gradient([y, z], x, output_gradients=[np.array([1.0, 0.0]), None])
    np.testing.assert_allclose(np.asarray(weighted), [2.0 + 3.0, 3.0])
    with pytest.raises(ValueError, match="one entry per target"):
        tape.gradient([y, z], x, output_gradients=[np.ones(2)])


def test_bad_call_leaves_a_non_persistent_tape_usable():
    x = f64([1.0, 2.0])
    with sd.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        label = x.astype(np.int32)
    with pytest.raises(TypeError, match="float"):
        tape.gradient(label, x)
    with pytest.raises(ValueError, match="output_gradients"):
        tape.gradient(y, x, output_gradients=np.ones((2, 2)))
    np.testing.assert_allclose(np.asarray(tape.gradient(y, x)), [2.0, 4.0])


@pytest.mark.xfail(strict=True, reason="VJPs run raw engine ops, so an outer tape does not record the inner "
                                       "gradient computation: higher-order gradients are not supported yet")
def test_nested_tapes_give_second_derivatives():
    x = f64(3.0)
    with sd.GradientTape() as outer:
        outer.watch(x)
        with sd.GradientTape() as inner:
            inner.watch(x)
            y = x * x * x
        dy = inner.gradient(y, x)
    assert float(dy) == 27.0
    assert float(outer.gradient(dy, x)) == 18.0
