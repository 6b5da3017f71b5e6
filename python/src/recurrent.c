/* Wrappers for the whole-sequence recurrent ops (sdl_lstm, sdl_gru, sdl_simple_rnn).
 * Each takes (inputs, kernel, recurrent_kernel, bias|None, initial states|None...,
 * mask|None, return_sequences, go_backwards), runs the engine without the GIL and returns a tuple of
 * tensors. swiftdl/nn/_recurrent.py does the Keras-style argument handling. */
#include "extension.h"

/* Wraps `count` owned handles into a tuple (freeing them all if that fails). */
static PyObject *wrap_results(sdl_tensor *handles, int count) {
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

static PyObject *lstm(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object, *kernel_object, *recurrent_object, *bias_object, *h_object, *c_object, *mask_object;
    int return_sequences, go_backwards;
    if (!PyArg_ParseTuple(args, "OOOOOOOpp", &x_object, &kernel_object, &recurrent_object, &bias_object, &h_object, &c_object,
                          &mask_object, &return_sequences, &go_backwards))
        return NULL;
    sdl_tensor x = tensor_handle(x_object, "inputs"), kernel = tensor_handle(kernel_object, "kernel");
    sdl_tensor recurrent = tensor_handle(recurrent_object, "recurrent_kernel");
    sdl_tensor bias, h, c, mask;
    if (x == NULL || kernel == NULL || recurrent == NULL || optional_tensor_handle(bias_object, "bias", &bias) < 0 ||
        optional_tensor_handle(h_object, "initial_state[0]", &h) < 0 ||
        optional_tensor_handle(c_object, "initial_state[1]", &c) < 0 || optional_tensor_handle(mask_object, "mask", &mask) < 0)
        return NULL;
    sdl_tensor results[3] = {NULL, NULL, NULL};
    sdl_status status;
    Py_BEGIN_ALLOW_THREADS
    status =
        sdl_lstm(x, kernel, recurrent, bias, h, c, mask, return_sequences, go_backwards, &results[0], &results[1], &results[2]);
    Py_END_ALLOW_THREADS
    return status == SDL_OK ? wrap_results(results, 3) : raise_status(status);
}

/* GRU and SimpleRNN share a signature: one state in, (outputs, final_h) out. */
typedef sdl_status (*single_state_op)(sdl_tensor, sdl_tensor, sdl_tensor, sdl_tensor, sdl_tensor, sdl_tensor, int32_t, int32_t,
                                      sdl_tensor *, sdl_tensor *);

static PyObject *single_state(PyObject *args, single_state_op op) {
    PyObject *x_object, *kernel_object, *recurrent_object, *bias_object, *h_object, *mask_object;
    int return_sequences, go_backwards;
    if (!PyArg_ParseTuple(args, "OOOOOOpp", &x_object, &kernel_object, &recurrent_object, &bias_object, &h_object, &mask_object,
                          &return_sequences, &go_backwards))
        return NULL;
    sdl_tensor x = tensor_handle(x_object, "inputs"), kernel = tensor_handle(kernel_object, "kernel");
    sdl_tensor recurrent = tensor_handle(recurrent_object, "recurrent_kernel");
    sdl_tensor bias, h, mask;
    if (x == NULL || kernel == NULL || recurrent == NULL || optional_tensor_handle(bias_object, "bias", &bias) < 0 ||
        optional_tensor_handle(h_object, "initial_state", &h) < 0 || optional_tensor_handle(mask_object, "mask", &mask) < 0)
        return NULL;
    sdl_tensor results[2] = {NULL, NULL};
    sdl_status status;
    Py_BEGIN_ALLOW_THREADS
    status = op(x, kernel, recurrent, bias, h, mask, return_sequences, go_backwards, &results[0], &results[1]);
    Py_END_ALLOW_THREADS
    return status == SDL_OK ? wrap_results(results, 2) : raise_status(status);
}

static PyObject *gru(PyObject *module, PyObject *args) {
    (void)module;
    return single_state(args, sdl_gru);
}
static PyObject *simple_rnn(PyObject *module, PyObject *args) {
    (void)module;
    return single_state(args, sdl_simple_rnn);
}

PyMethodDef recurrent_module_methods[] = {
    {"lstm", lstm, METH_VARARGS,
     "lstm(inputs, kernel, recurrent_kernel, bias|None, h0|None, c0|None, mask|None, return_sequences, go_backwards) -> "
     "(outputs, h, c)"},
    {"gru", gru, METH_VARARGS,
     "gru(inputs, kernel, recurrent_kernel, bias|None, h0|None, mask|None, return_sequences, go_backwards) -> (outputs, h)"},
    {"simple_rnn", simple_rnn, METH_VARARGS,
     "simple_rnn(inputs, kernel, recurrent_kernel, bias|None, h0|None, mask|None, return_sequences, go_backwards) -> (outputs, "
     "h)"},
    {NULL, NULL, 0, NULL},
};
