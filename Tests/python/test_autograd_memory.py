"""A tape's memory goes when the tape does: 10,000 training steps of a small model with
GradientTape and Adam leave the engine's live handle count and the process RSS flat."""
import gc
import os
import time

import numpy as np

import swiftdl as sd


def _rss_bytes():
    """Resident set size of this process, from /proc (Linux) or getrusage's peak elsewhere."""
    try:
        with open("/proc/self/statm") as stream:
            return int(stream.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def test_ten_thousand_training_steps_leave_memory_flat():
    rng = np.random.default_rng(0)
    x = sd.asarray(rng.standard_normal((32, 8)).astype(np.float32))
    y = sd.asarray(rng.standard_normal((32, 1)).astype(np.float32))
    w1 = sd.Variable(rng.standard_normal((8, 16)).astype(np.float32) * 0.3, name="w1")
    b1 = sd.Variable(np.zeros(16, np.float32), name="b1")
    w2 = sd.Variable(rng.standard_normal((16, 1)).astype(np.float32) * 0.3, name="w2")
    b2 = sd.Variable(np.zeros(1, np.float32), name="b2")
    variables = [w1, b1, w2, b2]
    optimizer = sd.optimizers.Adam(learning_rate=1e-3)

    def step():
        with sd.GradientTape() as tape:
            hidden = sd.tanh(x @ w1 + b1)
            prediction = hidden[:, ::-1] @ w2[::-1] + b2
            loss = sd.mean(sd.square(prediction - y))
        gradients = tape.gradient(loss, variables)
        optimizer.apply_gradients(zip(gradients, variables))
        return loss

    start = time.perf_counter()
    first_loss = float(step())
    for _ in range(999):
        step()
    gc.collect()
    handles_1000, rss_1000 = sd._C.live_tensors(), _rss_bytes()
    for _ in range(9000):
        loss = step()
    gc.collect()
    handles_10000, rss_10000 = sd._C.live_tensors(), _rss_bytes()
    elapsed = time.perf_counter() - start

    assert float(loss) < first_loss  # the loop really trained
    assert handles_10000 <= handles_1000 + 1, f"live handles grew from {handles_1000} to {handles_10000}"
    growth = rss_10000 - rss_1000
    assert growth < 4 * 2 ** 20, f"RSS grew by {growth / 2 ** 20:.1f} MiB between steps 1,000 and 10,000"
    assert optimizer.iterations.numpy() == 10000
    print(f"10,000 steps in {elapsed:.1f} s")
