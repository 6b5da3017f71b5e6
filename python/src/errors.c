/* Engine status codes to Python exceptions, and small argument helpers. */
#include "extension.h"

PyObject *raise_status(sdl_status status) {
    const char *message = sdl_last_error();
    PyObject *kind;
    switch (status) {
    case SDL_ERROR_VALUE: kind = PyExc_ValueError; break;
    case SDL_ERROR_TYPE: kind = PyExc_TypeError; break;
    case SDL_ERROR_INDEX: kind = PyExc_IndexError; break;
    case SDL_ERROR_MEMORY: kind = PyExc_MemoryError; break;
    default: kind = PyExc_RuntimeError; break;
    }
    PyErr_SetString(kind, message && message[0] ? message : "swiftdl engine error");
    return NULL;
}

int parse_int_sequence(PyObject *sequence, int64_t *values, int capacity, const char *what) {
    PyObject *fast = PySequence_Fast(sequence, what);
    if (fast == NULL) return -1;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(fast);
    if (count > capacity) {
        PyErr_Format(PyExc_ValueError, "%s has %zd entries; at most %d are supported", what, count, capacity);
        Py_DECREF(fast);
        return -1;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(fast, i);
        PyObject *index = PyNumber_Index(item);
        if (index == NULL) {
            PyErr_Format(PyExc_TypeError, "%s must contain integers; received %R", what, item);
            Py_DECREF(fast);
            return -1;
        }
        long long value = PyLong_AsLongLong(index);
        Py_DECREF(index);
        if (value == -1 && PyErr_Occurred()) {
            if (PyErr_ExceptionMatches(PyExc_OverflowError)) {
                /* numpy's answer for a dimension or axis beyond int64 is a ValueError too */
                PyErr_Clear();
                PyErr_Format(PyExc_ValueError, "%s value %R is out of range", what, item);
            }
            Py_DECREF(fast);
            return -1;
        }
        values[i] = (int64_t)value;
    }
    Py_DECREF(fast);
    return (int)count;
}

int parse_optional_int_sequence(PyObject *object, int64_t *values, const int64_t **pointer, const char *what) {
    if (object == Py_None) {
        *pointer = NULL;
        return 0;
    }
    *pointer = values;
    return parse_int_sequence(object, values, SDL_MAX_RANK, what);
}

const char *dtype_format(sdl_dtype dtype) {
    switch (dtype) {
    case SDL_FLOAT32: return "f";
    case SDL_FLOAT64: return "d";
    case SDL_INT32: return "i";
    /* "l" where long is 64-bit: numpy maps it to np.int64 itself ("q" is np.longlong there,
       equal as a dtype but printed with dtype=int64 in reprs). */
    case SDL_INT64: return sizeof(long) == 8 ? "l" : "q";
    case SDL_UINT8: return "B";
    case SDL_BOOL: return "?";
    default: return "B";
    }
}

int dtype_from_format(const char *format, Py_ssize_t itemsize, sdl_dtype *dtype) {
    if (format == NULL) format = "B";
    /* Native byte order only: '@', '=' and '<' on little-endian machines. */
    if (format[0] == '@' || format[0] == '=')
        format++;
    else if (format[0] == '<') {
#if PY_LITTLE_ENDIAN
        format++;
#else
        return 0;
#endif
    }
    if (format[0] == '\0' || format[1] != '\0') return 0;
    switch (format[0]) {
    case 'f': *dtype = SDL_FLOAT32; return itemsize == 4;
    case 'd': *dtype = SDL_FLOAT64; return itemsize == 8;
    case 'i':
    case 'l':
    case 'q':
        if (itemsize == 4) {
            *dtype = SDL_INT32;
            return 1;
        }
        if (itemsize == 8) {
            *dtype = SDL_INT64;
            return 1;
        }
        return 0;
    case 'B': *dtype = SDL_UINT8; return itemsize == 1;
    case '?': *dtype = SDL_BOOL; return itemsize == 1;
    default: return 0;
    }
}
