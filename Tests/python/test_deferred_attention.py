"""Attention written with ops, softmax(matmul(q, kᵀ) / c) · v: outside a tape the engine hands
the large product, its scale and its softmax out unevaluated and computes them plane by plane
in the final product (Sources/SwiftDL/Ops/Deferred). These tests check that a user cannot tell:
every value and every way of reading one equals numpy's, writes to q and k after the product
change nothing, tapes see ordinary tensors, errors are the eager ops' errors, and the memory
the chain holds is one result, not three score tensors.

The engine defers a product of at least 2^18 elements whose operands together are at most half
of it; the shapes here are chosen to be just above that (a (2, 2, 256, 256) product is 2^18)."""
import subprocess
import sys

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras import ops

RNG = np.random.default_rng(11)


def heads(shape, dtype):
    return RNG.standard_normal(shape).astype(dtype)


def reference(q, k, v, scale):
    """softmax(q·kᵀ · scale)·v in float64, and the softmax weights."""
    logits = np.einsum("...td,...sd->...ts", q.astype(np.float64), k.astype(np.float64)) * scale
    weights = np.exp(logits - logits.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    return weights @ v.astype(np.float64), weights


def tolerance(dtype):
    return dict(rtol=2e-4, atol=2e-5) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(2, 2, 256, 16), (3, 300, 24), (1, 1, 513, 8)])
def test_chain_matches_numpy(dtype, shape):
    q, k, v = heads(shape, dtype), heads(shape, dtype), heads(shape, dtype)
    d = shape[-1]
    expected, weights = reference(q, k, v, 1 / np.sqrt(d))
    scores = ops.matmul(q, ops.transpose(k, tuple(range(len(shape) - 2)) + (len(shape) - 1, len(shape) - 2)))
    probabilities = ops.softmax(scores / ops.sqrt(float(d)) if dtype == np.float32 else scores / np.sqrt(d), axis=-1)
    out = ops.matmul(probabilities, v)
    assert out.dtype == dtype and out.shape == shape
    np.testing.assert_allclose(np.asarray(out), expected, **tolerance(dtype))
    # The deferred intermediates read back as their eager values.
    np.testing.assert_allclose(np.asarray(probabilities), weights, **tolerance(dtype))
    logits = np.einsum("...td,...sd->...ts", q.astype(np.float64), k.astype(np.float64))
    np.testing.assert_allclose(np.asarray(scores), logits, **tolerance(dtype))


@pytest.mark.parametrize("scaled", ["multiply_right", "multiply_left", "divide", "none"])
def test_each_scale_form(scaled):
    q, k, v = (heads((2, 2, 256, 16), np.float32) for _ in range(3))
    product = sd.matmul(q, sd.transpose(k, (0, 1, 3, 2)))
    scale = {"multiply_right": 0.25, "multiply_left": 0.25, "divide": 0.25, "none": 1.0}[scaled]
    if scaled == "multiply_right":
        product = product * np.float32(0.25)
    elif scaled == "multiply_left":
        product = np.float32(0.25) * product
    elif scaled == "divide":
        product = product / np.float32(4.0)
    out = sd.matmul(sd.nn.softmax(product, axis=-1), v)
    np.testing.assert_allclose(np.asarray(out), reference(q, k, v, scale)[0], **tolerance(np.float32))


def test_matches_eager_evaluation_closely():
    """Under a tape nothing is deferred: the two paths run the same kernels on the same
    planes, so they agree to a few roundings of the final product."""
    q, k, v = (sd.constant(heads((2, 2, 256, 32), np.float32)) for _ in range(3))

    def chain():
        scores = sd.matmul(q, sd.transpose(k, (0, 1, 3, 2))) / np.float32(np.sqrt(32.0))
        return sd.matmul(sd.nn.softmax(scores, axis=-1), v)

    with sd.GradientTape() as tape:
        tape.watch(q)
        eager = chain()
        total = sd.reduce_sum(eager)
    deferred = chain()
    np.testing.assert_allclose(np.asarray(deferred), np.asarray(eager), rtol=1e-5, atol=1e-6)
    assert tape.gradient(total, q) is not None


def test_later_writes_to_operands_change_nothing():
    q, k, v = (heads((2, 2, 256, 16), np.float32) for _ in range(3))
    tq, tk = sd.asarray(q.copy()), sd.asarray(k.copy())
    probabilities = sd.nn.softmax(sd.matmul(tq, sd.transpose(tk, (0, 1, 3, 2))) * np.float32(0.25), axis=-1)
    tq[...] = 0.0
    np.asarray(tk)[...] = 7.0
    out = sd.matmul(probabilities, v)
    np.testing.assert_allclose(np.asarray(out), reference(q, k, v, 0.25)[0], **tolerance(np.float32))


def test_every_way_of_reading_a_deferred_tensor():
    q, k = heads((2, 2, 256, 16), np.float64), heads((2, 2, 256, 16), np.float64)
    scores = sd.matmul(q, sd.transpose(k, (0, 1, 3, 2))) / 4.0
    expected = np.einsum("...td,...sd->...ts", q, k) / 4.0
    assert scores.shape == (2, 2, 256, 256) and scores.dtype == np.float64 and scores.ndim == 4
    np.testing.assert_allclose(memoryview(scores), expected, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(np.from_dlpack(scores), expected, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(scores.numpy(), expected, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(np.asarray(scores[1, 0, 3]), expected[1, 0, 3], rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(np.asarray(sd.reduce_sum(scores, axis=-1)), expected.sum(-1), rtol=1e-10)


def test_a_deferred_tensor_inside_a_tape_is_a_constant():
    q, k = (sd.constant(heads((2, 2, 256, 16), np.float64)) for _ in range(2))
    scores = sd.matmul(q, sd.transpose(k, (0, 1, 3, 2)))
    with sd.GradientTape(persistent=True) as tape:
        tape.watch(scores)
        total = sd.reduce_sum(sd.nn.softmax(scores, axis=-1) * 3.0)
    gradient = tape.gradient(total, scores)
    # d(sum(3·softmax))/dlogits is 0 up to rounding: each row of softmax sums to 1.
    np.testing.assert_allclose(np.asarray(gradient), 0.0, atol=1e-12)
    assert tape.gradient(total, q) is None


def test_gradients_through_ops_attention_match_numpy():
    """Training never defers: the gradient of the chain is the closed form's."""
    q, k, v = (heads((1, 2, 256, 8), np.float64) for _ in range(3))
    tq, tk, tv = (sd.Variable(x) for x in (q, k, v))
    with sd.GradientTape() as tape:
        weights = sd.nn.softmax(sd.matmul(tq, sd.transpose(tk, (0, 1, 3, 2))) * 0.5, axis=-1)
        total = sd.reduce_sum(sd.matmul(weights, tv) ** 2)
    dq, dv = tape.gradient(total, [tq, tv])
    out, w = reference(q, k, v, 0.5)
    upstream = 2 * out
    np.testing.assert_allclose(np.asarray(dv), np.swapaxes(w, -1, -2) @ upstream, rtol=1e-10)
    d_weights = upstream @ np.swapaxes(v, -1, -2)
    d_logits = w * (d_weights - (d_weights * w).sum(-1, keepdims=True)) * 0.5
    np.testing.assert_allclose(np.asarray(dq), d_logits @ k, rtol=1e-9, atol=1e-12)


def test_other_chains_are_not_changed():
    """What the deferred path does not take (softmax over another axis, log_softmax, a
    non-scalar factor, broadcast batch axes, mixed dtypes) computes as before."""
    q, k, v = (heads((2, 2, 256, 16), np.float32) for _ in range(3))
    kt = np.swapaxes(k, -1, -2)
    logits = np.einsum("...td,...sd->...ts", q.astype(np.float64), k.astype(np.float64))
    product = sd.matmul(q, kt)
    tol = tolerance(np.float32)
    np.testing.assert_allclose(np.asarray(sd.nn.softmax(product, axis=2)),
                               np.exp(logits) / np.exp(logits).sum(2, keepdims=True), **tol)
    shifted = logits - logits.max(-1, keepdims=True)
    np.testing.assert_allclose(np.asarray(sd.nn.log_softmax(product, axis=-1)),
                               shifted - np.log(np.exp(shifted).sum(-1, keepdims=True)), rtol=1e-4, atol=1e-4)
    row_scale = RNG.uniform(0.5, 1.5, (256, 1)).astype(np.float32)
    np.testing.assert_allclose(np.asarray(product * row_scale), logits * row_scale, **tol)
    broadcast = sd.matmul(q, kt[:1])
    np.testing.assert_allclose(np.asarray(broadcast), np.einsum("...td,...sd->...ts", q, k[:1]), **tol)
    weights = sd.nn.softmax(product, axis=-1)
    mixed = sd.matmul(weights, v.astype(np.float64))
    assert mixed.dtype == np.float64
    np.testing.assert_allclose(np.asarray(mixed), reference(q, k, v, 1.0)[0], **tol)
    np.testing.assert_allclose(np.asarray(sd.matmul(weights, v[:, :1])), reference(q, k, v[:, :1], 1.0)[0], **tol)


def test_errors_are_the_eager_ops_errors():
    q = heads((2, 2, 256, 16), np.float32)
    with pytest.raises(Exception, match="matmul"):
        sd.matmul(q, q)
    product = sd.matmul(q, np.swapaxes(q, -1, -2))
    with pytest.raises(Exception, match="softmax|axis"):
        sd.nn.softmax(product, axis=4)
    with pytest.raises(Exception, match="matmul"):
        sd.matmul(sd.nn.softmax(product, axis=-1), heads((2, 2, 255, 16), np.float32))


def test_threads_do_not_change_the_result():
    q, k, v = (heads((3, 2, 256, 16), np.float32) for _ in range(3))
    results = []
    before = sd.config.get_num_threads() if hasattr(sd.config, "get_num_threads") else None
    for threads in (1, 2):
        sd.config.set_num_threads(threads)
        weights = sd.nn.softmax(sd.matmul(q, np.swapaxes(k, -1, -2)) * np.float32(0.25), axis=-1)
        results.append(np.asarray(sd.matmul(weights, v)))
    if before is not None:
        sd.config.set_num_threads(before)
    # Each plane is computed by one thread whichever it is; only a GEMM that splits its work
    # differently at another thread count could change a rounding.
    np.testing.assert_allclose(results[0], results[1], rtol=1e-6, atol=1e-7)


PEAK_GROWTH_SCRIPT = """
import numpy as np, swiftdl as sd
from swiftdl.keras import ops
peak_kb = lambda: int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])
rng = np.random.default_rng(0)
q, k, v = (sd.asarray(rng.standard_normal((64, 2, 400, 16), dtype=np.float32)) for _ in range(3))
ops.matmul(ops.softmax(ops.matmul(q[:1], ops.transpose(k[:1], (0, 1, 3, 2))), axis=-1), v[:1])  # warm-up
start = peak_kb()
scores = ops.matmul(q, ops.transpose(k, (0, 1, 3, 2))) / ops.sqrt(16.0)
out = ops.matmul(ops.softmax(scores, axis=-1), v)
print((peak_kb() - start) / 1024)
"""


def test_ops_attention_holds_no_score_tensor():
    """An ops-written attention at batch 64 x 2 heads x 400 steps: its scores are 82 MB per
    tensor in float32. Eager evaluation held two of them at once (the product and its scaled
    copy, then the scaled copy and its softmax: the peak grew ~170 MB); now none is written,
    only private copies of q and k (3 MB each) and per-thread planes. Measured in a fresh
    process by its VmHWM (ru_maxrss would carry the test process's peak over exec)."""
    run = subprocess.run([sys.executable, "-c", PEAK_GROWTH_SCRIPT], capture_output=True, text=True, check=True)
    grown_mb = float(run.stdout.strip().splitlines()[-1])
    assert grown_mb < 40, f"peak RSS grew {grown_mb:.0f} MB (one score tensor is 82 MB)"


def test_keras_model_with_ops_attention_predicts_like_its_layers():
    width, length = 16, 256

    class OpsSelfAttention(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.query, self.key, self.value = (keras.layers.Dense(2 * width) for _ in range(3))

        def split(self, x):
            return ops.transpose(ops.reshape(x, (-1, length, 2, width)), (0, 2, 1, 3))

        def call(self, x):
            q, k, v = (self.split(f(x)) for f in (self.query, self.key, self.value))
            scores = ops.matmul(q, ops.transpose(k, (0, 1, 3, 2))) / ops.sqrt(float(width))
            attended = ops.matmul(ops.softmax(scores, axis=-1), v)
            return ops.reshape(ops.transpose(attended, (0, 2, 1, 3)), (-1, length, 2 * width))

    inputs = keras.Input((length, 8))
    layer = OpsSelfAttention()
    model = keras.Model(inputs, layer(inputs))
    x = RNG.standard_normal((4, length, 8)).astype(np.float32)
    predicted = model.predict(x, verbose=0)
    projections = [np.asarray(f(x), np.float64).reshape(4, length, 2, width).transpose(0, 2, 1, 3)
                   for f in (layer.query, layer.key, layer.value)]
    expected = reference(*projections, 1 / np.sqrt(width))[0].transpose(0, 2, 1, 3).reshape(4, length, 2 * width)
    np.testing.assert_allclose(predicted, expected, rtol=2e-4, atol=2e-5)
