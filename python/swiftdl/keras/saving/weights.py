"""save_weights / load_weights in Keras 3's `.weights.h5` layout (through h5py, no pickle).

Layout: `layers/<snake_class>[_k]/vars/<index>` for every layer with weights (recurrent
layers' weights under `layers/<name>/cell/vars`), in each layer's weight order.
"""
import os

import numpy as np


def _h5py():
    try:
        import h5py
    except ImportError:
        raise ImportError("Saving and loading weights needs h5py: pip install h5py") from None
    return h5py


def _groups(model):
    """(layer, h5 path, weights) for each layer with weights. Keras names the groups by class,
    not by layer name: the first Dense is `dense`, the next `dense_1`, within each file."""
    from ..backend import to_snake_case
    from ..layers.recurrent import _RNN
    counts = {}
    for layer in model.layers:
        base = to_snake_case(type(layer).__name__)
        index = counts.get(base, 0)
        counts[base] = index + 1
        weights = layer.weights
        if not weights:
            continue
        key = base if index == 0 else f"{base}_{index}"
        path = f"layers/{key}/cell/vars" if isinstance(layer, _RNN) else f"layers/{key}/vars"
        yield layer, path, weights


def save_weights(model, filepath, overwrite=True):
    filepath = os.fspath(filepath)
    if not filepath.endswith(".weights.h5"):
        raise ValueError(f"The filename must end in `.weights.h5`. Received: filepath={filepath}")
    if os.path.exists(filepath) and not overwrite:
        raise FileExistsError(f"{filepath} exists and overwrite=False")
    h5py = _h5py()
    with h5py.File(filepath, "w") as handle:
        for _, path, weights in _groups(model):
            group = handle.require_group(path)
            for index, weight in enumerate(weights):
                group.create_dataset(str(index), data=np.asarray(weight.numpy()))


def load_weights(model, filepath, skip_mismatch=False):
    """Reads every weight first and assigns only if all of them fit, so a bad file never
    leaves the model half-changed."""
    filepath = os.fspath(filepath)
    if not filepath.endswith(".weights.h5"):
        raise ValueError(f"The filename must end in `.weights.h5`. Received: filepath={filepath}")
    h5py = _h5py()
    updates = []
    with h5py.File(filepath, "r") as handle:
        for layer, path, weights in _groups(model):
            if path not in handle:
                raise ValueError(f"Layer '{layer.name}' expected weights under '{path}' in {filepath}, but the file has none")
            group = handle[path]
            if len(group) != len(weights):
                raise ValueError(f"Layer '{layer.name}' expects {len(weights)} variables, but the file holds {len(group)}")
            for index, weight in enumerate(weights):
                value = np.asarray(group[str(index)])
                if tuple(value.shape) != tuple(weight.shape):
                    if skip_mismatch:
                        continue
                    raise ValueError(f"Layer '{layer.name}' weight {index} has shape {tuple(weight.shape)}, "
                                     f"but the file holds shape {tuple(value.shape)}")
                updates.append((weight, value))
    for weight, value in updates:
        weight.assign(value.astype(weight.dtype))
