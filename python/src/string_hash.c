/* String hashes over a numpy array (sdl_strings_fingerprint64 / sdl_strings_siphash64):
   the array's strings are packed as UTF-8, end to end, into one buffer with their offsets,
   and the engine hashes the whole batch in one call. No element becomes a Python object on
   the way for str ("U") and bytes ("S") arrays; object arrays are read element by element. */
#include "extension.h"

void packed_free(PackedStrings *packed) {
    PyMem_Free(packed->bytes);
    PyMem_Free(packed->offsets);
    packed->bytes = NULL;
    packed->offsets = NULL;
}

static int packed_allocate(PackedStrings *packed, int64_t count, size_t byte_capacity) {
    packed->count = count;
    /* One byte more than needed, so an array of empty strings still has a non-NULL buffer. */
    packed->bytes = PyMem_Malloc(byte_capacity + 1);
    packed->offsets = PyMem_Malloc(((size_t)count + 1) * sizeof(int64_t));
    if (packed->bytes == NULL || packed->offsets == NULL) {
        packed_free(packed);
        PyErr_NoMemory();
        return -1;
    }
    packed->offsets[0] = 0;
    return 0;
}

/* numpy "U" items: `width` UCS-4 code points each, trailing NULs not part of the string (as
   numpy reads them). UTF-8 needs at most 4 bytes a code point, so the buffer is as large as
   the array. Returns the index of the first item holding a code point UTF-8 cannot encode (a
   surrogate or one past U+10FFFF), or -1 when all were packed. Needs no GIL. */
static int64_t pack_ucs4(const uint32_t *items, int64_t count, Py_ssize_t width, PackedStrings *packed) {
    unsigned char *out = (unsigned char *)packed->bytes;
    int64_t position = 0;
    for (int64_t i = 0; i < count; i++) {
        const uint32_t *item = items + i * width;
        Py_ssize_t length = width;
        while (length > 0 && item[length - 1] == 0) length--;
        for (Py_ssize_t k = 0; k < length; k++) {
            uint32_t c = item[k];
            if (c < 0x80) {
                out[position++] = (unsigned char)c;
            } else if (c < 0x800) {
                out[position++] = (unsigned char)(0xC0 | (c >> 6));
                out[position++] = (unsigned char)(0x80 | (c & 0x3F));
            } else if (c < 0x10000) {
                if (c >= 0xD800 && c <= 0xDFFF) return i;
                out[position++] = (unsigned char)(0xE0 | (c >> 12));
                out[position++] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
                out[position++] = (unsigned char)(0x80 | (c & 0x3F));
            } else if (c <= 0x10FFFF) {
                out[position++] = (unsigned char)(0xF0 | (c >> 18));
                out[position++] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
                out[position++] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
                out[position++] = (unsigned char)(0x80 | (c & 0x3F));
            } else {
                return i;
            }
        }
        packed->offsets[i + 1] = position;
    }
    return -1;
}

/* numpy "S" items: `width` bytes each, trailing NULs stripped (as numpy reads them). No GIL. */
static void pack_bytes(const char *items, int64_t count, Py_ssize_t width, PackedStrings *packed) {
    int64_t position = 0;
    for (int64_t i = 0; i < count; i++) {
        const char *item = items + i * width;
        Py_ssize_t length = width;
        while (length > 0 && item[length - 1] == 0) length--;
        memcpy(packed->bytes + position, item, (size_t)length);
        position += length;
        packed->offsets[i + 1] = position;
    }
}

/* An object array's items, each a str (hashed as UTF-8) or bytes. */
static int pack_objects(PyObject *const *items, int64_t count, PackedStrings *packed) {
    const char **data = PyMem_Malloc(((size_t)count + 1) * sizeof(char *));
    Py_ssize_t *lengths = PyMem_Malloc(((size_t)count + 1) * sizeof(Py_ssize_t));
    if (data == NULL || lengths == NULL) {
        PyMem_Free(data);
        PyMem_Free(lengths);
        PyErr_NoMemory();
        return -1;
    }
    size_t total = 0;
    for (int64_t i = 0; i < count; i++) {
        PyObject *item = items[i];
        if (item != NULL && PyUnicode_Check(item)) {
            data[i] = PyUnicode_AsUTF8AndSize(item, &lengths[i]); /* cached in the str; borrowed */
            if (data[i] == NULL) goto fail;
        } else if (item != NULL && PyBytes_Check(item)) {
            data[i] = PyBytes_AS_STRING(item);
            lengths[i] = PyBytes_GET_SIZE(item);
        } else {
            PyErr_Format(PyExc_TypeError, "strings_hash: expected str or bytes items; received %s at flat index %lld",
                         item == NULL ? "NULL" : Py_TYPE(item)->tp_name, (long long)i);
            goto fail;
        }
        total += (size_t)lengths[i];
    }
    if (packed_allocate(packed, count, total) < 0) goto fail;
    int64_t position = 0;
    for (int64_t i = 0; i < count; i++) {
        memcpy(packed->bytes + position, data[i], (size_t)lengths[i]);
        position += lengths[i];
        packed->offsets[i + 1] = position;
    }
    PyMem_Free(data);
    PyMem_Free(lengths);
    return 0;
fail:
    PyMem_Free(data);
    PyMem_Free(lengths);
    return -1;
}

/* The item count of a buffer (the product of its shape; an item size of 0 is allowed). */
static int64_t buffer_item_count(const Py_buffer *view) {
    int64_t count = 1;
    for (int d = 0; d < view->ndim; d++) count *= view->shape[d];
    return count;
}

int pack_strings(PyObject *values, PackedStrings *packed) {
    Py_buffer view;
    if (PyObject_GetBuffer(values, &view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return -1;
    const char *format = view.format == NULL ? "B" : view.format;
    char kind = format[strlen(format) - 1];
    int64_t count = buffer_item_count(&view);
    int result = 0;
    if (kind == 'w' && view.itemsize % 4 == 0) {
        if (packed_allocate(packed, count, (size_t)view.len) < 0) {
            result = -1;
        } else {
            int64_t bad;
            Py_BEGIN_ALLOW_THREADS
            bad = pack_ucs4((const uint32_t *)view.buf, count, view.itemsize / 4, packed);
            Py_END_ALLOW_THREADS
            if (bad >= 0) {
                PyErr_Format(PyExc_ValueError,
                             "strings_hash: the string at flat index %lld holds a code point UTF-8 cannot encode "
                             "(a lone surrogate)",
                             (long long)bad);
                packed_free(packed);
                result = -1;
            }
        }
    } else if (kind == 's') {
        if (packed_allocate(packed, count, (size_t)view.len) < 0) {
            result = -1;
        } else {
            Py_BEGIN_ALLOW_THREADS
            pack_bytes((const char *)view.buf, count, view.itemsize, packed);
            Py_END_ALLOW_THREADS
        }
    } else if (kind == 'O' && view.itemsize == sizeof(PyObject *)) {
        result = pack_objects((PyObject *const *)view.buf, count, packed);
    } else {
        PyErr_Format(PyExc_TypeError, "strings_hash: expected an array of str, bytes or objects; received format '%s'", format);
        result = -1;
    }
    PyBuffer_Release(&view);
    return result;
}

/* Runs `hash` over the strings of `values` into `out` (a writable C-contiguous buffer of as
   many 8-byte items). */
static PyObject *hash_into(PyObject *values, PyObject *out_object, int siphash, uint64_t key0, uint64_t key1) {
    PackedStrings packed = {NULL, NULL, 0};
    if (pack_strings(values, &packed) < 0) return NULL;
    Py_buffer out;
    if (PyObject_GetBuffer(out_object, &out, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE) < 0) {
        /* numpy says ValueError, bytes BufferError: one clear TypeError instead. */
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "strings_hash: out must be a writable C-contiguous uint64 array; received %s",
                     Py_TYPE(out_object)->tp_name);
        packed_free(&packed);
        return NULL;
    }
    if (out.itemsize != 8 || out.len != packed.count * 8) {
        PyErr_Format(PyExc_ValueError, "strings_hash: out must hold %lld 8-byte items; received %zd bytes of %zd-byte items",
                     (long long)packed.count, out.len, out.itemsize);
        PyBuffer_Release(&out);
        packed_free(&packed);
        return NULL;
    }
    sdl_status status;
    int64_t byte_count = packed.offsets[packed.count];
    Py_BEGIN_ALLOW_THREADS
    if (siphash)
        status = sdl_strings_siphash64(packed.bytes, byte_count, packed.offsets, packed.count, key0, key1, out.buf);
    else
        status = sdl_strings_fingerprint64(packed.bytes, byte_count, packed.offsets, packed.count, out.buf);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&out);
    packed_free(&packed);
    if (status != SDL_OK) return raise_status(status);
    Py_RETURN_NONE;
}

static PyObject *strings_fingerprint64(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *values, *out;
    if (!PyArg_ParseTuple(args, "OO", &values, &out)) return NULL;
    return hash_into(values, out, 0, 0, 0);
}

static PyObject *strings_siphash64(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *values, *out;
    unsigned long long key0, key1;
    if (!PyArg_ParseTuple(args, "OOKK", &values, &out, &key0, &key1)) return NULL;
    return hash_into(values, out, 1, key0, key1);
}

PyMethodDef string_hash_module_methods[] = {
    {"strings_fingerprint64", strings_fingerprint64, METH_VARARGS,
     "strings_fingerprint64(values, out): FarmHash Fingerprint64 of each string of a C-contiguous numpy array of "
     "str, bytes or objects (str as UTF-8), written to out (a uint64 array of as many items)."},
    {"strings_siphash64", strings_siphash64, METH_VARARGS,
     "strings_siphash64(values, out, key0, key1): SipHash-2-4 under (key0, key1) of each string, as "
     "strings_fingerprint64."},
    {NULL, NULL, 0, NULL},
};
