"""Overlapping the gradient allreduce with the backward pass (issue 17; distributed/overlap.py):
with small buckets, fit starts buckets' allreduces before the backward pass ends, and ends
with exactly the weights it gets without overlap (2 ranks: each sum is one addition; 3 ranks
to 1e-6) and with one process's weights on the global batch; a rank that stops in the middle of its
backward pass is named by the watchdog. Worker: Tests/python/distributed/overlap_worker.py,
a model with a layer called twice and a layer that gets no gradient."""
import numpy as np
import pytest

from _mpi_launch import needs_mpi, run

pytestmark = needs_mpi
SMALL_BUCKETS = "1024"  # bytes: the worker's model fills several


def _train(face, optimizer, path, ranks=None, overlap="1", mode=()):
    result = run("overlap_worker.py", [face, optimizer, path, *mode], ranks=ranks, timeout=180,
                 SWIFTDL_MPI_OVERLAP=overlap, SWIFTDL_MPI_BUCKET_BYTES=SMALL_BUCKETS)
    assert result.returncode == 0, result.stderr[-3000:]
    return dict(np.load(path))


@pytest.mark.parametrize("face, optimizer, ranks", [("keras", "adam", 2), ("horovod", "sgd", 2), ("keras", "sgd", 3)])
def test_overlap_gives_the_weights_of_no_overlap_and_of_one_process(face, optimizer, ranks, tmp_path):
    overlapped = _train(face, optimizer, str(tmp_path / "on.npz"), ranks=ranks)
    after = _train(face, optimizer, str(tmp_path / "off.npz"), ranks=ranks, overlap="0")
    alone = _train(face, optimizer, str(tmp_path / "alone.npz"))
    started = overlapped.pop("started_early")
    assert len(started) == 20 and started.min() >= 2, started  # buckets went out during every backward pass
    assert len(after.pop("started_early")) == 0 and len(alone.pop("started_early")) == 0
    assert set(overlapped) == set(after) == set(alone)
    for name in overlapped:
        if ranks == 2:  # each element's sum is one addition, whatever the buckets
            np.testing.assert_array_equal(overlapped[name], after[name], err_msg=name)
        else:  # MPI may add three ranks' values in another order for other buffer sizes
            np.testing.assert_allclose(overlapped[name], after[name], rtol=1e-6, atol=1e-8, err_msg=name)
        np.testing.assert_allclose(overlapped[name], alone[name], rtol=1e-5, atol=1e-7, err_msg=name)


def test_a_rank_stalled_in_its_backward_pass_is_named_by_the_watchdog(tmp_path):
    result = run("overlap_worker.py", ["keras", "sgd", str(tmp_path / "never.npz"), "stall"], ranks=2, timeout=90,
                 SWIFTDL_MPI_STALL_TIMEOUT="2", SWIFTDL_MPI_BUCKET_BYTES=SMALL_BUCKETS)
    output = result.stderr + result.stdout
    assert result.returncode != 0
    assert "StallError" in output and "overlapped allreduce" in output, output[-3000:]
    # Rank 1 is named; whether it had been seen waiting in an earlier collective ("last seen
    # waiting in collective #N") or not ("never seen waiting") depends on how long its earlier
    # collectives took, which a loaded machine changes.
    assert "missing ranks [1] (rank 1 " in output and "seen waiting" in output, output[-3000:]


def test_the_switches_read_the_environment(monkeypatch):
    from swiftdl.distributed.overlap import bucket_bytes, overlap_enabled, plan_overlap_buckets
    monkeypatch.delenv("SWIFTDL_MPI_OVERLAP", raising=False)
    monkeypatch.delenv("SWIFTDL_MPI_BUCKET_BYTES", raising=False)
    monkeypatch.delenv("HOROVOD_FUSION_THRESHOLD", raising=False)
    assert overlap_enabled() and bucket_bytes() == 64 * 1024
    monkeypatch.setenv("SWIFTDL_MPI_OVERLAP", "0")
    assert not overlap_enabled()
    monkeypatch.setenv("SWIFTDL_MPI_OVERLAP", "maybe")
    with pytest.raises(ValueError, match="SWIFTDL_MPI_OVERLAP must be 1 or 0; received 'maybe'"):
        overlap_enabled()
    monkeypatch.setenv("HOROVOD_FUSION_THRESHOLD", "1000")  # never above the fusion threshold
    assert bucket_bytes() == 1000
    monkeypatch.setenv("SWIFTDL_MPI_BUCKET_BYTES", "-5")
    with pytest.raises(ValueError, match="SWIFTDL_MPI_BUCKET_BYTES must be a positive number of bytes"):
        bucket_bytes()

    class Variable:
        def __init__(self, path, size, dtype="float32"):
            self.path, self.shape, self.dtype = path, (size,), dtype

    variables = [Variable("m/conv/kernel", 300), Variable("m/conv/bias", 10), Variable("m/dense_2/kernel", 100),
                 Variable("m/dense_2/bias", 10), Variable("m/dense_10/kernel", 250), Variable("m/steps", 4, "int64")]
    # Descending path order (the last layer first; dense_10 after dense_2), one dtype per
    # bucket, each closed once it holds 1,000 bytes or more.
    assert plan_overlap_buckets(variables, 1000) == [[5], [4], [2, 3, 0], [1]]


def test_the_ranks_agree_on_the_bucket_order_once():
    from swiftdl.distributed.overlap import agreed_plan

    class Variable:
        def __init__(self, path, size):
            self.path, self.shape, self.dtype = path, (size,), "float32"

    class Ranks:  # two ranks; the other's digests as given
        rank = 0

        def __init__(self, other):
            self.other, self.calls = other, 0

        def allgather(self, row):
            self.calls += 1
            return np.concatenate([row, self.other(row)])

    # Layer order: the embedding comes first in the model but last in the path order.
    variables = [Variable("m/embedding/embeddings", 1000), Variable("m/lstm/kernel", 300), Variable("m/dense/kernel", 50)]
    same = Ranks(lambda row: row)
    plan = agreed_plan(same, variables, 1000)
    assert plan.buckets == [[2, 1], [0]]  # the reverse of the model's order: the last layer first
    assert agreed_plan(same, variables, 1000) is plan and same.calls == 1  # agreed once, then reused
    other_order = Ranks(lambda row: row + np.array([[1, 0]]))  # same variables, made in another order
    assert agreed_plan(other_order, variables, 1000).buckets == [[1], [0], [2]]  # by path, descending
    different = Ranks(lambda row: row + 1)
    with pytest.raises(ValueError, match="the ranks train different variables"):
        agreed_plan(different, variables, 1000)
