/* Wrappers for the whole-sequence recurrent ops (sdl_lstm, sdl_gru, sdl_simple_rnn).
 * Each takes (inputs, kernel, recurrent_kernel, bias|None, initial states|None...,
 * mask|None, return_sequences, go_backwards), runs the engine without the GIL and returns a tuple of
 * tensors. swiftdl/nn/_recurrent.py does the Keras-style argument handling. */
#include "extension.h"

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

/* One direction's weights and initial states for lstm_pair: (kernel, recurrent_kernel,
   bias|None, h0|None, c0|None, go_backwards). Returns 0, or -1 with an exception set. */
static int lstm_direction(PyObject *tuple, const char *name, sdl_tensor *handles, int *go_backwards) {
    PyObject *kernel_object, *recurrent_object, *bias_object, *h_object, *c_object;
    if (!PyArg_ParseTuple(tuple, "OOOOOp", &kernel_object, &recurrent_object, &bias_object, &h_object, &c_object, go_backwards)) {
        PyErr_Format(PyExc_TypeError, "lstm_pair: %s must be (kernel, recurrent_kernel, bias, h0, c0, go_backwards)", name);
        return -1;
    }
    handles[0] = tensor_handle(kernel_object, "kernel");
    handles[1] = tensor_handle(recurrent_object, "recurrent_kernel");
    if (handles[0] == NULL || handles[1] == NULL || optional_tensor_handle(bias_object, "bias", &handles[2]) < 0 ||
        optional_tensor_handle(h_object, "initial_state[0]", &handles[3]) < 0 ||
        optional_tensor_handle(c_object, "initial_state[1]", &handles[4]) < 0)
        return -1;
    return 0;
}

/* lstm_pair(inputs, mask|None, return_sequences, first, second) with each direction a tuple
   (kernel, recurrent_kernel, bias|None, h0|None, c0|None, go_backwards)
   -> (outputs, h, c) of the first direction, then of the second. */
static PyObject *lstm_pair(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object, *mask_object, *first_object, *second_object;
    int return_sequences, first_backwards, second_backwards;
    if (!PyArg_ParseTuple(args, "OOpO!O!", &x_object, &mask_object, &return_sequences, &PyTuple_Type, &first_object,
                          &PyTuple_Type, &second_object))
        return NULL;
    sdl_tensor x = tensor_handle(x_object, "inputs"), mask, first[5], second[5];
    if (x == NULL || optional_tensor_handle(mask_object, "mask", &mask) < 0 ||
        lstm_direction(first_object, "first", first, &first_backwards) < 0 ||
        lstm_direction(second_object, "second", second, &second_backwards) < 0)
        return NULL;
    sdl_tensor results[6] = {NULL, NULL, NULL, NULL, NULL, NULL};
    sdl_status status;
    Py_BEGIN_ALLOW_THREADS
    status = sdl_lstm_pair(x, mask, return_sequences, first[0], first[1], first[2], first[3], first[4], first_backwards,
                           second[0], second[1], second[2], second[3], second[4], second_backwards, results);
    Py_END_ALLOW_THREADS
    return status == SDL_OK ? wrap_results(results, 6) : raise_status(status);
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
    {"lstm_pair", lstm_pair, METH_VARARGS,
     "lstm_pair(inputs, mask|None, return_sequences, (kernel, recurrent_kernel, bias|None, h0|None, c0|None, go_backwards), "
     "(the second direction's)) -> (outputs, h, c, outputs, h, c)"},
    {"gru", gru, METH_VARARGS,
     "gru(inputs, kernel, recurrent_kernel, bias|None, h0|None, mask|None, return_sequences, go_backwards) -> (outputs, h)"},
    {"simple_rnn", simple_rnn, METH_VARARGS,
     "simple_rnn(inputs, kernel, recurrent_kernel, bias|None, h0|None, mask|None, return_sequences, go_backwards) -> (outputs, "
     "h)"},
    {NULL, NULL, 0, NULL},
};
