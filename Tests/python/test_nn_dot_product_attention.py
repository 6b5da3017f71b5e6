"""The fused scaled-dot-product attention op (_C.dot_product_attention, behind
keras.ops.dot_product_attention and MultiHeadAttention): values against a numpy reference
written from the formula, gradients against finite differences (float64) and the numpy
closed form (float32, sizes that split across threads), masks of every broadcast shape in
both of Keras's conventions, grouped-query heads, and bad operands that must raise."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import _C, keras
from swiftdl.keras import layers

RNG = np.random.default_rng(5)


def reference(q, k, v, keep, scale, masked, replace):
    """(output, weights) by the formula: q (B, T, Hq, D), k (B, S, Hk, D), v (B, S, Hk, Dv)."""
    group = q.shape[2] // k.shape[2]
    k, v = np.repeat(k, group, axis=2), np.repeat(v, group, axis=2)
    logits = np.einsum("bthd,bshd->bhts", q, k) * scale
    if keep is not None:
        logits = np.where(keep, logits, masked) if replace else logits + np.where(keep, 0.0, masked)
    logits = logits - logits.max(axis=-1, keepdims=True)
    weights = np.exp(logits)
    weights /= weights.sum(axis=-1, keepdims=True)
    return np.einsum("bhts,bshd->bthd", weights, v), weights


def reference_gradients(q, k, v, weights, upstream, scale):
    """d(sum(upstream · output))/d(q, k, v) by the closed form (grouped heads summed)."""
    group = q.shape[2] // k.shape[2]
    kr, vr = np.repeat(k, group, axis=2), np.repeat(v, group, axis=2)
    d_weights = np.einsum("bthd,bshd->bhts", upstream, vr)
    d_logits = weights * (d_weights - (d_weights * weights).sum(-1, keepdims=True)) * scale
    dq = np.einsum("bhts,bshd->bthd", d_logits, kr)
    dk = np.einsum("bhts,bthd->bshd", d_logits, q)
    dv = np.einsum("bhts,bthd->bshd", weights, upstream)
    fold = lambda g: g.reshape(g.shape[:2] + (k.shape[2], group) + g.shape[3:]).sum(3)  # noqa: E731
    return dq, fold(dk), fold(dv)


def _operands(batch, steps, key_steps, heads, key_heads, dim, value_dim, dtype):
    return (RNG.normal(size=(batch, steps, heads, dim)).astype(dtype),
            RNG.normal(size=(batch, key_steps, key_heads, dim)).astype(dtype),
            RNG.normal(size=(batch, key_steps, key_heads, value_dim)).astype(dtype))


def _run(q, k, v, keep, scale, masked, replace):
    output, weights = _C.dot_product_attention(sd.asarray(q), sd.asarray(k), sd.asarray(v),
                                               None if keep is None else sd.asarray(keep), scale, masked, replace)
    return np.asarray(output), np.asarray(weights)


@pytest.mark.parametrize("dtype, tolerance", [("float32", 2e-5), ("float64", 1e-12)])
@pytest.mark.parametrize("mask_shape", [None, (1, 1, 5, 7), (3, 1, 5, 7), (3, 4, 5, 7), (1, 4, 5, 7)])
@pytest.mark.parametrize("replace", [True, False])
def test_values_match_the_formula(dtype, tolerance, mask_shape, replace):
    q, k, v = _operands(3, 5, 7, 4, 2, 6, 3, dtype)
    keep = None if mask_shape is None else RNG.random(mask_shape) < 0.7
    if keep is not None:
        keep[..., 0] = True
        if replace:  # a row with every score hidden: uniform weights (added, float32 would round it)
            keep[..., 1, :] = False
    output, weights = _run(q, k, v, keep, 0.4, -1e9, replace)
    expected, expected_weights = reference(q.astype(np.float64), k, v, keep, 0.4, -1e9, replace)
    np.testing.assert_allclose(weights, expected_weights, rtol=0, atol=tolerance)
    np.testing.assert_allclose(output, expected, rtol=0, atol=tolerance * np.abs(expected).max())


def test_gradients_match_finite_differences_in_float64():
    q, k, v = _operands(2, 3, 4, 2, 1, 3, 2, "float64")
    keep = RNG.random((2, 1, 3, 4)) < 0.8
    upstream = RNG.normal(size=(2, 3, 2, 2))

    def loss(q_, k_, v_):
        return float((_run(q_, k_, v_, keep, 0.7, -1e9, False)[0] * upstream).sum())

    tensors = [sd.asarray(a) for a in (q, k, v)]
    with sd.GradientTape() as tape:
        tape.watch(tensors)
        out, _ = _C.dot_product_attention(*tensors, sd.asarray(keep), 0.7, -1e9, False)
        total = sd.reduce_sum(out * sd.asarray(upstream))
    gradients = [np.asarray(g) for g in tape.gradient(total, tensors)]
    arrays = [q, k, v]
    for index, array in enumerate(arrays):
        numeric = np.zeros_like(array)
        for position in np.ndindex(array.shape):
            shifted = [a.copy() for a in arrays]
            shifted[index][position] += 1e-6
            up = loss(*shifted)
            shifted[index][position] -= 2e-6
            numeric[position] = (up - loss(*shifted)) / 2e-6
        np.testing.assert_allclose(gradients[index], numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("heads, key_heads", [(4, 4), (8, 2)])
def test_float32_gradients_split_across_threads_match_the_closed_form(heads, key_heads):
    q, k, v = _operands(6, 33, 40, heads, key_heads, 16, 8, "float32")
    upstream = RNG.normal(size=(6, 33, heads, 8)).astype("float32")
    tensors = [sd.asarray(a) for a in (q, k, v)]
    with sd.GradientTape() as tape:
        tape.watch(tensors)
        out, weights = _C.dot_product_attention(*tensors, None, 0.25, -1e9, False)
        total = sd.reduce_sum(out * sd.asarray(upstream))
    got = tape.gradient(total, tensors)
    _, expected_weights = reference(q.astype(np.float64), k, v, None, 0.25, 0, False)
    for g, expected in zip(got, reference_gradients(q.astype(np.float64), k, v, expected_weights, upstream, 0.25)):
        np.testing.assert_allclose(np.asarray(g), expected, rtol=0, atol=1e-5 * np.abs(expected).max())


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("heads, key_heads, mask_shape", [(4, 4, None), (8, 2, (6, 1, 33, 40)), (2, 1, (1, 2, 33, 40))])
def test_without_weights_the_output_is_the_same_and_gradients_still_flow(threads, dtype, heads, key_heads,
                                                                         mask_shape):
    """want_weights=False (inference): the weights are never written out, each thread's heads
    share one scratch plane, and the output is the one the op gives with its weights up to
    rounding (it divides each output row by its weights' sum after the product instead of
    the weights before); under a tape the op keeps the weights it needs for the gradients."""
    q, k, v = _operands(6, 33, 40, heads, key_heads, 16, 8, dtype)
    keep = None if mask_shape is None else sd.asarray(RNG.random(mask_shape) < 0.7)
    tensors = [sd.asarray(a) for a in (q, k, v)]
    previous = sd.config.get_num_threads()
    sd.config.set_num_threads(threads)
    try:
        with_weights, weights = _C.dot_product_attention(*tensors, keep, 0.25, -1e9, False)
        without, none = _C.dot_product_attention(*tensors, keep, 0.25, -1e9, False, False)
        assert none is None and weights is not None
        eps = np.finfo(dtype).eps
        np.testing.assert_allclose(np.asarray(without), np.asarray(with_weights), rtol=16 * eps,
                                   atol=16 * eps * np.abs(np.asarray(with_weights)).max())
        expected, _ = reference(q.astype(np.float64), k, v, None if keep is None else np.asarray(keep), 0.25, -1e9,
                                False)
        np.testing.assert_allclose(np.asarray(without), expected, rtol=0, atol=2e-5 * np.abs(expected).max())
        upstream = RNG.normal(size=(6, 33, heads, 8)).astype(dtype)
        gradients = []
        for want in (True, False):
            with sd.GradientTape() as tape:
                tape.watch(tensors)
                out, _ = _C.dot_product_attention(*tensors, keep, 0.25, -1e9, False, want)
                total = sd.reduce_sum(out * sd.asarray(upstream))
            gradients.append([np.asarray(g) for g in tape.gradient(total, tensors)])
    finally:
        sd.config.set_num_threads(previous)
    for got, expected in zip(*gradients):
        np.testing.assert_array_equal(got, expected)



@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("scale", [0.125, 3.0, -0.5, 0.0])
def test_without_weights_any_scale_matches_the_formula(dtype, scale):
    """At inference a positive scale rides in the exponentials and the division by the
    weights' sum comes after the product; zero and negative scales (keras.ops lets users pass
    any) take the separate scaling pass. Logits of hundreds check the largest-score shift."""
    q, k, v = _operands(3, 17, 23, 4, 2, 16, 8, dtype)
    q = q * 6  # scores up to ~hundreds
    output, none = _C.dot_product_attention(sd.asarray(q), sd.asarray(k), sd.asarray(v), None, scale, -1e9, False,
                                            False)
    expected, _ = reference(q.astype(np.float64), k, v, None, scale, 0, False)
    assert none is None
    tolerance = 2e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(np.asarray(output), expected, rtol=0, atol=tolerance * np.abs(expected).max())


def test_without_weights_no_keys_give_zeros_and_fully_masked_rows_match_with_weights():
    q, k, v = _operands(2, 3, 0, 2, 2, 4, 5, "float32")
    output, _ = _C.dot_product_attention(sd.asarray(q), sd.asarray(k), sd.asarray(v), None, 1.0, -1e9, True, False)
    assert output.shape == (2, 3, 2, 5) and not np.asarray(output).any()
    q, k, v = (sd.asarray(a) for a in _operands(2, 3, 4, 2, 2, 4, 5, "float32"))
    keep = np.ones((2, 2, 3, 4), bool)
    keep[:, :, 1] = False  # a query step that sees no key
    for masked, replace in ((-1e9, True), (-1e9, False)):
        with_weights, _ = _C.dot_product_attention(q, k, v, sd.asarray(keep), 0.5, masked, replace)
        without, _ = _C.dot_product_attention(q, k, v, sd.asarray(keep), 0.5, masked, replace, False)
        np.testing.assert_allclose(np.asarray(without), np.asarray(with_weights), rtol=1e-5, atol=1e-6,
                                   equal_nan=True)

def test_empty_operands_give_empty_or_zero_results():
    q, k, v = _operands(2, 0, 3, 2, 2, 4, 5, "float32")
    output, weights = _run(q, k, v, None, 1.0, -1e9, True)
    assert output.shape == (2, 0, 2, 5) and weights.shape == (2, 2, 0, 3)
    q, k, v = _operands(2, 3, 0, 2, 2, 4, 5, "float32")
    output, _ = _run(q, k, v, None, 1.0, -1e9, True)
    assert output.shape == (2, 3, 2, 5) and not output.any()


def test_bad_operands_raise_clear_errors():
    q, k, v = (sd.asarray(a) for a in _operands(2, 3, 4, 4, 2, 5, 6, "float32"))
    with pytest.raises(ValueError, match="rank 4"):
        _C.dot_product_attention(q[0], k, v, None, 1.0, -1e9, True)
    with pytest.raises(TypeError, match="key must have the query's dtype"):
        _C.dot_product_attention(q, k.astype("float64"), v, None, 1.0, -1e9, True)
    with pytest.raises(ValueError, match="multiple of the key's"):
        _C.dot_product_attention(q[:, :, :3], k, v, None, 1.0, -1e9, True)
    with pytest.raises(ValueError, match="share batch, steps and heads"):
        _C.dot_product_attention(q, k, v[:, :2], None, 1.0, -1e9, True)
    with pytest.raises(ValueError, match="the mask must have shape"):
        _C.dot_product_attention(q, k, v, sd.asarray(np.ones((2, 2, 3, 4), bool)), 1.0, -1e9, True)
    with pytest.raises(TypeError, match="bool or uint8"):
        _C.dot_product_attention(q, k, v, sd.asarray(np.ones((1, 1, 3, 4), "float32")), 1.0, -1e9, True)
    with pytest.raises(ValueError, match="scale must be finite"):
        _C.dot_product_attention(q, k, v, None, float("nan"), -1e9, True)
    with pytest.raises(ValueError, match="masked value must be finite"):
        _C.dot_product_attention(q, k, v, None, 1.0, float("-inf"), True)
    with pytest.raises(TypeError):
        _C.dot_product_attention(q, k, None, None, 1.0, -1e9, True)


def test_multi_head_attention_fused_and_composed_paths_agree():
    """Asking for the scores takes the composed path; outputs and weight gradients of the
    two must agree, with Keras's masks (padding and causal)."""
    keras.utils.set_random_seed(2)
    attention = layers.MultiHeadAttention(num_heads=3, key_dim=4, value_dim=5)
    query = sd.asarray(RNG.normal(size=(2, 6, 8)).astype("float32"))
    value = sd.asarray(RNG.normal(size=(2, 7, 8)).astype("float32"))
    padding = np.ones((2, 7), bool)
    padding[0, 5:] = False
    attention(query, value)
    results = []
    for scores in (False, True):
        with sd.GradientTape() as tape:
            out = attention(query, value, attention_mask=padding[:, None, :] & np.ones((2, 6, 1), bool),
                            use_causal_mask=True, return_attention_scores=scores)
            out = out[0] if scores else out
            total = sd.reduce_sum(out * out)
        results.append((np.asarray(out), [np.asarray(g) for g in tape.gradient(total, attention.trainable_weights)]))
    (fused, fused_gradients), (composed, composed_gradients) = results
    np.testing.assert_allclose(fused, composed, rtol=0, atol=1e-5 * np.abs(composed).max())
    # The key bias's gradient is zero up to rounding (softmax ignores a shift): compare
    # every gradient against the largest one's scale.
    scale = max(np.abs(g).max() for g in composed_gradients)
    for got, expected in zip(fused_gradients, composed_gradients):
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-5 * scale)
