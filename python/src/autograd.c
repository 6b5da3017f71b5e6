/* Gradient tapes for Python: each tape is a capsule owning an sdl_tape. */
#include "extension.h"

static const char *TAPE_CAPSULE = "swiftdl.tape";

static void tape_capsule_destructor(PyObject *capsule) {
    sdl_tape tape = PyCapsule_GetPointer(capsule, TAPE_CAPSULE);
    if (tape != NULL) sdl_tape_free(tape);
}

static sdl_tape tape_of(PyObject *capsule) {
    return PyCapsule_GetPointer(capsule, TAPE_CAPSULE); /* sets an error when not a tape */
}

static PyObject *tape_new(PyObject *module, PyObject *args) {
    (void)module;
    int persistent, watch;
    if (!PyArg_ParseTuple(args, "pp", &persistent, &watch)) return NULL;
    sdl_tape tape = NULL;
    sdl_status status = sdl_tape_new(persistent, watch, &tape);
    if (status != SDL_OK) return raise_status(status);
    PyObject *capsule = PyCapsule_New(tape, TAPE_CAPSULE, tape_capsule_destructor);
    if (capsule == NULL) sdl_tape_free(tape);
    return capsule;
}

#define TAPE_CALL(name, call)                                             \
    static PyObject *name(PyObject *module, PyObject *args) {             \
        (void)module;                                                     \
        PyObject *capsule;                                                \
        int flag = 0;                                                     \
        if (!PyArg_ParseTuple(args, "O|p", &capsule, &flag)) return NULL; \
        sdl_tape tape = tape_of(capsule);                                 \
        if (tape == NULL) return NULL;                                    \
        sdl_status status = (call);                                       \
        if (status != SDL_OK) return raise_status(status);                \
        Py_RETURN_NONE;                                                   \
    }

TAPE_CALL(tape_enter, sdl_tape_enter(tape))
TAPE_CALL(tape_exit, sdl_tape_exit(tape))
TAPE_CALL(tape_set_recording, sdl_tape_set_recording(tape, flag))

static PyObject *tape_watch(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *capsule, *tensor_object;
    if (!PyArg_ParseTuple(args, "OO", &capsule, &tensor_object)) return NULL;
    sdl_tape tape = tape_of(capsule);
    sdl_tensor tensor = tensor_handle(tensor_object, "tensor");
    if (tape == NULL || tensor == NULL) return NULL;
    sdl_status status = sdl_tape_watch(tape, tensor);
    if (status != SDL_OK) return raise_status(status);
    Py_RETURN_NONE;
}

/* Fills handles[0..count) from a sequence of tensors (None allowed when allow_none). */
static int read_handles(PyObject *fast, sdl_tensor *handles, const char *what, int allow_none) {
    Py_ssize_t count = PySequence_Fast_GET_SIZE(fast);
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(fast, i);
        if (allow_none && item == Py_None) {
            handles[i] = NULL;
            continue;
        }
        if ((handles[i] = tensor_handle(item, what)) == NULL) return -1;
    }
    return 0;
}

/* ---- Custom gradients: backward rules written in Python, called from the engine's tape ---- */

/* The exception a Python backward rule raised, kept until tape_gradient re-raises it. Per
   thread: tapes of different threads take gradients concurrently, without the GIL. */
static _Thread_local PyObject *backward_exception_type, *backward_exception_value, *backward_exception_traceback;

static void clear_backward_exception(void) {
    Py_CLEAR(backward_exception_type);
    Py_CLEAR(backward_exception_value);
    Py_CLEAR(backward_exception_traceback);
}

/* Sets the kept exception as the current one; 0 when there is none. */
static int restore_backward_exception(void) {
    if (backward_exception_type == NULL) return 0;
    PyErr_Restore(backward_exception_type, backward_exception_value, backward_exception_traceback);
    backward_exception_type = backward_exception_value = backward_exception_traceback = NULL;
    return 1;
}

/* sdl_custom_backward for a Python callable `rule(*output_gradients) -> [gradient|None] * n_inputs`
   (output gradients are swiftdl tensors or None). Runs with the GIL taken, from the thread that
   called tape_gradient. */
static sdl_status call_python_backward(void *context, const sdl_tensor *output_gradients, int32_t n_outputs,
                                       sdl_tensor *input_gradients, int32_t n_inputs) {
    PyGILState_STATE gil = PyGILState_Ensure();
    sdl_status status = SDL_OK;
    PyObject *args = NULL, *result = NULL, *fast = NULL;
    if ((args = PyTuple_New(n_outputs)) == NULL) goto failed;
    for (int32_t i = 0; i < n_outputs; i++) {
        PyObject *item = Py_None;
        if (output_gradients[i] == NULL) {
            Py_INCREF(item);
        } else {
            sdl_tensor own = NULL;
            sdl_status retained = sdl_tensor_retain(output_gradients[i], &own);
            if (retained != SDL_OK) {
                raise_status(retained);
                goto failed;
            }
            if ((item = wrap_tensor(own)) == NULL) goto failed;
        }
        PyTuple_SET_ITEM(args, i, item);
    }
    if ((result = PyObject_Call((PyObject *)context, args, NULL)) == NULL) goto failed;
    if ((fast = PySequence_Fast(result, "a custom gradient's backward rule must return a sequence")) == NULL) goto failed;
    if (PySequence_Fast_GET_SIZE(fast) != n_inputs) {
        PyErr_Format(PyExc_ValueError, "[custom_gradient] the backward rule returned %zd gradients for %d inputs",
                     PySequence_Fast_GET_SIZE(fast), (int)n_inputs);
        goto failed;
    }
    for (int32_t i = 0; i < n_inputs; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(fast, i);
        if (item == Py_None) continue;
        sdl_tensor handle = tensor_handle(item, "a custom gradient");
        if (handle == NULL) goto failed;
        sdl_status retained = sdl_tensor_retain(handle, &input_gradients[i]);
        if (retained != SDL_OK) {
            raise_status(retained);
            goto failed;
        }
    }
    goto done;
failed:
    status = SDL_ERROR_VALUE;
    clear_backward_exception();
    PyErr_Fetch(&backward_exception_type, &backward_exception_value, &backward_exception_traceback);
done:
    Py_XDECREF(args);
    Py_XDECREF(result);
    Py_XDECREF(fast);
    PyGILState_Release(gil);
    return status;
}

static void release_python_backward(void *context) {
    PyGILState_STATE gil = PyGILState_Ensure();
    Py_DECREF((PyObject *)context);
    PyGILState_Release(gil);
}

/* record_custom_gradient([inputs], [outputs], rule) records a node whose backward is `rule`. */
static PyObject *record_custom_gradient(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *inputs_object, *outputs_object, *rule;
    if (!PyArg_ParseTuple(args, "OOO", &inputs_object, &outputs_object, &rule)) return NULL;
    if (!PyCallable_Check(rule)) {
        PyErr_Format(PyExc_TypeError, "the backward rule must be callable; received %.100s", Py_TYPE(rule)->tp_name);
        return NULL;
    }
    PyObject *inputs_fast = NULL, *outputs_fast = NULL, *result = NULL;
    sdl_tensor *inputs = NULL, *outputs = NULL;
    if ((inputs_fast = PySequence_Fast(inputs_object, "inputs must be a sequence")) == NULL) goto done;
    if ((outputs_fast = PySequence_Fast(outputs_object, "outputs must be a sequence")) == NULL) goto done;
    Py_ssize_t n_inputs = PySequence_Fast_GET_SIZE(inputs_fast), n_outputs = PySequence_Fast_GET_SIZE(outputs_fast);
    if (n_inputs > INT32_MAX || n_outputs > INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "[custom_gradient] too many tensors");
        goto done;
    }
    inputs = PyMem_Calloc(n_inputs > 0 ? n_inputs : 1, sizeof(sdl_tensor));
    outputs = PyMem_Calloc(n_outputs > 0 ? n_outputs : 1, sizeof(sdl_tensor));
    if (inputs == NULL || outputs == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (read_handles(inputs_fast, inputs, "inputs", 0) < 0 || read_handles(outputs_fast, outputs, "outputs", 0) < 0) goto done;
    Py_INCREF(rule); /* the engine's record owns this reference; release_python_backward drops it */
    sdl_status status = sdl_tape_record_custom(inputs, (int32_t)n_inputs, outputs, (int32_t)n_outputs, call_python_backward, rule,
                                               release_python_backward);
    if (status != SDL_OK) {
        raise_status(status);
        goto done;
    }
    result = Py_None;
    Py_INCREF(result);
done:
    PyMem_Free(inputs);
    PyMem_Free(outputs);
    Py_XDECREF(inputs_fast);
    Py_XDECREF(outputs_fast);
    return result;
}

/* is_recording() -> bool: whether an op run now on this thread would be recorded by a tape. */
static PyObject *is_recording(PyObject *module, PyObject *unused) {
    (void)module;
    (void)unused;
    int32_t recording = 0;
    sdl_status status = sdl_recording_active(&recording);
    if (status != SDL_OK) return raise_status(status);
    return PyBool_FromLong(recording);
}

/* pause_recording(flag): True pauses the tapes entered so far on this thread (tapes entered
   afterwards record), False ends the innermost pause. */
static PyObject *pause_recording(PyObject *module, PyObject *flag_object) {
    (void)module;
    int flag = PyObject_IsTrue(flag_object);
    if (flag < 0) return NULL;
    sdl_status status = sdl_recording_pause(flag);
    if (status != SDL_OK) return raise_status(status);
    Py_RETURN_NONE;
}

/* tape_watched_variables(tape) -> [Tensor]: the trainable variables the tape follows, as new
   Python objects over the engine's variables (the same tensors for every tape). */
static PyObject *tape_watched_variables(PyObject *module, PyObject *capsule) {
    (void)module;
    sdl_tape tape = tape_of(capsule);
    if (tape == NULL) return NULL;
    int32_t count = 0;
    sdl_status status = sdl_tape_watched_variables(tape, NULL, 0, &count);
    if (status != SDL_OK) return raise_status(status);
    sdl_tensor *handles = PyMem_Calloc(count > 0 ? count : 1, sizeof(sdl_tensor));
    if (handles == NULL) return PyErr_NoMemory();
    int32_t written = count;
    status = sdl_tape_watched_variables(tape, handles, count, &written);
    PyObject *result = NULL;
    if (status != SDL_OK) {
        raise_status(status);
        goto done;
    }
    if ((result = PyList_New(0)) == NULL) goto done;
    for (int32_t i = 0; i < count && i < written; i++) {
        PyObject *item = wrap_tensor(handles[i]);
        handles[i] = NULL;
        if (item == NULL || PyList_Append(result, item) < 0) {
            Py_XDECREF(item);
            Py_CLEAR(result);
            goto done;
        }
        Py_DECREF(item);
    }
done:
    for (int32_t i = 0; i < count; i++) sdl_tensor_free(handles[i]);
    PyMem_Free(handles);
    return result;
}

/* tape_recorded_count(tape) -> int: the ops the tape holds records of. */
static PyObject *tape_recorded_count(PyObject *module, PyObject *capsule) {
    (void)module;
    sdl_tape tape = tape_of(capsule);
    if (tape == NULL) return NULL;
    int64_t count = 0;
    sdl_status status = sdl_tape_recorded_count(tape, &count);
    if (status != SDL_OK) return raise_status(status);
    return PyLong_FromLongLong((long long)count);
}

/* tensor_identity(tensor) -> int: the engine tensor behind a Python object (two Python objects
   over one engine tensor, as tape_watched_variables returns, have the same identity). */
static PyObject *tensor_identity(PyObject *module, PyObject *tensor_object) {
    (void)module;
    sdl_tensor handle = tensor_handle(tensor_object, "tensor");
    if (handle == NULL) return NULL;
    return PyLong_FromVoidPtr((void *)handle);
}

/* The Python side of sdl_gradient_ready_fn: `on_ready(index, gradient|None)` for each source
   whose gradient is final, and `on_ready(-1, None)` after the other ops' backward while the
   previous call returned something true (work in flight to progress; otherwise those calls
   are skipped here, without taking the GIL). Runs with the GIL taken, on the thread that
   called tape_gradient (the pass itself runs without it). */
typedef struct {
    PyObject *on_ready;
    sdl_tensor *gradients;
    int wants_ticks;
} gradient_ready_context;

static sdl_status call_python_ready(void *context, int32_t index) {
    gradient_ready_context *ready = context;
    if (index < 0 && !ready->wants_ticks) return SDL_OK;
    PyGILState_STATE gil = PyGILState_Ensure();
    sdl_status status = SDL_OK;
    PyObject *gradient = Py_None, *result = NULL;
    Py_INCREF(gradient);
    if (index >= 0 && ready->gradients[index] != NULL) {
        sdl_tensor own = NULL;
        sdl_status retained = sdl_tensor_retain(ready->gradients[index], &own);
        Py_DECREF(gradient);
        gradient = NULL;
        if (retained != SDL_OK) {
            raise_status(retained);
            goto failed;
        }
        if ((gradient = wrap_tensor(own)) == NULL) goto failed;
    }
    if ((result = PyObject_CallFunction(ready->on_ready, "iO", (int)index, gradient)) == NULL) goto failed;
    if ((ready->wants_ticks = PyObject_IsTrue(result)) < 0) goto failed;
    goto done;
failed:
    status = SDL_ERROR_VALUE;
    clear_backward_exception();
    PyErr_Fetch(&backward_exception_type, &backward_exception_value, &backward_exception_traceback);
done:
    Py_XDECREF(gradient);
    Py_XDECREF(result);
    PyGILState_Release(gil);
    return status;
}

/* tape_gradient(tape, [targets], [sources], [output_gradient|None]|None[, on_ready]) -> [Tensor|None];
   on_ready(index, gradient|None) hears of each gradient as soon as it is final (see call_python_ready). */
static PyObject *tape_gradient(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *capsule, *targets_object, *sources_object, *seeds_object, *on_ready = Py_None;
    if (!PyArg_ParseTuple(args, "OOOO|O", &capsule, &targets_object, &sources_object, &seeds_object, &on_ready)) return NULL;
    if (on_ready != Py_None && !PyCallable_Check(on_ready)) {
        PyErr_Format(PyExc_TypeError, "on_ready must be callable or None; received %.100s", Py_TYPE(on_ready)->tp_name);
        return NULL;
    }
    sdl_tape tape = tape_of(capsule);
    if (tape == NULL) return NULL;
    PyObject *targets_fast = NULL, *seeds_fast = NULL, *fast = NULL, *result = NULL;
    sdl_tensor *targets = NULL, *seeds = NULL, *sources = NULL, *gradients = NULL;
    Py_ssize_t count = 0, target_count = 0;
    if ((targets_fast = PySequence_Fast(targets_object, "targets must be a sequence")) == NULL) goto done;
    target_count = PySequence_Fast_GET_SIZE(targets_fast);
    if (target_count < 1 || target_count > INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "[gradient] needs at least one target");
        goto done;
    }
    if (seeds_object != Py_None) {
        if ((seeds_fast = PySequence_Fast(seeds_object, "output_gradients must be a sequence")) == NULL) goto done;
        if (PySequence_Fast_GET_SIZE(seeds_fast) != target_count) {
            PyErr_Format(PyExc_ValueError, "[gradient] received %zd output_gradients for %zd targets",
                         PySequence_Fast_GET_SIZE(seeds_fast), target_count);
            goto done;
        }
    }
    if ((fast = PySequence_Fast(sources_object, "sources must be a sequence")) == NULL) goto done;
    count = PySequence_Fast_GET_SIZE(fast);
    if (count > INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "[gradient] too many sources");
        goto done;
    }
    targets = PyMem_Calloc(target_count, sizeof(sdl_tensor));
    seeds = PyMem_Calloc(target_count, sizeof(sdl_tensor));
    sources = PyMem_Calloc(count > 0 ? count : 1, sizeof(sdl_tensor));
    gradients = PyMem_Calloc(count > 0 ? count : 1, sizeof(sdl_tensor));
    if (targets == NULL || seeds == NULL || sources == NULL || gradients == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (read_handles(targets_fast, targets, "target", 0) < 0) goto done;
    if (seeds_fast != NULL && read_handles(seeds_fast, seeds, "output_gradients", 1) < 0) goto done;
    if (read_handles(fast, sources, "sources", 0) < 0) goto done;
    clear_backward_exception();
    sdl_status status;
    gradient_ready_context ready = {on_ready, gradients, 0};
    Py_BEGIN_ALLOW_THREADS
    if (on_ready == Py_None)
        status = sdl_tape_gradient(tape, targets, seeds_fast != NULL ? seeds : NULL, (int32_t)target_count, sources,
                                   (int32_t)count, gradients);
    else
        status = sdl_tape_gradient_notify(tape, targets, seeds_fast != NULL ? seeds : NULL, (int32_t)target_count, sources,
                                          (int32_t)count, gradients, call_python_ready, &ready);
    Py_END_ALLOW_THREADS
    if (status != SDL_OK) {
        if (!restore_backward_exception()) raise_status(status);
        goto done;
    }
    result = PyList_New(count);
    if (result == NULL) goto done;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *item;
        if (gradients[i] == NULL) {
            item = Py_None;
            Py_INCREF(item);
        } else {
            item = wrap_tensor(gradients[i]);
            gradients[i] = NULL;
        }
        if (item == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, i, item);
    }
done:
    if (gradients != NULL)
        for (Py_ssize_t i = 0; i < count; i++) sdl_tensor_free(gradients[i]);
    PyMem_Free(targets);
    PyMem_Free(seeds);
    PyMem_Free(sources);
    PyMem_Free(gradients);
    Py_XDECREF(targets_fast);
    Py_XDECREF(seeds_fast);
    Py_XDECREF(fast);
    return result;
}

static PyObject *set_trainable_variable(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *tensor_object;
    int trainable;
    if (!PyArg_ParseTuple(args, "Op", &tensor_object, &trainable)) return NULL;
    sdl_tensor tensor = tensor_handle(tensor_object, "variable");
    if (tensor == NULL) return NULL;
    sdl_status status = sdl_tensor_set_trainable_variable(tensor, trainable);
    if (status != SDL_OK) return raise_status(status);
    Py_RETURN_NONE;
}

static PyObject *stop_gradient(PyObject *module, PyObject *tensor_object) {
    (void)module;
    sdl_tensor tensor = tensor_handle(tensor_object, "input");
    if (tensor == NULL) return NULL;
    sdl_tensor out = NULL;
    sdl_status status = sdl_stop_gradient(tensor, &out);
    return status == SDL_OK ? wrap_tensor(out) : raise_status(status);
}

/* as_class(tensor, cls): a new Python object of class cls (a TensorBase subclass) holding
   another reference to the same engine tensor, so tapes see one identity. */
static PyObject *as_class(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *tensor_object, *cls;
    if (!PyArg_ParseTuple(args, "OO", &tensor_object, &cls)) return NULL;
    sdl_tensor tensor = tensor_handle(tensor_object, "tensor");
    if (tensor == NULL) return NULL;
    if (!PyType_Check(cls) || !PyType_IsSubtype((PyTypeObject *)cls, &TensorBaseType)) {
        PyErr_SetString(PyExc_TypeError, "cls must subclass TensorBase");
        return NULL;
    }
    sdl_tensor retained = NULL;
    sdl_status status = sdl_tensor_retain(tensor, &retained);
    if (status != SDL_OK) return raise_status(status);
    PyTypeObject *type = (PyTypeObject *)cls;
    TensorObject *object = (TensorObject *)type->tp_alloc(type, 0);
    if (object == NULL) {
        sdl_tensor_free(retained);
        return NULL;
    }
    object->handle = retained;
    return (PyObject *)object;
}

PyMethodDef autograd_module_methods[] = {
    {"tape_new", tape_new, METH_VARARGS, "tape_new(persistent, watch_accessed_variables) -> tape"},
    {"tape_enter", tape_enter, METH_VARARGS, "tape_enter(tape)"},
    {"tape_exit", tape_exit, METH_VARARGS, "tape_exit(tape)"},
    {"tape_set_recording", tape_set_recording, METH_VARARGS, "tape_set_recording(tape, flag)"},
    {"tape_watch", tape_watch, METH_VARARGS, "tape_watch(tape, tensor)"},
    {"tape_gradient", tape_gradient, METH_VARARGS, "tape_gradient(tape, targets, sources, output_gradients[, on_ready])"},
    {"record_custom_gradient", record_custom_gradient, METH_VARARGS, "record_custom_gradient(inputs, outputs, rule)"},
    {"pause_recording", pause_recording, METH_O, "pause_recording(flag)"},
    {"is_recording", is_recording, METH_NOARGS, "is_recording() -> bool"},
    {"tape_watched_variables", tape_watched_variables, METH_O, "tape_watched_variables(tape) -> [Tensor]"},
    {"tensor_identity", tensor_identity, METH_O, "tensor_identity(tensor) -> int"},
    {"tape_recorded_count", tape_recorded_count, METH_O, "tape_recorded_count(tape) -> int"},
    {"set_trainable_variable", set_trainable_variable, METH_VARARGS, "set_trainable_variable(tensor, flag)"},
    {"stop_gradient", stop_gradient, METH_O, "stop_gradient(tensor)"},
    {"as_class", as_class, METH_VARARGS, "as_class(tensor, cls)"},
    {NULL, NULL, 0, NULL},
};
