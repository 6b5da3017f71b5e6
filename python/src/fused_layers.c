/* Keras layers as single engine ops: Dense (sdl_dense), and a Conv2D or DepthwiseConv2D with
 * the batch norm folded into it at inference (sdl_conv2d_batch_norm, with a residual added
 * sdl_conv2d_batch_norm_add, sdl_depthwise_conv2d_batch_norm), and an Embedding -> Conv1D from a table of each token's
 * taps (sdl_token_table_conv1d). Arguments arrive normalised by the
 * Python package; this file only marshals them and calls the engine without the GIL. */
#include "extension.h"

typedef sdl_status (*folded_batch_norm_op)(sdl_tensor, sdl_tensor, sdl_tensor, sdl_tensor, sdl_tensor, sdl_tensor, sdl_tensor,
                                           double, int32_t, double, const int64_t *, const int64_t *, int32_t, const int64_t *,
                                           sdl_tensor *);

/* (input, filters, bias|None, mean, variance, gamma|None, beta|None, epsilon, relu, relu_max,
   (sh, sw), (dh, dw), padding, (pt, pb, pl, pr)) for a convolution with a batch norm folded in */
static PyObject *folded_batch_norm(PyObject *args, folded_batch_norm_op op) {
    PyObject *x_object, *w_object, *b_object, *mean_object, *variance_object, *gamma_object, *beta_object;
    double epsilon, relu_max;
    int relu, padding;
    long long strides[2], dilations[2], pads[4];
    if (!PyArg_ParseTuple(args, "OOOOOOOdpd(LL)(LL)i(LLLL)", &x_object, &w_object, &b_object, &mean_object, &variance_object,
                          &gamma_object, &beta_object, &epsilon, &relu, &relu_max, &strides[0], &strides[1], &dilations[0],
                          &dilations[1], &padding, &pads[0], &pads[1], &pads[2], &pads[3]))
        return NULL;
    sdl_tensor x = tensor_handle(x_object, "input"), w = tensor_handle(w_object, "filters");
    sdl_tensor mean = tensor_handle(mean_object, "mean"), variance = tensor_handle(variance_object, "variance");
    sdl_tensor b, gamma, beta;
    if (x == NULL || w == NULL || mean == NULL || variance == NULL || optional_tensor_handle(b_object, "bias", &b) < 0 ||
        optional_tensor_handle(gamma_object, "gamma", &gamma) < 0 || optional_tensor_handle(beta_object, "beta", &beta) < 0)
        return NULL;
    int64_t s[2] = {strides[0], strides[1]}, d[2] = {dilations[0], dilations[1]};
    int64_t p[4] = {pads[0], pads[1], pads[2], pads[3]};
    RETURN_ENGINE_RESULT(op(x, w, b, mean, variance, gamma, beta, epsilon, relu, relu_max, s, d, padding, p, &out));
}

static PyObject *conv2d_batch_norm(PyObject *module, PyObject *args) {
    (void)module;
    return folded_batch_norm(args, sdl_conv2d_batch_norm);
}

/* conv2d_batch_norm's arguments, then the residual added to its result */
static PyObject *conv2d_batch_norm_add(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object, *w_object, *b_object, *mean_object, *variance_object, *gamma_object, *beta_object, *residual_object;
    double epsilon, relu_max;
    int relu, padding;
    long long strides[2], dilations[2], pads[4];
    if (!PyArg_ParseTuple(args, "OOOOOOOdpd(LL)(LL)i(LLLL)O", &x_object, &w_object, &b_object, &mean_object, &variance_object,
                          &gamma_object, &beta_object, &epsilon, &relu, &relu_max, &strides[0], &strides[1], &dilations[0],
                          &dilations[1], &padding, &pads[0], &pads[1], &pads[2], &pads[3], &residual_object))
        return NULL;
    sdl_tensor x = tensor_handle(x_object, "input"), w = tensor_handle(w_object, "filters");
    sdl_tensor mean = tensor_handle(mean_object, "mean"), variance = tensor_handle(variance_object, "variance");
    sdl_tensor residual = tensor_handle(residual_object, "residual");
    sdl_tensor b, gamma, beta;
    if (x == NULL || w == NULL || mean == NULL || variance == NULL || residual == NULL ||
        optional_tensor_handle(b_object, "bias", &b) < 0 || optional_tensor_handle(gamma_object, "gamma", &gamma) < 0 ||
        optional_tensor_handle(beta_object, "beta", &beta) < 0)
        return NULL;
    int64_t s[2] = {strides[0], strides[1]}, d[2] = {dilations[0], dilations[1]};
    int64_t p[4] = {pads[0], pads[1], pads[2], pads[3]};
    RETURN_ENGINE_RESULT(sdl_conv2d_batch_norm_add(x, w, b, mean, variance, gamma, beta, epsilon, relu, relu_max, s, d, padding,
                                                   p, residual, &out));
}

static PyObject *depthwise_conv2d_batch_norm(PyObject *module, PyObject *args) {
    (void)module;
    return folded_batch_norm(args, sdl_depthwise_conv2d_batch_norm);
}

/* dense(x, kernel, bias|None, activation) */
static PyObject *dense(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object, *kernel_object, *bias_object;
    int activation;
    if (!PyArg_ParseTuple(args, "OOOi", &x_object, &kernel_object, &bias_object, &activation)) return NULL;
    sdl_tensor x = tensor_handle(x_object, "x"), kernel = tensor_handle(kernel_object, "kernel"), bias;
    if (x == NULL || kernel == NULL || optional_tensor_handle(bias_object, "bias", &bias) < 0) return NULL;
    RETURN_ENGINE_RESULT(sdl_dense(x, kernel, bias, activation, &out));
}

/* token_table_conv1d(ids, table, bias|None, relu, stride, dilation, pad_left, pad_right) */
static PyObject *token_table_conv1d(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *ids_object, *table_object, *bias_object;
    int relu;
    long long stride, dilation, pad_left, pad_right;
    if (!PyArg_ParseTuple(args, "OOOpLLLL", &ids_object, &table_object, &bias_object, &relu, &stride, &dilation, &pad_left,
                          &pad_right))
        return NULL;
    sdl_tensor ids = tensor_handle(ids_object, "ids"), table = tensor_handle(table_object, "table"), bias;
    if (ids == NULL || table == NULL || optional_tensor_handle(bias_object, "bias", &bias) < 0) return NULL;
    RETURN_ENGINE_RESULT(sdl_token_table_conv1d(ids, table, bias, relu, stride, dilation, pad_left, pad_right, &out));
}

PyMethodDef fused_layer_module_methods[] = {
    {"dense", dense, METH_VARARGS, "dense(x, kernel, bias, activation)"},
    {"conv2d_batch_norm", conv2d_batch_norm, METH_VARARGS,
     "conv2d_batch_norm(input, filters, bias, mean, variance, gamma, beta, epsilon, relu, relu_max, strides, dilations, "
     "padding, pads)"},
    {"conv2d_batch_norm_add", conv2d_batch_norm_add, METH_VARARGS,
     "conv2d_batch_norm_add(input, filters, bias, mean, variance, gamma, beta, epsilon, relu, relu_max, strides, "
     "dilations, padding, pads, residual)"},
    {"depthwise_conv2d_batch_norm", depthwise_conv2d_batch_norm, METH_VARARGS,
     "depthwise_conv2d_batch_norm(input, filters, bias, mean, variance, gamma, beta, epsilon, relu, relu_max, strides, "
     "dilations, padding, pads)"},
    {"token_table_conv1d", token_table_conv1d, METH_VARARGS,
     "token_table_conv1d(ids, table, bias, relu, stride, dilation, pad_left, pad_right)"},
    {NULL, NULL, 0, NULL},
};
