"""tf.image against TensorFlow 2.21 (fixtures/tf_image/tf_image.npz, written by
make_tf_image_fixture.py on the same inputs), with finite-difference gradients for the
differentiable functions and errors for hostile input."""
import pathlib

import numpy as np
import pytest

import swiftdl as tf
from _nn_gradcheck import check_gradients

F = np.load(pathlib.Path(__file__).parent / "fixtures" / "tf_image" / "tf_image.npz")
BOXES = np.load(pathlib.Path(__file__).parent / "fixtures" / "tf_image" / "tf_image_boxes.npz")
COMBINED = np.load(pathlib.Path(__file__).parent / "fixtures" / "tf_image" / "tf_image_combined_nms.npz")
EXTRA = np.load(pathlib.Path(__file__).parent / "fixtures" / "tf_image" / "tf_image_extra.npz")
SCALES = np.load(pathlib.Path(__file__).parent / "fixtures" / "tf_image" / "tf_image_scales.npz")
IMAGES, PIXELS, LARGE, NOISY = F["images"], F["pixels"], F["large"], F["noisy"]
METHODS = ["bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic"]


def close(result, key, rtol=1e-5, atol=1e-6, fixture=F):
    expected = fixture[key]
    result = np.asarray(result)
    assert result.shape == expected.shape, key
    assert result.dtype == expected.dtype, (key, result.dtype, expected.dtype)
    np.testing.assert_allclose(result, expected, rtol=rtol, atol=atol, err_msg=key)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("size", [(4, 5), (9, 11)])
def test_resize_every_method_against_tensorflow(method, size):
    key = f"resize_{method}_{size[0]}x{size[1]}"
    close(tf.image.resize(IMAGES, size, method=method), key)
    close(tf.image.resize(IMAGES, list(size), method=method, antialias=True), key + "_aa")


def test_resize_variants():
    close(tf.image.resize(PIXELS, (4, 9)), "resize_bilinear_uint8", atol=1e-4)
    close(tf.image.resize(PIXELS, (4, 9), method=tf.image.ResizeMethod.NEAREST_NEIGHBOR), "resize_nearest_uint8")
    close(tf.image.resize(IMAGES, (5, 12), preserve_aspect_ratio=True), "resize_aspect")
    close(tf.image.resize_with_pad(IMAGES, 8, 5), "resize_with_pad")
    close(tf.image.resize_with_pad(IMAGES, 4, 10, method="bicubic"), "resize_with_pad_wide")
    close(tf.image.resize_with_crop_or_pad(IMAGES, 4, 10), "resize_with_crop_or_pad")
    close(tf.image.resize_with_crop_or_pad(IMAGES[0], 9, 3), "resize_with_crop_or_pad_3d")


def test_crops_pads_flips_rotations_and_patches():
    close(tf.image.central_crop(IMAGES, 0.6), "central_crop")
    close(tf.image.crop_to_bounding_box(IMAGES, 1, 2, 4, 3), "crop_to_bounding_box")
    close(tf.image.pad_to_bounding_box(IMAGES, 1, 2, 9, 10), "pad_to_bounding_box")
    close(tf.image.flip_left_right(IMAGES), "flip_left_right")
    close(tf.image.flip_up_down(IMAGES[0]), "flip_up_down")
    for k in range(4):
        close(tf.image.rot90(IMAGES, k), f"rot90_{k}")
    close(tf.image.transpose(IMAGES), "transpose")
    close(tf.image.extract_patches(IMAGES, [1, 2, 3, 1], [1, 2, 1, 1], [1, 1, 2, 1], "VALID"), "extract_patches_valid")
    close(tf.image.extract_patches(IMAGES, [1, 3, 2, 1], [1, 2, 3, 1], [1, 1, 1, 1], "SAME"), "extract_patches_same")


def test_colour_adjustments():
    close(tf.image.adjust_brightness(IMAGES, 0.3), "adjust_brightness")
    close(tf.image.adjust_brightness(PIXELS, 0.2), "adjust_brightness_uint8", atol=1)
    close(tf.image.adjust_contrast(IMAGES, 1.7), "adjust_contrast")
    close(tf.image.adjust_contrast(PIXELS, 0.6), "adjust_contrast_uint8", atol=1)
    close(tf.image.adjust_saturation(IMAGES, 1.8), "adjust_saturation")
    close(tf.image.adjust_saturation(PIXELS, 0.4), "adjust_saturation_uint8", atol=1)
    close(tf.image.adjust_hue(IMAGES, 0.3), "adjust_hue")
    close(tf.image.adjust_hue(IMAGES, -0.45), "adjust_hue_negative")
    close(tf.image.adjust_gamma(IMAGES, 2.2, 0.8), "adjust_gamma")
    close(tf.image.adjust_gamma(PIXELS, 0.5), "adjust_gamma_uint8", atol=1)
    close(tf.image.per_image_standardization(IMAGES), "per_image_standardization")
    close(tf.image.per_image_standardization(PIXELS), "per_image_standardization_uint8")


def test_colour_conversions_and_dtypes():
    close(tf.image.convert_image_dtype(PIXELS, tf.float32), "convert_uint8_float")
    close(tf.image.convert_image_dtype(IMAGES * 1.2 - 0.1, tf.uint8, saturate=True), "convert_float_uint8")
    close(tf.image.convert_image_dtype(PIXELS, tf.int32), "convert_uint8_int32")
    close(tf.image.convert_image_dtype(tf.image.convert_image_dtype(PIXELS, tf.int32), tf.uint8), "convert_int32_uint8")
    close(tf.image.rgb_to_grayscale(IMAGES), "rgb_to_grayscale")
    close(tf.image.rgb_to_grayscale(PIXELS), "rgb_to_grayscale_uint8", atol=1)
    close(tf.image.grayscale_to_rgb(IMAGES[..., :1]), "grayscale_to_rgb")
    close(tf.image.rgb_to_hsv(IMAGES), "rgb_to_hsv")
    close(tf.image.hsv_to_rgb(IMAGES), "hsv_to_rgb")
    close(tf.image.rgb_to_yuv(IMAGES), "rgb_to_yuv")
    close(tf.image.yuv_to_rgb(IMAGES), "yuv_to_rgb")
    round_trip = tf.image.yuv_to_rgb(tf.image.rgb_to_yuv(IMAGES))
    np.testing.assert_allclose(np.asarray(round_trip), IMAGES, atol=1e-5)
    close(tf.image.rgb_to_yiq(IMAGES), "rgb_to_yiq", fixture=EXTRA)
    close(tf.image.yiq_to_rgb(IMAGES), "yiq_to_rgb", fixture=EXTRA)
    # TensorFlow's YIQ matrices are each other's inverse to about 1e-4
    np.testing.assert_allclose(np.asarray(tf.image.yiq_to_rgb(tf.image.rgb_to_yiq(IMAGES))), IMAGES, atol=2e-4)


def test_quality_measures_and_derivatives():
    close(tf.image.ssim(LARGE, NOISY, 1.0), "ssim")
    close(tf.image.ssim(LARGE, NOISY, 2.0, filter_size=5, filter_sigma=1.0, k1=0.02, k2=0.04), "ssim_small_window")
    close(tf.image.ssim(LARGE, NOISY, 1.0, filter_size=7, return_index_map=True), "ssim_map")
    close(tf.image.psnr(LARGE, NOISY, 1.0), "psnr")
    close(tf.image.psnr(PIXELS, 255 - PIXELS, 255), "psnr_uint8")
    dy, dx = tf.image.image_gradients(IMAGES)
    close(dy, "image_gradients_dy")
    close(dx, "image_gradients_dx")
    close(tf.image.sobel_edges(IMAGES), "sobel_edges", atol=1e-5)
    close(tf.image.total_variation(IMAGES), "total_variation", rtol=1e-5, atol=1e-4)
    close(tf.image.total_variation(IMAGES[0]), "total_variation_3d", rtol=1e-5, atol=1e-4)


def test_suppression_by_given_overlaps():
    overlaps, scores = EXTRA["overlaps"], EXTRA["overlap_scores"]
    close(tf.image.non_max_suppression_overlaps(overlaps, scores, 6, 0.6), "nms_overlaps", fixture=EXTRA)
    close(tf.image.non_max_suppression_overlaps(overlaps, scores, 6, 0.8, score_threshold=2.5),
          "nms_overlaps_threshold", fixture=EXTRA)
    with pytest.raises(tf.errors.InvalidArgumentError, match="overlaps"):
        tf.image.non_max_suppression_overlaps(overlaps[:, :4], scores, 3)


def test_extract_glimpse():
    offsets = EXTRA["glimpse_offsets"]
    close(tf.image.extract_glimpse(IMAGES, [4, 5], offsets, noise="zero"), "glimpse_centered", fixture=EXTRA)
    close(tf.image.extract_glimpse(IMAGES, [3, 3], np.abs(offsets) * 0.5, centered=False, noise="zero"),
          "glimpse_corner", fixture=EXTRA)
    close(tf.image.extract_glimpse(IMAGES, [5, 4], offsets * 4, normalized=False, noise="zero"), "glimpse_pixels",
          fixture=EXTRA)
    close(tf.image.extract_glimpse(IMAGES, [4, 9], [[2.0, -3.0], [-1.0, 4.0]], centered=False, normalized=False,
                                   noise="zero"), "glimpse_pixels_corner", fixture=EXTRA)
    close(tf.image.extract_glimpse(IMAGES, [8, 9], [[0.0, 0.0], [0.5, -0.5]], noise="zero"), "glimpse_large",
          fixture=EXTRA)
    zero = np.asarray(EXTRA["glimpse_large"])
    inside = zero != 0
    for kind in ("uniform", "gaussian"):    # the copied part is the same, the rest lies in the image's range
        noisy = np.asarray(tf.image.extract_glimpse(IMAGES, [8, 9], [[0.0, 0.0], [0.5, -0.5]], noise=kind))
        assert np.array_equal(noisy[inside], zero[inside])
        assert noisy.min() >= IMAGES.min() - 1e-6 and noisy.max() <= IMAGES.max() + 1e-6
    check_gradients(lambda x: tf.image.extract_glimpse(x, [4, 5], offsets, noise="zero"),
                    np.random.default_rng(3).random((2, 6, 7, 3)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="noise"):
        tf.image.extract_glimpse(IMAGES, [2, 2], offsets, noise="pink")


def test_combined_non_max_suppression():
    boxes, scores = COMBINED["class_boxes"], COMBINED["class_scores"]
    result = tf.image.combined_non_max_suppression(boxes, scores, 4, 7, iou_threshold=0.3)
    for part, value in zip(("boxes", "scores", "classes", "valid"), result):
        close(value, f"combined_{part}", fixture=COMBINED)
    result = tf.image.combined_non_max_suppression(boxes[:, :, :1], scores, 3, 12, 0.5, 0.4, pad_per_class=True,
                                                   clip_boxes=False)
    for part, value in zip(("boxes", "scores", "classes", "valid"), result):
        close(value, f"combined_shared_{part}", fixture=COMBINED)
    with pytest.raises(tf.errors.InvalidArgumentError, match="q 1 or num_classes"):
        tf.image.combined_non_max_suppression(boxes[:, :, :2], scores, 3, 5)


def test_multiscale_ssim():
    wide, noisy = SCALES["wide_pixels"].astype(np.float32) / 255, SCALES["noisy_pixels"].astype(np.float32) / 255
    close(tf.image.ssim_multiscale(wide, noisy, 1.0, filter_size=3), "ms_ssim", fixture=SCALES)
    close(tf.image.ssim_multiscale(wide[:, :40, :37], noisy[:, :40, :37], 1.0, power_factors=(0.3, 0.3, 0.4),
                                   filter_size=5, filter_sigma=1.0), "ms_ssim_three", fixture=SCALES)
    with pytest.raises(ValueError, match="filter_size"):
        tf.image.ssim_multiscale(wide, noisy, 1.0)     # 11 does not fit the fifth scale (3 x 3)


def test_non_max_suppression():
    boxes, scores = F["boxes"], F["scores"]
    close(tf.image.non_max_suppression(boxes, scores, 8, 0.3), "nms")
    close(tf.image.non_max_suppression(boxes, scores, 10, 0.5, score_threshold=0.4), "nms_threshold")
    indices, kept = tf.image.non_max_suppression_with_scores(boxes, scores, 10, 0.4)
    close(indices, "nms_with_scores_idx")
    close(kept, "nms_with_scores")
    indices, kept = tf.image.non_max_suppression_with_scores(boxes, scores, 12, 0.6, 0.05, soft_nms_sigma=0.5)
    close(indices, "soft_nms_idx")
    close(kept, "soft_nms_scores")
    assert np.asarray(tf.image.non_max_suppression(np.zeros((0, 4), np.float32), np.zeros(0, np.float32), 3)).shape == (0,)


def test_padded_suppression_crop_and_resize_and_drawing():
    boxes, scores = F["boxes"], F["scores"]
    indices, valid = tf.image.non_max_suppression_padded(boxes, scores, 8, 0.3, pad_to_max_output_size=True)
    close(indices, "nms_padded_idx", fixture=BOXES)
    close(valid, "nms_padded_valid", fixture=BOXES)
    indices, valid = tf.image.non_max_suppression_padded(BOXES["batch_boxes"], BOXES["batch_scores"], 6, 0.4,
                                                         score_threshold=0.2, pad_to_max_output_size=True)
    close(indices, "nms_padded_batch_idx", fixture=BOXES)
    close(valid, "nms_padded_batch_valid", fixture=BOXES)
    unpadded, count = tf.image.non_max_suppression_padded(boxes, scores, 8, 0.3)
    assert np.array_equal(np.asarray(unpadded), BOXES["nms_padded_idx"][:int(count)])
    crop_boxes, crop_index = BOXES["crop_boxes"], BOXES["crop_index"]
    close(tf.image.crop_and_resize(IMAGES, crop_boxes, crop_index, [5, 4]), "crop_and_resize", fixture=BOXES)
    close(tf.image.crop_and_resize(IMAGES, crop_boxes, crop_index, [3, 6], method="nearest", extrapolation_value=-1.0),
          "crop_and_resize_nearest", fixture=BOXES)
    close(tf.image.crop_and_resize(PIXELS[None], crop_boxes[:2], [0, 0], [4, 4]), "crop_and_resize_uint8",
          fixture=BOXES, atol=1e-4)
    draw_boxes = BOXES["draw_boxes"]
    close(tf.image.draw_bounding_boxes(IMAGES, draw_boxes, None), "draw_default", fixture=BOXES)
    colours = np.array([[0.1, 0.2, 0.3], [0.9, 0.8, 0.7]], np.float32)
    close(tf.image.draw_bounding_boxes(IMAGES, draw_boxes, colours), "draw_colors", fixture=BOXES)
    close(tf.image.draw_bounding_boxes(IMAGES[..., :1], draw_boxes, None), "draw_gray", fixture=BOXES)


def test_random_functions_draw_from_their_ranges():
    tf.random.set_seed(5)
    batch = np.stack([IMAGES[0]] * 16)
    flipped = np.asarray(tf.image.random_flip_left_right(batch, seed=3))
    is_flipped = [np.array_equal(f, IMAGES[0][:, ::-1]) for f in flipped]
    is_same = [np.array_equal(f, IMAGES[0]) for f in flipped]
    assert all(a or b for a, b in zip(is_flipped, is_same)) and 0 < sum(is_flipped) < 16
    upside = np.asarray(tf.image.random_flip_up_down(IMAGES[0], seed=4))
    assert np.array_equal(upside, IMAGES[0]) or np.array_equal(upside, IMAGES[0][::-1])
    crop = np.asarray(tf.image.random_crop(IMAGES, [2, 3, 4, 3], seed=1))
    assert any(np.array_equal(crop, IMAGES[:, i:i + 3, j:j + 4]) for i in range(4) for j in range(4))
    delta = np.asarray(tf.image.random_brightness(IMAGES, 0.2, seed=2)) - IMAGES
    assert np.allclose(delta, delta.flat[0], atol=1e-6) and abs(delta.flat[0]) <= 0.2
    contrast = np.asarray(tf.image.random_contrast(IMAGES, 0.5, 1.5, seed=2))
    mean = IMAGES.mean(axis=(1, 2), keepdims=True)
    factor = ((contrast - mean) / (IMAGES - mean)).mean()
    assert 0.5 <= factor < 1.5
    np.testing.assert_allclose(contrast, np.asarray(tf.image.adjust_contrast(IMAGES, factor)), atol=1e-4)
    saturation = np.asarray(tf.image.random_saturation(IMAGES, 0.5, 1.5, seed=7))
    assert saturation.shape == IMAGES.shape and not np.allclose(saturation, IMAGES)
    hue = np.asarray(tf.image.random_hue(IMAGES, 0.2, seed=7))
    np.testing.assert_allclose(hue.max(axis=-1), IMAGES.max(axis=-1), atol=1e-5)  # hue keeps the HSV value


def test_stateless_random_functions_repeat_for_a_seed():
    batch = np.stack([IMAGES[0]] * 16)
    calls = [(tf.image.stateless_random_flip_left_right, (batch,), {}),
             (tf.image.stateless_random_flip_up_down, (batch,), {}),
             (tf.image.stateless_random_crop, (IMAGES, [2, 3, 4, 3]), {}),
             (tf.image.stateless_random_brightness, (IMAGES, 0.3), {}),
             (tf.image.stateless_random_contrast, (IMAGES, 0.2, 1.8), {}),
             (tf.image.stateless_random_saturation, (IMAGES, 0.2, 1.8), {}),
             (tf.image.stateless_random_hue, (IMAGES, 0.4), {})]
    for function, args, kwargs in calls:
        first = np.asarray(function(*args, seed=(1, 2), **kwargs))
        assert np.array_equal(first, np.asarray(function(*args, seed=(1, 2), **kwargs))), function.__name__
        others = [np.asarray(function(*args, seed=(s, 7), **kwargs)) for s in range(4)]
        assert any(not np.array_equal(first, o) for o in others), function.__name__
    flipped = np.asarray(tf.image.stateless_random_flip_left_right(batch, seed=(3, 4)))
    assert all(np.array_equal(f, IMAGES[0]) or np.array_equal(f, IMAGES[0][:, ::-1]) for f in flipped)
    delta = np.asarray(tf.image.stateless_random_brightness(IMAGES, 0.3, seed=(5, 6))) - IMAGES
    assert np.allclose(delta, delta.flat[0], atol=1e-6) and abs(delta.flat[0]) <= 0.3
    with pytest.raises(tf.errors.InvalidArgumentError, match="seed"):
        tf.image.stateless_random_flip_left_right(IMAGES, seed=3)
    with pytest.raises(ValueError, match="max_delta"):
        tf.image.stateless_random_hue(IMAGES, 0.6, seed=(1, 2))


def test_sampled_distorted_boxes_meet_their_constraints():
    box = np.array([[[0.1, 0.2, 0.6, 0.7]]], np.float32)
    pixels = (int(0.2 * 80), int(0.1 * 100), int(0.7 * 80), int(0.6 * 100))      # x0, y0, x1, y1
    for s in range(30):
        begin, size, window = tf.image.stateless_sample_distorted_bounding_box(
            [100, 80, 3], box, seed=(s, 9), min_object_covered=0.5, aspect_ratio_range=(0.5, 2.0),
            area_range=(0.1, 0.8))
        (y, x, zero), (h, w, minus_one) = np.asarray(begin).tolist(), np.asarray(size).tolist()
        assert zero == 0 and minus_one == -1 and 0 <= y and y + h <= 100 and 0 <= x and x + w <= 80
        assert 0.1 * 8000 <= h * w <= 0.8 * 8000 and 0.5 - 0.05 <= w / h <= 2.0 + 0.05
        inside = max(0, min(x + w, pixels[2]) - max(x, pixels[0])) * max(0, min(y + h, pixels[3]) - max(y, pixels[1]))
        assert inside >= 0.5 * (pixels[2] - pixels[0]) * (pixels[3] - pixels[1])
        np.testing.assert_allclose(np.asarray(window), [[[y / 100, x / 80, (y + h) / 100, (x + w) / 80]]], rtol=1e-6)
        again = tf.image.stateless_sample_distorted_bounding_box([100, 80, 3], box, seed=(s, 9), min_object_covered=0.5,
                                                                 aspect_ratio_range=(0.5, 2.0), area_range=(0.1, 0.8))
        assert np.array_equal(np.asarray(again[0]), np.asarray(begin))
    # impossible constraints fall back to the whole image
    begin, size, _ = tf.image.sample_distorted_bounding_box([10, 10, 1], box, min_object_covered=1.0,
                                                            area_range=(0.05, 0.06), max_attempts=5)
    assert np.asarray(begin).tolist() == [0, 0, 0] and np.asarray(size).tolist() == [10, 10, -1]
    with pytest.raises(tf.errors.InvalidArgumentError, match="No bounding boxes"):
        tf.image.sample_distorted_bounding_box([10, 10, 1], np.zeros((1, 0, 4), np.float32))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[0.0, 1.0\]"):
        tf.image.sample_distorted_bounding_box([10, 10, 1], box * 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="area_range"):
        tf.image.sample_distorted_bounding_box([10, 10, 1], box, area_range=(0.5, 1.5))


def test_gradients_of_resize_and_adjustments():
    rng = np.random.default_rng(0)
    small = rng.random((1, 4, 5, 2))
    for method in ("bilinear", "bicubic", "area", "lanczos3", "mitchellcubic"):
        # resize is linear and float32, so a large step gives exact central differences
        check_gradients(lambda x, m=method: tf.image.resize(x, (3, 7), method=m, antialias=True), small.astype(np.float32),
                        eps=0.25, rtol=2e-3, atol=2e-4)
    rgb = rng.random((1, 3, 4, 3)) * 0.8 + 0.1
    check_gradients(lambda x: tf.image.adjust_brightness(x, 0.2), rgb)
    check_gradients(lambda x: tf.image.adjust_contrast(x, 1.5), rgb)
    check_gradients(lambda x: tf.image.adjust_gamma(x, 1.7, 0.9), rgb)
    check_gradients(lambda x: tf.image.adjust_saturation(x, 0.7), rgb)
    check_gradients(lambda x: tf.image.adjust_hue(x, 0.1), rgb)
    check_gradients(lambda x: tf.image.central_crop(tf.image.flip_left_right(x), 0.5), rgb)
    check_gradients(lambda x: tf.image.crop_and_resize(x, BOXES["crop_boxes"], [0, 0, 0, 0], [3, 2]),
                    rgb.astype(np.float32), eps=0.25, rtol=2e-3, atol=2e-4)   # linear in the image
    # ssim and psnr compute in float32, as TensorFlow does: a step of 1e-3 keeps the rounding small
    check_gradients(lambda x, y: tf.image.ssim(x, y, 1.0, filter_size=3),
                    rng.random((1, 4, 4, 1)), rng.random((1, 4, 4, 1)), eps=1e-3, rtol=1e-2, atol=2e-4)
    check_gradients(lambda x, y: tf.image.psnr(x, y, 1.0), rng.random((2, 3, 3, 1)), rng.random((2, 3, 3, 1)),
                    eps=1e-3, rtol=1e-2, atol=2e-3)


@pytest.mark.parametrize("name, function", [
    ("adjust_contrast", tf.image.adjust_contrast),
    ("adjust_brightness", tf.image.adjust_brightness),
    ("adjust_saturation", tf.image.adjust_saturation),
    ("adjust_hue", tf.image.adjust_hue),
    ("adjust_gamma", lambda x, a: tf.image.adjust_gamma(x, a, a)),
])
def test_gradients_reach_the_adjustment_factors(name, function):
    rgb = np.random.default_rng(2).random((1, 3, 3, 3)) * 0.8 + 0.1
    check_gradients(function, rgb, np.array(0.3), wrt=[1])


@pytest.mark.parametrize("name, function", [
    ("rot90", lambda x: tf.image.rot90(x, 3)),
    ("transpose", tf.image.transpose),
    ("crop_to_bounding_box", lambda x: tf.image.crop_to_bounding_box(x, 1, 1, 2, 2)),
    ("pad_to_bounding_box", lambda x: tf.image.pad_to_bounding_box(x, 1, 0, 5, 6)),
    ("resize_with_crop_or_pad", lambda x: tf.image.resize_with_crop_or_pad(x, 2, 6)),
    ("extract_patches", lambda x: tf.image.extract_patches(x, [1, 2, 2, 1], [1, 1, 2, 1], [1, 1, 1, 1], "SAME")),
    ("sobel_edges", tf.image.sobel_edges),
    ("image_gradients", lambda x: tf.concat(tf.image.image_gradients(x), axis=-1)),
    ("total_variation", tf.image.total_variation),
    ("rgb_to_yuv", tf.image.rgb_to_yuv),
    ("rgb_to_grayscale", tf.image.rgb_to_grayscale),
    ("rgb_to_hsv", tf.image.rgb_to_hsv),
    ("hsv_to_rgb", tf.image.hsv_to_rgb),
    ("draw_bounding_boxes", lambda x: tf.image.draw_bounding_boxes(x, BOXES["draw_boxes"][:1, :2], None)),
])
def test_gradients_of_geometry_colour_and_filters(name, function):
    rgb = np.random.default_rng(1).random((1, 3, 4, 3)) * 0.8 + 0.1
    check_gradients(function, rgb)


def test_hostile_input():
    with pytest.raises(ValueError, match="rank"):
        tf.image.resize(np.ones((4, 4), np.float32), (2, 2))
    with pytest.raises(ValueError, match="not implemented"):
        tf.image.resize(IMAGES, (2, 2), method="cubic-ish")
    with pytest.raises(ValueError, match="size"):
        tf.image.resize(IMAGES, (2, 2, 2))
    with pytest.raises(tf.errors.InvalidArgumentError, match="positive"):
        tf.image.resize(IMAGES, (0, 2))
    with pytest.raises(tf.errors.InvalidArgumentError, match="non-zero size"):
        tf.image.resize(IMAGES[:, :0], (3, 2))
    with pytest.raises(ValueError, match="target \\+ offset"):
        tf.image.crop_to_bounding_box(IMAGES, 3, 0, 4, 2)
    with pytest.raises(ValueError, match="offset_height must be >= 0"):
        tf.image.pad_to_bounding_box(IMAGES, -1, 0, 9, 9)
    with pytest.raises(ValueError, match="central_fraction"):
        tf.image.central_crop(IMAGES, 1.5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="value.shape >= size"):
        tf.image.random_crop(IMAGES, [2, 7, 7, 3])
    with pytest.raises(ValueError, match="channels"):
        tf.image.rgb_to_hsv(IMAGES[..., :2])
    with pytest.raises(TypeError, match="float"):
        tf.image.rgb_to_hsv(PIXELS)
    with pytest.raises(ValueError, match="Gamma"):
        tf.image.adjust_gamma(IMAGES, -1.0)
    with pytest.raises(ValueError, match="max_delta"):
        tf.image.random_hue(IMAGES, 0.7)
    with pytest.raises(ValueError, match="upper must be > lower"):
        tf.image.random_contrast(IMAGES, 1.0, 0.5)
    with pytest.raises(ValueError, match="same shape"):
        tf.image.ssim(LARGE, NOISY[:, :12], 1.0)
    with pytest.raises(ValueError, match="filter_size"):
        tf.image.ssim(IMAGES, IMAGES, 1.0)
    with pytest.raises(ValueError, match="4D"):
        tf.image.image_gradients(IMAGES[0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="boxes"):
        tf.image.non_max_suppression(np.ones((3, 3), np.float32), np.ones(3, np.float32), 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="iou_threshold"):
        tf.image.non_max_suppression(F["boxes"], F["scores"], 2, iou_threshold=1.5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="sizes"):
        tf.image.extract_patches(IMAGES, [2, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1], "VALID")
    with pytest.raises(tf.errors.InvalidArgumentError, match="box_indices"):
        tf.image.crop_and_resize(IMAGES, BOXES["crop_boxes"], [0, 1, 2, 0], [2, 2])
    with pytest.raises(tf.errors.InvalidArgumentError, match="crop_size"):
        tf.image.crop_and_resize(IMAGES, BOXES["crop_boxes"], BOXES["crop_index"], [0, 2])
    with pytest.raises(tf.errors.InvalidArgumentError, match="colors"):
        tf.image.draw_bounding_boxes(IMAGES, BOXES["draw_boxes"], np.ones((2, 2), np.float32))
    with pytest.raises(ValueError, match="pad_to_max_output_size"):
        tf.image.non_max_suppression_padded(BOXES["batch_boxes"], BOXES["batch_scores"], 3)
    with pytest.raises(ValueError, match="Last dimension"):
        tf.image.grayscale_to_rgb(IMAGES)


def test_inside_a_keras_model_that_trains():
    from swiftdl import keras
    inputs = keras.Input((8, 8, 3))
    x = keras.layers.Lambda(lambda t: tf.image.resize(t, (4, 4), method="bicubic"))(inputs)
    x = keras.layers.Lambda(lambda t: tf.image.adjust_contrast(tf.image.flip_left_right(t), 1.5))(x)
    outputs = keras.layers.Dense(1)(keras.layers.Flatten()(x))
    model = keras.Model(inputs, outputs)
    model.compile("sgd", "mse")
    rng = np.random.default_rng(0)
    data, target = rng.random((16, 8, 8, 3)).astype(np.float32), rng.random((16, 1)).astype(np.float32)
    before = model.evaluate(data, target, verbose=0)
    model.fit(data, target, epochs=3, verbose=0)
    assert model.evaluate(data, target, verbose=0) < before


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_nearest_resize_of_floats_copies_pixels_exactly(dtype):
    # Floats take the resampler with one-hot weights (pixel times 1.0, exact in IEEE
    # arithmetic): the result must be the gather's copy bit for bit, NaN and -0.0 included.
    from swiftdl.image._resize import _nearest_index
    images = np.random.default_rng(2).uniform(-1, 1, (2, 6, 5, 3)).astype(dtype)
    images[0, 2, 3] = [np.nan, -0.0, -np.inf]
    out = np.asarray(tf.image.resize(images, (4, 9), method="nearest"))
    expected = images[:, _nearest_index(6, 4)][:, :, _nearest_index(5, 9)]
    assert out.dtype == images.dtype
    np.testing.assert_array_equal(out, expected)
    assert np.array_equal(np.signbit(out), np.signbit(expected))
    check_gradients(lambda x: tf.image.resize(x, (4, 9), method="nearest"), np.nan_to_num(images[:1, :, :, :2]).astype("float64"),
                    rtol=1e-6, atol=1e-8)
