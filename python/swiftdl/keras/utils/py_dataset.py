"""keras.utils.PyDataset (and its old name, Sequence): a batch source defined by
`__getitem__(index)` and `__len__`, fetched in order, optionally by worker threads."""
import warnings


class PyDataset:
    """Base class for Python batch sources.

    Subclass it, call `super().__init__(**kwargs)`, and implement `__getitem__(index)`
    returning a batch `x`, `(x, y)` or `(x, y, sample_weight)` and `__len__` (or the
    `num_batches` property; None means endless).

    Args:
        workers: threads that fetch batches ahead of training (1 fetches in the training
            thread's stead, one batch ahead).
        use_multiprocessing: not supported by swiftdl; warns and uses threads.
        max_queue_size: how many batches the workers may prepare ahead.
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        if not isinstance(workers, int) or workers < 1:
            raise ValueError(f"`workers` must be a positive integer; received workers={workers!r}")
        if not isinstance(max_queue_size, int) or max_queue_size < 1:
            raise ValueError(f"`max_queue_size` must be a positive integer; received {max_queue_size!r}")
        if use_multiprocessing:
            warnings.warn("swiftdl's PyDataset fetches with threads only; use_multiprocessing=True is ignored",
                          stacklevel=2)
        self._workers = workers
        self._use_multiprocessing = False
        self._max_queue_size = max_queue_size

    def _warn_if_super_not_called(self):
        if not hasattr(self, "_workers"):
            warnings.warn("Your `PyDataset` class should call `super().__init__(**kwargs)` in its constructor.",
                          stacklevel=3)
            self._workers, self._use_multiprocessing, self._max_queue_size = 1, False, 10

    @property
    def workers(self):
        self._warn_if_super_not_called()
        return self._workers

    @property
    def use_multiprocessing(self):
        self._warn_if_super_not_called()
        return self._use_multiprocessing

    @property
    def max_queue_size(self):
        self._warn_if_super_not_called()
        return self._max_queue_size

    def __getitem__(self, index):
        """The batch at position `index`."""
        raise NotImplementedError

    @property
    def num_batches(self):
        """The number of batches per epoch (None: endless)."""
        if hasattr(self, "__len__"):
            return len(self)
        raise NotImplementedError("You need to implement the `num_batches` property or `__len__`.")

    def on_epoch_begin(self):
        """Called before each epoch."""

    def on_epoch_end(self):
        """Called after each epoch (shuffle your index here)."""


Sequence = PyDataset
