"""Reading and writing the `vars` groups of a Keras 3 HDF5 weights file (through h5py).

Loading checks everything first and returns the assignments to make, so a file that does
not fit the model raises before a single variable changes.
"""
import warnings

import numpy as np

from .state import walk


def h5py_module():
    try:
        import h5py
    except ImportError:
        raise ImportError("Saving and loading Keras files needs h5py: pip install h5py") from None
    return h5py


def _overrides(owner, method):
    """Whether a layer stores its variables itself, through its own save_own_variables /
    load_own_variables: when its class has them (LoRA's, only while LoRA is on)."""
    from ..layers.layer import Layer
    from ..layers.lora import LoRA
    if not isinstance(owner, Layer):
        return False
    own = getattr(type(owner), method)
    if own is getattr(LoRA, method):
        return owner.lora_enabled
    return own is not getattr(Layer, method)


def write(handle, model, include_optimizer=True):
    """Writes every variable of `model` (and of its optimizer) into the open h5 file; a
    layer with its own save_own_variables writes what that puts in its store."""
    for entry in walk(model, include_optimizer=include_optimizer):
        group = handle.require_group(entry.vars_path)
        group.attrs["name"] = entry.name
        if _overrides(entry.owner, "save_own_variables"):
            store = {}
            entry.owner.save_own_variables(store)
            for key, value in store.items():
                group.create_dataset(str(key), data=np.asarray(value))
            continue
        for index, variable in enumerate(entry.variables):
            group.create_dataset(str(index), data=np.asarray(variable.numpy()))


class _LoadOwnVariables:
    """A planned call of a layer's own load_own_variables with the values read for it."""

    def __init__(self, layer, store):
        self.layer = layer
        self.store = store

    def __call__(self):
        self.layer.load_own_variables(self.store)


def plan_load(handle, model, source, include_optimizer=True, skip_mismatch=False):
    """The (variable, value) pairs that loading `handle` into `model` assigns.

    Raises:
        ValueError: when a layer's group is missing, holds a different number of
            variables, or a value's shape or dtype does not fit; nothing is assigned then.
    """
    h5py = h5py_module()
    optimizer = getattr(model, "optimizer", None)
    saved_state = _guarded(lambda: handle.get("optimizer/vars"), source)
    if (include_optimizer and optimizer is not None and not optimizer.built and model.built
            and isinstance(saved_state, h5py.Group) and len(saved_state) != len(optimizer.variables)):
        # A compiled model that has not trained yet: create the slots the saved state fills.
        optimizer.build(model.trainable_variables)
    return _guarded(lambda: _plan(handle, model, source, include_optimizer, skip_mismatch, optimizer, h5py), source)


def _guarded(read, source):
    """Runs `read`, turning h5py's own errors on a damaged file (a link that loops or points
    nowhere, a corrupt object header: RuntimeError, KeyError) into ValueError.
    (Found by Tests/fuzz/fuzz_keras_files.py.)"""
    try:
        return read()
    except (RuntimeError, KeyError) as error:
        raise ValueError(f"{source}: the HDF5 file could not be read ({type(error).__name__}: {error})") from None


def _plan(handle, model, source, include_optimizer, skip_mismatch, optimizer, h5py):
    updates = []
    for entry in walk(model, include_optimizer=include_optimizer):
        if optimizer is not None and (entry.owner is optimizer or entry.owner is getattr(optimizer, "inner_optimizer", None)):
            updates.extend(_plan_optimizer(handle, entry, source, h5py))
            continue
        group = handle.get(entry.vars_path)
        count = len(entry.variables)
        if _overrides(entry.owner, "load_own_variables"):
            if group is not None and not isinstance(group, h5py.Group):
                raise ValueError(f"{source}: '{entry.vars_path}' should be an HDF5 group")
            store = {key: _read(group, key, entry, source, h5py) for key in (group.keys() if group is not None else [])}
            updates.append((_LoadOwnVariables(entry.owner, store), None))
            continue
        if group is None:
            if count:
                raise ValueError(f"Layer '{entry.name}' expects {count} variables, but {source} has no group "
                                 f"'{entry.vars_path}'")
            continue
        if not isinstance(group, h5py.Group):
            raise ValueError(f"{source}: '{entry.vars_path}' should be an HDF5 group; received {type(group).__name__}")
        keys = sorted(group.keys())
        if keys != sorted(str(i) for i in range(count)):
            raise ValueError(f"Layer '{entry.name}' expected {count} variables, but received {len(keys)} variables "
                             f"during loading from '{entry.vars_path}' in {source}. Expected: "
                             f"{[v.name for v in entry.variables]}")
        for index, variable in enumerate(entry.variables):
            value = _read(group, str(index), entry, source, h5py)
            if tuple(value.shape) != tuple(variable.shape):
                if skip_mismatch:
                    warnings.warn(f"Skipping variable {index} of layer '{entry.name}': the file holds shape "
                                  f"{tuple(value.shape)}, the layer expects {tuple(variable.shape)}", stacklevel=3)
                    continue
                raise ValueError(f"Layer '{entry.name}' variable {index} ({variable.name}) has shape "
                                 f"{tuple(variable.shape)}, but {source} holds shape {tuple(value.shape)} at "
                                 f"'{entry.vars_path}/{index}'")
            updates.append((variable, value))
    return updates


def _read(group, key, entry, source, h5py):
    dataset = group.get(key)
    if not isinstance(dataset, h5py.Dataset):
        raise ValueError(f"{source}: '{entry.vars_path}/{key}' should be a dataset of numbers")
    if dataset.dtype.kind not in "fiub":
        raise ValueError(f"{source}: '{entry.vars_path}/{key}' holds dtype {dataset.dtype}, not numbers")
    return np.asarray(dataset[()])


def _plan_optimizer(handle, entry, source, h5py):
    """Keras restores optimizer state only when the counts agree (else it warns and skips)."""
    group = handle.get(entry.vars_path)
    if group is None or not isinstance(group, h5py.Group):
        return []
    count = len(group.keys())
    if count != len(entry.variables):
        warnings.warn(f"Skipping variable loading for optimizer '{entry.name}', because it has "
                      f"{len(entry.variables)} variables whereas the saved optimizer has {count} variables.",
                      stacklevel=3)
        return []
    updates = []
    for index, variable in enumerate(entry.variables):
        value = _read(group, str(index), entry, source, h5py)
        if tuple(value.shape) != tuple(variable.shape):
            raise ValueError(f"Optimizer '{entry.name}' variable {index} ({variable.name}) has shape "
                             f"{tuple(variable.shape)}, but {source} holds shape {tuple(value.shape)}")
        updates.append((variable, value))
    return updates


def apply(updates):
    for variable, value in updates:
        if isinstance(variable, _LoadOwnVariables):
            variable()
            continue
        variable.assign(np.asarray(value, dtype=np.dtype(str(variable.dtype))))
