"""keras.ops.image crop_images, pad_images and extract_patches: slices, zero blocks and
gathers, differentiable through the tape."""
import operator

import swiftdl as sd

from ._convert import tensor
from .image_common import check_rank, data_format_of, to_nhwc


def _exactly_two(first, second, target, names, op):
    if [first, second, target].count(None) != 1:
        raise ValueError(f"[{op}] Must specify exactly two of {', '.join(names)}. Received: {names[0]}={first}, "
                         f"{names[1]}={second}, {names[2]}={target}")
    for name, value in zip(names, (first, second, target)):
        if value is not None and value < 0:
            raise ValueError(f"[{op}] {name} must be >= 0. Received: {name}={value}")


def _spatial_axes(images, data_format):
    return (images.ndim - 3, images.ndim - 2) if data_format_of(data_format) == "channels_last" \
        else (images.ndim - 2, images.ndim - 1)


def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None, right_padding=None,
               target_height=None, target_width=None, data_format=None):
    """Pads images with zeros: two of (top, bottom, target_height) and two of (left, right,
    target_width) must be given."""
    images = tensor(images)
    check_rank(images, "pad_images")
    _exactly_two(top_padding, bottom_padding, target_height, ("top_padding", "bottom_padding", "target_height"),
                 "pad_images")
    _exactly_two(left_padding, right_padding, target_width, ("left_padding", "right_padding", "target_width"),
                 "pad_images")
    h_axis, w_axis = _spatial_axes(images, data_format)
    height, width = images.shape[h_axis], images.shape[w_axis]
    top = top_padding if top_padding is not None else target_height - bottom_padding - height
    bottom = bottom_padding if bottom_padding is not None else target_height - top - height
    left = left_padding if left_padding is not None else target_width - right_padding - width
    right = right_padding if right_padding is not None else target_width - left - width
    for name, value in (("top_padding", top), ("bottom_padding", bottom), ("left_padding", left),
                        ("right_padding", right)):
        if value < 0:
            raise ValueError(f"[pad_images] {name} must be >= 0. Received: {name}={value}")
    widths = [(0, 0)] * images.ndim
    widths[h_axis], widths[w_axis] = (top, bottom), (left, right)
    from .numpy_shape import pad
    return pad(images, widths)


def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None, right_cropping=None,
                target_height=None, target_width=None, data_format=None):
    """Crops images: two of (top, bottom, target_height) and two of (left, right,
    target_width) must be given."""
    images = tensor(images)
    check_rank(images, "crop_images")
    _exactly_two(top_cropping, bottom_cropping, target_height, ("top_cropping", "bottom_cropping", "target_height"),
                 "crop_images")
    _exactly_two(left_cropping, right_cropping, target_width, ("left_cropping", "right_cropping", "target_width"),
                 "crop_images")
    h_axis, w_axis = _spatial_axes(images, data_format)
    height, width = images.shape[h_axis], images.shape[w_axis]
    top = top_cropping if top_cropping is not None else height - target_height - bottom_cropping
    target_height = target_height if target_height is not None else height - bottom_cropping - top
    left = left_cropping if left_cropping is not None else width - target_width - right_cropping
    target_width = target_width if target_width is not None else width - right_cropping - left
    for name, value in (("top_cropping", top), ("target_height", target_height), ("left_cropping", left),
                        ("target_width", target_width)):
        if value < 0:
            raise ValueError(f"[crop_images] {name} must be >= 0. Received: {name}={value}")
    if top + target_height > height or left + target_width > width:
        raise ValueError(f"[crop_images] the crop {top}+{target_height} x {left}+{target_width} does not fit in "
                         f"images of height {height} and width {width}")
    key = [slice(None)] * images.ndim
    key[h_axis], key[w_axis] = slice(top, top + target_height), slice(left, left + target_width)
    return images[tuple(key)]


def _pair(value, name, op):
    if isinstance(value, int):
        return value, value
    if len(value) != 2:
        raise TypeError(f"[{op}] Invalid `{name}` argument. Expected an int or a tuple of length 2. Received: "
                        f"{name}={value}")
    return operator.index(value[0]), operator.index(value[1])


def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """Patches of size (ph, pw) every `strides` (default: size), each flattened in (row,
    column, channel) order into the channel axis: (N, out_h, out_w, ph·pw·C)."""
    if isinstance(size, (tuple, list)) and len(size) == 3:
        raise ValueError("[extract_patches] 3-D patches (extract_patches_3d) are not supported by swiftdl yet")
    ph, pw = _pair(size, "size", "extract_patches")
    sh, sw = _pair(strides if strides else (ph, pw), "strides", "extract_patches")
    dh, dw = _pair(dilation_rate, "dilation_rate", "extract_patches")
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise ValueError(f"[extract_patches] padding must be 'valid' or 'same'; received {padding!r}")
    x, restore = to_nhwc(images, data_format, "extract_patches")
    n, height, width, channels = x.shape
    span_h, span_w = (ph - 1) * dh + 1, (pw - 1) * dw + 1
    if padding.lower() == "same":
        out_h, out_w = -(-height // sh), -(-width // sw)
        pad_h = max((out_h - 1) * sh + span_h - height, 0)
        pad_w = max((out_w - 1) * sw + span_w - width, 0)
        from .numpy_shape import pad
        x = pad(x, [(0, 0), (pad_h // 2, pad_h - pad_h // 2), (pad_w // 2, pad_w - pad_w // 2), (0, 0)])
    else:
        out_h, out_w = (height - span_h) // sh + 1, (width - span_w) // sw + 1
        if out_h <= 0 or out_w <= 0:
            raise ValueError(f"[extract_patches] patches of size {(ph, pw)} do not fit in images of {(height, width)}")
    rows = sd.reshape(sd.arange(out_h, dtype="int64") * sh, (-1, 1)) + sd.reshape(sd.arange(ph, dtype="int64") * dh, (1, -1))
    cols = sd.reshape(sd.arange(out_w, dtype="int64") * sw, (-1, 1)) + sd.reshape(sd.arange(pw, dtype="int64") * dw, (1, -1))
    patches = sd.take(x, sd.reshape(rows, (-1,)), axis=1)                      # (N, out_h·ph, W, C)
    patches = sd.take(patches, sd.reshape(cols, (-1,)), axis=2)                # (N, out_h·ph, out_w·pw, C)
    patches = sd.reshape(patches, (n, out_h, ph, out_w, pw, channels))
    patches = sd.reshape(sd.transpose(patches, (0, 1, 3, 2, 4, 5)), (n, out_h, out_w, ph * pw * channels))
    return restore(patches)


def extract_patches_3d(volumes, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """Patches of size (pd, ph, pw) every `strides` (default: size) from volumes
    (N, D, H, W, C), each flattened in (depth, row, column, channel) order:
    (N, out_d, out_h, out_w, pd·ph·pw·C)."""
    volumes = tensor(volumes)
    if volumes.ndim not in (4, 5):
        raise ValueError(f"[extract_patches_3d] volumes must be rank 4 or 5; received shape {tuple(volumes.shape)}")
    patch = (size,) * 3 if isinstance(size, int) else tuple(size)
    if len(patch) != 3:
        raise TypeError(f"[extract_patches_3d] Invalid `size` argument. Expected an int or a tuple of length 3. "
                        f"Received: size={size}")
    steps = patch if strides is None else ((strides,) * 3 if isinstance(strides, int) else tuple(strides))
    dilation = (dilation_rate,) * 3 if isinstance(dilation_rate, int) else tuple(dilation_rate)
    if len(steps) != 3 or len(dilation) != 3:
        raise ValueError(f"[extract_patches_3d] Invalid `strides` argument. Got: {strides}")
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise ValueError(f"[extract_patches_3d] padding must be 'valid' or 'same'; received {padding!r}")
    unbatched = volumes.ndim == 4
    x = sd.expand_dims(volumes, 0) if unbatched else volumes
    first = data_format_of(data_format) == "channels_first"
    if first:
        x = sd.transpose(x, (0, 2, 3, 4, 1))
    n, channels = x.shape[0], x.shape[-1]
    spatial = list(x.shape[1:4])
    spans = [(p - 1) * d + 1 for p, d in zip(patch, dilation)]
    if padding.lower() == "same":
        outs = [-(-s // st) for s, st in zip(spatial, steps)]
        widths = [max((o - 1) * st + sp - s, 0) for o, st, sp, s in zip(outs, steps, spans, spatial)]
        from .numpy_shape import pad
        x = pad(x, [(0, 0)] + [(w // 2, w - w // 2) for w in widths] + [(0, 0)])
    else:
        outs = [(s - sp) // st + 1 for s, sp, st in zip(spatial, spans, steps)]
        if min(outs) <= 0:
            raise ValueError(f"[extract_patches_3d] patches of size {patch} do not fit in volumes of {tuple(spatial)}")
    for axis in range(3):
        index = sd.reshape(sd.reshape(sd.arange(outs[axis], dtype="int64") * steps[axis], (-1, 1)) +
                           sd.reshape(sd.arange(patch[axis], dtype="int64") * dilation[axis], (1, -1)), (-1,))
        x = sd.take(x, index, axis=axis + 1)
    x = sd.reshape(x, (n, outs[0], patch[0], outs[1], patch[1], outs[2], patch[2], channels))
    x = sd.reshape(sd.transpose(x, (0, 1, 3, 5, 2, 4, 6, 7)), (n, *outs, patch[0] * patch[1] * patch[2] * channels))
    if first:
        x = sd.transpose(x, (0, 4, 1, 2, 3))
    return x[0] if unbatched else x
