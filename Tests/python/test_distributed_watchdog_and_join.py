"""What keeps uneven work from hanging an MPI job (issue 17): the stall watchdog raises on
every waiting rank with the missing ranks' numbers, and hvd.join() lets ranks that ran out
of data serve the others' allreduces with zeros. Workers: Tests/python/distributed/."""
import numpy as np
import pytest

from _mpi_launch import needs_mpi, run

pytestmark = needs_mpi


def test_the_stall_watchdog_names_the_missing_rank():
    # Rank 1 sleeps 120 s before its second allreduce; ranks 0 and 2 must give up after 2 s.
    result = run("stall_worker.py", [], ranks=3, timeout=90, SWIFTDL_MPI_STALL_TIMEOUT="2")
    output = result.stderr + result.stdout
    assert result.returncode != 0
    assert "StallError" in output
    # "never seen waiting", or "last seen waiting in collective #1" when a loaded machine
    # kept rank 1 waiting in the first allreduce long enough to announce itself.
    assert "missing ranks [1] (rank 1 " in output and "seen waiting" in output
    assert "was not stopped" not in output


def test_the_stall_timeout_comes_from_the_environment(monkeypatch):
    from swiftdl.distributed.watchdog import DEFAULT_TIMEOUT_SECONDS, stall_timeout
    monkeypatch.delenv("SWIFTDL_MPI_STALL_TIMEOUT", raising=False)
    monkeypatch.delenv("HOROVOD_STALL_SHUTDOWN_TIME_SECONDS", raising=False)
    assert stall_timeout() == DEFAULT_TIMEOUT_SECONDS
    monkeypatch.setenv("HOROVOD_STALL_SHUTDOWN_TIME_SECONDS", "30")
    assert stall_timeout() == 30.0
    monkeypatch.setenv("SWIFTDL_MPI_STALL_TIMEOUT", "0")  # ours wins; 0 waits forever
    assert stall_timeout() is None
    monkeypatch.setenv("SWIFTDL_MPI_STALL_TIMEOUT", "ten")
    with pytest.raises(ValueError, match="SWIFTDL_MPI_STALL_TIMEOUT must be a number of seconds; received 'ten'"):
        stall_timeout()


@pytest.mark.parametrize("ranks", [2, 3])
def test_join_lets_uneven_custom_loops_end_with_the_right_weights(ranks, tmp_path):
    # Rank r has 2 + r steps. The job must end, every allreduce must have summed the active
    # ranks only, and the weights must be what one process emulating the job computes.
    reference_path, job_path = tmp_path / "emulated.npz", tmp_path / "job.npz"
    alone = run("join_worker.py", [reference_path, ranks], timeout=120)
    assert alone.returncode == 0, alone.stderr[-3000:]
    job = run("join_worker.py", [job_path], ranks=ranks, timeout=120)
    assert job.returncode == 0, job.stderr[-3000:]
    assert job.stdout.count(f"last to join was rank {ranks - 1}") == ranks
    reference, trained = dict(np.load(reference_path)), dict(np.load(job_path))
    assert set(reference) == set(trained)
    for name in reference:
        np.testing.assert_allclose(trained[name], reference[name], rtol=1e-5, atol=1e-7, err_msg=name)
