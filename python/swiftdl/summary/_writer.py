"""tf.summary's writers: the default-writer stack, the default step, and record_if.

A summary call writes to the innermost writer made default by `as_default()` (or
`set_as_default()`), at the `step` it is given or the default step; without a default
writer it writes nothing and returns False, as in TensorFlow."""
import contextlib

_STATE = {"writers": [], "step": None, "record": [True]}


class SummaryWriter:
    """Writes summaries to one event file under `logdir` (tf.summary.SummaryWriter)."""

    def __init__(self, logdir, filename_suffix=None):
        from ._event_file import EventFileWriter
        self._file = EventFileWriter(str(logdir), filename_suffix or "")
        self.logdir = str(logdir)

    @contextlib.contextmanager
    def as_default(self, step=None):
        """Makes this the default writer (and `step` the default step, when given) inside the block."""
        previous_step = _STATE["step"]
        _STATE["writers"].append(self)
        if step is not None:
            _STATE["step"] = step
        try:
            yield self
        finally:
            _STATE["writers"].remove(self)
            if step is not None:
                _STATE["step"] = previous_step
            self.flush()

    def set_as_default(self, step=None):
        """Makes this the default writer from now on (and `step` the default step, when given)."""
        _STATE["writers"][:] = [self]
        if step is not None:
            _STATE["step"] = step

    def init(self):
        return None

    def flush(self):
        self._file.flush()

    def close(self):
        self.flush()
        self._file.close()
        if self in _STATE["writers"]:
            _STATE["writers"].remove(self)

    def _write(self, value, step):
        if self._file.closed:
            raise RuntimeError(f"the summary writer for {self.logdir} is closed")
        self._file.add_value(value, step)


class _NoopWriter:
    """A writer that writes nothing (tf.summary.create_noop_writer)."""

    @contextlib.contextmanager
    def as_default(self, step=None):
        yield self

    def set_as_default(self, step=None):
        _STATE["writers"][:] = []

    def init(self):
        return None

    def flush(self):
        return None

    def close(self):
        return None


def create_file_writer(logdir, max_queue=None, flush_millis=None, filename_suffix=None, name=None,
                       experimental_trackable=False, experimental_mesh=None):
    """A SummaryWriter for `logdir` (created if missing); pass it to `as_default()` to write."""
    if logdir is None:
        return _NoopWriter()
    return SummaryWriter(logdir, filename_suffix)


def create_noop_writer():
    return _NoopWriter()


def default_writer():
    return _STATE["writers"][-1] if _STATE["writers"] else None


def get_step():
    """The default step (tf.summary.experimental.get_step); None when unset."""
    return _STATE["step"]


def set_step(step):
    """Sets the default step for summary calls without `step=`."""
    _STATE["step"] = step


@contextlib.contextmanager
def record_if(condition):
    """Inside the block, summaries are written only while `condition` (a bool or a
    callable returning one) holds (tf.summary.record_if)."""
    _STATE["record"].append(condition)
    try:
        yield
    finally:
        _STATE["record"].pop()


def should_record_summaries():
    """Whether a summary call here would write: a default writer exists and record_if holds."""
    condition = _STATE["record"][-1]
    holds = condition() if callable(condition) else condition
    return bool(_as_python(holds)) and default_writer() is not None


def flush(writer=None, name=None):
    """Flushes `writer`, or the default writer."""
    writer = writer if writer is not None else default_writer()
    if writer is not None:
        writer.flush()


def resolve_step(step):
    """The step to write at: the given one, else the default; ValueError when neither is set."""
    step = _STATE["step"] if step is None else step
    if step is None:
        raise ValueError("No step set. Please specify one either through the `step` argument or through "
                         "tf.summary.experimental.set_step()")
    return int(_as_python(step))


def _as_python(value):
    return value.numpy() if hasattr(value, "numpy") else value
