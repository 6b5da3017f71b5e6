/* The fused optimizer updates: lists of Variables, gradients and slot tensors in, every
 * variable updated in place by one engine call with the GIL released. The Python
 * optimizers (python/swiftdl/optimizers/) own the slots and the step count. */
#include "extension.h"

/* A Python sequence of tensors as a C array of borrowed handles; `fast` keeps the tensors
   alive until release. handles is NULL for None. */
typedef struct {
    PyObject *fast;
    sdl_tensor *handles;
    Py_ssize_t count;
} HandleList;

static void handle_list_release(HandleList *list) {
    PyMem_Free(list->handles);
    Py_XDECREF(list->fast);
    list->handles = NULL;
    list->fast = NULL;
}

/* Fills `list` from `object` (None allowed when `optional`); `expected` < 0 takes any
   length. Returns 0, or -1 with an error set. */
static int handle_list_parse(PyObject *object, HandleList *list, const char *what, Py_ssize_t expected, int optional) {
    list->fast = NULL;
    list->handles = NULL;
    list->count = 0;
    if (object == Py_None && optional) return 0;
    list->fast = PySequence_Fast(object, what);
    if (list->fast == NULL) return -1;
    list->count = PySequence_Fast_GET_SIZE(list->fast);
    if (list->count > INT32_MAX) {
        PyErr_Format(PyExc_ValueError, "too many %s", what);
        handle_list_release(list);
        return -1;
    }
    if (expected >= 0 && list->count != expected) {
        PyErr_Format(PyExc_ValueError, "received %zd %s for %zd variables", list->count, what, expected);
        handle_list_release(list);
        return -1;
    }
    list->handles = PyMem_Calloc(list->count > 0 ? list->count : 1, sizeof(sdl_tensor));
    if (list->handles == NULL) {
        PyErr_NoMemory();
        handle_list_release(list);
        return -1;
    }
    for (Py_ssize_t i = 0; i < list->count; i++) {
        if ((list->handles[i] = tensor_handle(PySequence_Fast_GET_ITEM(list->fast, i), what)) == NULL) {
            handle_list_release(list);
            return -1;
        }
    }
    return 0;
}

/* Parses (learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm[, mask|None]);
   a mask's flags go to a new array in *mask (the caller frees it), which options points at. */
static int parse_options(PyObject *tuple, sdl_optimizer_options *options, uint8_t **mask) {
    PyObject *mask_object = Py_None;
    *mask = NULL;
    options->weight_decay_mask = NULL;
    options->weight_decay_mask_count = 0;
    /* PyArg_ParseTuple on anything but a tuple is a SystemError, not the caller's TypeError. */
    if (!PyTuple_Check(tuple)) {
        PyErr_Format(PyExc_TypeError,
                     "options must be a tuple (learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, mask); "
                     "received %.100s",
                     Py_TYPE(tuple)->tp_name);
        return 0;
    }
    if (!PyArg_ParseTuple(tuple,
                          "ddddd|O;options must be (learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, mask)",
                          &options->learning_rate, &options->weight_decay, &options->clipnorm, &options->clipvalue,
                          &options->global_clipnorm, &mask_object))
        return 0;
    if (mask_object == Py_None) return 1;
    PyObject *fast = PySequence_Fast(mask_object, "weight decay mask must be a sequence of bools");
    if (fast == NULL) return 0;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(fast);
    *mask = PyMem_Calloc(count > 0 ? count : 1, 1);
    if (*mask == NULL) {
        Py_DECREF(fast);
        PyErr_NoMemory();
        return 0;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        int flag = PyObject_IsTrue(PySequence_Fast_GET_ITEM(fast, i));
        if (flag < 0) {
            Py_DECREF(fast);
            PyMem_Free(*mask);
            *mask = NULL;
            return 0;
        }
        (*mask)[i] = (uint8_t)flag;
    }
    options->weight_decay_mask = *mask;
    options->weight_decay_mask_count = (int32_t)count;
    Py_DECREF(fast);
    return 1;
}

/* Parses options, variables and gradients, the start of every optimizer call. */
static int parse_common(PyObject *options_object, PyObject *variables_object, PyObject *gradients_object,
                        sdl_optimizer_options *options, uint8_t **mask, HandleList *variables, HandleList *gradients) {
    variables->fast = gradients->fast = NULL;
    variables->handles = gradients->handles = NULL;
    if (!parse_options(options_object, options, mask)) return -1;
    if (handle_list_parse(variables_object, variables, "variables", -1, 0) < 0 ||
        handle_list_parse(gradients_object, gradients, "gradients", variables->count, 0) < 0) {
        handle_list_release(variables);
        PyMem_Free(*mask);
        return -1;
    }
    return 0;
}

#define FINISH(call, ...)                                                                            \
    do {                                                                                             \
        sdl_status status;                                                                           \
        Py_BEGIN_ALLOW_THREADS                                                                       \
        status = (call);                                                                             \
        Py_END_ALLOW_THREADS                                                                         \
        HandleList *lists[] = {__VA_ARGS__};                                                         \
        for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) handle_list_release(lists[i]); \
        PyMem_Free(mask);                                                                            \
        if (status != SDL_OK) return raise_status(status);                                           \
        Py_RETURN_NONE;                                                                              \
    } while (0)

/* optimizer_sgd(options, variables, gradients, momentums|None, momentum, nesterov) */
static PyObject *optimizer_sgd(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *options_object, *variables_object, *gradients_object, *momentums_object;
    double momentum;
    int nesterov;
    if (!PyArg_ParseTuple(args, "OOOOdp", &options_object, &variables_object, &gradients_object, &momentums_object, &momentum,
                          &nesterov))
        return NULL;
    sdl_optimizer_options options;
    uint8_t *mask = NULL;
    HandleList variables, gradients, momentums;
    if (parse_common(options_object, variables_object, gradients_object, &options, &mask, &variables, &gradients) < 0)
        return NULL;
    if (handle_list_parse(momentums_object, &momentums, "momentums", variables.count, 1) < 0) {
        handle_list_release(&variables);
        handle_list_release(&gradients);
        PyMem_Free(mask);
        return NULL;
    }
    FINISH(sdl_optimizer_sgd(&options, variables.handles, gradients.handles, (int32_t)variables.count, momentums.handles,
                             momentum, nesterov),
           &variables, &gradients, &momentums);
}

/* optimizer_adam(options, variables, gradients, momentums, velocities, velocity_hats|None,
                  beta_1, beta_2, epsilon, amsgrad, step) */
static PyObject *optimizer_adam(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *options_object, *variables_object, *gradients_object, *m_object, *v_object, *hat_object;
    double beta_1, beta_2, epsilon;
    int amsgrad;
    long long step;
    if (!PyArg_ParseTuple(args, "OOOOOOdddpL", &options_object, &variables_object, &gradients_object, &m_object, &v_object,
                          &hat_object, &beta_1, &beta_2, &epsilon, &amsgrad, &step))
        return NULL;
    sdl_optimizer_options options;
    uint8_t *mask = NULL;
    HandleList variables, gradients, momentums, velocities, hats;
    if (parse_common(options_object, variables_object, gradients_object, &options, &mask, &variables, &gradients) < 0)
        return NULL;
    if (handle_list_parse(m_object, &momentums, "momentums", variables.count, 0) < 0) goto fail2;
    if (handle_list_parse(v_object, &velocities, "velocities", variables.count, 0) < 0) goto fail3;
    if (handle_list_parse(hat_object, &hats, "velocity_hats", variables.count, 1) < 0) goto fail4;
    FINISH(sdl_optimizer_adam(&options, variables.handles, gradients.handles, (int32_t)variables.count, momentums.handles,
                              velocities.handles, hats.handles, beta_1, beta_2, epsilon, amsgrad, step),
           &variables, &gradients, &momentums, &velocities, &hats);
fail4:
    handle_list_release(&velocities);
fail3:
    handle_list_release(&momentums);
fail2:
    handle_list_release(&variables);
    handle_list_release(&gradients);
    PyMem_Free(mask);
    return NULL;
}

/* optimizer_rmsprop(options, variables, gradients, velocities, momentums|None,
                     average_gradients|None, rho, momentum, epsilon, centered) */
static PyObject *optimizer_rmsprop(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *options_object, *variables_object, *gradients_object, *v_object, *m_object, *a_object;
    double rho, momentum, epsilon;
    int centered;
    if (!PyArg_ParseTuple(args, "OOOOOOdddp", &options_object, &variables_object, &gradients_object, &v_object, &m_object,
                          &a_object, &rho, &momentum, &epsilon, &centered))
        return NULL;
    sdl_optimizer_options options;
    uint8_t *mask = NULL;
    HandleList variables, gradients, velocities, momentums, averages;
    if (parse_common(options_object, variables_object, gradients_object, &options, &mask, &variables, &gradients) < 0)
        return NULL;
    if (handle_list_parse(v_object, &velocities, "velocities", variables.count, 0) < 0) goto fail2;
    if (handle_list_parse(m_object, &momentums, "momentums", variables.count, 1) < 0) goto fail3;
    if (handle_list_parse(a_object, &averages, "average_gradients", variables.count, 1) < 0) goto fail4;
    FINISH(sdl_optimizer_rmsprop(&options, variables.handles, gradients.handles, (int32_t)variables.count, velocities.handles,
                                 momentums.handles, averages.handles, rho, momentum, epsilon, centered),
           &variables, &gradients, &velocities, &momentums, &averages);
fail4:
    handle_list_release(&momentums);
fail3:
    handle_list_release(&velocities);
fail2:
    handle_list_release(&variables);
    handle_list_release(&gradients);
    PyMem_Free(mask);
    return NULL;
}

/* optimizer_adagrad(options, variables, gradients, accumulators, epsilon) */
static PyObject *optimizer_adagrad(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *options_object, *variables_object, *gradients_object, *a_object;
    double epsilon;
    if (!PyArg_ParseTuple(args, "OOOOd", &options_object, &variables_object, &gradients_object, &a_object, &epsilon)) return NULL;
    sdl_optimizer_options options;
    uint8_t *mask = NULL;
    HandleList variables, gradients, accumulators;
    if (parse_common(options_object, variables_object, gradients_object, &options, &mask, &variables, &gradients) < 0)
        return NULL;
    if (handle_list_parse(a_object, &accumulators, "accumulators", variables.count, 0) < 0) {
        handle_list_release(&variables);
        handle_list_release(&gradients);
        PyMem_Free(mask);
        return NULL;
    }
    FINISH(sdl_optimizer_adagrad(&options, variables.handles, gradients.handles, (int32_t)variables.count, accumulators.handles,
                                 epsilon),
           &variables, &gradients, &accumulators);
}

PyMethodDef optimizer_module_methods[] = {
    {"optimizer_sgd", optimizer_sgd, METH_VARARGS,
     "optimizer_sgd(options, variables, gradients, momentums|None, momentum, nesterov)"},
    {"optimizer_adam", optimizer_adam, METH_VARARGS,
     "optimizer_adam(options, variables, gradients, momentums, velocities, velocity_hats|None, beta_1, beta_2, epsilon, amsgrad, "
     "step)"},
    {"optimizer_rmsprop", optimizer_rmsprop, METH_VARARGS,
     "optimizer_rmsprop(options, variables, gradients, velocities, momentums|None, average_gradients|None, rho, momentum, "
     "epsilon, centered)"},
    {"optimizer_adagrad", optimizer_adagrad, METH_VARARGS,
     "optimizer_adagrad(options, variables, gradients, accumulators, epsilon)"},
    {NULL, NULL, 0, NULL},
};
