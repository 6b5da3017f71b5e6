/* tf.nn-style ops: activations, softmax, cross-entropies, normalisation and dropout.
 * Each wrapper parses its arguments, releases the GIL around the engine call and wraps
 * the result; python/swiftdl/nn/ does the TensorFlow-style argument handling. */
#include "extension.h"

static PyObject *nn_activation(PyObject *module, PyObject *args) {
    (void)module;
    int code;
    PyObject *x_object;
    double alpha = 0.0;
    if (!PyArg_ParseTuple(args, "iO|d", &code, &x_object, &alpha)) return NULL;
    sdl_tensor x = tensor_handle(x_object, "features");
    if (x == NULL) return NULL;
    RETURN_ENGINE_RESULT(sdl_nn_activation(code, x, alpha, &out));
}

static PyObject *nn_softmax(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *logits_object;
    long long axis;
    int log;
    if (!PyArg_ParseTuple(args, "OLp", &logits_object, &axis, &log)) return NULL;
    sdl_tensor logits = tensor_handle(logits_object, "logits");
    if (logits == NULL) return NULL;
    RETURN_ENGINE_RESULT(sdl_nn_softmax(logits, axis, log, &out));
}

static PyObject *nn_sparse_softmax_cross_entropy(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *labels_object, *logits_object;
    if (!PyArg_ParseTuple(args, "OO", &labels_object, &logits_object)) return NULL;
    sdl_tensor labels = tensor_handle(labels_object, "labels"), logits = tensor_handle(logits_object, "logits");
    if (labels == NULL || logits == NULL) return NULL;
    RETURN_ENGINE_RESULT(sdl_nn_sparse_softmax_cross_entropy(labels, logits, &out));
}

static PyObject *nn_softmax_cross_entropy(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *labels_object, *logits_object;
    long long axis;
    if (!PyArg_ParseTuple(args, "OOL", &labels_object, &logits_object, &axis)) return NULL;
    sdl_tensor labels = tensor_handle(labels_object, "labels"), logits = tensor_handle(logits_object, "logits");
    if (labels == NULL || logits == NULL) return NULL;
    RETURN_ENGINE_RESULT(sdl_nn_softmax_cross_entropy(labels, logits, axis, &out));
}

static PyObject *nn_sigmoid_cross_entropy(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *labels_object, *logits_object;
    if (!PyArg_ParseTuple(args, "OO", &labels_object, &logits_object)) return NULL;
    sdl_tensor labels = tensor_handle(labels_object, "labels"), logits = tensor_handle(logits_object, "logits");
    if (labels == NULL || logits == NULL) return NULL;
    RETURN_ENGINE_RESULT(sdl_nn_sigmoid_cross_entropy(labels, logits, &out));
}

/* nn_binary_crossentropy(targets, probabilities, low, high) */
static PyObject *nn_binary_crossentropy(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *targets_object, *probabilities_object;
    double low, high;
    if (!PyArg_ParseTuple(args, "OOdd", &targets_object, &probabilities_object, &low, &high)) return NULL;
    sdl_tensor targets = tensor_handle(targets_object, "target");
    sdl_tensor probabilities = tensor_handle(probabilities_object, "output");
    if (targets == NULL || probabilities == NULL) return NULL;
    RETURN_ENGINE_RESULT(sdl_nn_binary_crossentropy(targets, probabilities, low, high, &out));
}

/* nn_moments(x, axes, keepdims) -> (mean, variance) */
static PyObject *nn_moments(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object, *axes_object;
    int keepdims;
    if (!PyArg_ParseTuple(args, "OOp", &x_object, &axes_object, &keepdims)) return NULL;
    sdl_tensor x = tensor_handle(x_object, "x");
    if (x == NULL) return NULL;
    int64_t axes[SDL_MAX_RANK];
    int count = parse_int_sequence(axes_object, axes, SDL_MAX_RANK, "axes");
    if (count < 0) return NULL;
    sdl_tensor mean = NULL, variance = NULL;
    sdl_status status;
    Py_BEGIN_ALLOW_THREADS
    status = sdl_nn_moments(x, axes, count, keepdims, &mean, &variance);
    Py_END_ALLOW_THREADS
    if (status != SDL_OK) return raise_status(status);
    PyObject *mean_object = wrap_tensor(mean);
    if (mean_object == NULL) {
        sdl_tensor_free(variance);
        return NULL;
    }
    PyObject *variance_object = wrap_tensor(variance);
    if (variance_object == NULL) {
        Py_DECREF(mean_object);
        return NULL;
    }
    return Py_BuildValue("(NN)", mean_object, variance_object);
}

static PyObject *nn_batch_normalization(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object, *mean_object, *variance_object, *offset_object, *scale_object;
    double epsilon;
    if (!PyArg_ParseTuple(args, "OOOOOd", &x_object, &mean_object, &variance_object, &offset_object, &scale_object, &epsilon))
        return NULL;
    sdl_tensor x = tensor_handle(x_object, "x"), mean = tensor_handle(mean_object, "mean");
    sdl_tensor variance = tensor_handle(variance_object, "variance"), offset = NULL, scale = NULL;
    if (x == NULL || mean == NULL || variance == NULL) return NULL;
    if (offset_object != Py_None && (offset = tensor_handle(offset_object, "offset")) == NULL) return NULL;
    if (scale_object != Py_None && (scale = tensor_handle(scale_object, "scale")) == NULL) return NULL;
    RETURN_ENGINE_RESULT(sdl_nn_batch_normalization(x, mean, variance, offset, scale, epsilon, &out));
}

/* Both batch-norm entry points, after parsing: with_relu selects sdl_nn_fused_batch_norm_relu. */
static PyObject *fused_batch_norm_call(PyObject *x_object, long long axis, PyObject *mean_object, PyObject *variance_object,
                                       PyObject *gamma_object, PyObject *beta_object, double epsilon, int with_relu,
                                       double max_value) {
    sdl_tensor x = tensor_handle(x_object, "x"), mean, variance, gamma, beta;
    if (x == NULL || optional_tensor_handle(mean_object, "mean", &mean) < 0 ||
        optional_tensor_handle(variance_object, "variance", &variance) < 0 ||
        optional_tensor_handle(gamma_object, "gamma", &gamma) < 0 || optional_tensor_handle(beta_object, "beta", &beta) < 0)
        return NULL;
    sdl_tensor y = NULL, batch_mean = NULL, batch_variance = NULL;
    sdl_status status;
    Py_BEGIN_ALLOW_THREADS
    if (with_relu)
        status = sdl_nn_fused_batch_norm_relu(x, (int64_t)axis, mean, variance, gamma, beta, epsilon, max_value, &y, &batch_mean,
                                              &batch_variance);
    else
        status =
            sdl_nn_fused_batch_norm(x, (int64_t)axis, mean, variance, gamma, beta, epsilon, &y, &batch_mean, &batch_variance);
    Py_END_ALLOW_THREADS
    if (status != SDL_OK) return raise_status(status);
    sdl_tensor results[3] = {y, batch_mean, batch_variance};
    return wrap_results(results, 3);
}

/* nn_fused_batch_norm(x, axis, mean|None, variance|None, gamma|None, beta|None, eps) -> (y, mean, variance) */
static PyObject *nn_fused_batch_norm(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object, *mean_object, *variance_object, *gamma_object, *beta_object;
    long long axis;
    double epsilon;
    if (!PyArg_ParseTuple(args, "OLOOOOd", &x_object, &axis, &mean_object, &variance_object, &gamma_object, &beta_object,
                          &epsilon))
        return NULL;
    return fused_batch_norm_call(x_object, axis, mean_object, variance_object, gamma_object, beta_object, epsilon, 0, 0.0);
}

/* nn_fused_batch_norm_relu(x, axis, mean|None, variance|None, gamma|None, beta|None, eps, max_value)
   -> (y, mean, variance) */
static PyObject *nn_fused_batch_norm_relu(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object, *mean_object, *variance_object, *gamma_object, *beta_object;
    long long axis;
    double epsilon, max_value;
    if (!PyArg_ParseTuple(args, "OLOOOOdd", &x_object, &axis, &mean_object, &variance_object, &gamma_object, &beta_object,
                          &epsilon, &max_value))
        return NULL;
    return fused_batch_norm_call(x_object, axis, mean_object, variance_object, gamma_object, beta_object, epsilon, 1, max_value);
}

/* nn_fused_batch_norm_gradients(x, y|None, dy, axis, mean, variance, gamma|None, eps, with_relu, max_value)
   -> (dx, dgamma, dbeta) */
static PyObject *nn_fused_batch_norm_gradients(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object, *y_object, *dy_object, *mean_object, *variance_object, *gamma_object;
    long long axis;
    double epsilon, max_value;
    int with_relu;
    if (!PyArg_ParseTuple(args, "OOOLOOOdpd", &x_object, &y_object, &dy_object, &axis, &mean_object, &variance_object,
                          &gamma_object, &epsilon, &with_relu, &max_value))
        return NULL;
    sdl_tensor x = tensor_handle(x_object, "x"), y, dy, mean, variance, gamma;
    if (x == NULL || optional_tensor_handle(y_object, "y", &y) < 0 || (dy = tensor_handle(dy_object, "dy")) == NULL ||
        (mean = tensor_handle(mean_object, "mean")) == NULL || (variance = tensor_handle(variance_object, "variance")) == NULL ||
        optional_tensor_handle(gamma_object, "gamma", &gamma) < 0)
        return NULL;
    sdl_tensor dx = NULL, dgamma = NULL, dbeta = NULL;
    sdl_status status;
    Py_BEGIN_ALLOW_THREADS
    status = sdl_nn_fused_batch_norm_gradients(x, y, dy, (int64_t)axis, mean, variance, gamma, epsilon, with_relu, max_value, &dx,
                                               &dgamma, &dbeta);
    Py_END_ALLOW_THREADS
    if (status != SDL_OK) return raise_status(status);
    sdl_tensor results[3] = {dx, dgamma, dbeta};
    return wrap_results(results, 3);
}

/* nn_group_norm(x, axis, groups, gamma|None, beta|None, eps) -> y */
static PyObject *nn_group_norm(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object, *gamma_object, *beta_object;
    long long axis, groups;
    double epsilon;
    if (!PyArg_ParseTuple(args, "OLLOOd", &x_object, &axis, &groups, &gamma_object, &beta_object, &epsilon)) return NULL;
    sdl_tensor x = tensor_handle(x_object, "x"), gamma, beta;
    if (x == NULL || optional_tensor_handle(gamma_object, "gamma", &gamma) < 0 ||
        optional_tensor_handle(beta_object, "beta", &beta) < 0)
        return NULL;
    RETURN_ENGINE_RESULT(sdl_nn_group_norm(x, (int64_t)axis, (int64_t)groups, gamma, beta, epsilon, &out));
}

/* nn_layer_norm(x, axis, gamma|None, beta|None, eps) -> y, normalised over axes axis..rank-1 */
static PyObject *nn_layer_norm(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object, *gamma_object, *beta_object;
    long long axis;
    double epsilon;
    if (!PyArg_ParseTuple(args, "OLOOd", &x_object, &axis, &gamma_object, &beta_object, &epsilon)) return NULL;
    sdl_tensor x = tensor_handle(x_object, "x"), gamma, beta;
    if (x == NULL || optional_tensor_handle(gamma_object, "gamma", &gamma) < 0 ||
        optional_tensor_handle(beta_object, "beta", &beta) < 0)
        return NULL;
    RETURN_ENGINE_RESULT(sdl_nn_layer_norm(x, (int64_t)axis, gamma, beta, epsilon, &out));
}

static PyObject *nn_l2_normalize(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object, *axes_object;
    double epsilon;
    if (!PyArg_ParseTuple(args, "OOd", &x_object, &axes_object, &epsilon)) return NULL;
    sdl_tensor x = tensor_handle(x_object, "x");
    if (x == NULL) return NULL;
    int64_t axes[SDL_MAX_RANK];
    const int64_t *pointer;
    int count = parse_optional_int_sequence(axes_object, axes, &pointer, "axis");
    if (count < 0) return NULL;
    RETURN_ENGINE_RESULT(sdl_nn_l2_normalize(x, pointer, count, epsilon, &out));
}

/* nn_dropout(x, rate, noise_shape|None, seed|None) */
static PyObject *nn_dropout(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object, *shape_object, *seed_object;
    double rate;
    if (!PyArg_ParseTuple(args, "OdOO", &x_object, &rate, &shape_object, &seed_object)) return NULL;
    sdl_tensor x = tensor_handle(x_object, "x");
    if (x == NULL) return NULL;
    int64_t shape[SDL_MAX_RANK];
    const int64_t *pointer;
    int ndim = parse_optional_int_sequence(shape_object, shape, &pointer, "noise_shape");
    if (ndim < 0) return NULL;
    unsigned long long seed = 0;
    if (seed_object != Py_None) {
        seed = PyLong_AsUnsignedLongLongMask(seed_object);
        if (PyErr_Occurred()) return NULL;
    }
    RETURN_ENGINE_RESULT(sdl_nn_dropout(x, rate, pointer, ndim, seed_object != Py_None, seed, &out));
}

PyMethodDef nn_module_methods[] = {
    {"nn_activation", nn_activation, METH_VARARGS, "nn_activation(code, x, alpha=0.0)"},
    {"nn_softmax", nn_softmax, METH_VARARGS, "nn_softmax(logits, axis, log)"},
    {"nn_sparse_softmax_cross_entropy", nn_sparse_softmax_cross_entropy, METH_VARARGS,
     "nn_sparse_softmax_cross_entropy(labels, logits)"},
    {"nn_softmax_cross_entropy", nn_softmax_cross_entropy, METH_VARARGS, "nn_softmax_cross_entropy(labels, logits, axis)"},
    {"nn_sigmoid_cross_entropy", nn_sigmoid_cross_entropy, METH_VARARGS, "nn_sigmoid_cross_entropy(labels, logits)"},
    {"nn_binary_crossentropy", nn_binary_crossentropy, METH_VARARGS, "nn_binary_crossentropy(targets, probabilities, low, high)"},
    {"nn_moments", nn_moments, METH_VARARGS, "nn_moments(x, axes, keepdims) -> (mean, variance)"},
    {"nn_fused_batch_norm", nn_fused_batch_norm, METH_VARARGS,
     "nn_fused_batch_norm(x, axis, mean|None, variance|None, gamma|None, beta|None, eps) -> (y, mean, variance)"},
    {"nn_fused_batch_norm_gradients", nn_fused_batch_norm_gradients, METH_VARARGS,
     "nn_fused_batch_norm_gradients(x, y|None, dy, axis, mean, variance, gamma|None, eps, with_relu, max_value) -> (dx, "
     "dgamma, dbeta)"},
    {"nn_fused_batch_norm_relu", nn_fused_batch_norm_relu, METH_VARARGS,
     "nn_fused_batch_norm_relu(x, axis, mean|None, variance|None, gamma|None, beta|None, eps, max_value) -> (y, mean, "
     "variance)"},
    {"nn_batch_normalization", nn_batch_normalization, METH_VARARGS,
     "nn_batch_normalization(x, mean, variance, offset|None, scale|None, eps)"},
    {"nn_group_norm", nn_group_norm, METH_VARARGS, "nn_group_norm(x, axis, groups, gamma|None, beta|None, eps) -> y"},
    {"nn_layer_norm", nn_layer_norm, METH_VARARGS, "nn_layer_norm(x, axis, gamma|None, beta|None, eps) -> y"},
    {"nn_l2_normalize", nn_l2_normalize, METH_VARARGS, "nn_l2_normalize(x, axes|None, epsilon)"},
    {"nn_dropout", nn_dropout, METH_VARARGS, "nn_dropout(x, rate, noise_shape|None, seed|None)"},
    {NULL, NULL, 0, NULL},
};
