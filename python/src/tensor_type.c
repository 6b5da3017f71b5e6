/* swiftdl._C.TensorBase: the C half of swiftdl.Tensor. It owns one engine handle and
 * exports the tensor's memory through the buffer protocol and DLPack, so numpy can view
 * it without a copy. The numpy-like API lives in the Python subclass. */
#include "extension.h"
#include "dlpack.h"

static PyTypeObject *tensor_class = &TensorBaseType;

/* Whether numpy can view a tensor of this shape: its non-zero sizes times the item size must
   fit in numpy's intp. Ops check their element counts; this also catches an empty tensor
   whose other sizes are huge (a draw of shape (2**62, 0), found by fuzzing), which numpy
   refuses to view. */
static int numpy_can_view(sdl_tensor handle) {
    sdl_dtype dtype = sdl_tensor_dtype(handle);
    int64_t bytes = (dtype == SDL_FLOAT64 || dtype == SDL_INT64) ? 8 : (dtype == SDL_UINT8 || dtype == SDL_BOOL) ? 1 : 4;
    int32_t ndim = sdl_tensor_ndim(handle);
    int64_t local[SDL_MAX_RANK];
    int64_t *shape = ndim <= SDL_MAX_RANK ? local : PyMem_Malloc(sizeof(int64_t) * (size_t)ndim);
    if (shape == NULL) return 0;
    sdl_tensor_shape(handle, shape);
    int fits = 1;
    for (int32_t i = 0; i < ndim && fits; i++) {
        if (shape[i] != 0 && __builtin_mul_overflow(bytes, shape[i], &bytes)) fits = 0;
    }
    if (shape != local) PyMem_Free(shape);
    return fits;
}

PyObject *wrap_tensor(sdl_tensor handle) {
    if (!numpy_can_view(handle)) {
        sdl_tensor_free(handle);
        PyErr_SetString(PyExc_MemoryError, "the result's shape is too large: its sizes times its item size overflow");
        return NULL;
    }
    TensorObject *object = (TensorObject *)tensor_class->tp_alloc(tensor_class, 0);
    if (object == NULL) {
        sdl_tensor_free(handle);
        return NULL;
    }
    object->handle = handle;
    return (PyObject *)object;
}

PyObject *wrap_results(sdl_tensor *handles, int count) {
    PyObject *tuple = PyTuple_New(count);
    if (tuple == NULL) {
        for (int i = 0; i < count; i++) sdl_tensor_free(handles[i]);
        return NULL;
    }
    for (int i = 0; i < count; i++) {
        PyObject *tensor = wrap_tensor(handles[i]); /* steals the handle */
        if (tensor == NULL) {
            for (int j = i + 1; j < count; j++) sdl_tensor_free(handles[j]);
            Py_DECREF(tuple);
            return NULL;
        }
        PyTuple_SET_ITEM(tuple, i, tensor);
    }
    return tuple;
}

sdl_tensor tensor_handle(PyObject *object, const char *argument) {
    if (!PyObject_TypeCheck(object, &TensorBaseType)) {
        PyErr_Format(PyExc_TypeError, "%s must be a swiftdl.Tensor; received %.100s", argument, Py_TYPE(object)->tp_name);
        return NULL;
    }
    sdl_tensor handle = ((TensorObject *)object)->handle;
    if (handle == NULL) PyErr_Format(PyExc_ValueError, "%s is an uninitialised swiftdl.Tensor", argument);
    return handle;
}

int optional_tensor_handle(PyObject *object, const char *argument, sdl_tensor *handle) {
    *handle = NULL;
    if (object == Py_None) return 0;
    *handle = tensor_handle(object, argument);
    return *handle == NULL ? -1 : 0;
}

static PyObject *tensor_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    (void)args;
    (void)kwargs;
    /* Instances come from the engine; Python subclasses define their own __new__. */
    PyErr_Format(PyExc_TypeError, "cannot create %.100s instances directly; use swiftdl.asarray", type->tp_name);
    return NULL;
}

static void tensor_dealloc(TensorObject *self) {
    if (self->weakrefs != NULL) PyObject_ClearWeakRefs((PyObject *)self);
    sdl_tensor_free(self->handle);
    self->handle = NULL;
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* ---- Buffer protocol ---------------------------------------------------------------- */

static int tensor_getbuffer(TensorObject *self, Py_buffer *view, int flags) {
    sdl_tensor handle = self->handle;
    if (handle == NULL) {
        PyErr_SetString(PyExc_BufferError, "uninitialised tensor");
        return -1;
    }
    int ndim = sdl_tensor_ndim(handle);
    int contiguous = sdl_tensor_is_contiguous(handle);
    if (!contiguous && ((flags & PyBUF_STRIDES) != PyBUF_STRIDES || (flags & PyBUF_ANY_CONTIGUOUS) == PyBUF_ANY_CONTIGUOUS)) {
        PyErr_SetString(PyExc_BufferError, "swiftdl.Tensor is not contiguous; call .copy() or use numpy.asarray");
        return -1;
    }
    /* shape and strides live in one block owned by the view (freed in releasebuffer). */
    Py_ssize_t *dims = PyMem_Malloc(sizeof(Py_ssize_t) * 2 * (ndim > 0 ? ndim : 1));
    if (dims == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    int64_t shape[SDL_MAX_RANK], strides[SDL_MAX_RANK];
    sdl_tensor_shape(handle, shape);
    sdl_tensor_strides(handle, strides);
    for (int i = 0; i < ndim; i++) {
        dims[i] = (Py_ssize_t)shape[i];
        dims[ndim + i] = (Py_ssize_t)strides[i];
    }
    sdl_dtype dtype = sdl_tensor_dtype(handle);
    Py_ssize_t itemsize = (dtype == SDL_FLOAT64 || dtype == SDL_INT64) ? 8 : (dtype == SDL_UINT8 || dtype == SDL_BOOL) ? 1 : 4;

    view->buf = sdl_tensor_data(handle);
    if (view->buf == NULL) {
        PyMem_Free(dims);
        raise_status(SDL_ERROR_MEMORY);
        return -1;
    }
    view->obj = (PyObject *)self;
    Py_INCREF(self);
    view->len = (Py_ssize_t)sdl_tensor_size(handle) * itemsize;
    view->readonly = 0;
    view->itemsize = itemsize;
    view->format = (flags & PyBUF_FORMAT) ? (char *)dtype_format(dtype) : NULL;
    view->ndim = ndim;
    view->shape = (flags & PyBUF_ND) == PyBUF_ND ? dims : NULL;
    view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? dims + ndim : NULL;
    view->suboffsets = NULL;
    view->internal = dims;
    return 0;
}

static void tensor_releasebuffer(TensorObject *self, Py_buffer *view) {
    (void)self;
    PyMem_Free(view->internal);
}

static PyBufferProcs tensor_as_buffer = {
    (getbufferproc)tensor_getbuffer,
    (releasebufferproc)tensor_releasebuffer,
};

/* ---- Metadata ------------------------------------------------------------------------ */

static PyObject *int64_tuple(const int64_t *values, int count) {
    PyObject *tuple = PyTuple_New(count);
    if (tuple == NULL) return NULL;
    for (int i = 0; i < count; i++) {
        PyObject *item = PyLong_FromLongLong(values[i]);
        if (item == NULL) {
            Py_DECREF(tuple);
            return NULL;
        }
        PyTuple_SET_ITEM(tuple, i, item);
    }
    return tuple;
}

static PyObject *get_shape(TensorObject *self, void *closure) {
    (void)closure;
    int64_t shape[SDL_MAX_RANK];
    sdl_tensor_shape(self->handle, shape);
    return int64_tuple(shape, sdl_tensor_ndim(self->handle));
}

static PyObject *get_strides(TensorObject *self, void *closure) {
    (void)closure;
    int64_t strides[SDL_MAX_RANK];
    sdl_tensor_strides(self->handle, strides);
    return int64_tuple(strides, sdl_tensor_ndim(self->handle));
}

static PyObject *get_ndim(TensorObject *self, void *closure) {
    (void)closure;
    return PyLong_FromLong(sdl_tensor_ndim(self->handle));
}
static PyObject *get_size(TensorObject *self, void *closure) {
    (void)closure;
    return PyLong_FromLongLong(sdl_tensor_size(self->handle));
}
static PyObject *get_dtype_code(TensorObject *self, void *closure) {
    (void)closure;
    return PyLong_FromLong(sdl_tensor_dtype(self->handle));
}
static PyObject *get_offset(TensorObject *self, void *closure) {
    (void)closure;
    return PyLong_FromLongLong(sdl_tensor_offset(self->handle));
}
static PyObject *get_data_pointer(TensorObject *self, void *closure) {
    (void)closure;
    void *data = sdl_tensor_data(self->handle);
    return data == NULL ? raise_status(SDL_ERROR_MEMORY) : PyLong_FromVoidPtr(data);
}
static PyObject *get_contiguous(TensorObject *self, void *closure) {
    (void)closure;
    return PyBool_FromLong(sdl_tensor_is_contiguous(self->handle));
}

static PyGetSetDef tensor_getset[] = {
    {"shape", (getter)get_shape, NULL, "Tuple of array dimensions.", NULL},
    {"strides", (getter)get_strides, NULL, "Tuple of bytes to step in each dimension.", NULL},
    {"ndim", (getter)get_ndim, NULL, "Number of array dimensions.", NULL},
    {"size", (getter)get_size, NULL, "Number of elements.", NULL},
    {"_dtype_code", (getter)get_dtype_code, NULL, "Engine dtype code.", NULL},
    {"_offset", (getter)get_offset, NULL, "Element offset into the storage.", NULL},
    {"_data_pointer", (getter)get_data_pointer, NULL, "Address of the first element.", NULL},
    {"_is_contiguous", (getter)get_contiguous, NULL, "True if C-contiguous.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

/* ---- DLPack ------------------------------------------------------------------------- */

static void dlpack_deleter(DLManagedTensor *managed) {
    /* The engine takes the GIL itself if a borrowed numpy buffer must be released. */
    sdl_tensor_free((sdl_tensor)managed->manager_ctx);
    PyMem_RawFree(managed);
}

static void dlpack_capsule_destructor(PyObject *capsule) {
    /* A consumer renames the capsule to "used_dltensor" and takes over the deleter. */
    if (PyCapsule_IsValid(capsule, "dltensor")) {
        DLManagedTensor *managed = PyCapsule_GetPointer(capsule, "dltensor");
        if (managed != NULL && managed->deleter != NULL) managed->deleter(managed);
    }
}

static PyObject *tensor_dlpack(TensorObject *self, PyObject *args, PyObject *kwargs) {
    static char *keywords[] = {"stream", "max_version", "dl_device", "copy", NULL};
    PyObject *stream = Py_None, *max_version = Py_None, *dl_device = Py_None, *copy = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|$OOOO", keywords, &stream, &max_version, &dl_device, &copy)) return NULL;
    if (stream != Py_None) {
        PyErr_SetString(PyExc_ValueError, "swiftdl tensors live on the CPU; stream must be None");
        return NULL;
    }
    if (copy == Py_True) {
        PyErr_SetString(PyExc_BufferError, "__dlpack__(copy=True) is not supported; call .copy() first");
        return NULL;
    }
    int ndim = sdl_tensor_ndim(self->handle);
    /* One allocation: the managed tensor followed by its shape and strides. */
    DLManagedTensor *managed = PyMem_RawMalloc(sizeof(DLManagedTensor) + sizeof(int64_t) * 2 * (ndim > 0 ? ndim : 1));
    if (managed == NULL) return PyErr_NoMemory();
    int64_t *shape = (int64_t *)(managed + 1), *strides = shape + ndim;
    sdl_tensor_shape(self->handle, shape);
    sdl_tensor_strides(self->handle, strides);
    sdl_dtype dtype = sdl_tensor_dtype(self->handle);
    DLDataType dl_type;
    switch (dtype) {
    case SDL_FLOAT32: dl_type = (DLDataType){kDLFloat, 32, 1}; break;
    case SDL_FLOAT64: dl_type = (DLDataType){kDLFloat, 64, 1}; break;
    case SDL_INT32: dl_type = (DLDataType){kDLInt, 32, 1}; break;
    case SDL_INT64: dl_type = (DLDataType){kDLInt, 64, 1}; break;
    case SDL_UINT8: dl_type = (DLDataType){kDLUInt, 8, 1}; break;
    default: dl_type = (DLDataType){kDLBool, 8, 1}; break;
    }
    int64_t itemsize = dl_type.bits / 8;
    for (int i = 0; i < ndim; i++) strides[i] /= itemsize; /* DLPack strides count elements */

    /* The capsule holds its own engine reference: a view of the same memory. */
    sdl_tensor keep = NULL;
    int64_t offset = sdl_tensor_offset(self->handle);
    sdl_status status = sdl_tensor_view(self->handle, offset, shape, strides, ndim, &keep);
    if (status != SDL_OK) {
        PyMem_RawFree(managed);
        return raise_status(status);
    }

    managed->dl_tensor.data = sdl_tensor_data(self->handle);
    if (managed->dl_tensor.data == NULL) {
        sdl_tensor_free(keep);
        PyMem_RawFree(managed);
        return raise_status(SDL_ERROR_MEMORY);
    }
    managed->dl_tensor.device = (DLDevice){kDLCPU, 0};
    managed->dl_tensor.ndim = ndim;
    managed->dl_tensor.dtype = dl_type;
    managed->dl_tensor.shape = shape;
    managed->dl_tensor.strides = strides;
    managed->dl_tensor.byte_offset = 0;
    managed->manager_ctx = keep;
    managed->deleter = dlpack_deleter;
    PyObject *capsule = PyCapsule_New(managed, "dltensor", dlpack_capsule_destructor);
    if (capsule == NULL) dlpack_deleter(managed);
    return capsule;
}

static PyObject *tensor_dlpack_device(TensorObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    return Py_BuildValue("(ii)", kDLCPU, 0);
}

static PyMethodDef tensor_methods[] = {
    {"__dlpack__", (PyCFunction)(void (*)(void))tensor_dlpack, METH_VARARGS | METH_KEYWORDS,
     "Exports the tensor as a DLPack capsule (zero-copy)."},
    {"__dlpack_device__", (PyCFunction)tensor_dlpack_device, METH_NOARGS, "Returns (kDLCPU, 0)."},
    {NULL, NULL, 0, NULL},
};

PyTypeObject TensorBaseType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "swiftdl._C.TensorBase",
    .tp_basicsize = sizeof(TensorObject),
    .tp_dealloc = (destructor)tensor_dealloc,
    .tp_as_buffer = &tensor_as_buffer,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Engine-backed n-dimensional array (base of swiftdl.Tensor).",
    .tp_weaklistoffset = offsetof(TensorObject, weakrefs),
    .tp_methods = tensor_methods,
    .tp_getset = tensor_getset,
    .tp_new = tensor_new,
};

/* ---- Module functions: creating tensors --------------------------------------------- */

static PyObject *set_tensor_class(PyObject *module, PyObject *cls) {
    (void)module;
    if (!PyType_Check(cls) || !PyType_IsSubtype((PyTypeObject *)cls, &TensorBaseType)) {
        PyErr_SetString(PyExc_TypeError, "the tensor class must subclass TensorBase");
        return NULL;
    }
    Py_INCREF(cls);
    tensor_class = (PyTypeObject *)cls;
    Py_RETURN_NONE;
}

/* Releases a borrowed Python buffer once the engine is done with it (any thread). */
static void release_borrowed_buffer(void *context) {
    if (_Py_IsFinalizing()) return; /* the interpreter is gone: leaking is all that is safe */
    PyGILState_STATE state = PyGILState_Ensure();
    Py_buffer *view = context;
    PyBuffer_Release(view);
    PyMem_RawFree(view);
    PyGILState_Release(state);
}

/* from_buffer(obj, borrow) -> Tensor or None. Imports any buffer-protocol object with a
   supported format. borrow=True views the memory without copying (writable buffers only);
   otherwise the data are copied. Returns None for formats the engine does not hold. */
static PyObject *from_buffer(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *object;
    int borrow;
    if (!PyArg_ParseTuple(args, "Op", &object, &borrow)) return NULL;
    Py_buffer *view = PyMem_RawMalloc(sizeof(Py_buffer));
    if (view == NULL) return PyErr_NoMemory();
    int got = PyObject_GetBuffer(object, view, borrow ? PyBUF_RECORDS : PyBUF_RECORDS_RO);
    if (got != 0 && borrow) {
        PyErr_Clear(); /* read-only memory cannot be shared writably */
        PyMem_RawFree(view);
        Py_RETURN_NONE;
    }
    if (got != 0) {
        PyMem_RawFree(view);
        return NULL;
    }
    sdl_dtype dtype;
    if (view->ndim > SDL_MAX_RANK || !dtype_from_format(view->format, view->itemsize, &dtype) || view->suboffsets != NULL) {
        PyBuffer_Release(view);
        PyMem_RawFree(view);
        Py_RETURN_NONE;
    }
    int64_t shape[SDL_MAX_RANK], strides[SDL_MAX_RANK];
    for (int i = 0; i < view->ndim; i++) {
        shape[i] = view->shape ? view->shape[i] : (i == 0 ? view->len / view->itemsize : 1);
        strides[i] = view->strides ? view->strides[i] : view->itemsize;
    }
    sdl_tensor handle = NULL;
    sdl_status status;
    if (borrow) {
        status = sdl_tensor_borrow(dtype, shape, view->ndim, strides, view->buf, release_borrowed_buffer, view, &handle);
        if (status != SDL_OK) {
            PyBuffer_Release(view);
            PyMem_RawFree(view);
            return raise_status(status);
        }
    } else {
        Py_BEGIN_ALLOW_THREADS
        status = sdl_tensor_from_data(dtype, shape, view->ndim, strides, view->buf, &handle);
        Py_END_ALLOW_THREADS
        PyBuffer_Release(view);
        PyMem_RawFree(view);
        if (status != SDL_OK) return raise_status(status);
    }
    return wrap_tensor(handle);
}

static PyObject *empty(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *shape_object;
    int dtype, zeroed;
    if (!PyArg_ParseTuple(args, "Oip", &shape_object, &dtype, &zeroed)) return NULL;
    int64_t shape[SDL_MAX_RANK];
    int ndim = parse_int_sequence(shape_object, shape, SDL_MAX_RANK, "shape");
    if (ndim < 0) return NULL;
    sdl_tensor handle = NULL;
    sdl_status status;
    Py_BEGIN_ALLOW_THREADS
    status = sdl_tensor_empty(dtype, shape, ndim, zeroed, &handle);
    Py_END_ALLOW_THREADS
    return status == SDL_OK ? wrap_tensor(handle) : raise_status(status);
}

static PyObject *live_tensors(PyObject *module, PyObject *unused) {
    (void)module;
    (void)unused;
    return PyLong_FromLongLong(sdl_live_tensors());
}

static PyObject *abi_version(PyObject *module, PyObject *unused) {
    (void)module;
    (void)unused;
    return PyLong_FromLong(sdl_abi_version());
}

static PyObject *set_num_threads(PyObject *module, PyObject *arg) {
    (void)module;
    long count = PyLong_AsLong(arg);
    if (count == -1 && PyErr_Occurred()) return NULL;
    if (count < 1 || count > 1024) {
        PyErr_Format(PyExc_ValueError, "the thread count must be between 1 and 1024; received %ld", count);
        return NULL;
    }
    sdl_status status = sdl_set_num_threads((int32_t)count);
    if (status != SDL_OK) return raise_status(status);
    Py_RETURN_NONE;
}

static PyObject *get_num_threads(PyObject *module, PyObject *unused) {
    (void)module;
    (void)unused;
    return PyLong_FromLong(sdl_get_num_threads());
}

static PyObject *release_cached_memory(PyObject *module, PyObject *unused) {
    (void)module;
    (void)unused;
    int64_t released;
    Py_BEGIN_ALLOW_THREADS
    released = sdl_release_cached_memory();
    Py_END_ALLOW_THREADS
    return PyLong_FromLongLong(released);
}

static PyObject *retire_cached_memory(PyObject *module, PyObject *unused) {
    (void)module;
    (void)unused;
    sdl_retire_cached_memory();
    Py_RETURN_NONE;
}

static PyObject *cached_memory_bytes(PyObject *module, PyObject *unused) {
    (void)module;
    (void)unused;
    return PyLong_FromLongLong(sdl_cached_memory_bytes());
}

static PyObject *set_op_determinism(PyObject *module, PyObject *arg) {
    (void)module;
    int enabled = PyObject_IsTrue(arg);
    if (enabled < 0) return NULL;
    sdl_status status = sdl_set_op_determinism((int32_t)enabled);
    if (status != SDL_OK) return raise_status(status);
    Py_RETURN_NONE;
}

static PyObject *get_op_determinism(PyObject *module, PyObject *unused) {
    (void)module;
    (void)unused;
    return PyBool_FromLong(sdl_get_op_determinism());
}

static PyObject *shares_memory(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *a, *b;
    if (!PyArg_ParseTuple(args, "OO", &a, &b)) return NULL;
    sdl_tensor x = tensor_handle(a, "a"), y = tensor_handle(b, "b");
    if (x == NULL || y == NULL) return NULL;
    return PyBool_FromLong(sdl_tensor_shares_memory(x, y));
}

PyMethodDef tensor_module_methods[] = {
    {"set_tensor_class", set_tensor_class, METH_O, "Registers the Python Tensor class the engine returns."},
    {"from_buffer", from_buffer, METH_VARARGS, "from_buffer(obj, borrow) -> Tensor | None"},
    {"empty", empty, METH_VARARGS, "empty(shape, dtype_code, zeroed) -> Tensor"},
    {"live_tensors", live_tensors, METH_NOARGS, "Number of live engine handles."},
    {"abi_version", abi_version, METH_NOARGS, "The engine's ABI version."},
    {"set_num_threads", set_num_threads, METH_O, "Sets the engine's thread count (BLAS always runs single-threaded)."},
    {"get_num_threads", get_num_threads, METH_NOARGS, "The engine thread count."},
    {"release_cached_memory", release_cached_memory, METH_NOARGS,
     "Unmaps the engine's cached free buffers; returns the bytes given back."},
    {"retire_cached_memory", retire_cached_memory, METH_NOARGS,
     "Marks the engine's cached free buffers as stale: replaced by requests of other sizes."},
    {"cached_memory_bytes", cached_memory_bytes, METH_NOARGS, "Bytes of freed buffers the engine holds for reuse."},
    {"set_op_determinism", set_op_determinism, METH_O, "Turns the engine's exact, thread-count-independent mode on or off."},
    {"get_op_determinism", get_op_determinism, METH_NOARGS, "Whether the engine's exact mode is on."},
    {"shares_memory", shares_memory, METH_VARARGS, "True if two tensors view one storage."},
    {NULL, NULL, 0, NULL},
};
