"""Reading .npz archives whose arrays may be ragged (object) sequences, without trusting
pickle: object arrays are rebuilt by an unpickler that only accepts numpy's own array
reconstruction and plain lists, so a hostile file cannot run code."""
import io
import pickle
import zipfile

import numpy as np
from numpy.lib import format as npy_format

_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy", "ndarray"), ("numpy", "dtype"), ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"), ("builtins", "list"),
}


class _ArrayOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a data file")


def load_npz(path):
    """{name: array} for every array in the archive."""
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if not member.endswith(".npy"):
                continue
            data = io.BytesIO(archive.read(member))
            version = npy_format.read_magic(data)
            read_header = npy_format.read_array_header_1_0 if version == (1, 0) else npy_format.read_array_header_2_0
            shape, fortran, dtype = read_header(data)
            if dtype.hasobject:
                array = _ArrayOnlyUnpickler(data).load()
                array = np.asarray(array, dtype=object).reshape(shape)
            else:
                data.seek(0)
                array = npy_format.read_array(data, allow_pickle=False)
            arrays[member[:-4]] = array
    return arrays
