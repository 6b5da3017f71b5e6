/* Shared declarations of the swiftdl._C extension module. */
#ifndef SWIFTDL_EXTENSION_H
#define SWIFTDL_EXTENSION_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "swiftdl.h"

#define SDL_MAX_RANK 64

/* The Python object behind swiftdl.Tensor: one owned engine handle. */
typedef struct {
    PyObject_HEAD
    sdl_tensor handle;
    PyObject *weakrefs;
} TensorObject;

extern PyTypeObject TensorBaseType;

/* Wraps an owned handle in an instance of the registered Python Tensor class.
   Steals the handle (frees it on failure). */
PyObject *wrap_tensor(sdl_tensor handle);
/* The handle of a TensorBase instance, or NULL with TypeError set. Borrowed. */
sdl_tensor tensor_handle(PyObject *object, const char *argument);
/* Raises the Python exception matching `status` with the engine's last message. Returns NULL. */
PyObject *raise_status(sdl_status status);
/* Parses a Python sequence of ints into `values`; returns the count or -1 with an error set. */
int parse_int_sequence(PyObject *sequence, int64_t *values, int capacity, const char *what);
/* The buffer-protocol format for a dtype, and back. */
const char *dtype_format(sdl_dtype dtype);
int dtype_from_format(const char *format, Py_ssize_t itemsize, sdl_dtype *dtype);

/* Method tables of the other files, joined in module.c. */
extern PyMethodDef tensor_module_methods[];
extern PyMethodDef ops_module_methods[];
extern PyMethodDef autograd_module_methods[];
extern PyMethodDef nn_module_methods[];
extern PyMethodDef optimizer_module_methods[];
extern PyMethodDef conv_module_methods[];
extern PyMethodDef recurrent_module_methods[];

#endif
