"""tf.io (and tf.image) decode_and_crop_jpeg and decode_webp, through Pillow (the
`[image]` extra) as the other codecs in _image_codecs."""
import numpy as np

from ..errors import InvalidArgumentError
from ._image_codecs import _bytes, _check_channels, _open, _pixels, decode_jpeg


def decode_and_crop_jpeg(contents, crop_window, channels=0, ratio=1, fancy_upscaling=True, try_recover_truncated=False,
                         acceptable_fraction=1, dct_method="", name=None):
    """The pixels of a JPEG inside crop_window = [y, x, height, width] (what TensorFlow's
    fused op returns; the whole image is decoded here, then cut).

    Raises:
        InvalidArgumentError: for a window that is not 4 non-negative ints inside the image.
    """
    import swiftdl as sd
    window = np.asarray(crop_window.numpy() if hasattr(crop_window, "numpy") else crop_window).reshape(-1)
    if window.shape != (4,) or window.dtype.kind not in "iu" or np.any(window < 0):
        raise InvalidArgumentError(None, None, f"decode_and_crop_jpeg: crop_window must be 4 non-negative ints "
                                   f"[y, x, height, width]; received {window.tolist()}")
    pixels = np.asarray(decode_jpeg(contents, channels=channels, ratio=ratio))
    top, left, height, width = (int(v) for v in window)
    if height == 0 or width == 0 or top + height > pixels.shape[0] or left + width > pixels.shape[1]:
        raise InvalidArgumentError(None, None, f"decode_and_crop_jpeg: crop window {window.tolist()} is not inside "
                                   f"the {pixels.shape[0]}x{pixels.shape[1]} image")
    return sd.asarray(np.ascontiguousarray(pixels[top:top + height, left:left + width]))


def decode_webp(contents, channels=0, dtype="uint8", name=None):
    """The frames of a WebP file, (frames, height, width, channels) uint8: 3 channels for
    an opaque file and 4 with alpha (channels 0), as TensorFlow.

    Raises:
        InvalidArgumentError: for contents that are not WebP, or channels that differ
            from the file's (TensorFlow converts neither way).
    """
    import swiftdl as sd
    channels = _check_channels(channels, {0, 3, 4}, "decode_webp")
    if np.dtype(getattr(dtype, "name", dtype)).name != "uint8":
        raise InvalidArgumentError(None, None, f"decode_webp: dtype must be uint8; received {dtype!r}")
    image = _open(_bytes(contents, "decode_webp"), "decode_webp")
    if image.format != "WEBP":
        raise InvalidArgumentError(None, None, f"decode_webp: the contents are {image.format}, not WebP")
    frames = []
    for index in range(getattr(image, "n_frames", 1)):
        image.seek(index)
        frame = _pixels(image.convert("RGBA") if image.mode == "RGBA" or "A" in image.getbands() else
                        image.convert("RGB"))
        frames.append(frame)
    pixels = np.stack(frames)
    if channels and channels != pixels.shape[-1]:
        raise InvalidArgumentError(None, None, f"decode_webp: {channels} channels requested from a file with "
                                   f"{pixels.shape[-1]}")
    return sd.asarray(np.ascontiguousarray(pixels))


def match_filenames_once(pattern, name=None):
    """The files matching `pattern`, read once (tf.io.match_filenames_once: a variable
    holding io.matching_files(pattern), which eagerly is its value)."""
    from ._text_codecs import matching_files
    return matching_files(pattern)
