"""tf.CriticalSection: runs functions one at a time (a re-entrant lock around each call),
for eager code that shares variables between Python threads."""
import threading


class CriticalSection:
    """A section in which at most one `execute` runs at a time.

    Args:
        name, shared_name: accepted for TensorFlow's signature; sections with one
            shared_name share their lock, as TensorFlow's shared resources do.
    """

    _shared: dict = {}   # shared_name -> its lock
    _shared_guard = threading.Lock()

    def __init__(self, name=None, shared_name=None, critical_section_def=None, import_scope=None):
        if critical_section_def is not None:
            raise ValueError("critical_section_def comes from graph protos, which swiftdl does not read")
        self._name = name or "CriticalSection"
        if shared_name is None:
            self._lock = threading.RLock()
        else:
            with CriticalSection._shared_guard:
                self._lock = CriticalSection._shared.setdefault(shared_name, threading.RLock())

    @property
    def name(self):
        return self._name

    def execute(self, fn, exclusive_resource_access=True, name=None):
        """fn()'s result, computed while holding the section.

        Raises:
            TypeError: when fn is not callable.
        """
        if not callable(fn):
            raise TypeError(f"CriticalSection.execute expects a function; received {type(fn).__name__}")
        with self._lock:
            return fn()
