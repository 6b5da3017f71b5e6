/* Scaled dot-product attention (keras.ops.dot_product_attention, MultiHeadAttention): the
 * Python package checks Keras's arguments; this file only marshals them and calls the engine
 * without the GIL. */
#include "extension.h"

/* dot_product_attention(query, key, value, mask|None, scale, masked_value, replace_masked,
   want_weights=True) -> (output, weights), weights None unless wanted: without them and
   without a recording tape the engine never writes them out. */
static PyObject *dot_product_attention(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *q_object, *k_object, *v_object, *mask_object;
    double scale, masked_value;
    int replace_masked, want_weights = 1;
    if (!PyArg_ParseTuple(args, "OOOOddp|p", &q_object, &k_object, &v_object, &mask_object, &scale, &masked_value,
                          &replace_masked, &want_weights))
        return NULL;
    sdl_tensor q = tensor_handle(q_object, "query"), k = tensor_handle(k_object, "key");
    sdl_tensor v = tensor_handle(v_object, "value"), mask;
    if (q == NULL || k == NULL || v == NULL || optional_tensor_handle(mask_object, "mask", &mask) < 0) return NULL;
    sdl_tensor out = NULL, weights = NULL;
    sdl_status status;
    Py_BEGIN_ALLOW_THREADS
    status = sdl_dot_product_attention(q, k, v, mask, scale, masked_value, replace_masked, &out, want_weights ? &weights : NULL);
    Py_END_ALLOW_THREADS
    if (status != SDL_OK) return raise_status(status);
    PyObject *out_object = wrap_tensor(out);
    if (out_object == NULL) {
        sdl_tensor_free(weights);
        return NULL;
    }
    if (!want_weights) return Py_BuildValue("(NO)", out_object, Py_None);
    PyObject *weights_object = wrap_tensor(weights);
    if (weights_object == NULL) {
        Py_DECREF(out_object);
        return NULL;
    }
    return Py_BuildValue("(NN)", out_object, weights_object);
}

PyMethodDef attention_module_methods[] = {
    {"dot_product_attention", dot_product_attention, METH_VARARGS,
     "dot_product_attention(query, key, value, mask, scale, masked_value, replace_masked, want_weights=True) -> "
     "(output, weights | None)"},
    {NULL, NULL, 0, NULL},
};
