/* Vocabulary lookup tables (sdl_int64_table_* / sdl_strings_table_*): the Python side keeps
   the keys and an int64 slot array (numpy) and passes them with each batch of queries. */
#include "extension.h"

/* A C-contiguous buffer of 8-byte items (int64 by contract); `writable` asks for a writable
   one. Returns 0, or -1 with a TypeError naming `what`. */
static int get_int64_buffer(PyObject *object, Py_buffer *view, int writable, const char *what) {
    int flags = PyBUF_C_CONTIGUOUS | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(object, view, flags) < 0) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "%s must be a %sC-contiguous int64 array; received %s", what, writable ? "writable " : "",
                     Py_TYPE(object)->tp_name);
        return -1;
    }
    if (view->itemsize != 8) {
        PyErr_Format(PyExc_TypeError, "%s must hold 8-byte (int64) items; received %zd-byte items", what, view->itemsize);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

/* (keys, slots) -> None: fills slots (int64, len a power of two above len(keys)). */
static PyObject *int64_table_build(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *keys_object, *slots_object;
    if (!PyArg_ParseTuple(args, "OO", &keys_object, &slots_object)) return NULL;
    Py_buffer keys, slots;
    if (get_int64_buffer(keys_object, &keys, 0, "keys") < 0) return NULL;
    if (get_int64_buffer(slots_object, &slots, 1, "slots") < 0) {
        PyBuffer_Release(&keys);
        return NULL;
    }
    sdl_status status;
    Py_BEGIN_ALLOW_THREADS
    status = sdl_int64_table_build(keys.buf, keys.len / 8, slots.buf, slots.len / 8);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&keys);
    PyBuffer_Release(&slots);
    if (status != SDL_OK) return raise_status(status);
    Py_RETURN_NONE;
}

/* (keys, slots, queries, out) -> None: out[i] = index of queries[i] in keys, or -1. */
static PyObject *int64_table_lookup(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *objects[4];
    if (!PyArg_ParseTuple(args, "OOOO", &objects[0], &objects[1], &objects[2], &objects[3])) return NULL;
    static const char *names[4] = {"keys", "slots", "queries", "out"};
    Py_buffer views[4];
    for (int i = 0; i < 4; i++) {
        if (get_int64_buffer(objects[i], &views[i], i == 3, names[i]) < 0) {
            while (i-- > 0) PyBuffer_Release(&views[i]);
            return NULL;
        }
    }
    sdl_status status = SDL_OK;
    if (views[3].len != views[2].len) {
        PyErr_Format(PyExc_ValueError, "out must hold as many items as queries (%zd); received %zd", views[2].len / 8,
                     views[3].len / 8);
    } else {
        Py_BEGIN_ALLOW_THREADS
        status = sdl_int64_table_lookup(views[0].buf, views[0].len / 8, views[1].buf, views[1].len / 8, views[2].buf,
                                        views[2].len / 8, views[3].buf);
        Py_END_ALLOW_THREADS
    }
    for (int i = 0; i < 4; i++) PyBuffer_Release(&views[i]);
    if (PyErr_Occurred()) return NULL;
    if (status != SDL_OK) return raise_status(status);
    Py_RETURN_NONE;
}

/* (keys, slots) -> (key_bytes, key_offsets): packs the string keys (a numpy array), fills
   slots, and returns the packed keys as two bytes objects for the lookups to pass back. */
static PyObject *strings_table_build(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *keys_object, *slots_object;
    if (!PyArg_ParseTuple(args, "OO", &keys_object, &slots_object)) return NULL;
    PackedStrings keys = {NULL, NULL, 0};
    if (pack_strings(keys_object, &keys) < 0) return NULL;
    Py_buffer slots;
    if (get_int64_buffer(slots_object, &slots, 1, "slots") < 0) {
        packed_free(&keys);
        return NULL;
    }
    int64_t byte_count = keys.offsets[keys.count];
    sdl_status status;
    Py_BEGIN_ALLOW_THREADS
    status = sdl_strings_table_build(keys.bytes, byte_count, keys.offsets, keys.count, slots.buf, slots.len / 8);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&slots);
    PyObject *result = NULL;
    if (status != SDL_OK) {
        raise_status(status);
    } else {
        result = Py_BuildValue("(y#y#)", keys.bytes, (Py_ssize_t)byte_count, (const char *)keys.offsets,
                               (Py_ssize_t)((keys.count + 1) * 8));
    }
    packed_free(&keys);
    return result;
}

/* (key_bytes, key_offsets, slots, values, out) -> None: out[i] = index of values' string i
   among the keys strings_table_build packed, or -1. */
static PyObject *strings_table_lookup(PyObject *module, PyObject *args) {
    (void)module;
    Py_buffer key_bytes, key_offsets;
    PyObject *slots_object, *values, *out_object;
    if (!PyArg_ParseTuple(args, "y*y*OOO", &key_bytes, &key_offsets, &slots_object, &values, &out_object)) return NULL;
    Py_buffer slots = {0}, out = {0};
    PackedStrings queries = {NULL, NULL, 0};
    PyObject *result = NULL;
    if (key_offsets.len < 8 || key_offsets.len % 8 != 0) {
        PyErr_SetString(PyExc_ValueError, "key_offsets must hold one or more int64 offsets");
        goto done;
    }
    if (get_int64_buffer(slots_object, &slots, 0, "slots") < 0) goto done;
    if (get_int64_buffer(out_object, &out, 1, "out") < 0) goto done;
    if (pack_strings(values, &queries) < 0) goto done;
    if (out.len != queries.count * 8) {
        PyErr_Format(PyExc_ValueError, "out must hold %lld items; received %zd", (long long)queries.count, out.len / 8);
        goto done;
    }
    sdl_status status;
    int64_t key_count = key_offsets.len / 8 - 1;
    Py_BEGIN_ALLOW_THREADS
    status = sdl_strings_table_lookup(key_bytes.buf, key_bytes.len, key_offsets.buf, key_count, slots.buf, slots.len / 8,
                                      queries.bytes, queries.offsets[queries.count], queries.offsets, queries.count, out.buf);
    Py_END_ALLOW_THREADS
    if (status != SDL_OK) {
        raise_status(status);
        goto done;
    }
    result = Py_None;
    Py_INCREF(result);
done:
    packed_free(&queries);
    if (slots.obj != NULL) PyBuffer_Release(&slots);
    if (out.obj != NULL) PyBuffer_Release(&out);
    PyBuffer_Release(&key_bytes);
    PyBuffer_Release(&key_offsets);
    return result;
}

PyMethodDef lookup_table_module_methods[] = {
    {"int64_table_build", int64_table_build, METH_VARARGS,
     "int64_table_build(keys, slots): fills slots (int64, a power of two above len(keys)) with the table of keys."},
    {"int64_table_lookup", int64_table_lookup, METH_VARARGS,
     "int64_table_lookup(keys, slots, queries, out): out[i] = index of queries[i] among keys, or -1."},
    {"strings_table_build", strings_table_build, METH_VARARGS,
     "strings_table_build(keys, slots) -> (key_bytes, key_offsets): the table of a numpy array of strings."},
    {"strings_table_lookup", strings_table_lookup, METH_VARARGS,
     "strings_table_lookup(key_bytes, key_offsets, slots, values, out): out[i] = index of string i of values, or -1."},
    {NULL, NULL, 0, NULL},
};
