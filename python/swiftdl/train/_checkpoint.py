"""tf.train.Checkpoint: the variables of models, layers, optimizers and plain Variables,
written to and read from files, for custom training loops that save and resume.

The file is swiftdl's own: one HDF5 file, `<prefix>.h5`, with a dataset per variable under
the name it was given in the Checkpoint (`model/3`, `optimizer/0`, ...) plus the variable's
path as an attribute. TensorFlow's binary checkpoints (`.index` / `.data-*`) are not read
or written. Variables are matched by their object's name and their order in it, as two
builds of one architecture order them alike; shapes are checked.

An object that has not created its variables yet (an optimizer before its first step, a
subclassed model before its first call) gets its values when it creates them, as
TensorFlow's deferred restoration does.
"""
import os

import numpy as np

from .. import _autograd

DATA_SUFFIX = ".h5"


class CheckpointLoadStatus:
    """What a restore matched, with TensorFlow's assertions."""

    def __init__(self, unused_in_file, missing_in_file, deferred):
        self._unused_in_file, self._missing_in_file, self._deferred = unused_in_file, missing_in_file, deferred

    def _still_deferred(self):
        return [name for name, owner in self._deferred if "_deferred_restore" in owner.__dict__]

    def assert_consumed(self):
        """Every value in the file went to a variable and every variable got one (values
        kept for objects that have not created their variables yet count as unused)."""
        if self._unused_in_file or self._missing_in_file or self._still_deferred():
            raise AssertionError(f"Unresolved objects in the checkpoint: values not used {self._unused_in_file}, "
                                 f"variables not found in the file {self._missing_in_file}, objects still to create "
                                 f"their variables {self._still_deferred()}")
        return self

    def assert_existing_objects_matched(self):
        """Every variable that exists now got a value."""
        if self._missing_in_file:
            raise AssertionError(f"Variables not found in the checkpoint: {self._missing_in_file}")
        return self

    def assert_nontrivial_match(self):
        return self

    def expect_partial(self):
        """Silences nothing here (swiftdl warns about nothing at exit); returns self."""
        return self


class Checkpoint:
    """Groups trackable objects (keyword arguments) for saving and restoring.

    Args:
        root: an object saved under the name "root" (TensorFlow's positional form).
        **kwargs: name=object pairs: Keras models and layers, optimizers, Variables,
            other Checkpoints, or lists and dicts of these.
    """

    def __init__(self, root=None, **kwargs):
        self._objects = dict(kwargs)
        if root is not None:
            self._objects["root"] = root
        for name, value in self._objects.items():
            if not _is_trackable(value):
                raise ValueError(f"`Checkpoint` was expecting a trackable object (an object derived from "
                                 f"`Trackable`), got {value!r:.100} for {name!r}")
        self.save_counter = _autograd.Variable(np.int64(0), trainable=False)

    def __getattr__(self, name):
        objects = self.__dict__.get("_objects", {})
        if name in objects:
            return objects[name]
        raise AttributeError(name)

    def _groups(self, prefix=""):
        """[(object, key prefix, its variables)] for every trackable object held."""
        groups = []
        for name, value in self._objects.items():
            _collect(value, prefix + name, groups)
        return groups

    def write(self, file_prefix, options=None):
        """Writes the variables to `file_prefix` + ".h5"; returns the prefix."""
        import h5py
        file_prefix = os.fspath(file_prefix)
        directory = os.path.dirname(file_prefix)
        if directory:
            os.makedirs(directory, exist_ok=True)
        temporary = file_prefix + DATA_SUFFIX + ".tmp"
        with h5py.File(temporary, "w") as store:
            store.create_dataset("save_counter/0", data=np.array(self.save_counter))
            for _, prefix, variables in self._groups():
                for index, variable in enumerate(variables):
                    dataset = store.create_dataset(f"{prefix}/{index}", data=np.array(variable))
                    dataset.attrs["path"] = str(getattr(variable, "path", getattr(variable, "name", "")))
        os.replace(temporary, file_prefix + DATA_SUFFIX)  # a crash leaves the previous file whole
        return file_prefix

    def save(self, file_prefix, options=None):
        """Writes `file_prefix-N` (N the incremented save_counter) and records it as the
        directory's latest checkpoint; returns that path."""
        self.save_counter.assign(np.int64(int(self.save_counter) + 1))
        path = self.write(f"{os.fspath(file_prefix)}-{int(self.save_counter)}")
        directory = os.path.dirname(path) or "."
        state = _read_state(directory)
        paths = [p for p in state[1] if p != path] + [path]
        _write_state(directory, path, paths)
        return path

    def read(self, save_path, options=None):
        """Restores from a path written by `write` (the save counter included)."""
        return self._restore(save_path, include_counter=False)

    def restore(self, save_path, options=None):
        """Restores from a path written by `save` or `write`; None restores nothing."""
        if save_path is None:
            return CheckpointLoadStatus([], [], [])
        return self._restore(save_path, include_counter=True)

    def _restore(self, save_path, include_counter):
        import h5py
        path = os.fspath(save_path)
        data_path = path if path.endswith(DATA_SUFFIX) else path + DATA_SUFFIX
        if not os.path.exists(data_path):
            from ..errors import NotFoundError
            raise NotFoundError(None, None, f"Failed to find any matching files for {path} (no {data_path}); "
                                f"swiftdl reads checkpoints that swiftdl wrote, not TensorFlow's .index/.data files")
        with h5py.File(data_path, "r") as store:
            saved = {}
            store.visititems(lambda name, item: saved.__setitem__(name, np.array(item))
                             if isinstance(item, h5py.Dataset) else None)
        used, missing, deferred = set(), [], []
        for owner, prefix, variables in self._groups():
            keys = sorted((k for k in saved if k.rpartition("/")[0] == prefix), key=lambda k: int(k.rpartition("/")[2]))
            values = [saved[k] for k in keys]
            if len(variables) < len(values) and _creates_variables_later(owner):
                owner.__dict__["_deferred_restore"] = values  # applied when it creates its variables
                deferred.append((prefix, owner))
                used.update(keys)
                continue
            for index, variable in enumerate(variables):
                key = f"{prefix}/{index}"
                if key not in saved:
                    missing.append(key)
                    continue
                value = saved[key]
                if tuple(value.shape) != tuple(variable.shape):
                    raise ValueError(f"Checkpoint value {key} has shape {value.shape} but the variable "
                                     f"{getattr(variable, 'path', '')!r} has shape {tuple(variable.shape)}")
                variable.assign(value.astype(np.dtype(variable.dtype)))
                used.add(key)
        counter = "save_counter/0"
        if counter in saved:
            used.add(counter)
            if include_counter:
                self.save_counter.assign(np.int64(saved[counter]))
        return CheckpointLoadStatus(sorted(set(saved) - used), missing, deferred)


def _is_trackable(value):
    if isinstance(value, (list, tuple)):
        return all(_is_trackable(item) for item in value)
    if isinstance(value, dict):
        return all(_is_trackable(item) for item in value.values())
    return isinstance(value, (_autograd.Variable, Checkpoint)) or hasattr(value, "variables") or hasattr(value, "weights")


def _collect(value, prefix, groups):
    if isinstance(value, Checkpoint):
        groups.extend(value._groups(prefix + "/"))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _collect(item, f"{prefix}/{index}", groups)
    elif isinstance(value, dict):
        for key, item in value.items():
            _collect(item, f"{prefix}/{key}", groups)
    elif isinstance(value, _autograd.Variable):
        groups.append((value, prefix, [value]))
    else:
        variables = value.weights if hasattr(value, "weights") else value.variables
        groups.append((value, prefix, list(variables)))


def _creates_variables_later(owner):
    """An optimizer before its first step or a layer before its first call."""
    return hasattr(owner, "build") and (hasattr(owner, "iterations") or not getattr(owner, "built", True) or
                                        not list(getattr(owner, "weights", [None])))


def apply_deferred_restore(owner):
    """Called once `owner` has created its variables: assigns the values a restore kept
    for it, if their count and shapes now match (otherwise it keeps waiting)."""
    values = owner.__dict__.get("_deferred_restore")
    if values is None:
        return
    variables = list(owner.weights if hasattr(owner, "weights") else owner.variables)
    if len(variables) != len(values) or any(tuple(v.shape) != tuple(a.shape) for v, a in zip(variables, values)):
        return
    for variable, value in zip(variables, values):
        variable.assign(value.astype(np.dtype(variable.dtype)))
    del owner.__dict__["_deferred_restore"]


def _state_path(directory, latest_filename=None):
    return os.path.join(directory, latest_filename or "checkpoint")


def _read_state(directory, latest_filename=None):
    """(latest path or None, all paths) from TensorFlow's text `checkpoint` file."""
    path = _state_path(directory, latest_filename)
    if not os.path.exists(path):
        return None, []
    latest, paths = None, []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            key, _, value = line.partition(":")
            value = value.strip().strip('"')
            full = value if os.path.isabs(value) else os.path.join(directory, value)
            if key.strip() == "model_checkpoint_path":
                latest = full
            elif key.strip() == "all_model_checkpoint_paths":
                paths.append(full)
    return latest, paths


def _write_state(directory, latest, paths):
    def relative(path):
        return os.path.relpath(path, directory) if os.path.dirname(path) else path
    lines = [f'model_checkpoint_path: "{relative(latest)}"'] + [f'all_model_checkpoint_paths: "{relative(p)}"'
                                                               for p in paths]
    with open(_state_path(directory), "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The path of the directory's latest checkpoint, or None."""
    latest, _ = _read_state(os.fspath(checkpoint_dir), latest_filename)
    return latest if latest is not None and os.path.exists(latest + DATA_SUFFIX) else None
