"""tf.image.adjust_jpeg_quality and its random forms, decode_and_crop_jpeg and decode_webp
against TensorFlow 2.21 (fixtures/tf_image_jpeg, written by make_tf_image_jpeg_fixture.py).
JPEG decoding goes through Pillow's libjpeg, whose chroma upsampling and IDCT differ from
TensorFlow's build by a few units (swiftdl's decode_jpeg on TensorFlow's own file already
differs by up to 4), so JPEG pixels are compared within 5; WebP is exact, and a crop is
exactly the decoded image's window."""
import pathlib

import numpy as np
import pytest

import swiftdl as tf

pytest.importorskip("PIL")
F = np.load(pathlib.Path(__file__).parent / "fixtures" / "tf_image_jpeg" / "tf_image_jpeg.npz")


def near(actual, name, atol):
    actual = np.asarray(actual)
    assert actual.shape == F[name].shape and actual.dtype == F[name].dtype, name
    np.testing.assert_allclose(actual.astype(np.float64), F[name].astype(np.float64), atol=atol, rtol=0)


def test_adjust_jpeg_quality_matches_tensorflow():
    near(tf.image.adjust_jpeg_quality(F["smooth"], 30), "quality_30", atol=5)
    near(tf.image.adjust_jpeg_quality(F["smooth"], 90), "quality_90", atol=5)
    near(tf.image.adjust_jpeg_quality(F["smooth"].astype(np.float32) / 255.0, 60), "quality_float", atol=5 / 255)
    near(tf.image.adjust_jpeg_quality(F["smooth"][..., :1], 50), "quality_grey", atol=5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="3-dimensional"):
        tf.image.adjust_jpeg_quality(np.stack([F["smooth"]] * 2), 70)
    a = tf.image.stateless_random_jpeg_quality(F["smooth"], 20, 80, seed=(1, 2))
    b = tf.image.stateless_random_jpeg_quality(F["smooth"], 20, 80, seed=(1, 2))
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert np.asarray(tf.image.random_jpeg_quality(F["smooth"], 20, 80)).shape == F["smooth"].shape
    with pytest.raises(ValueError, match="min < max"):
        tf.image.random_jpeg_quality(F["smooth"], 80, 20)


def test_decode_and_crop_jpeg_and_webp():
    jpeg = F["jpeg"].tobytes()
    near(tf.io.decode_jpeg(jpeg), "full", atol=5)
    near(tf.image.decode_and_crop_jpeg(jpeg, [3, 5, 10, 12]), "crop", atol=5)
    np.testing.assert_array_equal(np.asarray(tf.image.decode_and_crop_jpeg(jpeg, [3, 5, 10, 12])),
                                  np.asarray(tf.io.decode_jpeg(jpeg))[3:13, 5:17])
    near(tf.io.decode_and_crop_jpeg(jpeg, [0, 0, 24, 7], channels=1), "crop_grey", atol=5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="not inside"):
        tf.image.decode_and_crop_jpeg(jpeg, [20, 0, 10, 5])
    near(tf.image.decode_webp(F["webp"].tobytes()), "webp_decoded", atol=0)
    near(tf.io.decode_webp(F["webp_rgba"].tobytes()), "webp_rgba_decoded", atol=0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="channels"):
        tf.image.decode_webp(F["webp_rgba"].tobytes(), channels=3)
    with pytest.raises(tf.errors.InvalidArgumentError, match="not WebP"):
        tf.image.decode_webp(jpeg)


def test_match_filenames_once(tmp_path):
    for name in ("a.txt", "b.txt", "c.csv"):
        (tmp_path / name).write_text("x")
    found = sorted(bytes(v).decode() if isinstance(v, bytes) else v
                   for v in np.asarray(tf.io.match_filenames_once(str(tmp_path / "*.txt"))))
    assert found == [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]
