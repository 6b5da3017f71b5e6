"""What keeps uneven work from hanging an MPI job (issue 17): the stall watchdog raises on
every waiting rank with the missing ranks' numbers, and hvd.join() lets ranks that ran out
of data serve the others' allreduces with zeros. Workers: Tests/python/distributed/."""
import pytest

from _mpi_launch import needs_mpi, run

pytestmark = needs_mpi


def test_the_stall_watchdog_names_the_missing_rank():
    # Rank 1 sleeps 120 s before its second allreduce; ranks 0 and 2 must give up after 2 s.
    result = run("stall_worker.py", [], ranks=3, timeout=90, SWIFTDL_MPI_STALL_TIMEOUT="2")
    output = result.stderr + result.stdout
    assert result.returncode != 0
    assert "StallError" in output
    assert "missing ranks [1] (rank 1 is at collective #" in output
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
