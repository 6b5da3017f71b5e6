/* Image preprocessing ops: keras.ops.image.affine_transform, one axis of a separable resize,
 * and the fused per-channel scale and offset of Rescaling, Normalization and RandomContrast.
 * Each wrapper checks its arguments, releases the GIL around the engine call and wraps the
 * result; python/swiftdl/keras/ops/ does the Keras-style argument handling. */
#include "extension.h"

/* image_affine_transform(images, transforms, bilinear, fill_mode_code, fill_value, channels_first) */
static PyObject *image_affine_transform(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *images_object, *transforms_object;
    int bilinear, fill_mode, channels_first;
    double fill_value;
    if (!PyArg_ParseTuple(args, "OOpidp", &images_object, &transforms_object, &bilinear, &fill_mode, &fill_value,
                          &channels_first))
        return NULL;
    if (fill_mode < 0 || fill_mode > 4) {
        PyErr_Format(PyExc_ValueError, "[affine_transform] fill_mode code must be 0 to 4; received %d", fill_mode);
        return NULL;
    }
    sdl_tensor images = tensor_handle(images_object, "images");
    sdl_tensor transforms = tensor_handle(transforms_object, "transforms");
    if (images == NULL || transforms == NULL) return NULL;
    RETURN_ENGINE_RESULT(sdl_image_affine_transform(images, transforms, bilinear, fill_mode, fill_value, channels_first, &out));
}

/* image_resample_axis(x, axis, weights) */
static PyObject *image_resample_axis(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object, *weights_object;
    long long axis;
    if (!PyArg_ParseTuple(args, "OLO", &x_object, &axis, &weights_object)) return NULL;
    sdl_tensor x = tensor_handle(x_object, "x"), weights = tensor_handle(weights_object, "weights");
    if (x == NULL || weights == NULL) return NULL;
    RETURN_ENGINE_RESULT(sdl_image_resample_axis(x, axis, weights, &out));
}

/* image_resample_2d(x, axis, height_weights, width_weights) */
static PyObject *image_resample_2d(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object, *height_object, *width_object;
    long long axis;
    if (!PyArg_ParseTuple(args, "OLOO", &x_object, &axis, &height_object, &width_object)) return NULL;
    sdl_tensor x = tensor_handle(x_object, "x");
    sdl_tensor height_weights = tensor_handle(height_object, "height_weights");
    sdl_tensor width_weights = tensor_handle(width_object, "width_weights");
    if (x == NULL || height_weights == NULL || width_weights == NULL) return NULL;
    RETURN_ENGINE_RESULT(sdl_image_resample_2d(x, axis, height_weights, width_weights, &out));
}

/* channel_affine(x, (outer, middle, channels), shift, scale, offset, divide, low, high) */
static PyObject *channel_affine(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *x_object, *shift_object, *scale_object, *offset_object;
    long long outer, middle, channels;
    int divide;
    double low, high;
    if (!PyArg_ParseTuple(args, "O(LLL)OOOpdd", &x_object, &outer, &middle, &channels, &shift_object, &scale_object,
                          &offset_object, &divide, &low, &high))
        return NULL;
    sdl_tensor x = tensor_handle(x_object, "x"), shift = tensor_handle(shift_object, "shift");
    sdl_tensor scale = tensor_handle(scale_object, "scale"), offset = tensor_handle(offset_object, "offset");
    if (x == NULL || shift == NULL || scale == NULL || offset == NULL) return NULL;
    RETURN_ENGINE_RESULT(sdl_channel_affine(x, outer, middle, channels, shift, scale, offset, divide, low, high, &out));
}

PyMethodDef image_module_methods[] = {
    {"image_affine_transform", image_affine_transform, METH_VARARGS,
     "image_affine_transform(images, transforms, bilinear, fill_mode_code, fill_value, channels_first)"},
    {"image_resample_axis", image_resample_axis, METH_VARARGS, "image_resample_axis(x, axis, weights)"},
    {"image_resample_2d", image_resample_2d, METH_VARARGS, "image_resample_2d(x, axis, height_weights, width_weights)"},
    {"channel_affine", channel_affine, METH_VARARGS,
     "channel_affine(x, (outer, middle, channels), shift, scale, offset, divide, low, high)"},
    {NULL, NULL, 0, NULL},
};
