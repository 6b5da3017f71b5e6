"""keras.utils image files: load_img, img_to_array, array_to_img, save_img, and
image_dataset_from_directory. Decoding and encoding use Pillow (`pip install
swiftdl[image]`); resizing is keras.ops.image.resize, TensorFlow's arithmetic."""
import os

import numpy as np

ALLOWED_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
_MODES = {"rgb": ("RGB", 3), "rgba": ("RGBA", 4), "grayscale": ("L", 1)}


def _pillow():
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("Loading and saving images needs Pillow: `pip install swiftdl[image]` (or `pip install "
                          "pillow`).") from None
    return Image


def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest", keep_aspect_ratio=False):
    """A PIL image from `path`, converted to `color_mode` and, with `target_size` (height,
    width), resized (centre-cropped to the target's aspect ratio first if
    `keep_aspect_ratio`)."""
    image_module = _pillow()
    if color_mode not in _MODES:
        raise ValueError(f'color_mode must be "grayscale", "rgb", or "rgba". Received: color_mode={color_mode}')
    with open(os.fspath(path), "rb") as handle:
        image = image_module.open(handle)
        image.load()
    image = image.convert(_MODES[color_mode][0])
    if target_size is not None:
        width, height = target_size[1], target_size[0]
        if image.size != (width, height):
            methods = {"nearest": image_module.NEAREST, "bilinear": image_module.BILINEAR,
                       "bicubic": image_module.BICUBIC, "hamming": image_module.HAMMING,
                       "box": image_module.BOX, "lanczos": image_module.LANCZOS}
            if interpolation not in methods:
                raise ValueError(f"Invalid interpolation method {interpolation!r}; supported: {sorted(methods)}")
            if keep_aspect_ratio:
                crop_width = min(image.size[0], int(round(image.size[1] * width / height)))
                crop_height = min(image.size[1], int(round(image.size[0] * height / width)))
                left, top = (image.size[0] - crop_width) // 2, (image.size[1] - crop_height) // 2
                image = image.crop((left, top, left + crop_width, top + crop_height))
            image = image.resize((width, height), methods[interpolation])
    return image


def img_to_array(img, data_format=None, dtype=None):
    """A PIL image as a (height, width, channels) numpy array (channels first with
    data_format="channels_first"), float32 by default."""
    from ..backend import floatx, image_data_format
    data_format = data_format or image_data_format()
    array = np.asarray(img, dtype=dtype or floatx())
    if array.ndim == 2:
        array = array[..., None]
    if array.ndim != 3:
        raise ValueError(f"Unsupported image shape: {array.shape}")
    return np.moveaxis(array, -1, 0) if data_format == "channels_first" else array


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A (height, width, 1|3|4) array as a PIL image; `scale` maps its range to 0-255."""
    image_module = _pillow()
    from ..backend import image_data_format
    data_format = data_format or image_data_format()
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 3:
        raise ValueError(f"Expected image array to have rank 3 (single image). Got array with shape: {x.shape}")
    if data_format == "channels_first":
        x = np.moveaxis(x, 0, -1)
    if scale:
        x = x - x.min()
        peak = x.max()
        if peak != 0:
            x = x / peak
        x = x * 255
    channels = x.shape[-1]
    modes = {1: "L", 3: "RGB", 4: "RGBA"}
    if channels not in modes:
        raise ValueError(f"Unsupported channel number: {channels}")
    pixels = np.clip(x, 0, 255).astype("uint8")
    return image_module.fromarray(pixels[..., 0] if channels == 1 else pixels, modes[channels])


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Writes an image array to `path` (the format from the extension unless given)."""
    image = array_to_img(x, data_format=data_format, scale=scale)
    if image.mode == "RGBA" and (file_format or os.fspath(path).rsplit(".", 1)[-1]).lower() in ("jpg", "jpeg"):
        image = image.convert("RGB")
    image.save(path, format=file_format, **kwargs)


def smart_resize(x, size, interpolation="bilinear", data_format="channels_last", **kwargs):
    """Resizes an image (or a batch) to `size` without distorting its aspect ratio: the
    largest centred box of the target's aspect ratio is cropped, then resized (Keras's
    crop arithmetic, in integers). numpy in, numpy out; a tensor in, a tensor out."""
    import swiftdl as sd

    from .. import ops
    kwargs.pop("backend_module", None)
    if kwargs:
        raise TypeError(f"smart_resize() got unexpected keyword arguments: {list(kwargs.keys())}")
    if len(size) != 2:
        raise ValueError(f"Expected `size` to be a tuple of 2 integers, but got: {size}.")
    was_tensor = isinstance(x, sd.Tensor)
    image = np.asarray(x)
    if image.ndim not in (3, 4):
        raise ValueError("Expected an image array with shape `(height, width, channels)`, or `(batch_size, height, "
                         f"width, channels)`, but got input with incorrect rank, of shape {image.shape}.")
    channels_last = data_format == "channels_last"
    height, width = image.shape[-3:-1] if channels_last else image.shape[-2:]
    target_height, target_width = size
    crop_height = max(min(height, int(float(width * target_height) / target_width)), 1)
    crop_width = max(min(width, int(float(height * target_width) / target_height)), 1)
    top, left = int(float(height - crop_height) / 2), int(float(width - crop_width) / 2)
    rows, columns = slice(top, top + crop_height), slice(left, left + crop_width)
    cropped = image[..., rows, columns, :] if channels_last else image[..., rows, columns]
    resized = ops.image.resize(cropped.astype(np.float32) if cropped.dtype.kind in "iub" else cropped, size,
                               interpolation=interpolation, data_format=data_format)
    return resized if was_tensor else np.asarray(resized)
