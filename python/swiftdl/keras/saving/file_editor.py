"""keras.saving.KerasFileEditor: inspect, compare, edit and resave the weights of a `.keras`
or `.weights.h5` file, e.g. to adapt an old file to a changed architecture.

The weights are held as Keras holds them: a nested dict following the file's groups
(`{"layers": {"dense": {"0": kernel, "1": bias}}, "optimizer": ...}`), each object's `vars`
group folded into the object, empty groups left out. Edits change that dict; `save` writes
it as a `.weights.h5` file that `model.load_weights` reads.
"""
from __future__ import annotations

import io
import json
import math
import os
import tempfile
import zipfile
from typing import Any, Callable

import numpy as np

# Keras refuses datasets above this size and of absurd rank when it reads a file it may not
# trust; the same limits here.
_MAX_BYTES = 1 << 32
_MAX_RANK = 64


class KerasFileEditor:
    """Opens `filepath` (a `.keras` or `.weights.h5` file) for inspection and editing.

        editor = KerasFileEditor("my_model.weights.h5")
        editor.summary()
        editor.delete_object("layers/dense_2")
        editor.add_object("layers/einsum_dense", weights={"0": kernel, "1": bias})
        editor.resave_weights("edited_model.weights.h5")

    Attributes:
        weights_dict: the nested dict of weights (numpy arrays).
        object_metadata: {group path: its attributes}, e.g. each object's saved name.
        config, metadata: a `.keras` file's config.json and metadata.json (else None).

    Raises:
        ValueError: for a file that is neither `.keras` nor `.weights.h5`, and for HDF5
            links, external or virtual datasets, and oversized or malformed datasets.
    """

    def __init__(self, filepath: str | os.PathLike) -> None:
        import h5py
        self.filepath = str(filepath)
        self.config: dict | None = None
        self.metadata: dict | None = None
        if self.filepath.endswith(".keras"):
            with zipfile.ZipFile(self.filepath) as archive:
                self.config = json.loads(archive.read("config.json"))
                self.metadata = json.loads(archive.read("metadata.json"))
                weights_bytes = archive.read("model.weights.h5")
            handle = h5py.File(io.BytesIO(weights_bytes), "r")
        elif self.filepath.endswith(".weights.h5"):
            handle = h5py.File(self.filepath, "r")
        else:
            raise ValueError(f"Invalid filename: expected a `.keras` `.weights.h5` extension. "
                             f"Received: filepath={self.filepath}")
        with handle:
            self.object_metadata: dict[str, dict] = {}
            self.weights_dict = _read_group(handle, "", self.object_metadata)
        print(f"Keras model file '{self.filepath}'")
        if self.metadata is not None:
            print(f"Saved with Keras {self.metadata.get('keras_version')} - date: {self.metadata.get('date_saved')}")

    # ---- inspecting ----------------------------------------------------------------------
    def summary(self) -> None:
        """Prints the file's weight structure: each object (with its saved name) and each
        weight's shape and dtype."""
        print("Weights structure")
        for line in _tree_lines(self.weights_dict, self.object_metadata, "", ""):
            print(line)

    def compare(self, reference_model: Any) -> dict[str, Any]:
        """Lists every difference between the file and `reference_model`'s weights: objects
        or weights present on one side only, and shape mismatches.

        Returns:
            {"status": "success" or "error", "error_count": ..., "match_count": ...}.
        """
        print("Running comparison")
        reference = _weights_of(reference_model)
        checked: set[str] = set()
        errors, matches = _compare(self.weights_dict, reference, "", "saved file", "reference model", checked)
        errors += _compare(reference, self.weights_dict, "", "reference model", "saved file", checked)[0]
        print("─────────────────────")
        if errors == 0:
            print("Comparison successful: saved file is compatible with the reference model")
            print(f"    Found {matches} matching weight{'' if matches == 1 else 's'}")
        else:
            print(f"Found {errors} error{'' if errors == 1 else 's'}: saved file is not compatible with the reference "
                  "model")
        return {"status": "success" if errors == 0 else "error", "error_count": errors, "match_count": matches}

    # ---- editing -------------------------------------------------------------------------
    def rename_object(self, object_name: str, new_name: str) -> None:
        """Renames an object (a name such as "dense_2" found once, or a path such as
        "layers/dense_2"); `new_name` is a leaf name."""
        def rename(parent: dict, name: str, target: str | None) -> None:
            parent[target] = parent.pop(name)
        self._edit(rename, object_name, new_name)

    def delete_object(self, object_name: str) -> None:
        """Removes an object (name or path) and its weights."""
        self._edit(lambda parent, name, target: parent.pop(name), object_name)

    def add_object(self, object_path: str, weights: dict) -> None:
        """Adds an object at `object_path` ("layers/einsum_dense") with `weights`, a dict of
        weight names ("0", "1", ...) to arrays."""
        _check_weights(weights)
        *parents, leaf = object_path.split("/")
        container = self.weights_dict
        for part in parents:
            if part not in container:
                raise ValueError(f"Path '{'/'.join(parents)}' not found in model.")
            container = container[part]
        container[leaf] = {key: np.asarray(value) for key, value in weights.items()}

    def delete_weight(self, object_name: str, weight_name: str) -> None:
        """Removes the weight `weight_name` ("0") from an object."""
        def delete(parent: dict, name: str, target: str | None) -> None:
            if weight_name not in parent[name]:
                raise ValueError(f"Weight {weight_name} not found in object {object_name}. Weights found: "
                                 f"{list(parent[name].keys())}")
            parent[name].pop(weight_name)
        self._edit(delete, object_name)

    def add_weights(self, object_name: str, weights: dict) -> None:
        """Adds weights (a dict of names to arrays) to an existing object."""
        _check_weights(weights)
        self._edit(lambda parent, name, target: parent[name].update(
            {key: np.asarray(value) for key, value in weights.items()}), object_name)

    def _edit(self, edit: Callable[[dict, str, str | None], Any], source: str, target: str | None = None) -> None:
        if target is not None and "/" in target:
            raise ValueError(f"Argument `target_name` should be a leaf name, not a full path name. Received: "
                             f"target_name='{target}'")
        if "/" in source:
            *parents, leaf = source.split("/")
            container = self.weights_dict
            for part in parents:
                if part not in container or not isinstance(container[part], dict):
                    raise ValueError(f"Path '{source}' not found in model.")
                container = container[part]
            if leaf not in container:
                raise ValueError(f"Path '{source}' not found in model.")
            edit(container, leaf, target)
            return
        holders = list(_containers_holding(self.weights_dict, source))
        if len(holders) > 1:
            raise ValueError(f"Name '{source}' occurs more than once in the model; try passing a complete path")
        if not holders:
            raise ValueError(f"Source name '{source}' does not appear in the model. Use `editor.summary()` to list "
                             "all objects.")
        edit(holders[0], source, target)

    # ---- saving --------------------------------------------------------------------------
    def save(self, filepath: str | os.PathLike) -> None:
        """Writes the edited weights as a `.weights.h5` file (Keras's layout: each object's
        weights in its `vars` group)."""
        import h5py
        filepath = str(filepath)
        if not filepath.endswith(".weights.h5"):
            raise ValueError(f"Invalid `filepath` argument: expected a `.weights.h5` extension. Received: "
                             f"filepath={filepath}")
        with h5py.File(filepath, "w") as handle:
            _write_group(handle, self.weights_dict)

    def resave_weights(self, filepath: str | os.PathLike) -> None:
        """The same as `save`."""
        self.save(filepath)


def _read_group(group: Any, path: str, metadata: dict[str, dict]) -> dict:
    """The group's weights as a nested dict: its `vars` datasets folded into it, its other
    subgroups nested, empty ones left out. (Keras's editor drops an object whose own `vars`
    is empty even when a subgroup holds weights, so it loses an LSTM's cell; this keeps it.)"""
    import h5py
    if group.attrs:
        metadata[path] = {key: value for key, value in group.attrs.items()}
    result: dict[str, Any] = {}
    for key in group.keys():
        child_path = f"{path}/{key}"
        link = group.get(key, getclass=True, getlink=True)
        if link in (h5py.ExternalLink, h5py.SoftLink):
            raise ValueError(f"Not allowed: H5 file with {link.__name__}")
        value = group[key]
        if isinstance(value, h5py.Group):
            if key == "vars":
                if value.attrs:
                    metadata[path] = {**metadata.get(path, {}), **dict(value.attrs.items())}
                result.update(_read_group(value, path, metadata))
                continue
            child = _read_group(value, child_path, metadata)
            if child:
                result[key] = child
        elif isinstance(value, h5py.Dataset):
            result[key] = _read_dataset(value, child_path)
    return result


def _read_dataset(dataset: Any, path: str) -> np.ndarray:
    if dataset.external:
        raise ValueError(f"Not allowed: H5 file Dataset with external links: {dataset.external}")
    if dataset.is_virtual:
        raise ValueError(f"Not allowed: H5 file with virtual Dataset at {path}")
    shape = dataset.shape
    if any(dim < 0 for dim in shape) or len(shape) > _MAX_RANK:
        raise ValueError(f"Malformed HDF5 dataset shape {shape} at {path}")
    size = math.prod(shape) * dataset.dtype.itemsize
    if size > _MAX_BYTES:
        raise ValueError(f"HDF5 dataset too large to load safely ({size} bytes; limit is {_MAX_BYTES}).")
    return dataset[()]


def _write_group(group: Any, weights: dict) -> None:
    arrays = {name: value for name, value in weights.items() if not isinstance(value, dict)}
    for name, value in weights.items():
        if isinstance(value, dict) and value:
            _write_group(group.require_group(name), value)
    if arrays:
        holder = group.require_group("vars")
        for name, value in arrays.items():
            holder.create_dataset(name, data=np.asarray(value))


def _weights_of(model: Any) -> dict:
    """The model's weights in the editor's nested form: saved through the model's own
    weights writer and read back, so both sides follow the same layout."""
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "reference.weights.h5")
        model.save_weights(path)
        import h5py
        with h5py.File(path, "r") as handle:
            return _read_group(handle, "", {})


def _compare(target: dict, reference: dict, path: str, target_name: str, reference_name: str,
             checked: set[str]) -> tuple[int, int]:
    errors = matches = 0
    for key, value in reference.items():
        inner = f"{path}/{key}"
        if inner in checked:
            continue
        if key not in target:
            errors += 1
            checked.add(inner)
            kind = "Object" if isinstance(value, dict) else "Weight"
            print(f"...{kind} {inner} present in {reference_name}, missing from {target_name}")
            if isinstance(value, dict):
                print(f"    In {reference_name}, {inner} contains the following keys: {list(value.keys())}")
        elif isinstance(value, dict):
            more_errors, more_matches = _compare(target[key], value, inner, target_name, reference_name, checked)
            errors, matches = errors + more_errors, matches + more_matches
        elif np.shape(target[key]) != np.shape(value):
            errors += 1
            checked.add(inner)
            print(f"...Weight shape mismatch for {inner}\n    In {reference_name}: shape={np.shape(value)}\n"
                  f"    In {target_name}: shape={np.shape(target[key])}")
        else:
            matches += 1
    return errors, matches


def _containers_holding(weights: dict, name: str):
    """Every dict inside `weights` (itself included) that has the key `name`."""
    for value in weights.values():
        if isinstance(value, dict):
            yield from _containers_holding(value, name)
    if name in weights:
        yield weights


def _check_weights(weights: Any) -> None:
    if not isinstance(weights, dict):
        raise ValueError("Argument `weights` should be a dict where keys are weight names (usually '0', '1', etc.) "
                         f"and values are NumPy arrays. Received: type(weights)={type(weights)}")


def _tree_lines(weights: dict, metadata: dict[str, dict], path: str, prefix: str):
    items = list(weights.items())
    for index, (key, value) in enumerate(items):
        last = index == len(items) - 1
        connector = "└─ " if last else "├─ "
        inner = f"{path}/{key}"
        if isinstance(value, dict):
            name = metadata.get(inner, {}).get("name")
            yield f"{prefix}{connector}{key}" + (f" ('{name}')" if name else "")
            yield from _tree_lines(value, metadata, inner, prefix + ("    " if last else "│   "))
        else:
            yield f"{prefix}{connector}{key}: shape={np.shape(value)}, dtype={np.asarray(value).dtype}"
