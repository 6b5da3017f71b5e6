/* Shared declarations of the swiftdl._C extension module. */
#ifndef SWIFTDL_EXTENSION_H
#define SWIFTDL_EXTENSION_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "swiftdl.h"

#define SDL_MAX_RANK 64

/* The Python object behind swiftdl.Tensor: one owned engine handle. */
typedef struct {
    PyObject_HEAD sdl_tensor handle;
    PyObject *weakrefs;
} TensorObject;

extern PyTypeObject TensorBaseType;

/* Wraps an owned handle in an instance of the registered Python Tensor class.
   Steals the handle (frees it on failure). */
PyObject *wrap_tensor(sdl_tensor handle);
/* Wraps `count` owned handles into a tuple of Tensors. Steals them all (frees them on failure). */
PyObject *wrap_results(sdl_tensor *handles, int count);
/* The handle of a TensorBase instance, or NULL with TypeError set. Borrowed. */
sdl_tensor tensor_handle(PyObject *object, const char *argument);
/* The handle of an optional tensor argument: NULL for None. Returns 0, or -1 with an error set. */
int optional_tensor_handle(PyObject *object, const char *argument, sdl_tensor *handle);
/* Raises the Python exception matching `status` with the engine's last message. Returns NULL. */
PyObject *raise_status(sdl_status status);
/* Parses a Python sequence of ints into `values`; returns the count or -1 with an error set. */
int parse_int_sequence(PyObject *sequence, int64_t *values, int capacity, const char *what);
/* The same for an optional argument of up to SDL_MAX_RANK ints: None sets *pointer to NULL
   and gives 0; otherwise *pointer = values. */
int parse_optional_int_sequence(PyObject *object, int64_t *values, const int64_t **pointer, const char *what);
/* The buffer-protocol format for a dtype, and back. */
const char *dtype_format(sdl_dtype dtype);
int dtype_from_format(const char *format, Py_ssize_t itemsize, sdl_dtype *dtype);

/* Runs `call` (which writes the handle `out`) without the GIL and returns the wrapped result,
   or raises the engine's error. */
#define RETURN_ENGINE_RESULT(call)                                         \
    do {                                                                   \
        sdl_tensor out = NULL;                                             \
        sdl_status status;                                                 \
        Py_BEGIN_ALLOW_THREADS                                             \
        status = (call);                                                   \
        Py_END_ALLOW_THREADS                                               \
        return status == SDL_OK ? wrap_tensor(out) : raise_status(status); \
    } while (0)

/* Strings packed end to end as UTF-8 (string_hash.c): string i is
   bytes[offsets[i] .. offsets[i + 1]); `count + 1` offsets. */
typedef struct {
    char *bytes;
    int64_t *offsets;
    int64_t count;
} PackedStrings;
/* Packs the strings of `values`, a C-contiguous numpy array of dtype "U" (encoded to UTF-8),
   "S" (trailing NULs dropped, as numpy does) or object (str or bytes items). Returns 0, or
   -1 with TypeError / ValueError / MemoryError set. Free with packed_free. */
int pack_strings(PyObject *values, PackedStrings *packed);
void packed_free(PackedStrings *packed);

/* Method tables of the other files, joined in module.c. */
extern PyMethodDef tensor_module_methods[];
extern PyMethodDef ops_module_methods[];
extern PyMethodDef autograd_module_methods[];
extern PyMethodDef nn_module_methods[];
extern PyMethodDef optimizer_module_methods[];
extern PyMethodDef conv_module_methods[];
extern PyMethodDef recurrent_module_methods[];
extern PyMethodDef runtime_module_methods[];
extern PyMethodDef seeded_random_module_methods[];
extern PyMethodDef fused_layer_module_methods[];
extern PyMethodDef attention_module_methods[];
extern PyMethodDef image_module_methods[];
extern PyMethodDef string_hash_module_methods[];
extern PyMethodDef lookup_table_module_methods[];
extern PyMethodDef bincount_module_methods[];

#endif
