/* Seeded random draws (sdl_random_*_seeded): each call names its own Philox key and first
   counter block, for Keras's stateless random ops and SeedGenerator. */
#include "extension.h"

enum { UNIFORM, NORMAL, RANDINT };

/* (shape, a, b, dtype, key, block) -> Tensor */
static PyObject *seeded_draw(PyObject *args, int kind) {
    PyObject *shape_object, *a_object, *b_object;
    int dtype;
    unsigned long long key, block;
    if (!PyArg_ParseTuple(args, "OOOiKK", &shape_object, &a_object, &b_object, &dtype, &key, &block)) return NULL;
    int64_t shape[SDL_MAX_RANK];
    int ndim = parse_int_sequence(shape_object, shape, SDL_MAX_RANK, "shape");
    if (ndim < 0) return NULL;
    if (kind == RANDINT) {
        long long low = PyLong_AsLongLong(a_object), high;
        if (low == -1 && PyErr_Occurred()) return NULL;
        high = PyLong_AsLongLong(b_object);
        if (high == -1 && PyErr_Occurred()) return NULL;
        RETURN_ENGINE_RESULT(sdl_random_randint_seeded(shape, ndim, low, high, dtype, key, block, &out));
    }
    double a = PyFloat_AsDouble(a_object), b;
    if (a == -1.0 && PyErr_Occurred()) return NULL;
    b = PyFloat_AsDouble(b_object);
    if (b == -1.0 && PyErr_Occurred()) return NULL;
    if (kind == UNIFORM) RETURN_ENGINE_RESULT(sdl_random_uniform_seeded(shape, ndim, a, b, dtype, key, block, &out));
    RETURN_ENGINE_RESULT(sdl_random_normal_seeded(shape, ndim, a, b, dtype, key, block, &out));
}

static PyObject *uniform_seeded(PyObject *module, PyObject *args) {
    (void)module;
    return seeded_draw(args, UNIFORM);
}
static PyObject *normal_seeded(PyObject *module, PyObject *args) {
    (void)module;
    return seeded_draw(args, NORMAL);
}
static PyObject *randint_seeded(PyObject *module, PyObject *args) {
    (void)module;
    return seeded_draw(args, RANDINT);
}

static PyObject *permutation_seeded(PyObject *module, PyObject *args) {
    (void)module;
    long long n;
    unsigned long long key, block;
    if (!PyArg_ParseTuple(args, "LKK", &n, &key, &block)) return NULL;
    RETURN_ENGINE_RESULT(sdl_random_permutation_seeded(n, key, block, &out));
}

PyMethodDef seeded_random_module_methods[] = {
    {"random_uniform_seeded", uniform_seeded, METH_VARARGS, "random_uniform_seeded(shape, low, high, dtype, key, block)"},
    {"random_normal_seeded", normal_seeded, METH_VARARGS, "random_normal_seeded(shape, mean, std, dtype, key, block)"},
    {"random_randint_seeded", randint_seeded, METH_VARARGS, "random_randint_seeded(shape, low, high, dtype, key, block)"},
    {"random_permutation_seeded", permutation_seeded, METH_VARARGS, "random_permutation_seeded(n, key, block)"},
    {NULL, NULL, 0, NULL},
};
