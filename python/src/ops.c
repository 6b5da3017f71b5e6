/* Thin wrappers from Python to the engine's math and shape functions. Each parses its
 * arguments, releases the GIL for the engine call, and wraps the returned handle. The
 * Python package does the numpy-style argument handling; this file only marshals. */
#include "extension.h"

#define RETURN_ENGINE_STATUS(call)                         \
    do {                                                   \
        sdl_status status;                                 \
        Py_BEGIN_ALLOW_THREADS                             \
        status = (call);                                   \
        Py_END_ALLOW_THREADS                               \
        if (status != SDL_OK) return raise_status(status); \
        Py_RETURN_NONE;                                    \
    } while (0)

static PyObject *binary(PyObject *module, PyObject *args) {
    (void)module;
    int op;
    PyObject *a_object, *b_object, *into_object = Py_None;
    if (!PyArg_ParseTuple(args, "iOO|O", &op, &a_object, &b_object, &into_object)) return NULL;
    sdl_tensor a = tensor_handle(a_object, "x1"), b = tensor_handle(b_object, "x2"), into = NULL;
    if (a == NULL || b == NULL) return NULL;
    if (into_object != Py_None && (into = tensor_handle(into_object, "out")) == NULL) return NULL;
    RETURN_ENGINE_RESULT(sdl_binary(op, a, b, into, &out));
}

static PyObject *unary(PyObject *module, PyObject *args) {
    (void)module;
    int op;
    PyObject *x_object, *into_object = Py_None;
    if (!PyArg_ParseTuple(args, "iO|O", &op, &x_object, &into_object)) return NULL;
    sdl_tensor x = tensor_handle(x_object, "x"), into = NULL;
    if (x == NULL) return NULL;
    if (into_object != Py_None && (into = tensor_handle(into_object, "out")) == NULL) return NULL;
    RETURN_ENGINE_RESULT(sdl_unary(op, x, into, &out));
}

static PyObject *reduce(PyObject *module, PyObject *args) {
    (void)module;
    int op, keepdims;
    PyObject *x_object, *axes_object;
    if (!PyArg_ParseTuple(args, "iOOp", &op, &x_object, &axes_object, &keepdims)) return NULL;
    sdl_tensor x = tensor_handle(x_object, "a");
    if (x == NULL) return NULL;
    int64_t axes[SDL_MAX_RANK];
    const int64_t *axes_pointer;
    int count = parse_optional_int_sequence(axes_object, axes, &axes_pointer, "axis");
    if (count < 0) return NULL;
    RETURN_ENGINE_RESULT(sdl_reduce(op, x, axes_pointer, count, keepdims, &out));
}

static PyObject *variance(PyObject *module, PyObject *args) {
    (void)module;
    int keepdims;
    long long ddof;
    PyObject *x_object, *axes_object;
    if (!PyArg_ParseTuple(args, "OOLp", &x_object, &axes_object, &ddof, &keepdims)) return NULL;
    sdl_tensor x = tensor_handle(x_object, "a");
    if (x == NULL) return NULL;
    int64_t axes[SDL_MAX_RANK];
    const int64_t *axes_pointer;
    int count = parse_optional_int_sequence(axes_object, axes, &axes_pointer, "axis");
    if (count < 0) return NULL;
    RETURN_ENGINE_RESULT(sdl_var(x, axes_pointer, count, ddof, keepdims, &out));
}

static PyObject *matmul(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *a_object, *b_object;
    if (!PyArg_ParseTuple(args, "OO", &a_object, &b_object)) return NULL;
    sdl_tensor a = tensor_handle(a_object, "x1"), b = tensor_handle(b_object, "x2");
    if (a == NULL || b == NULL) return NULL;
    RETURN_ENGINE_RESULT(sdl_matmul(a, b, &out));
}

static PyObject *where(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *c_object, *x_object, *y_object;
    if (!PyArg_ParseTuple(args, "OOO", &c_object, &x_object, &y_object)) return NULL;
    sdl_tensor c = tensor_handle(c_object, "condition"), x = tensor_handle(x_object, "x"), y = tensor_handle(y_object, "y");
    if (c == NULL || x == NULL || y == NULL) return NULL;
    RETURN_ENGINE_RESULT(sdl_where(c, x, y, &out));
}

static PyObject *take(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object, *indices_object, *axis_object;
    if (!PyArg_ParseTuple(args, "OOO", &x_object, &indices_object, &axis_object)) return NULL;
    sdl_tensor x = tensor_handle(x_object, "a"), indices = tensor_handle(indices_object, "indices");
    if (x == NULL || indices == NULL) return NULL;
    long long axis = 0;
    if (axis_object != Py_None && (axis = PyLong_AsLongLong(axis_object)) == -1 && PyErr_Occurred()) return NULL;
    RETURN_ENGINE_RESULT(sdl_take(x, indices, axis_object != Py_None, axis, &out));
}

static PyObject *gather_offsets(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *base_object, *offsets_object;
    if (!PyArg_ParseTuple(args, "OO", &base_object, &offsets_object)) return NULL;
    sdl_tensor base = tensor_handle(base_object, "a"), offsets = tensor_handle(offsets_object, "offsets");
    if (base == NULL || offsets == NULL) return NULL;
    RETURN_ENGINE_RESULT(sdl_gather_offsets(base, offsets, &out));
}

static PyObject *scatter_offsets(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *base_object, *offsets_object, *values_object;
    if (!PyArg_ParseTuple(args, "OOO", &base_object, &offsets_object, &values_object)) return NULL;
    sdl_tensor base = tensor_handle(base_object, "a"), offsets = tensor_handle(offsets_object, "offsets");
    sdl_tensor values = tensor_handle(values_object, "values");
    if (base == NULL || offsets == NULL || values == NULL) return NULL;
    RETURN_ENGINE_STATUS(sdl_scatter_offsets(base, offsets, values));
}

static PyObject *nonzero(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object;
    if (!PyArg_ParseTuple(args, "O", &x_object)) return NULL;
    sdl_tensor x = tensor_handle(x_object, "a");
    if (x == NULL) return NULL;
    RETURN_ENGINE_RESULT(sdl_nonzero(x, &out));
}

static PyObject *view(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object, *shape_object, *strides_object;
    long long offset;
    if (!PyArg_ParseTuple(args, "OLOO", &x_object, &offset, &shape_object, &strides_object)) return NULL;
    sdl_tensor x = tensor_handle(x_object, "a");
    if (x == NULL) return NULL;
    int64_t shape[SDL_MAX_RANK], strides[SDL_MAX_RANK];
    int ndim = parse_int_sequence(shape_object, shape, SDL_MAX_RANK, "shape");
    if (ndim < 0) return NULL;
    int nstrides = parse_int_sequence(strides_object, strides, SDL_MAX_RANK, "strides");
    if (nstrides < 0) return NULL;
    if (nstrides != ndim) {
        PyErr_SetString(PyExc_ValueError, "[view] shape and strides differ in length");
        return NULL;
    }
    RETURN_ENGINE_RESULT(sdl_tensor_view(x, offset, shape, strides, ndim, &out));
}

static PyObject *cast(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object;
    int dtype;
    if (!PyArg_ParseTuple(args, "Oi", &x_object, &dtype)) return NULL;
    sdl_tensor x = tensor_handle(x_object, "a");
    if (x == NULL) return NULL;
    RETURN_ENGINE_RESULT(sdl_tensor_cast(x, dtype, &out));
}

static PyObject *assign(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *target_object, *value_object;
    if (!PyArg_ParseTuple(args, "OO", &target_object, &value_object)) return NULL;
    sdl_tensor target = tensor_handle(target_object, "target"), value = tensor_handle(value_object, "value");
    if (target == NULL || value == NULL) return NULL;
    RETURN_ENGINE_STATUS(sdl_tensor_assign(target, value));
}

/* Shape functions taking (tensor, int sequence). */
#define SHAPE_WRAPPER(name, engine_call, what)                                \
    static PyObject *name(PyObject *module, PyObject *args) {                 \
        (void)module;                                                         \
        PyObject *x_object, *sequence;                                        \
        if (!PyArg_ParseTuple(args, "OO", &x_object, &sequence)) return NULL; \
        sdl_tensor x = tensor_handle(x_object, "a");                          \
        if (x == NULL) return NULL;                                           \
        int64_t values[SDL_MAX_RANK];                                         \
        int count = parse_int_sequence(sequence, values, SDL_MAX_RANK, what); \
        if (count < 0) return NULL;                                           \
        RETURN_ENGINE_RESULT(engine_call(x, values, count, &out));            \
    }

SHAPE_WRAPPER(reshape, sdl_reshape, "shape")
SHAPE_WRAPPER(transpose, sdl_transpose, "axes")
SHAPE_WRAPPER(broadcast_to, sdl_broadcast_to, "shape")

static PyObject *squeeze(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object, *axes_object;
    if (!PyArg_ParseTuple(args, "OO", &x_object, &axes_object)) return NULL;
    sdl_tensor x = tensor_handle(x_object, "a");
    if (x == NULL) return NULL;
    int64_t axes[SDL_MAX_RANK];
    const int64_t *axes_pointer;
    int count = parse_optional_int_sequence(axes_object, axes, &axes_pointer, "axis");
    if (count < 0) return NULL;
    RETURN_ENGINE_RESULT(sdl_squeeze(x, axes_pointer, count, &out));
}

static PyObject *expand_dims(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object;
    long long axis;
    if (!PyArg_ParseTuple(args, "OL", &x_object, &axis)) return NULL;
    sdl_tensor x = tensor_handle(x_object, "a");
    if (x == NULL) return NULL;
    RETURN_ENGINE_RESULT(sdl_expand_dims(x, axis, &out));
}

/* concatenate / stack over a sequence of tensors. */
static PyObject *join(PyObject *args, int stacking) {
    PyObject *sequence;
    long long axis;
    if (!PyArg_ParseTuple(args, "OL", &sequence, &axis)) return NULL;
    PyObject *fast = PySequence_Fast(sequence, "expected a sequence of tensors");
    if (fast == NULL) return NULL;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(fast);
    if (count > INT32_MAX) {
        Py_DECREF(fast);
        PyErr_SetString(PyExc_ValueError, "too many tensors");
        return NULL;
    }
    sdl_tensor *handles = PyMem_Malloc(sizeof(sdl_tensor) * (count > 0 ? count : 1));
    if (handles == NULL) {
        Py_DECREF(fast);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        handles[i] = tensor_handle(PySequence_Fast_GET_ITEM(fast, i), "arrays");
        if (handles[i] == NULL) {
            PyMem_Free(handles);
            Py_DECREF(fast);
            return NULL;
        }
    }
    sdl_tensor out = NULL;
    sdl_status status;
    Py_BEGIN_ALLOW_THREADS
    status = stacking ? sdl_stack(handles, (int32_t)count, axis, &out) : sdl_concatenate(handles, (int32_t)count, axis, &out);
    Py_END_ALLOW_THREADS
    PyMem_Free(handles);
    Py_DECREF(fast); /* the tensors stayed alive through the call */
    return status == SDL_OK ? wrap_tensor(out) : raise_status(status);
}

static PyObject *concatenate(PyObject *module, PyObject *args) {
    (void)module;
    return join(args, 0);
}
static PyObject *stack(PyObject *module, PyObject *args) {
    (void)module;
    return join(args, 1);
}

static PyObject *full(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *shape_object, *value_object;
    int dtype;
    if (!PyArg_ParseTuple(args, "OOi", &shape_object, &value_object, &dtype)) return NULL;
    sdl_tensor value = tensor_handle(value_object, "fill_value");
    if (value == NULL) return NULL;
    int64_t shape[SDL_MAX_RANK];
    int ndim = parse_int_sequence(shape_object, shape, SDL_MAX_RANK, "shape");
    if (ndim < 0) return NULL;
    RETURN_ENGINE_RESULT(sdl_full(shape, ndim, value, dtype, &out));
}

static PyObject *arange(PyObject *module, PyObject *args) {
    (void)module;
    double start, stop, step;
    int dtype;
    if (!PyArg_ParseTuple(args, "dddi", &start, &stop, &step, &dtype)) return NULL;
    RETURN_ENGINE_RESULT(sdl_arange(start, stop, step, dtype, &out));
}

static PyObject *linspace(PyObject *module, PyObject *args) {
    (void)module;
    double start, stop;
    long long num;
    int endpoint, dtype;
    if (!PyArg_ParseTuple(args, "ddLpi", &start, &stop, &num, &endpoint, &dtype)) return NULL;
    RETURN_ENGINE_RESULT(sdl_linspace(start, stop, num, endpoint, dtype, &out));
}

static PyObject *eye(PyObject *module, PyObject *args) {
    (void)module;
    long long rows, columns, k;
    int dtype;
    if (!PyArg_ParseTuple(args, "LLLi", &rows, &columns, &k, &dtype)) return NULL;
    RETURN_ENGINE_RESULT(sdl_eye(rows, columns, k, dtype, &out));
}

static PyObject *random_seed(PyObject *module, PyObject *args) {
    (void)module;
    unsigned long long seed;
    if (!PyArg_ParseTuple(args, "K", &seed)) return NULL;
    sdl_random_seed(seed);
    Py_RETURN_NONE;
}

/* random_get_state() -> (seed, next_block): the global stream's position. */
static PyObject *random_get_state(PyObject *module, PyObject *unused) {
    (void)module;
    (void)unused;
    uint64_t seed = 0, next_block = 0;
    sdl_status status = sdl_random_get_state(&seed, &next_block);
    if (status != SDL_OK) return raise_status(status);
    return Py_BuildValue("(KK)", (unsigned long long)seed, (unsigned long long)next_block);
}

/* random_set_state(seed, next_block): puts the global stream back where random_get_state saw it. */
static PyObject *random_set_state(PyObject *module, PyObject *args) {
    (void)module;
    unsigned long long seed, next_block;
    if (!PyArg_ParseTuple(args, "KK", &seed, &next_block)) return NULL;
    sdl_random_set_state((uint64_t)seed, (uint64_t)next_block);
    Py_RETURN_NONE;
}

/* Random draws taking (shape, a, b, dtype). */
static PyObject *random_draw(PyObject *args, int kind) {
    PyObject *shape_object, *a_object, *b_object;
    int dtype;
    if (!PyArg_ParseTuple(args, "OOOi", &shape_object, &a_object, &b_object, &dtype)) return NULL;
    int64_t shape[SDL_MAX_RANK];
    int ndim = parse_int_sequence(shape_object, shape, SDL_MAX_RANK, "size");
    if (ndim < 0) return NULL;
    if (kind == 2) {
        long long low = PyLong_AsLongLong(a_object), high;
        if (low == -1 && PyErr_Occurred()) return NULL;
        high = PyLong_AsLongLong(b_object);
        if (high == -1 && PyErr_Occurred()) return NULL;
        RETURN_ENGINE_RESULT(sdl_random_randint(shape, ndim, low, high, dtype, &out));
    }
    double a = PyFloat_AsDouble(a_object), b;
    if (a == -1.0 && PyErr_Occurred()) return NULL;
    b = PyFloat_AsDouble(b_object);
    if (b == -1.0 && PyErr_Occurred()) return NULL;
    if (kind == 0) RETURN_ENGINE_RESULT(sdl_random_uniform(shape, ndim, a, b, dtype, &out));
    RETURN_ENGINE_RESULT(sdl_random_normal(shape, ndim, a, b, dtype, &out));
}

static PyObject *random_uniform(PyObject *module, PyObject *args) {
    (void)module;
    return random_draw(args, 0);
}
static PyObject *random_normal(PyObject *module, PyObject *args) {
    (void)module;
    return random_draw(args, 1);
}
static PyObject *random_randint(PyObject *module, PyObject *args) {
    (void)module;
    return random_draw(args, 2);
}

static PyObject *random_permutation(PyObject *module, PyObject *args) {
    (void)module;
    long long n;
    if (!PyArg_ParseTuple(args, "L", &n)) return NULL;
    RETURN_ENGINE_RESULT(sdl_random_permutation(n, &out));
}

PyMethodDef ops_module_methods[] = {
    {"binary", binary, METH_VARARGS, "binary(op, a, b, out=None)"},
    {"unary", unary, METH_VARARGS, "unary(op, x, out=None)"},
    {"reduce", reduce, METH_VARARGS, "reduce(op, x, axes|None, keepdims)"},
    {"var", variance, METH_VARARGS, "var(x, axes|None, ddof, keepdims)"},
    {"matmul", matmul, METH_VARARGS, "matmul(a, b)"},
    {"where", where, METH_VARARGS, "where(condition, x, y)"},
    {"take", take, METH_VARARGS, "take(x, indices, axis|None)"},
    {"gather_offsets", gather_offsets, METH_VARARGS, "gather_offsets(base, offsets)"},
    {"scatter_offsets", scatter_offsets, METH_VARARGS, "scatter_offsets(base, offsets, values)"},
    {"nonzero", nonzero, METH_VARARGS, "nonzero(x) -> (ndim, count) int64"},
    {"view", view, METH_VARARGS, "view(x, offset, shape, strides) in elements"},
    {"cast", cast, METH_VARARGS, "cast(x, dtype_code)"},
    {"assign", assign, METH_VARARGS, "assign(target, value): target[...] = value"},
    {"reshape", reshape, METH_VARARGS, "reshape(x, shape)"},
    {"transpose", transpose, METH_VARARGS, "transpose(x, axes)"},
    {"broadcast_to", broadcast_to, METH_VARARGS, "broadcast_to(x, shape)"},
    {"squeeze", squeeze, METH_VARARGS, "squeeze(x, axes|None)"},
    {"expand_dims", expand_dims, METH_VARARGS, "expand_dims(x, axis)"},
    {"concatenate", concatenate, METH_VARARGS, "concatenate(tensors, axis)"},
    {"stack", stack, METH_VARARGS, "stack(tensors, axis)"},
    {"full", full, METH_VARARGS, "full(shape, value_tensor, dtype_code)"},
    {"arange", arange, METH_VARARGS, "arange(start, stop, step, dtype_code)"},
    {"linspace", linspace, METH_VARARGS, "linspace(start, stop, num, endpoint, dtype_code)"},
    {"eye", eye, METH_VARARGS, "eye(rows, columns, k, dtype_code)"},
    {"random_seed", random_seed, METH_VARARGS, "random_seed(seed)"},
    {"random_get_state", random_get_state, METH_NOARGS, "random_get_state() -> (seed, next_block)"},
    {"random_set_state", random_set_state, METH_VARARGS, "random_set_state(seed, next_block)"},
    {"random_uniform", random_uniform, METH_VARARGS, "random_uniform(shape, low, high, dtype_code)"},
    {"random_normal", random_normal, METH_VARARGS, "random_normal(shape, mean, std, dtype_code)"},
    {"random_randint", random_randint, METH_VARARGS, "random_randint(shape, low, high, dtype_code)"},
    {"random_permutation", random_permutation, METH_VARARGS, "random_permutation(n)"},
    {NULL, NULL, 0, NULL},
};
