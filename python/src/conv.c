/* Convolution and pooling wrappers (swiftdl.nn). The Python package normalises TensorFlow's
 * arguments (int-or-list strides, padding strings, explicit pads) to fixed tuples; this
 * file only marshals them and calls the engine without the GIL. */
#include "extension.h"

/* conv2d(input, filters, bias|None, activation, (sh, sw), (dh, dw), padding, (pt, pb, pl, pr)) */
static PyObject *conv2d(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object, *w_object, *b_object;
    int activation, padding;
    long long strides[2], dilations[2], pads[4];
    if (!PyArg_ParseTuple(args, "OOOi(LL)(LL)i(LLLL)", &x_object, &w_object, &b_object, &activation, &strides[0], &strides[1],
                          &dilations[0], &dilations[1], &padding, &pads[0], &pads[1], &pads[2], &pads[3]))
        return NULL;
    sdl_tensor x = tensor_handle(x_object, "input"), w = tensor_handle(w_object, "filters"), b;
    if (x == NULL || w == NULL || optional_tensor_handle(b_object, "bias", &b) < 0) return NULL;
    int64_t s[2] = {strides[0], strides[1]}, d[2] = {dilations[0], dilations[1]};
    int64_t p[4] = {pads[0], pads[1], pads[2], pads[3]};
    RETURN_ENGINE_RESULT(sdl_conv2d(x, w, b, activation, s, d, padding, p, &out));
}

/* depthwise_conv2d(input, filters, bias|None, (sh, sw), (dh, dw), padding, (pt, pb, pl, pr)) */
static PyObject *depthwise_conv2d(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object, *w_object, *b_object;
    int padding;
    long long strides[2], dilations[2], pads[4];
    if (!PyArg_ParseTuple(args, "OOO(LL)(LL)i(LLLL)", &x_object, &w_object, &b_object, &strides[0], &strides[1], &dilations[0],
                          &dilations[1], &padding, &pads[0], &pads[1], &pads[2], &pads[3]))
        return NULL;
    sdl_tensor x = tensor_handle(x_object, "input"), w = tensor_handle(w_object, "filters"), b;
    if (x == NULL || w == NULL || optional_tensor_handle(b_object, "bias", &b) < 0) return NULL;
    int64_t s[2] = {strides[0], strides[1]}, d[2] = {dilations[0], dilations[1]};
    int64_t p[4] = {pads[0], pads[1], pads[2], pads[3]};
    RETURN_ENGINE_RESULT(sdl_depthwise_conv2d(x, w, b, s, d, padding, p, &out));
}

/* conv2d_transpose(input, filters, (oh, ow), (sh, sw), (dh, dw), padding, (pt, pb, pl, pr)) */
static PyObject *conv2d_transpose(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object, *w_object;
    int padding;
    long long size[2], strides[2], dilations[2], pads[4];
    if (!PyArg_ParseTuple(args, "OO(LL)(LL)(LL)i(LLLL)", &x_object, &w_object, &size[0], &size[1], &strides[0], &strides[1],
                          &dilations[0], &dilations[1], &padding, &pads[0], &pads[1], &pads[2], &pads[3]))
        return NULL;
    sdl_tensor x = tensor_handle(x_object, "input"), w = tensor_handle(w_object, "filters");
    if (x == NULL || w == NULL) return NULL;
    int64_t o[2] = {size[0], size[1]}, s[2] = {strides[0], strides[1]}, d[2] = {dilations[0], dilations[1]};
    int64_t p[4] = {pads[0], pads[1], pads[2], pads[3]};
    RETURN_ENGINE_RESULT(sdl_conv2d_transpose(x, w, o, s, d, padding, p, &out));
}

/* conv2d_transpose_bias_activation(input, filters, bias|None, activation, (oh, ow), (sh, sw), (dh, dw), padding,
 *                                  (pt, pb, pl, pr)) */
static PyObject *conv2d_transpose_bias_activation(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object, *w_object, *b_object;
    int activation, padding;
    long long size[2], strides[2], dilations[2], pads[4];
    if (!PyArg_ParseTuple(args, "OOOi(LL)(LL)(LL)i(LLLL)", &x_object, &w_object, &b_object, &activation, &size[0], &size[1],
                          &strides[0], &strides[1], &dilations[0], &dilations[1], &padding, &pads[0], &pads[1], &pads[2],
                          &pads[3]))
        return NULL;
    sdl_tensor x = tensor_handle(x_object, "input"), w = tensor_handle(w_object, "filters"), b;
    if (x == NULL || w == NULL || optional_tensor_handle(b_object, "bias", &b) < 0) return NULL;
    int64_t o[2] = {size[0], size[1]}, s[2] = {strides[0], strides[1]}, d[2] = {dilations[0], dilations[1]};
    int64_t p[4] = {pads[0], pads[1], pads[2], pads[3]};
    RETURN_ENGINE_RESULT(sdl_conv2d_transpose_bias_activation(x, w, b, activation, o, s, d, padding, p, &out));
}

/* conv2d_pool(input, filters, bias|None, activation, (sh, sw), (dh, dw), padding, (pt, pb, pl, pr),
 *             kind, (kh, kw), (psh, psw), pool_padding, (ppt, ppb, ppl, ppr)) */
static PyObject *conv2d_pool(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object, *w_object, *b_object;
    int activation, padding, kind, pool_padding;
    long long strides[2], dilations[2], pads[4], ksize[2], pool_strides[2], pool_pads[4];
    if (!PyArg_ParseTuple(args, "OOOi(LL)(LL)i(LLLL)i(LL)(LL)i(LLLL)", &x_object, &w_object, &b_object, &activation, &strides[0],
                          &strides[1], &dilations[0], &dilations[1], &padding, &pads[0], &pads[1], &pads[2], &pads[3], &kind,
                          &ksize[0], &ksize[1], &pool_strides[0], &pool_strides[1], &pool_padding, &pool_pads[0], &pool_pads[1],
                          &pool_pads[2], &pool_pads[3]))
        return NULL;
    sdl_tensor x = tensor_handle(x_object, "input"), w = tensor_handle(w_object, "filters"), b;
    if (x == NULL || w == NULL || optional_tensor_handle(b_object, "bias", &b) < 0) return NULL;
    int64_t s[2] = {strides[0], strides[1]}, d[2] = {dilations[0], dilations[1]};
    int64_t p[4] = {pads[0], pads[1], pads[2], pads[3]};
    int64_t k[2] = {ksize[0], ksize[1]}, ps[2] = {pool_strides[0], pool_strides[1]};
    int64_t pp[4] = {pool_pads[0], pool_pads[1], pool_pads[2], pool_pads[3]};
    RETURN_ENGINE_RESULT(sdl_conv2d_pool(x, w, b, activation, s, d, padding, p, kind, k, ps, pool_padding, pp, &out));
}

/* conv1d(input, filters, bias|None, activation, stride, dilation, padding, (pl, pr)) */
static PyObject *conv1d(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object, *w_object, *b_object;
    int activation, padding;
    long long stride, dilation, pads[2];
    if (!PyArg_ParseTuple(args, "OOOiLLi(LL)", &x_object, &w_object, &b_object, &activation, &stride, &dilation, &padding,
                          &pads[0], &pads[1]))
        return NULL;
    sdl_tensor x = tensor_handle(x_object, "input"), w = tensor_handle(w_object, "filters"), b;
    if (x == NULL || w == NULL || optional_tensor_handle(b_object, "bias", &b) < 0) return NULL;
    int64_t p[2] = {pads[0], pads[1]};
    RETURN_ENGINE_RESULT(sdl_conv1d(x, w, b, activation, stride, dilation, padding, p, &out));
}

/* pool2d(kind, input, (kh, kw), (sh, sw), padding, (pt, pb, pl, pr)) */
static PyObject *pool2d(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object;
    int kind, padding;
    long long ksize[2], strides[2], pads[4];
    if (!PyArg_ParseTuple(args, "iO(LL)(LL)i(LLLL)", &kind, &x_object, &ksize[0], &ksize[1], &strides[0], &strides[1], &padding,
                          &pads[0], &pads[1], &pads[2], &pads[3]))
        return NULL;
    sdl_tensor x = tensor_handle(x_object, "input");
    if (x == NULL) return NULL;
    int64_t k[2] = {ksize[0], ksize[1]}, s[2] = {strides[0], strides[1]};
    int64_t p[4] = {pads[0], pads[1], pads[2], pads[3]};
    RETURN_ENGINE_RESULT(sdl_pool2d(kind, x, k, s, padding, p, &out));
}

/* pool1d(kind, input, ksize, stride, padding, (pl, pr)) */
static PyObject *pool1d(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object;
    int kind, padding;
    long long ksize, stride, pads[2];
    if (!PyArg_ParseTuple(args, "iOLLi(LL)", &kind, &x_object, &ksize, &stride, &padding, &pads[0], &pads[1])) return NULL;
    sdl_tensor x = tensor_handle(x_object, "input");
    if (x == NULL) return NULL;
    int64_t p[2] = {pads[0], pads[1]};
    RETURN_ENGINE_RESULT(sdl_pool1d(kind, x, ksize, stride, padding, p, &out));
}

PyMethodDef conv_module_methods[] = {
    {"conv2d", conv2d, METH_VARARGS, "conv2d(input, filters, bias, activation, strides, dilations, padding, pads)"},
    {"depthwise_conv2d", depthwise_conv2d, METH_VARARGS,
     "depthwise_conv2d(input, filters, bias, strides, dilations, padding, pads)"},
    {"conv2d_transpose", conv2d_transpose, METH_VARARGS,
     "conv2d_transpose(input, filters, output_size, strides, dilations, padding, pads)"},
    {"conv2d_transpose_bias_activation", conv2d_transpose_bias_activation, METH_VARARGS,
     "conv2d_transpose_bias_activation(input, filters, bias, activation, output_size, strides, dilations, padding, "
     "pads)"},
    {"conv2d_pool", conv2d_pool, METH_VARARGS,
     "conv2d_pool(input, filters, bias, activation, strides, dilations, padding, pads, kind, ksize, pool_strides, "
     "pool_padding, pool_pads)"},
    {"conv1d", conv1d, METH_VARARGS, "conv1d(input, filters, bias, activation, stride, dilation, padding, pads)"},
    {"pool2d", pool2d, METH_VARARGS, "pool2d(kind, input, ksize, strides, padding, pads)"},
    {"pool1d", pool1d, METH_VARARGS, "pool1d(kind, input, ksize, stride, padding, pads)"},
    {NULL, NULL, 0, NULL},
};
