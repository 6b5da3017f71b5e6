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


def test_fit_retires_the_buffer_cache_and_clear_session_gives_it_back():
    # Large freed buffers are cached for the next request of their size. When fit ends its
    # blocks are retired: kept for the next fit, replaced by requests of other sizes (see
    # the next test); keras.backend.clear_session() unmaps them all.
    from swiftdl import _C, keras
    rng = np.random.default_rng(1)
    model = keras.Sequential([keras.Input((256,)), keras.layers.Dense(512, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    x, y = rng.random((1024, 256), dtype=np.float32), rng.random((1024, 1), dtype=np.float32)
    _C.release_cached_memory()
    big = sd.ones((1 << 20,))  # 4 MB: cached when freed
    del big
    assert _C.cached_memory_bytes() >= 4 << 20
    during = []
    watch = keras.callbacks.LambdaCallback(on_train_batch_end=lambda *_: during.append(_C.cached_memory_bytes()))
    model.fit(x, y, batch_size=512, epochs=1, verbose=0, callbacks=[watch])
    assert max(during) > 4 << 20  # the steps' activations and gradients (512 × 512 floats: 1 MB each)
    assert _C.cached_memory_bytes() > 4 << 20  # retired, not unmapped
    model.predict(x, batch_size=1024, verbose=0)
    assert _C.cached_memory_bytes() > 0
    keras.backend.clear_session()
    assert _C.cached_memory_bytes() == 0
    assert _C.release_cached_memory() == 0


def test_freed_pages_serve_requests_of_any_size():
    # Large blocks come from one arena whose freed pages serve the next request whatever its
    # size: a backward pass's gradients reuse the activations' pages, and predict at another
    # batch size reuses training's, instead of faulting in fresh memory beside them.
    from swiftdl import _C
    gc.collect()  # a cycle freed mid-test would free a block of its own into the cache
    _C.release_cached_memory()
    mib = 1 << 20
    block = sd.ones((mib,))  # 4 MiB
    del block
    assert _C.cached_memory_bytes() == 4 * mib
    larger = sd.ones((3 * mib,))  # 12 MiB: the freed 4 MiB and 8 fresh
    assert _C.cached_memory_bytes() == 0
    del larger
    pieces = [sd.ones((mib // 2,)) for _ in range(6)]  # six 2 MiB blocks: all from the freed 12
    assert _C.cached_memory_bytes() == 0
    del pieces
    assert _C.cached_memory_bytes() == 12 * mib
    _C.retire_cached_memory()  # the end of a fit: nothing to do any more, kept for the ABI
    assert _C.cached_memory_bytes() == 12 * mib
    assert _C.release_cached_memory() == 12 * mib
    assert _C.cached_memory_bytes() == 0


def test_memory_freed_by_large_blocks_is_reused_by_small_ones():
    # Resident memory stays near the most that was live at once: 64 MiB freed as one block
    # serves 32 blocks of 2 MiB without the process growing by their size.
    from swiftdl import _C
    gc.collect()
    _C.release_cached_memory()
    mib = 1 << 20
    big = sd.ones((16 * mib,))  # 64 MiB, touched
    del big
    before = _rss_bytes()
    small = [sd.ones((mib // 2,)) for _ in range(32)]
    assert _rss_bytes() - before < 16 * mib
    del small
    _C.release_cached_memory()


def test_a_request_too_large_for_any_memory_is_a_memory_error():
    # Int64.max bytes: rounding it up to whole pages once overflowed and killed the process.
    import pytest
    with pytest.raises(MemoryError, match="could not allocate"):
        sd.ones((2**63 - 1,), dtype="uint8")
