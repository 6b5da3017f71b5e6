"""The stall watchdog: no collective waits forever.

Every collective is started as a nonblocking MPI request and completed by polling `Test`
against a deadline (SWIFTDL_MPI_STALL_TIMEOUT seconds; HOROVOD_STALL_SHUTDOWN_TIME_SECONDS
is read too). When the deadline passes, the rank raises a StallError naming the ranks that
never reached the collective. That is what Horovod users miss most: a rank with less data
leaves the others waiting in an allreduce with no word of who is missing.

How a waiting rank knows who is missing, without any help from the missing ranks (which are
busy elsewhere): a rank that has waited a millisecond in its k-th collective posts a small
nonblocking send of k to every other rank ("I am waiting in collective k"), on a
communicator of its own. A rank that times out in collective k reads the announcements that
arrived: every rank that reached k has been waiting there far longer than a millisecond and
has announced it; ranks whose latest announcement is below k never reached it.
Collectives that complete within a millisecond send nothing. Announcements are drained at
every wait, so MPI's unexpected-message queue stays short.
"""
from __future__ import annotations

import os
import time
from typing import Any, Sequence

import numpy as np

DEFAULT_TIMEOUT_SECONDS = 600.0
_ANNOUNCE_TAG = 17


class StallError(RuntimeError):
    """A collective did not complete within SWIFTDL_MPI_STALL_TIMEOUT seconds."""


def stall_timeout() -> float | None:
    """Seconds a collective may wait, from the environment; None (0 or negative) waits forever.

    Raises:
        ValueError: when the variable is set to something that is not a number.
    """
    for name in ("SWIFTDL_MPI_STALL_TIMEOUT", "HOROVOD_STALL_SHUTDOWN_TIME_SECONDS"):
        value = os.environ.get(name, "").strip()
        if value:
            try:
                seconds = float(value)
            except ValueError:
                raise ValueError(f"{name} must be a number of seconds; received {value!r}") from None
            return seconds if seconds > 0 else None
    return DEFAULT_TIMEOUT_SECONDS


class StallWatchdog:
    """Waits for collectives' requests with a deadline and names the ranks that are missing."""

    def __init__(self, MPI: Any, comm: Any) -> None:
        self.MPI = MPI
        self.comm = comm.Dup()  # announcements never mix with anyone's other messages
        self.rank, self.size = comm.Get_rank(), comm.Get_size()
        self.timeout = stall_timeout()
        self.sequence = 0  # the collectives this rank has entered
        self.latest = np.zeros(self.size, np.int64)  # the latest collective each rank announced
        self._inbox = {peer: self._post_receive(peer) for peer in range(self.size) if peer != self.rank}
        self._sends: list[tuple[Any, np.ndarray]] = []

    def _post_receive(self, peer: int) -> tuple[np.ndarray, Any]:
        buffer = np.zeros(1, np.int64)
        return buffer, self.comm.Irecv(buffer, source=peer, tag=_ANNOUNCE_TAG)

    def enter(self) -> None:
        """Counts the collective this rank is entering (the same count on every rank)."""
        self.sequence += 1

    def _announce(self) -> None:
        """Tells every other rank that this rank is waiting in its current collective."""
        # Each send keeps its buffer alive until it completes.
        self._sends = [(request, buffer) for request, buffer in self._sends if not request.Test()]
        message = np.array([self.sequence], np.int64)
        for peer in self._inbox:
            self._sends.append((self.comm.Isend(message, dest=peer, tag=_ANNOUNCE_TAG), message))

    def wait(self, requests: Sequence[Any], what: str) -> None:
        """Completes `requests` (one collective, announced by `enter`) or raises StallError.

        Polls without sleeping for the first millisecond (collectives between ranks that
        arrive together finish in microseconds), then sleeps between polls, up to 250
        microseconds, so a waiting rank leaves the CPU to the ranks still computing.
        """
        started = time.perf_counter()
        pause = 0.0
        requests = list(requests)
        while not self.MPI.Request.Testall(requests):
            waited = time.perf_counter() - started
            if self.timeout is not None and waited > self.timeout:
                self._drain()
                raise StallError(self._message(what, waited))
            if waited > 1e-3:
                if pause == 0.0:
                    self._announce()
                pause = min(max(pause * 2, 1e-5), 2.5e-4)
                time.sleep(pause)
        if self._inbox:
            self._drain()

    def _drain(self) -> None:
        """Reads every announcement that has arrived, keeping each rank's latest."""
        for peer, (buffer, request) in list(self._inbox.items()):
            while request.Test():
                self.latest[peer] = max(self.latest[peer], buffer[0])
                buffer, request = self._post_receive(peer)
            self._inbox[peer] = (buffer, request)

    def missing(self) -> list[int]:
        """The ranks that have not announced this rank's current collective."""
        return [peer for peer in self._inbox if self.latest[peer] < self.sequence]

    def _message(self, what: str, waited: float) -> str:
        missing = self.missing()
        if missing:
            where = ", ".join(f"rank {peer} last seen waiting in collective #{self.latest[peer]}"
                              if self.latest[peer] else f"rank {peer} never seen waiting" for peer in missing)
            found = f"missing ranks {missing} ({where})"
        else:
            found = "every rank reached it, so the ranks issued different collectives here"
        return (f"[swiftdl] rank {self.rank} of {self.size}: collective #{self.sequence} ({what}) did not complete "
                f"within {waited:.1f} s: {found}. One or more ranks stopped issuing "
                "collectives (uneven data, a rank that finished or hangs); use the same number of steps on every "
                "rank, hvd.join() in custom loops, or raise SWIFTDL_MPI_STALL_TIMEOUT for slow steps")
