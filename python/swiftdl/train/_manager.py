"""tf.train.CheckpointManager: numbered checkpoints in one directory, the oldest deleted past
`max_to_keep`, the directory's `checkpoint` state file kept as TensorFlow keeps it."""
import os
import time

from ._checkpoint import DATA_SUFFIX, _read_state, _write_state


class CheckpointManager:
    """Saves `checkpoint` as `directory/<checkpoint_name>-N`.

    Args:
        checkpoint: a `Checkpoint`.
        directory: where the files and the state file go (created if missing).
        max_to_keep: how many recent checkpoints to keep (None keeps all).
        keep_checkpoint_every_n_hours: also keep one checkpoint per this many hours.
        checkpoint_name: the files' prefix.
        step_counter: a Variable whose value `save` uses for N when none is given, and that
            `checkpoint_interval` counts in.
        checkpoint_interval: with `step_counter`, save only when at least this many steps
            passed since the last save.
        init_fn: called by `restore_or_initialize` when there is nothing to restore.
    """

    def __init__(self, checkpoint, directory, max_to_keep, keep_checkpoint_every_n_hours=None, checkpoint_name="ckpt",
                 step_counter=None, checkpoint_interval=None, init_fn=None):
        if max_to_keep is not None and max_to_keep <= 0:
            raise ValueError(f"max_to_keep must be a positive integer or None; received {max_to_keep}")
        if checkpoint_interval is not None and step_counter is None:
            raise ValueError("`step_counter` should be passed if `checkpoint_interval` is not None.")
        self._checkpoint = checkpoint
        self._directory = os.fspath(directory)
        self._max_to_keep = max_to_keep
        self._keep_every_seconds = None if keep_checkpoint_every_n_hours is None else keep_checkpoint_every_n_hours * 3600
        self._checkpoint_prefix = os.path.join(self._directory, checkpoint_name)
        self._step_counter, self._checkpoint_interval, self._init_fn = step_counter, checkpoint_interval, init_fn
        self._last_saved_step = None
        self._last_kept_time = time.time()
        _, paths = _read_state(self._directory)
        self._checkpoints = [p for p in paths if os.path.exists(p + DATA_SUFFIX)]

    @property
    def directory(self):
        return self._directory

    @property
    def checkpoints(self):
        """The kept checkpoints' paths, oldest first."""
        return list(self._checkpoints)

    @property
    def latest_checkpoint(self):
        return self._checkpoints[-1] if self._checkpoints else None

    @property
    def checkpoint_interval(self):
        return self._checkpoint_interval

    def save(self, checkpoint_number=None, check_interval=True, options=None):
        """Writes a checkpoint and prunes old ones; returns its path, or None when
        `checkpoint_interval` steps have not passed yet."""
        step = None if self._step_counter is None else int(self._step_counter)
        if self._checkpoint_interval is not None and check_interval and self._last_saved_step is not None:
            if step - self._last_saved_step < self._checkpoint_interval:
                return None
        os.makedirs(self._directory, exist_ok=True)
        number = checkpoint_number if checkpoint_number is not None else step
        if number is None:
            self._checkpoint.save_counter.assign(int(self._checkpoint.save_counter) + 1)
            number = int(self._checkpoint.save_counter)
        path = self._checkpoint.write(f"{self._checkpoint_prefix}-{int(number)}")
        self._last_saved_step = step
        self._checkpoints = [p for p in self._checkpoints if p != path] + [path]
        self._prune()
        _write_state(self._directory, path, self._checkpoints)
        return path

    def _prune(self):
        while self._max_to_keep is not None and len(self._checkpoints) > self._max_to_keep:
            oldest = self._checkpoints.pop(0)
            now = time.time()
            if self._keep_every_seconds is not None and now - self._last_kept_time >= self._keep_every_seconds:
                self._last_kept_time = now  # kept on disk, no longer managed
                continue
            try:
                os.remove(oldest + DATA_SUFFIX)
            except FileNotFoundError:
                pass

    def restore_or_initialize(self):
        """Restores the latest checkpoint and returns its path, or calls `init_fn` and
        returns None."""
        if self.latest_checkpoint is not None:
            self._checkpoint.restore(self.latest_checkpoint)
            return self.latest_checkpoint
        if self._init_fn is not None:
            self._init_fn()
        return None
