"""tf.io's image codecs (decode_png/jpeg/gif/bmp/image, encode_png/jpeg, is_jpeg,
extract_jpeg_shape) through Pillow, the optional `[image]` extra: files in, engine tensors
out (uint8; 16-bit PNGs asked for as uint16 come as int32, which the engine has; float
dtypes scaled to [0, 1] as convert_image_dtype does), with TensorFlow's channel rules.

TensorFlow's colour-to-grey conversions are the decoders' own: libjpeg hands back the Y of
YCbCr, and for PNG TensorFlow weighs red, green and blue by 9798, 19235 and 3735 over 32768
(ITU-R 601), truncating. Both are followed here, so PNG pixels equal TensorFlow's. JPEG
pixels differ by a few levels: TensorFlow decodes with libjpeg's fast integer inverse DCT,
Pillow with its accurate one.
"""
import io

import numpy as np

_PNG_GREY_WEIGHTS = np.array([9798, 19235, 3735], dtype=np.int64)  # TensorFlow's, /32768


def _pillow():
    from ..keras.utils.image_utils import _pillow as pillow
    return pillow()


def _bytes(contents, op):
    if isinstance(contents, np.ndarray) and contents.ndim == 0:
        contents = contents.item()
    if isinstance(contents, str):
        contents = contents.encode("latin-1")
    if not isinstance(contents, (bytes, bytearray, memoryview)):
        raise TypeError(f"{op}: `contents` must be the file's bytes (a string); received {type(contents).__name__}")
    return bytes(contents)


def _check_channels(channels, allowed, op):
    if channels is None:
        channels = 0
    if isinstance(channels, bool) or int(channels) not in allowed:
        from ..errors import InvalidArgumentError
        raise InvalidArgumentError(f"{op}: channels must be one of {sorted(allowed)}; received channels={channels}")
    return int(channels)


def _open(contents, op):
    image_module = _pillow()
    try:
        image = image_module.open(io.BytesIO(contents))
        image.load()
    except Exception as error:  # noqa: BLE001  (Pillow raises many kinds for a bad file)
        from ..errors import InvalidArgumentError
        raise InvalidArgumentError(f"{op}: the contents are not a decodable image ({error})") from None
    return image


def _grey_from_rgb(rgb):
    weighted = rgb[..., :3].astype(np.int64) @ _PNG_GREY_WEIGHTS
    return (weighted >> 15).astype(rgb.dtype)[..., None]


def _with_channels(pixels, channels):
    """(H, W, C) pixels in the file's layout → `channels` (0: as stored), as libpng does:
    alpha dropped or added as opaque, grey repeated, colour weighed into grey."""
    stored = pixels.shape[-1]
    if channels in (0, stored):
        return pixels
    opaque = np.iinfo(pixels.dtype).max
    colour = pixels[..., :1].repeat(3, axis=-1) if stored in (1, 2) else pixels[..., :3]
    if channels == 1:
        return pixels[..., :1] if stored in (1, 2) else _grey_from_rgb(colour)
    if channels == 3:
        return colour
    alpha = pixels[..., -1:] if stored in (2, 4) else np.full(pixels.shape[:-1] + (1,), opaque, pixels.dtype)
    return np.concatenate([colour, alpha], axis=-1)


def _pixels(image):
    """The image's stored pixels as (H, W, C): palettes expanded, 16-bit grey kept as uint16."""
    mode = image.mode
    if mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif mode in ("I;16", "I;16B", "I;16L", "I"):
        return np.asarray(image, dtype=np.uint16)[..., None]
    elif mode == "1":
        image = image.convert("L")
    elif mode not in ("L", "LA", "RGB", "RGBA"):
        image = image.convert("RGB")
    pixels = np.asarray(image)
    return pixels[..., None] if pixels.ndim == 2 else pixels


def _as_dtype(pixels, dtype, op):
    """uint8 pixels as TensorFlow returns them for `dtype`."""
    import swiftdl as sd
    name = np.dtype(getattr(dtype, "name", dtype) or "uint8").name
    if name == "uint8":
        if pixels.dtype == np.uint16:
            pixels = (pixels >> 8).astype(np.uint8)  # libpng's strip to 8 bits
        return sd.asarray(np.ascontiguousarray(pixels))
    if name == "uint16":
        if pixels.dtype == np.uint8:
            pixels = pixels.astype(np.uint16) * 257
        return sd.asarray(pixels.astype(np.int32))  # the engine has no uint16
    if name in ("float16", "float32", "float64"):
        # The value over the type's maximum, in the target type (within an ulp of TensorFlow's).
        engine = np.float64 if name == "float64" else np.float32
        return sd.asarray(pixels.astype(engine) / engine(65535.0 if pixels.dtype == np.uint16 else 255.0))
    from ..errors import InvalidArgumentError
    raise InvalidArgumentError(f"{op}: dtype must be uint8, uint16 or a float type; received {name}")


def decode_png(contents, channels=0, dtype="uint8", name=None):
    """A PNG's pixels, (height, width, channels)."""
    channels = _check_channels(channels, {0, 1, 2, 3, 4}, "decode_png")
    image = _open(_bytes(contents, "decode_png"), "decode_png")
    return _as_dtype(_with_channels(_pixels(image), channels), dtype, "decode_png")


def decode_jpeg(contents, channels=0, ratio=1, fancy_upscaling=True, try_recover_truncated=False,
                acceptable_fraction=1, dct_method="", name=None):
    """A JPEG's pixels, (height, width, channels); grey from colour is the decoder's Y, as
    libjpeg gives it to TensorFlow."""
    channels = _check_channels(channels, {0, 1, 3}, "decode_jpeg")
    if ratio not in (1, 2, 4, 8):
        from ..errors import InvalidArgumentError
        raise InvalidArgumentError(f"decode_jpeg: ratio must be 1, 2, 4 or 8; received ratio={ratio}")
    contents = _bytes(contents, "decode_jpeg")
    image = _open_jpeg(contents, channels, ratio)
    pixels = _pixels(image)
    if channels == 3 and pixels.shape[-1] == 1:
        pixels = pixels.repeat(3, axis=-1)
    return _as_dtype(pixels, "uint8", "decode_jpeg")


def _open_jpeg(contents, channels, ratio):
    image_module = _pillow()
    try:
        image = image_module.open(io.BytesIO(contents))
        if image.format != "JPEG":
            raise ValueError("not a JPEG file")
        size = (max(1, -(-image.size[0] // ratio)), max(1, -(-image.size[1] // ratio)))
        if channels == 1:
            image.draft("L", size)  # libjpeg's own colour-to-grey: Y
        elif ratio != 1:
            image.draft(image.mode, size)
        image.load()
    except Exception as error:  # noqa: BLE001
        from ..errors import InvalidArgumentError
        raise InvalidArgumentError(f"decode_jpeg: the contents are not a decodable JPEG ({error})") from None
    return image


def decode_gif(contents, name=None):
    """A GIF's frames, (frames, height, width, 3), each drawn over the ones before it."""
    image = _open(_bytes(contents, "decode_gif"), "decode_gif")
    if image.format != "GIF":
        from ..errors import InvalidArgumentError
        raise InvalidArgumentError("decode_gif: the contents are not a GIF file")
    frames = []
    for index in range(getattr(image, "n_frames", 1)):
        image.seek(index)
        frames.append(np.asarray(image.convert("RGB")))
    return _as_dtype(np.stack(frames), "uint8", "decode_gif")


def decode_bmp(contents, channels=0, name=None):
    """A BMP's pixels, (height, width, channels)."""
    channels = _check_channels(channels, {0, 1, 3, 4}, "decode_bmp")
    image = _open(_bytes(contents, "decode_bmp"), "decode_bmp")
    return _as_dtype(_with_channels(_pixels(image), channels), "uint8", "decode_bmp")


def decode_image(contents, channels=None, dtype="uint8", name=None, expand_animations=True):
    """Any of PNG, JPEG, GIF and BMP, by its first bytes; a GIF gives (frames, height,
    width, 3) unless `expand_animations=False` (its first frame)."""
    contents = _bytes(contents, "decode_image")
    if contents[:3] == b"GIF":
        frames = decode_gif(contents)
        if not expand_animations:
            frames = frames[0]
        if channels not in (None, 0, 3):
            frames = _with_channels(np.asarray(frames), _check_channels(channels, {1, 4}, "decode_image"))
        return _as_dtype(np.asarray(frames), dtype, "decode_image")
    if is_jpeg(contents):
        return _as_dtype(np.asarray(decode_jpeg(contents, channels or 0)), dtype, "decode_image")
    image = _open(contents, "decode_image")
    if image.format not in ("PNG", "BMP"):
        from ..errors import InvalidArgumentError
        raise InvalidArgumentError(f"decode_image: unknown image format {image.format}; expected PNG, JPEG, GIF or "
                                   f"BMP")
    channels = _check_channels(channels, {0, 1, 2, 3, 4}, "decode_image")
    return _as_dtype(_with_channels(_pixels(image), channels), dtype, "decode_image")


def is_jpeg(contents, name=None):
    """Whether the bytes start as a JPEG file does (FF D8 FF)."""
    return _bytes(contents, "is_jpeg")[:3] == b"\xff\xd8\xff"


def extract_jpeg_shape(contents, output_type="int32", name=None):
    """[height, width, channels] of a JPEG, from its header."""
    import swiftdl as sd
    image = _open_jpeg(_bytes(contents, "extract_jpeg_shape"), 0, 1)
    channels = {"L": 1, "RGB": 3, "CMYK": 4}.get(image.mode, 3)
    return sd.asarray(np.array([image.size[1], image.size[0], channels], dtype=np.dtype(
        getattr(output_type, "name", output_type))))


def _encodable(image, op):
    pixels = np.asarray(image)
    if pixels.ndim != 3 or pixels.shape[-1] not in (1, 2, 3, 4):
        from ..errors import InvalidArgumentError
        raise InvalidArgumentError(f"{op}: image must be 3-D (height, width, channels) with 1-4 channels; received "
                                   f"shape {pixels.shape}")
    if pixels.dtype != np.uint8:
        from ..errors import InvalidArgumentError
        raise InvalidArgumentError(f"{op}: image must be uint8; received {pixels.dtype}")
    return pixels


_MODES = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}


def encode_png(image, compression=-1, name=None):
    """PNG file bytes of a uint8 (height, width, channels) image; `compression` 0-9 (-1: the
    library's default)."""
    pixels = _encodable(image, "encode_png")
    picture = _pillow().fromarray(pixels[..., 0] if pixels.shape[-1] == 1 else pixels, _MODES[pixels.shape[-1]])
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", compress_level=6 if compression in (None, -1) else int(compression))
    return buffer.getvalue()


def encode_jpeg(image, format="", quality=95, progressive=False, optimize_size=False, chroma_downsampling=True,  # noqa: A002
                density_unit="in", x_density=300, y_density=300, xmp_metadata="", name=None):
    """JPEG file bytes of a uint8 (height, width, 1 or 3) image."""
    pixels = _encodable(image, "encode_jpeg")
    if pixels.shape[-1] not in (1, 3):
        from ..errors import InvalidArgumentError
        raise InvalidArgumentError(f"encode_jpeg: image must have 1 or 3 channels; received {pixels.shape[-1]}")
    if format == "grayscale" and pixels.shape[-1] != 1 or format == "rgb" and pixels.shape[-1] != 3:
        from ..errors import InvalidArgumentError
        raise InvalidArgumentError(f"encode_jpeg: format={format!r} does not match {pixels.shape[-1]} channels")
    picture = _pillow().fromarray(pixels[..., 0] if pixels.shape[-1] == 1 else pixels)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=int(quality), progressive=bool(progressive),
                 optimize=bool(optimize_size), subsampling=2 if chroma_downsampling else 0,
                 dpi=(int(x_density), int(y_density)))
    return buffer.getvalue()
