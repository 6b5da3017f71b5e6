/* Per-row value counts (sdl_bincount_rows) for the preprocessing layers' multi-hot and
   count encodings: int64 numpy buffers in and out, no tensors. */
#include "extension.h"

/* (indices, depth, binary, counts) -> None: indices a C-contiguous (rows, width) int64
   array, counts a writable C-contiguous (rows, depth) int64 array. */
static PyObject *bincount_rows(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *indices_object, *counts_object;
    long long depth;
    int binary;
    if (!PyArg_ParseTuple(args, "OLpO", &indices_object, &depth, &binary, &counts_object)) return NULL;
    Py_buffer indices, counts;
    if (PyObject_GetBuffer(indices_object, &indices, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "indices must be a C-contiguous int64 array; received %s",
                     Py_TYPE(indices_object)->tp_name);
        return NULL;
    }
    if (PyObject_GetBuffer(counts_object, &counts, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE | PyBUF_FORMAT) < 0) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "counts must be a writable C-contiguous int64 array; received %s",
                     Py_TYPE(counts_object)->tp_name);
        PyBuffer_Release(&indices);
        return NULL;
    }
    PyObject *result = NULL;
    if (indices.ndim != 2 || counts.ndim != 2 || indices.itemsize != 8 || counts.itemsize != 8) {
        PyErr_SetString(PyExc_ValueError, "indices and counts must be 2-D arrays of 8-byte items");
    } else if (counts.shape[0] != indices.shape[0] || counts.shape[1] != depth) {
        PyErr_Format(PyExc_ValueError, "counts must have shape (%zd, %lld); received (%zd, %zd)", indices.shape[0], depth,
                     counts.shape[0], counts.shape[1]);
    } else {
        sdl_status status;
        Py_BEGIN_ALLOW_THREADS
        status = sdl_bincount_rows(indices.buf, indices.shape[0], indices.shape[1], depth, binary, counts.buf);
        Py_END_ALLOW_THREADS
        if (status != SDL_OK) {
            raise_status(status);
        } else {
            result = Py_None;
            Py_INCREF(result);
        }
    }
    PyBuffer_Release(&indices);
    PyBuffer_Release(&counts);
    return result;
}

PyMethodDef bincount_module_methods[] = {
    {"bincount_rows", bincount_rows, METH_VARARGS,
     "bincount_rows(indices, depth, binary, counts): counts[r, v] = occurrences of v in indices[r] (1 if binary)."},
    {NULL, NULL, 0, NULL},
};
