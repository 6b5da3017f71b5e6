"""Which BLAS the engine multiplies with, chosen once at import.

`pip install swiftdl` brings OpenBLAS in the `scipy-openblas32` wheel, the build numpy and
scipy use; the engine opens that file (about 1 ms, with OpenBLAS's own thread pool kept
off). `SWIFTDL_BLAS=/path/to/libcblas.so` overrides it, and the system's OpenBLAS is the
last resort. Without any BLAS, matrix products still work but run in plain loops, 20-30x
slower, so that case warns instead of passing silently.
"""
import os
import sys
import warnings

from . import _C


def packaged_openblas():
    """The path of scipy-openblas32's library, or None when the package is missing.

    Found by looking along sys.path as the import system would, without importing the
    package or importlib.util (which would cost more than opening the library).
    """
    for entry in sys.path:
        folder = os.path.join(entry or ".", "scipy_openblas32")
        if not os.path.isfile(os.path.join(folder, "__init__.py")):
            continue
        try:
            names = sorted(name for name in os.listdir(os.path.join(folder, "lib"))
                           if name.startswith("libscipy_openblas") and name.endswith((".so", ".dylib")))
        except OSError:
            return None
        return os.path.join(folder, "lib", names[0]) if names else None
    return None


def load():
    """Opens the BLAS (once per process) and warns when it is not the one asked for."""
    loaded = _C.blas_load(packaged_openblas())
    override = os.environ.get("SWIFTDL_BLAS")
    if loaded is None:
        warnings.warn(
            "swiftdl could not load any BLAS library"
            + (f" (SWIFTDL_BLAS={override!r} did not load)" if override else "")
            + ", so matrix products, convolutions and recurrent layers run in plain loops, 20-30x slower. "
            "Install the scipy-openblas32 package (pip install scipy-openblas32; `pip install swiftdl` "
            "brings it) or set SWIFTDL_BLAS to a CBLAS library.", RuntimeWarning, stacklevel=2)
    elif override and loaded != override:
        warnings.warn(f"swiftdl could not load SWIFTDL_BLAS={override!r}; it uses {loaded} instead.",
                      RuntimeWarning, stacklevel=2)
    return loaded


library = load()
