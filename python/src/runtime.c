/* What the engine runs on: the BLAS it opened, its AVX2 kernels. */
#include "extension.h"

static PyObject *blas_load(PyObject *module, PyObject *arg) {
    (void)module;
    const char *preferred = NULL;
    if (arg != Py_None) {
        preferred = PyUnicode_AsUTF8(arg);
        if (preferred == NULL) return NULL;
    }
    const char *loaded = NULL;
    sdl_status status;
    Py_BEGIN_ALLOW_THREADS
    status = sdl_blas_load(preferred, &loaded);
    Py_END_ALLOW_THREADS
    if (status != SDL_OK) return raise_status(status);
    if (loaded == NULL) Py_RETURN_NONE;
    return PyUnicode_DecodeFSDefault(loaded);
}

static PyObject *avx2_kernels_enabled(PyObject *module, PyObject *unused) {
    (void)module;
    (void)unused;
    return PyBool_FromLong(sdl_avx2_kernels_enabled());
}

static PyObject *avx512_kernels_enabled(PyObject *module, PyObject *unused) {
    (void)module;
    (void)unused;
    return PyBool_FromLong(sdl_avx512_kernels_enabled());
}

PyMethodDef runtime_module_methods[] = {
    {"blas_load", blas_load, METH_O,
     "blas_load(preferred_path | None) -> str | None: opens the BLAS once; its file, or None if none could be."},
    {"avx2_kernels_enabled", avx2_kernels_enabled, METH_NOARGS, "Whether the engine runs its AVX2 kernels."},
    {"avx512_kernels_enabled", avx512_kernels_enabled, METH_NOARGS, "Whether the engine runs its AVX-512 kernels."},
    {NULL, NULL, 0, NULL},
};
