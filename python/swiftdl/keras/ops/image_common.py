"""Shared helpers of the keras.ops.image files: data formats, ranks, batching."""
import swiftdl as sd

from ._convert import tensor
from ._dtypes import result_type


def data_format_of(data_format):
    if data_format is None:
        from .. import backend
        data_format = backend.image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"data_format must be 'channels_last' or 'channels_first'; received {data_format!r}")
    return data_format


def check_rank(images, op, name="images"):
    if images.ndim not in (3, 4):
        raise ValueError(f"[{op}] Invalid {name} rank: expected rank 3 (single image) or rank 4 (batch of images). "
                         f"Received input with shape: {name}.shape={tuple(images.shape)}")


def to_nhwc(images, data_format, op):
    """(images as a float-computable NHWC batch, a function undoing the layout change)."""
    images = tensor(images)
    check_rank(images, op)
    unbatched = images.ndim == 3
    x = sd.expand_dims(images, 0) if unbatched else images
    first = data_format_of(data_format) == "channels_first"
    if first:
        x = sd.transpose(x, (0, 2, 3, 1))

    def restore(y):
        if first:
            y = sd.transpose(y, (0, 3, 1, 2))
        return y[0] if unbatched else y

    return x, restore


def compute_dtype(dtype):
    return result_type(dtype, "float32")
