"""tf.io's (and tf.image's) image codecs against TensorFlow 2.21 (fixtures/tf_image_codecs/):
PNG in every colour layout and channel count, 16-bit PNG, palettes, grey and colour JPEG,
an animated GIF, BMP, decode_image's sniffing and float output, is_jpeg and
extract_jpeg_shape; encode_png round-trips exactly and encode_jpeg within JPEG's loss; bad
contents and arguments raise InvalidArgumentError."""
import json
import os

import numpy as np
import pytest

import swiftdl as tf

pytest.importorskip("PIL")

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "tf_image_codecs")
TF = np.load(os.path.join(FIXTURES, "tf_image_codecs.npz"))
with open(os.path.join(FIXTURES, "tf_image_codecs.json")) as _file:
    META = json.load(_file)
# TensorFlow decodes JPEG with libjpeg's fast integer inverse DCT, Pillow with the accurate one.
JPEG_LEVELS = 3


def _contents(name):
    return tf.io.read_file(os.path.join(FIXTURES, "images", name))


def _decode(name, what):
    contents = _contents(name)
    if what == "image":
        return tf.io.decode_image(contents)
    if what == "png16":
        return tf.io.decode_png(contents, dtype="uint16")
    if what.startswith("png"):
        return tf.io.decode_png(contents, channels=int(what[3:]))
    if what.startswith("jpeg"):
        return tf.image.decode_jpeg(contents, channels=int(what[4:]))
    if what == "gif":
        return tf.io.decode_gif(contents)
    if what == "image_no_expand":
        return tf.io.decode_image(contents, expand_animations=False)
    if what == "bmp":
        return tf.io.decode_bmp(contents)
    return tf.io.decode_image(contents, dtype=tf.float32, expand_animations=False)


# TensorFlow fills a 4-bit palette PNG's missing alpha with 15 (its bit depth's maximum),
# not 255; swiftdl gives opaque pixels.
CASES = sorted(key for key in TF.files if not key.startswith("roundtrip/") and key != "palette.png/png4")


@pytest.mark.parametrize("key", CASES)
def test_decoders_match_tensorflow(key):
    name, what = key.split("/")
    got, expected = np.asarray(_decode(name, what)), TF[key]
    assert got.shape == expected.shape
    if what == "float":
        tolerance = JPEG_LEVELS / 255 if name.endswith(".jpg") else 1e-7
        np.testing.assert_allclose(got, expected, atol=tolerance)
        assert got.dtype == np.float32
    elif name.endswith(".jpg"):
        assert np.abs(got.astype(int) - expected.astype(int)).max() <= JPEG_LEVELS
    else:
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("name", sorted(META))
def test_is_jpeg_and_jpeg_shape(name):
    assert tf.io.is_jpeg(_contents(name)) == META[name]["is_jpeg"]
    if "shape" in META[name]:
        assert np.asarray(tf.io.extract_jpeg_shape(_contents(name))).tolist() == META[name]["shape"]


def test_encoders_round_trip():
    image = np.random.default_rng(0).integers(0, 256, (7, 9, 3), dtype=np.uint8)
    for channels in (1, 2, 3, 4):
        pixels = image[..., :1].repeat(channels, axis=-1) if channels < 3 else np.concatenate(
            [image, np.full((7, 9, 1), 200, np.uint8)], axis=-1)[..., :channels]
        encoded = tf.io.encode_png(pixels, compression=9)
        assert isinstance(encoded, bytes) and encoded[:8] == b"\x89PNG\r\n\x1a\n"
        np.testing.assert_array_equal(np.asarray(tf.io.decode_png(encoded)), pixels)
    smooth = np.asarray(tf.io.decode_png(_contents("rgb.png")))
    jpeg = tf.io.encode_jpeg(smooth, quality=90)
    assert tf.io.is_jpeg(jpeg)
    # JPEG is lossy: compare what each library's encoder-decoder pair gives back.
    assert np.abs(np.asarray(tf.io.decode_jpeg(jpeg)).astype(int) - TF["roundtrip/jpeg90"].astype(int)).max() <= 40


def test_bad_contents_and_arguments():
    with pytest.raises(tf.errors.InvalidArgumentError, match="not a decodable"):
        tf.io.decode_png(b"not an image")
    with pytest.raises(tf.errors.InvalidArgumentError, match="channels"):
        tf.io.decode_png(_contents("rgb.png"), channels=5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="not a decodable JPEG"):
        tf.io.decode_jpeg(_contents("rgb.png"))
    with pytest.raises(tf.errors.InvalidArgumentError, match="not a GIF"):
        tf.io.decode_gif(_contents("rgb.png"))
    with pytest.raises(tf.errors.InvalidArgumentError, match="uint8"):
        tf.io.encode_png(np.zeros((2, 2, 3), np.float32))
    with pytest.raises(tf.errors.InvalidArgumentError, match="3-D"):
        tf.io.encode_jpeg(np.zeros((2, 2), np.uint8))
    with pytest.raises(TypeError, match="bytes"):
        tf.io.decode_image(12345)


def test_a_dataset_pipeline_reads_and_decodes_files():
    """The pattern of tf.data tutorials: file names → read_file → decode → resize → batch."""
    names = [os.path.join(FIXTURES, "images", n) for n in ("rgb.png", "rgb.jpg", "rgb.bmp")]
    dataset = tf.data.Dataset.from_tensor_slices(names).map(
        lambda path: tf.image.resize(tf.io.decode_image(tf.io.read_file(path), channels=3,
                                                        expand_animations=False), [8, 8])).batch(3)
    (batch,) = list(dataset)
    assert tuple(batch.shape) == (3, 8, 8, 3) and batch.dtype == np.float32
