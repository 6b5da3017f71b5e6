"""swiftdl.nn.lstm / gru / simple_rnn against hand-written numpy versions of Keras's
formulas, finite-difference gradient checks in float64, and hostile input."""
import numpy as np
import pytest

import swiftdl as sd


# ---- numpy references of Keras 3's cells ---------------------------------------------

def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _steps(time, go_backwards):
    return range(time - 1, -1, -1) if go_backwards else range(time)


def _finish(outputs, return_sequences):
    sequence = np.stack(outputs, axis=1)
    return sequence if return_sequences else sequence[:, -1]


class _Masking:
    """Keras's masked step (TensorFlow backend, zero_output_for_mask=False): where a row's
    mask is False its states keep their old values and its output repeats the previous
    output, which starts at zero."""

    def __init__(self, mask, batch, units, dtype):
        self.mask = mask
        self.previous_output = np.zeros((batch, units), dtype)

    def step(self, t, old_states, new_states):
        if self.mask is None:
            self.previous_output = new_states[0]
            return new_states, new_states[0]
        keep = self.mask[:, t][:, None]
        output = np.where(keep, new_states[0], self.previous_output)
        self.previous_output = output
        return [np.where(keep, new, old) for new, old in zip(new_states, old_states)], output


def numpy_lstm(x, kernel, recurrent_kernel, bias, h0=None, c0=None, return_sequences=False, go_backwards=False,
               mask=None):
    batch, time, _ = x.shape
    units = recurrent_kernel.shape[0]
    h = np.zeros((batch, units), x.dtype) if h0 is None else h0
    c = np.zeros((batch, units), x.dtype) if c0 is None else c0
    masking, outputs = _Masking(mask, batch, units, x.dtype), []
    for t in _steps(time, go_backwards):
        z = x[:, t] @ kernel + h @ recurrent_kernel + (0 if bias is None else bias)
        i, f, g, o = np.split(z, 4, axis=1)
        new_c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
        new_h = _sigmoid(o) * np.tanh(new_c)
        (h, c), output = masking.step(t, [h, c], [new_h, new_c])
        outputs.append(output)
    return _finish(outputs, return_sequences), h, c


def numpy_gru(x, kernel, recurrent_kernel, bias, h0=None, return_sequences=False, go_backwards=False, mask=None):
    """Keras GRUCell with reset_after=True: bias[0] is the input bias, bias[1] the recurrent one."""
    batch, time, _ = x.shape
    units = recurrent_kernel.shape[0]
    h = np.zeros((batch, units), x.dtype) if h0 is None else h0
    input_bias, recurrent_bias = (0, 0) if bias is None else (bias[0], bias[1])
    masking, outputs = _Masking(mask, batch, units, x.dtype), []
    for t in _steps(time, go_backwards):
        x_z, x_r, x_h = np.split(x[:, t] @ kernel + input_bias, 3, axis=1)
        r_z, r_r, r_h = np.split(h @ recurrent_kernel + recurrent_bias, 3, axis=1)
        z = _sigmoid(x_z + r_z)
        r = _sigmoid(x_r + r_r)
        hh = np.tanh(x_h + r * r_h)
        (h,), output = masking.step(t, [h], [z * h + (1 - z) * hh])
        outputs.append(output)
    return _finish(outputs, return_sequences), h


def numpy_simple_rnn(x, kernel, recurrent_kernel, bias, h0=None, return_sequences=False, go_backwards=False,
                     mask=None):
    batch, time, _ = x.shape
    units = recurrent_kernel.shape[0]
    h = np.zeros((batch, units), x.dtype) if h0 is None else h0
    masking, outputs = _Masking(mask, batch, units, x.dtype), []
    for t in _steps(time, go_backwards):
        new_h = np.tanh(x[:, t] @ kernel + h @ recurrent_kernel + (0 if bias is None else bias))
        (h,), output = masking.step(t, [h], [new_h])
        outputs.append(output)
    return _finish(outputs, return_sequences), h


# Per op: the swiftdl function, the reference, gate blocks, bias shape, number of states.
OPS = {
    "lstm": (sd.nn.lstm, numpy_lstm, 4, lambda u: (4 * u,), 2),
    "gru": (sd.nn.gru, numpy_gru, 3, lambda u: (2, 3 * u), 1),
    "simple_rnn": (sd.nn.simple_rnn, numpy_simple_rnn, 1, lambda u: (u,), 1),
}


def _operands(name, batch, time, features, units, dtype, rng, scale=0.5):
    _, _, gates, bias_shape, states = OPS[name]
    draw = lambda *shape: (rng.standard_normal(shape) * scale).astype(dtype)  # noqa: E731
    weights = [draw(batch, time, features), draw(features, gates * units), draw(units, gates * units),
               draw(*bias_shape(units))]
    return weights, [draw(batch, units) for _ in range(states)]


def _call(name, weights, states, **options):
    function = OPS[name][0]
    initial_state = None if states is None else list(states)
    return function(*weights, initial_state=initial_state, **options)


def _reference(name, weights, states, **options):
    reference = OPS[name][1]
    return reference(*weights, *(states or []), **options)


# ---- forward values --------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(OPS))
@pytest.mark.parametrize("shape", [(1, 1, 1, 1), (3, 7, 5, 4), (4, 12, 16, 9)])
@pytest.mark.parametrize("with_state", [False, True])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_forward_matches_numpy_reference_in_float32(name, shape, with_state, return_sequences):
    rng = np.random.default_rng(sum(shape) + 7 * with_state + 3 * return_sequences)
    weights, states = _operands(name, *shape, np.float32, rng)
    states = states if with_state else None
    results = _call(name, weights, states, return_sequences=return_sequences)
    expected = _reference(name, [w.astype(np.float64) for w in weights],
                          None if states is None else [s.astype(np.float64) for s in states],
                          return_sequences=return_sequences)
    assert len(results) == len(expected)
    for result, value in zip(results, expected):
        assert result.dtype == np.float32
        assert tuple(result.shape) == value.shape
        np.testing.assert_allclose(np.asarray(result), value, rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("name", sorted(OPS))
@pytest.mark.parametrize("go_backwards", [False, True])
def test_float64_forward_is_exact_and_go_backwards_returns_processing_order(name, go_backwards):
    rng = np.random.default_rng(11)
    weights, states = _operands(name, 2, 6, 3, 5, np.float64, rng, scale=1.0)
    results = _call(name, weights, states, return_sequences=True, go_backwards=go_backwards)
    expected = _reference(name, weights, states, return_sequences=True, go_backwards=go_backwards)
    for result, value in zip(results, expected):
        assert result.dtype == np.float64
        np.testing.assert_allclose(np.asarray(result), value, rtol=1e-12, atol=1e-13)


def test_without_bias_and_with_strided_inputs():
    rng = np.random.default_rng(5)
    (x, kernel, recurrent, _), _ = _operands("lstm", 3, 4, 2, 3, np.float64, rng)
    time_major = sd.asarray(np.ascontiguousarray(x.transpose(1, 0, 2)))
    strided = sd.transpose(time_major, (1, 0, 2))  # a non-contiguous view of the same values
    outputs, h, c = sd.nn.lstm(strided, kernel, recurrent, None, return_sequences=True)
    expected = numpy_lstm(x, kernel, recurrent, None, return_sequences=True)
    for result, value in zip((outputs, h, c), expected):
        np.testing.assert_allclose(np.asarray(result), value, rtol=1e-12)


def test_large_activations_saturate_without_nan_in_float32():
    rng = np.random.default_rng(9)
    weights, _ = _operands("lstm", 2, 5, 3, 4, np.float32, rng, scale=60.0)
    outputs, h, c = sd.nn.lstm(*weights, return_sequences=True)
    with np.errstate(over="ignore"):
        expected = numpy_lstm(*[w.astype(np.float64) for w in weights], return_sequences=True)
    assert np.all(np.isfinite(np.asarray(outputs)))
    np.testing.assert_allclose(np.asarray(outputs), expected[0], atol=1e-5)


def test_concurrent_calls_from_python_threads_agree_with_numpy():
    """Large enough that each call splits its batch across the engine's threads, while
    four Python threads (the GIL released around the engine) call at once."""
    import threading
    rng = np.random.default_rng(13)
    weights, states = _operands("lstm", 16, 40, 8, 32, np.float64, rng)
    expected = numpy_lstm(*weights, *states, return_sequences=True)[0]
    results, errors = [], []

    def work():
        try:
            for _ in range(3):
                results.append(np.asarray(_call("lstm", weights, states, return_sequences=True)[0]))
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(results) == 12
    for result in results:
        np.testing.assert_allclose(result, expected, rtol=1e-12, atol=1e-13)


# ---- gradients ---------------------------------------------------------------------------

def _loss_and_gradients(name, operands, states_count, options, probes):
    tensors = [sd.asarray(a) for a in operands]
    with sd.GradientTape() as tape:
        tape.watch(tensors)
        results = _call(name, tensors[:4], tensors[4:] or None, **options)
        loss = sum((result * probe).sum() for result, probe in zip(results, probes))
    return float(loss), tape.gradient(loss, tensors)


def _numeric_loss(name, operands, options, probes):
    results = _call(name, operands[:4], operands[4:] or None, **options)
    return sum(float((np.asarray(r) * p).sum()) for r, p in zip(results, probes))


def _numeric_gradient(name, operands, operand, options, probes, epsilon):
    """Central differences of the loss with respect to each element of `operand` (one of
    `operands`, perturbed in place and restored)."""
    numeric = np.zeros_like(operand)
    for position in np.ndindex(operand.shape):
        saved = operand[position]
        operand[position] = saved + epsilon
        plus = _numeric_loss(name, operands, options, probes)
        operand[position] = saved - epsilon
        minus = _numeric_loss(name, operands, options, probes)
        operand[position] = saved
        numeric[position] = (plus - minus) / (2 * epsilon)
    return numeric


@pytest.mark.parametrize("name", sorted(OPS))
@pytest.mark.parametrize("options", [dict(return_sequences=True), dict(return_sequences=False, go_backwards=True)])
def test_gradients_match_finite_differences_for_every_operand(name, options):
    rng = np.random.default_rng(21)
    weights, states = _operands(name, 2, 3, 3, 2, np.float64, rng, scale=0.8)
    operands = weights + states
    shapes = [np.shape(r) for r in _reference(name, weights, states, **options)]
    probes = [rng.standard_normal(shape) for shape in shapes]
    _, gradients = _loss_and_gradients(name, operands, len(states), options, probes)
    epsilon = 1e-6
    for index, operand in enumerate(operands):
        assert gradients[index] is not None, f"no gradient for operand {index}"
        analytic = np.asarray(gradients[index])
        assert analytic.shape == operand.shape
        numeric = _numeric_gradient(name, operands, operand, options, probes, epsilon)
        np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8, err_msg=f"{name} operand {index}")


def test_variables_get_gradients_and_persistent_tapes_repeat_them():
    rng = np.random.default_rng(3)
    weights, _ = _operands("gru", 2, 4, 3, 3, np.float32, rng)
    x = sd.asarray(weights[0])
    variables = [sd.Variable(w) for w in weights[1:]]
    with sd.GradientTape(persistent=True) as tape:
        outputs, h = sd.nn.gru(x, *variables, return_sequences=True)
        loss = (outputs * outputs).sum() + h.sum()
    first = tape.gradient(loss, variables)
    second = tape.gradient(loss, variables)
    for a, b in zip(first, second):
        assert a is not None and a.dtype == np.float32
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_unused_final_state_still_gets_gradient_from_outputs_only():
    rng = np.random.default_rng(4)
    weights, states = _operands("lstm", 2, 3, 2, 2, np.float64, rng)
    tensors = [sd.asarray(a) for a in weights + states]
    with sd.GradientTape() as tape:
        tape.watch(tensors)
        outputs, _, _ = sd.nn.lstm(*tensors[:4], initial_state=tensors[4:])
        loss = outputs.sum()
    gradients = tape.gradient(loss, tensors)
    assert all(g is not None for g in gradients)
    assert np.all(np.isfinite(np.asarray(gradients[0])))


# ---- masking (Keras's mask_zero) ------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(OPS))
@pytest.mark.parametrize("units", [4, 16, 68, 96])
def test_single_sample_steps_match_numpy_reference_in_float32(name, units):
    """One float32 sample's step product h · U runs on the engine's matrix-vector kernel on
    AVX-512 CPUs (gate widths that are multiples of 16: 64, 272, 384 for the LSTM; 48, 288 for
    the GRU; 16, 96 for SimpleRNN; the others and AVX2-only CPUs keep BLAS): widths below, at
    and past its 256-column block, with masks and go_backwards. The reference is float64:
    weights of scale 0.2 keep the sums of up to 96 float32 terms near 1, where the float32
    test's tolerance above holds for either summation order (fused or BLAS)."""
    rng = np.random.default_rng(units)
    weights, states = _operands(name, 1, 13, 5, units, np.float32, rng, scale=0.2)
    mask = rng.random((1, 13)) > 0.3
    wide = lambda values: [v.astype(np.float64) for v in values]  # noqa: E731
    for options in (dict(return_sequences=True), dict(return_sequences=False, go_backwards=True, mask=mask)):
        results = _call(name, weights, states, **options)
        expected = _reference(name, wide(weights), wide(states), **options)
        for result, value in zip(results, expected):
            np.testing.assert_allclose(np.asarray(result), value, rtol=2e-5, atol=2e-6)


def _test_mask(batch, time, rng):
    mask = rng.random((batch, time)) > 0.35
    mask[0, :3] = False     # a masked prefix: outputs stay zero while the states carry h0
    mask[1, :] = False      # a row with nothing kept
    mask[2, -2:] = False    # a masked tail: the last output repeats an earlier one
    return mask


@pytest.mark.parametrize("name", sorted(OPS))
@pytest.mark.parametrize("with_state", [False, True])
@pytest.mark.parametrize("options", [dict(return_sequences=True), dict(return_sequences=False),
                                     dict(return_sequences=True, go_backwards=True)])
def test_masked_forward_matches_keras_semantics(name, with_state, options):
    rng = np.random.default_rng(31)
    weights, states = _operands(name, 4, 7, 3, 5, np.float64, rng, scale=1.0)
    states = states if with_state else None
    mask = _test_mask(4, 7, rng)
    results = _call(name, weights, states, mask=mask, **options)
    expected = _reference(name, weights, states, mask=mask, **options)
    for result, value in zip(results, expected):
        np.testing.assert_allclose(np.asarray(result), value, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("name", ["lstm", "gru"])
@pytest.mark.parametrize("batch", [1, 24])
@pytest.mark.parametrize("threads", [1, 2])
def test_inference_projects_inputs_whole_or_step_by_step_alike(name, batch, threads):
    """Without a tape, a batch slice whose input projections for the whole sequence fit in
    cache (64K elements: one sample here) has them computed in one product before its steps;
    a larger slice (24 rows of 50 steps of 192 or 144 gates: over 64K on one or two threads)
    projects step by step. Both must match the reference, with masks and go_backwards."""
    rng = np.random.default_rng(batch + threads)
    weights, states = _operands(name, batch, 50, 6, 48, np.float64, rng, scale=0.7)
    mask = rng.random((batch, 50)) > 0.3
    previous = sd.config.get_num_threads()
    sd.config.set_num_threads(threads)
    try:
        for options in (dict(return_sequences=True), dict(return_sequences=False, go_backwards=True, mask=mask)):
            results = _call(name, weights, states, **options)
            expected = _reference(name, weights, states, **options)
            for result, value in zip(results, expected):
                # 50 chained steps carry roundings of products summed in other orders: 1e-11-sized.
                np.testing.assert_allclose(np.asarray(result), value, rtol=1e-9, atol=1e-10)
    finally:
        sd.config.set_num_threads(previous)


@pytest.mark.parametrize("name", sorted(OPS))
@pytest.mark.parametrize("options", [dict(return_sequences=True), dict(return_sequences=False, go_backwards=True)])
def test_masked_gradients_match_finite_differences(name, options):
    rng = np.random.default_rng(41)
    weights, states = _operands(name, 3, 5, 2, 2, np.float64, rng, scale=0.8)
    mask = _test_mask(3, 5, rng)
    options = dict(options, mask=mask)
    operands = weights + states
    shapes = [np.shape(r) for r in _reference(name, weights, states, **options)]
    probes = [rng.standard_normal(shape) for shape in shapes]
    _, gradients = _loss_and_gradients(name, operands, len(states), options, probes)
    epsilon = 1e-6
    for index, operand in enumerate(operands):
        analytic = np.asarray(gradients[index])
        numeric = _numeric_gradient(name, operands, operand, options, probes, epsilon)
        np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8, err_msg=f"{name} operand {index}")


@pytest.fixture
def two_threads():
    previous = sd.config.get_num_threads()
    sd.config.set_num_threads(2)
    yield
    sd.config.set_num_threads(previous)


@pytest.mark.parametrize("name", sorted(OPS))
@pytest.mark.parametrize("options", [dict(return_sequences=True),
                                     dict(return_sequences=False, go_backwards=True, masked=True)])
def test_gradients_summed_over_many_rows_match_directional_differences(name, options, two_threads):
    """At 16 x 64 rows the weight gradients are summed by two threads, each over its own
    rows; along a random direction V, <gradient, V> must match (L(w + eV) - L(w - eV)) / 2e
    for every operand (the initial states enter the first step's stacked rows)."""
    rng = np.random.default_rng(51)
    batch, time = 16, 64
    weights, states = _operands(name, batch, time, 32, 32, np.float64, rng, scale=0.3)
    options = dict(options)
    if options.pop("masked", False):
        options["mask"] = rng.random((batch, time)) > 0.2
    operands = weights + states
    probes = [rng.standard_normal(np.shape(r)) for r in _reference(name, weights, states, **options)]
    _, gradients = _loss_and_gradients(name, operands, len(states), options, probes)
    epsilon = 1e-6
    for index, operand in enumerate(operands):
        direction = rng.standard_normal(operand.shape)
        saved = operand.copy()
        operand += epsilon * direction
        plus = _numeric_loss(name, operands, options, probes)
        operand[...] = saved - epsilon * direction
        minus = _numeric_loss(name, operands, options, probes)
        operand[...] = saved
        numeric = (plus - minus) / (2 * epsilon)
        analytic = float((np.asarray(gradients[index]) * direction).sum())
        assert analytic == pytest.approx(numeric, rel=1e-6, abs=1e-8), f"{name} operand {index}"


def test_mask_accepts_numbers_and_rejects_wrong_shapes():
    rng = np.random.default_rng(2)
    weights, _ = _operands("simple_rnn", 2, 4, 3, 2, np.float64, rng)
    as_ints = np.array([[1, 1, 0, 1], [0, 1, 1, 1]])
    result = sd.nn.simple_rnn(*weights, mask=as_ints, return_sequences=True)
    expected = numpy_simple_rnn(*weights, mask=as_ints.astype(bool), return_sequences=True)
    np.testing.assert_allclose(np.asarray(result[0]), expected[0], rtol=1e-12)
    with pytest.raises(ValueError, match=r"\[simple_rnn\] mask must have shape \(batch, time\) = \(2, 4\); received \(2, 3\)"):
        sd.nn.simple_rnn(*weights, mask=np.ones((2, 3), bool))


# ---- hostile input -----------------------------------------------------------------------

def test_wrong_kernel_shape_names_the_keras_layout():
    x = np.zeros((2, 5, 64), np.float32)
    with pytest.raises(ValueError, match=r"\[lstm\] kernel must have shape \(in, 4\*units\) = \(64, 256\).*received \(64, 200\)"):
        sd.nn.lstm(x, np.zeros((64, 200), np.float32), np.zeros((64, 256), np.float32))
    with pytest.raises(ValueError, match=r"\[gru\] bias must have shape \(2, 3\*units\)"):
        sd.nn.gru(x, np.zeros((64, 24)), np.zeros((8, 24)), np.zeros(24))
    with pytest.raises(ValueError, match=r"\[simple_rnn\] recurrent_kernel must have shape \(units, units\)"):
        sd.nn.simple_rnn(x, np.zeros((64, 4)), np.zeros((4, 5)))
    with pytest.raises(ValueError, match=r"\[lstm\] recurrent_kernel must have shape \(units, 4\*units\) = \(8, 32\)"):
        sd.nn.lstm(x, np.zeros((64, 32)), np.zeros((8, 30)))


@pytest.mark.parametrize("bad_inputs", [np.zeros((2, 5), np.float32), np.zeros((1, 2, 5, 3), np.float32), np.float32(1.0)])
def test_wrong_input_rank_raises(bad_inputs):
    with pytest.raises(ValueError, match=r"\[lstm\] inputs must be rank 3 \(batch, time, features\)"):
        sd.nn.lstm(bad_inputs, np.zeros((5, 8), np.float32), np.zeros((2, 8), np.float32))


def test_non_float_and_mixed_dtypes_raise_type_error():
    with pytest.raises(TypeError, match=r"\[gru\] inputs must be float32 or float64; received dtype int32"):
        sd.nn.gru(np.zeros((2, 3, 4), np.int32), np.zeros((4, 6)), np.zeros((2, 6)))
    x = sd.zeros((2, 3, 4), dtype=sd.float32)
    with pytest.raises(TypeError, match=r"kernel must have the inputs' dtype float32; received dtype float64"):
        sd.nn.simple_rnn(x, sd.zeros((4, 2), dtype=sd.float64), sd.zeros((2, 2), dtype=sd.float32))
    with pytest.raises(TypeError):
        sd.nn.lstm(x, "kernel", np.zeros((2, 8)))
    with pytest.raises(TypeError):
        sd.nn.lstm(x, None, np.zeros((2, 8)))


def test_bad_initial_states_raise():
    x = np.zeros((2, 3, 4), np.float32)
    kernel, recurrent = np.zeros((4, 8), np.float32), np.zeros((2, 8), np.float32)
    with pytest.raises(ValueError, match=r"initial_state must hold 2 tensors"):
        sd.nn.lstm(x, kernel, recurrent, initial_state=[np.zeros((2, 2), np.float32)])
    with pytest.raises(ValueError, match=r"initial_state must be a list of 2 tensors"):
        sd.nn.lstm(x, kernel, recurrent, initial_state=np.zeros((2, 2), np.float32))
    with pytest.raises(ValueError, match=r"\[lstm\] initial_state\[1\] \(c\) must have shape \(batch, units\) = "
                                         r"\(2, 2\); received \(3, 2\)"):
        sd.nn.lstm(x, kernel, recurrent, initial_state=[np.zeros((2, 2)), np.zeros((3, 2))])
    with pytest.raises(ValueError, match=r"\[simple_rnn\] initial_state must have shape"):
        sd.nn.simple_rnn(x, np.zeros((4, 2)), np.zeros((2, 2)), initial_state=np.zeros((2, 3)))


def test_empty_time_and_oversized_sequences_are_refused_and_the_process_survives():
    with pytest.raises(ValueError, match=r"at least one time step"):
        sd.nn.simple_rnn(np.zeros((2, 0, 3), np.float32), np.zeros((3, 2)), np.zeros((2, 2)))
    # A broadcast view claims 2^34 rows without holding them: refused before any allocation.
    huge = sd.broadcast_to(sd.zeros((1, 1, 1), dtype=sd.float32), (2 ** 22, 2 ** 12, 1))
    with pytest.raises(MemoryError, match=r"\[lstm\]"):
        sd.nn.lstm(huge, np.zeros((1, 4), np.float32), np.zeros((1, 4), np.float32))
    # Later calls still compute correct values.
    rng = np.random.default_rng(8)
    weights, states = _operands("lstm", 2, 3, 2, 2, np.float64, rng)
    result = _call("lstm", weights, states)
    np.testing.assert_allclose(np.asarray(result[0]), numpy_lstm(*weights, *states)[0], rtol=1e-12)


def test_zero_batch_gives_empty_outputs():
    outputs, h = sd.nn.gru(np.zeros((0, 3, 2), np.float32), np.zeros((2, 6), np.float32),
                           np.zeros((2, 6), np.float32), return_sequences=True)
    assert tuple(outputs.shape) == (0, 3, 2) and tuple(h.shape) == (0, 2)


# ---- the inference paths (no tape) against the training paths -------------------------------

@pytest.mark.parametrize("name", ["lstm", "gru"])
@pytest.mark.parametrize("options", [dict(return_sequences=False), dict(return_sequences=True),
                                     dict(return_sequences=True, go_backwards=True)])
@pytest.mark.parametrize("masked", [False, True])
def test_without_a_tape_matches_the_recorded_forward(name, options, masked):
    """Without a tape the LSTM and the GRU keep no per-step buffers and project each step's
    inputs on their own (Kernels/LSTMKernel.swift lstmInference, GRUKernel.swift
    gruInference); under a tape they save every step for BPTT. Both must give the same
    values, over batch slices on several threads."""
    rng = np.random.default_rng(5)
    weights, states = _operands(name, 33, 40, 24, 20, np.float32, rng)
    mask = _test_mask(33, 40, rng) if masked else None
    plain = _call(name, weights, states, mask=mask, **options)
    variable = sd.Variable(weights[1])
    with sd.GradientTape():
        recorded = _call(name, [weights[0], variable, weights[2], weights[3]], states, mask=mask, **options)
    for a, b in zip(plain, recorded):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-6)
    expected = _reference(name, [w.astype(np.float64) for w in weights], [s.astype(np.float64) for s in states],
                          mask=mask, **options)
    for result, value in zip(plain, expected):
        np.testing.assert_allclose(np.asarray(result), value, rtol=1e-4, atol=1e-5)
