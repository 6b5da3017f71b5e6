"""Several Python threads using the engine at once get correct results, and native work
runs without the GIL."""
import gc
import threading
import time

import numpy as np

import swiftdl as sd


def _run_threads(count, target):
    errors = []

    def guarded(index):
        try:
            target(index)
        except BaseException as error:  # noqa: BLE001 - reported to the main thread
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    if errors:
        raise errors[0]


def test_concurrent_ops_on_private_data_are_correct():
    def work(index):
        rng = np.random.default_rng(index)
        for _ in range(15):
            a = rng.standard_normal((40, 30))
            b = rng.standard_normal((30, 20))
            ta, tb = sd.asarray(a), sd.asarray(b)
            np.testing.assert_allclose(np.asarray(ta @ tb), a @ b, rtol=1e-10, atol=1e-12)
            np.testing.assert_allclose(np.asarray(sd.exp(ta).sum(axis=0)), np.exp(a).sum(axis=0), rtol=1e-12)
            np.testing.assert_allclose(np.asarray((ta.T[::2] - 1.5) * 2), (a.T[::2] - 1.5) * 2)
            mask = a > 0
            np.testing.assert_array_equal(np.asarray(ta[sd.asarray(mask)]), a[mask])
            assert int(sd.argmax(ta)) == int(np.argmax(a))

    _run_threads(6, work)


def test_concurrent_reads_of_one_shared_tensor():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((200, 200)).astype(np.float32)
    shared = sd.asarray(a)
    expected_sum = a.astype(np.float64).sum(axis=1)
    expected_product = a @ a

    def work(index):
        for _ in range(10):
            np.testing.assert_allclose(np.asarray(shared.sum(axis=1)), expected_sum, rtol=1e-4, atol=1e-3)
            np.testing.assert_allclose(np.asarray(shared @ shared), expected_product, rtol=1e-4, atol=1e-3)

    _run_threads(4, work)


def test_concurrent_writes_to_disjoint_rows():
    target = sd.zeros((8, 1000), dtype=np.int64)

    def work(index):
        for step in range(50):
            target[index] += 1
            target[index, step % 1000] = target[index, step % 1000]

    _run_threads(8, work)
    np.testing.assert_array_equal(np.asarray(target), np.full((8, 1000), 50))


def test_borrowed_numpy_buffers_released_from_other_threads():
    gc.collect()
    before = sd._C.live_tensors()

    def work(index):
        for _ in range(30):
            source = np.full((64,), index, np.float64)
            t = sd.asarray(source, copy=False)
            del source
            view = t[::2]
            del t
            assert float(view.sum()) == 32 * index

    _run_threads(4, work)
    gc.collect()
    assert sd._C.live_tensors() == before


def test_errors_in_threads_are_per_thread():
    # the last-error message is thread-local: each thread sees its own op's message
    def work(index):
        for _ in range(50):
            try:
                if index % 2:
                    sd.zeros((2, 3)) @ sd.zeros((4, 5))
                else:
                    sd.zeros(3).reshape(7)
            except ValueError as error:
                assert ("[matmul]" if index % 2 else "[reshape]") in str(error)
            else:
                raise AssertionError("no error")

    _run_threads(4, work)


def test_native_work_releases_the_gil():
    a = sd.random.uniform(size=(600, 600), dtype=np.float64)
    running = threading.Event()
    done = threading.Event()

    def native():
        running.set()
        for _ in range(20):
            (a @ a).sum()
        done.set()

    thread = threading.Thread(target=native)
    thread.start()
    running.wait()
    ticks = 0
    while not done.is_set():
        ticks += 1
        time.sleep(0)
    thread.join()
    # with the GIL held through each matmul this loop would barely run
    assert ticks > 50
