"""save_weights / load_weights in Keras 3's `.weights.h5` layout (through h5py, no pickle).

The layout is the one `.keras` files use inside (see state.py): `layers/<snake_class>[_k]/vars/<i>`
for the layers, recurrent layers' weights under `layers/<name>/cell/vars`, then the
optimizer's variables in `optimizer/vars`, as Keras writes them.
"""
import os

from . import h5_store


def _check_path(filepath):
    filepath = os.fspath(filepath)
    if not filepath.endswith(".weights.h5"):
        raise ValueError(f"The filename must end in `.weights.h5`. Received: filepath={filepath}")
    return filepath


def save_weights(model, filepath, overwrite=True):
    filepath = _check_path(filepath)
    if os.path.exists(filepath) and not overwrite:
        raise FileExistsError(f"{filepath} exists and overwrite=False")
    h5py = h5_store.h5py_module()
    with h5py.File(filepath, "w") as handle:
        h5_store.write(handle, model)


def load_weights(model, filepath, skip_mismatch=False, by_name=False):
    """Reads every weight first and assigns only if all of them fit, so a bad file never
    leaves the model half-changed. `.weights.h5` files are Keras 3's layout; other `.h5`
    (and `.hdf5`) files Keras 2's, matched by layer order or, with `by_name`, by name."""
    filepath = os.fspath(filepath)
    legacy = not filepath.endswith(".weights.h5") and filepath.endswith((".h5", ".hdf5"))
    if not legacy:
        filepath = _check_path(filepath)
    elif not model.built:
        raise ValueError(f"Build the model before loading Keras 2 weights into it (they are matched to its layers); "
                         f"received filepath={filepath}")
    h5py = h5_store.h5py_module()
    try:
        handle = h5py.File(filepath, "r")
    except OSError as error:
        raise ValueError(f"Could not read {filepath} as an HDF5 weights file: {error}") from None
    with handle:
        if legacy:
            from .legacy_h5 import plan
            updates = plan(handle, model, by_name=by_name, skip_mismatch=skip_mismatch)
        else:
            updates = h5_store.plan_load(handle, model, filepath, skip_mismatch=skip_mismatch)
    h5_store.apply(updates)
