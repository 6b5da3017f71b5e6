"""Speed of the fused optimizer updates and the fused softmax cross-entropy, side by side
with plain numpy doing the same math (and TensorFlow when it is installed).

    .venv/bin/python benchmarks/optimizers_and_losses.py

Not a test: numbers depend on the machine and its load.
"""
import time

import numpy as np

import swiftdl as sd


def best_of(function, repeats=5, number=20):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            function()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def numpy_adam(params, grads, m, v, step, lr=1e-3, b1=0.9, b2=0.999, eps=1e-7):
    alpha = lr * np.sqrt(1 - b2 ** step) / (1 - b1 ** step)
    for p, g, mi, vi in zip(params, grads, m, v):
        mi += (g - mi) * (1 - b1)
        vi += (g * g - vi) * (1 - b2)
        p -= mi * alpha / (np.sqrt(vi) + eps)


def bench_optimizers(sizes=((784, 128), (128,), (128, 10), (10,)), scale=10):
    rng = np.random.default_rng(0)
    shapes = [tuple(s * scale if i == 0 else s for i, s in enumerate(shape)) for shape in sizes]
    count = sum(int(np.prod(s)) for s in shapes)
    params = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    grads = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    print(f"optimizer step over {len(shapes)} float32 variables, {count:,} parameters")
    variables = [sd.Variable(p) for p in params]
    tensors = [sd.asarray(g) for g in grads]
    for name, optimizer in [("SGD", sd.optimizers.SGD()), ("SGD momentum", sd.optimizers.SGD(momentum=0.9)),
                            ("Adam", sd.optimizers.Adam()), ("AdamW", sd.optimizers.AdamW()),
                            ("RMSprop centered", sd.optimizers.RMSprop(centered=True, momentum=0.9)),
                            ("Adagrad", sd.optimizers.Adagrad())]:
        seconds = best_of(lambda: optimizer.apply_gradients(zip(tensors, variables)))
        print(f"  swiftdl {name:17s} {seconds * 1e3:8.3f} ms  {seconds / count * 1e9:6.2f} ns/param")
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    seconds = best_of(lambda: numpy_adam(params, grads, m, v, 1))
    print(f"  numpy   {'Adam':17s} {seconds * 1e3:8.3f} ms  {seconds / count * 1e9:6.2f} ns/param")


def bench_cross_entropy(batch=256, classes=1000):
    rng = np.random.default_rng(1)
    logits_np = rng.standard_normal((batch, classes)).astype(np.float32)
    labels_np = rng.integers(0, classes, batch)
    logits, labels = sd.Variable(logits_np), sd.asarray(labels_np)
    print(f"sparse softmax cross-entropy, forward + backward, logits ({batch}, {classes}) float32")

    def swiftdl_step():
        with sd.GradientTape() as tape:
            loss = sd.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits).sum()
        tape.gradient(loss, logits)

    def numpy_step():
        shifted = logits_np - logits_np.max(axis=1, keepdims=True)
        log_total = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = (log_total[:, 0] - shifted[np.arange(batch), labels_np]).sum()
        gradient = np.exp(shifted - log_total)
        gradient[np.arange(batch), labels_np] -= 1
        return loss, gradient

    print(f"  swiftdl {best_of(swiftdl_step) * 1e3:8.3f} ms")
    print(f"  numpy   {best_of(numpy_step) * 1e3:8.3f} ms")
    try:
        import tensorflow as tf
    except ImportError:
        return
    tf_logits, tf_labels = tf.Variable(logits_np), tf.constant(labels_np)

    def tf_step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf_labels, logits=tf_logits))
        tape.gradient(loss, tf_logits)

    print(f"  tensorflow {best_of(tf_step) * 1e3:8.3f} ms")


if __name__ == "__main__":
    bench_optimizers()
    bench_cross_entropy()
