"""tf.train.Coordinator (stopping a set of Python threads together, reporting the first
exception) and tf.train.ClusterSpec (a description of a multi-worker cluster's jobs)."""
import contextlib
import sys
import threading
import time

from .. import errors


class Coordinator:
    """Coordinates the termination of threads: any of them may request_stop (with an
    exception, which join re-raises in the joining thread); the others poll should_stop.

    Args:
        clean_stop_exception_types: exception types that stop the threads without being
            reported (default: tf.errors.OutOfRangeError, as TensorFlow).
    """

    def __init__(self, clean_stop_exception_types=None):
        self._clean_stop = tuple(clean_stop_exception_types) if clean_stop_exception_types is not None else (
            errors.OutOfRangeError,)
        self._lock = threading.Lock()
        self._stop_event = threading.Event()
        self._exc_info = None
        self._registered = set()
        self._joined = False

    def request_stop(self, ex=None):
        """Asks every thread to stop; `ex` (an exception or an exc_info triple) is kept for
        join unless one already is or its type is a clean stop."""
        with self._lock:
            if ex is not None and self._exc_info is None:
                info = ex if isinstance(ex, tuple) else (type(ex), ex, ex.__traceback__)
                if not issubclass(info[0], self._clean_stop):
                    self._exc_info = info
            self._stop_event.set()

    def clear_stop(self):
        """Forgets a stop request and its exception, so the coordinator can be reused."""
        with self._lock:
            self._joined = False
            self._exc_info = None
            self._stop_event.clear()

    def should_stop(self):
        return self._stop_event.is_set()

    @contextlib.contextmanager
    def stop_on_exception(self):
        """A context whose exception requests a stop with it (and is swallowed)."""
        try:
            yield
        except Exception:  # noqa: BLE001  (reported through request_stop, re-raised by join)
            self.request_stop(ex=sys.exc_info())

    def wait_for_stop(self, timeout=None):
        """Waits until a stop is requested; True if it was, False after `timeout` seconds."""
        return self._stop_event.wait(timeout)

    def register_thread(self, thread):
        with self._lock:
            self._registered.add(thread)

    def join(self, threads=None, stop_grace_period_secs=120, ignore_live_threads=False):
        """Waits for the registered threads (and `threads`) after a stop is requested, then
        re-raises the exception a thread reported.

        Raises:
            RuntimeError: when threads are still running stop_grace_period_secs after the
                stop request (unless ignore_live_threads).
        """
        threads = set(threads or ()) | set(self._registered)
        while any(t.is_alive() for t in threads) and not self.wait_for_stop(0.05):
            pass
        deadline = time.time() + stop_grace_period_secs
        for thread in threads:
            thread.join(max(0.0, deadline - time.time()))
        with self._lock:
            self._joined = True
            self._registered = set()
            exc_info = self._exc_info
        alive = [t.name for t in threads if t.is_alive()]
        if exc_info is not None:
            raise exc_info[1].with_traceback(exc_info[2])
        if alive and not ignore_live_threads:
            raise RuntimeError(f"Coordinator stopped with threads still running: {' '.join(alive)}")

    @property
    def joined(self):
        return self._joined

    def raise_requested_exception(self):
        """Re-raises the exception passed to request_stop, if any."""
        with self._lock:
            exc_info = self._exc_info
        if exc_info is not None:
            raise exc_info[1].with_traceback(exc_info[2])


class ClusterSpec:
    """A cluster as {job name: task addresses}, a list (indices 0..n-1) or a dict
    {task index: address} per job (tf.train.ClusterSpec).

    Raises:
        TypeError: for a cluster that is not such a dict (or another ClusterSpec).
    """

    def __init__(self, cluster):
        if isinstance(cluster, ClusterSpec):
            cluster = cluster.as_dict()
        if not isinstance(cluster, dict):
            raise TypeError(f"`cluster` must be a dictionary mapping one or more job names to lists of network "
                            f"addresses, or a ClusterSpec; received {type(cluster).__name__}")
        self._jobs = {}
        for job, tasks in cluster.items():
            if isinstance(tasks, (list, tuple)):
                tasks = dict(enumerate(tasks))
            elif not isinstance(tasks, dict):
                raise TypeError(f"The tasks for job {job!r} must be a list or a dictionary from integers to strings")
            self._jobs[str(job)] = {int(index): str(address) for index, address in tasks.items()}

    @property
    def jobs(self):
        return list(self._jobs)

    def _tasks(self, job_name):
        if job_name not in self._jobs:
            raise ValueError(f"No such job in cluster: {job_name!r}")
        return self._jobs[job_name]

    def num_tasks(self, job_name):
        return len(self._tasks(job_name))

    def task_indices(self, job_name):
        return sorted(self._tasks(job_name))

    def task_address(self, job_name, task_index):
        tasks = self._tasks(job_name)
        if task_index not in tasks:
            raise ValueError(f"No task with index {task_index!r} in job {job_name!r}")
        return tasks[task_index]

    def job_tasks(self, job_name):
        """The addresses of a job's tasks, by index (None where an index is unused)."""
        tasks = self._tasks(job_name)
        return [tasks.get(i) for i in range(max(tasks) + 1)] if tasks else []

    def as_dict(self):
        """{job: [addresses]} for jobs with dense indices, {job: {index: address}} otherwise."""
        return {job: (self.job_tasks(job) if sorted(tasks) == list(range(len(tasks))) else dict(tasks))
                for job, tasks in self._jobs.items()}

    def __bool__(self):
        return bool(self._jobs)

    def __eq__(self, other):
        return isinstance(other, ClusterSpec) and self._jobs == other._jobs

    def __repr__(self):
        return f"ClusterSpec({self.as_dict()!r})"
