"""keras.applications.imagenet_utils: ImageNet preprocessing (the "caffe", "tf" and
"torch" conventions), decode_predictions (Keras's class index, fetched once through
get_file), and the input-shape rules the application builders share."""
import json
import warnings

import numpy as np

import swiftdl as _sd

CLASS_INDEX = None
CLASS_INDEX_PATH = "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"
_CAFFE_MEAN = [103.939, 116.779, 123.68]  # BGR
_TORCH_MEAN, _TORCH_STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def preprocess_input(x, data_format=None, mode="caffe"):
    """"caffe": RGB → BGR, minus the ImageNet means; "tf": scaled to [-1, 1]; "torch":
    scaled to [0, 1], normalised by ImageNet's means and deviations. numpy in, numpy out."""
    from ..config import floatx, image_data_format
    if mode not in ("caffe", "tf", "torch"):
        raise ValueError(f"Expected mode to be one of `caffe`, `tf` or `torch`. Received: mode={mode}")
    data_format = data_format or image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"Expected data_format to be one of `channels_first` or `channels_last`. Received: "
                         f"data_format={data_format}")
    tensor = isinstance(x, _sd.Tensor)
    values = np.array(x, dtype=np.asarray(x).dtype if np.asarray(x).dtype.kind == "f" else floatx())
    if mode == "tf":
        values = values / 127.5 - 1.0
        return _sd.asarray(values) if tensor else values
    channel_axis = (0 if values.ndim == 3 else 1) if data_format == "channels_first" else -1
    shape = [1] * values.ndim
    shape[channel_axis] = 3
    if mode == "torch":
        values = (values / 255.0 - np.reshape(_TORCH_MEAN, shape)) / np.reshape(_TORCH_STD, shape)
    else:
        values = np.flip(values, axis=channel_axis) - np.reshape(_CAFFE_MEAN, shape)
    values = values.astype(np.asarray(x).dtype if np.asarray(x).dtype.kind == "f" else floatx())
    return _sd.asarray(values) if tensor else values


def decode_predictions(preds, top=5):
    """[(class id, name, score)] × top for each row of (samples, 1000) predictions."""
    global CLASS_INDEX
    preds = np.asarray(preds)
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError(f"`decode_predictions` expects a batch of predictions (i.e. a 2D array of shape (samples, "
                         f"1000)). Received array with shape: {preds.shape}")
    if CLASS_INDEX is None:
        from ..utils.file_utils import get_file
        path = get_file("imagenet_class_index.json", CLASS_INDEX_PATH, cache_subdir="models",
                        file_hash="c2c37ea517e94d9795004a39431a14cb")
        with open(path) as file:
            CLASS_INDEX = json.load(file)
    results = []
    for row in preds:
        best = row.argsort()[-top:][::-1]
        results.append(sorted((tuple(CLASS_INDEX[str(i)]) + (row[i],) for i in best), key=lambda r: r[2], reverse=True))
    return results


def obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten, weights=None):
    """Keras's rules for an application's input shape (defaults, imagenet's fixed shape,
    the minimum size, static shapes under a classifier top)."""
    first = data_format == "channels_first"
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if first else input_shape[-1]
        if channels not in (1, 3):
            warnings.warn(f"This model usually expects 1 or 3 input channels. However, it was passed an input_shape "
                          f"with {channels} input channels.", stacklevel=3)
        default = (channels, default_size, default_size) if first else (default_size, default_size, channels)
    else:
        default = (3, default_size, default_size) if first else (default_size, default_size, 3)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default:
            raise ValueError(f"When setting `include_top=True` and loading `imagenet` weights, `input_shape` should "
                             f"be {default}.  Received: input_shape={input_shape}")
        return default
    if input_shape:
        input_shape = tuple(input_shape)
        if len(input_shape) != 3:
            raise ValueError("`input_shape` must be a tuple of three integers.")
        channels = input_shape[0] if first else input_shape[-1]
        if channels != 3 and weights == "imagenet":
            raise ValueError(f"The input must have 3 channels; Received `input_shape={input_shape}`")
        spatial = input_shape[1:] if first else input_shape[:2]
        if any(size is not None and size < min_size for size in spatial):
            raise ValueError(f"Input size must be at least {min_size}x{min_size}; Received: input_shape={input_shape}")
    elif require_flatten:
        input_shape = default
    else:
        input_shape = (3, None, None) if first else (None, None, 3)
    if require_flatten and None in input_shape:
        raise ValueError(f"If `include_top` is True, you should specify a static `input_shape`. Received: "
                         f"input_shape={input_shape}")
    return tuple(input_shape)


def correct_pad(inputs, kernel_size):
    """Zero padding that makes a stride-2 'valid' convolution cover the input as 'same' would."""
    from ..config import image_data_format
    axis = 2 if image_data_format() == "channels_first" else 1
    size = inputs.shape[axis:axis + 2]
    kernel = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    adjust = (1, 1) if size[0] is None else (1 - size[0] % 2, 1 - size[1] % 2)
    half = (kernel[0] // 2, kernel[1] // 2)
    return ((half[0] - adjust[0], half[0]), (half[1] - adjust[1], half[1]))


def validate_activation(classifier_activation, weights):
    if weights is None:
        return
    from .. import activations
    if activations.get(classifier_activation) not in (activations.get("softmax"), activations.get(None)):
        raise ValueError(f"Only `None` and `softmax` activations are allowed for the `classifier_activation` argument "
                         f"when using pretrained weights, with `include_top=True`; Received: "
                         f"classifier_activation={classifier_activation}")
