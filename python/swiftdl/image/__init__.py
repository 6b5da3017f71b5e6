"""swiftdl.image: TensorFlow's tf.image namespace over the engine.

    import swiftdl as tf
    small = tf.image.resize(images, [64, 64], method="area")
    flipped = tf.image.random_flip_left_right(images, seed=1)
    keep = tf.image.non_max_suppression(boxes, scores, max_output_size=10)

Images are (height, width, channels) or (batch, height, width, channels) (several
functions take any leading axes). Functions follow TensorFlow's arguments, defaults and
dtype rules (resize returns float32 except for nearest; integer images are rescaled through
convert_image_dtype by the adjust_* functions). Pixels go through engine ops, so gradients
flow through resizing, cropping, patches, glimpses, the colour adjustments (to the factors
too), the filters, ssim and psnr; box coordinates, suppression and sampled windows are
decided on the host and get no gradient. The random functions draw from swiftdl's
generators: same distributions as TensorFlow, other values for the same seed. Bad
arguments raise ValueError (InvalidArgumentError, a ValueError, for most), as TensorFlow
does. The image codecs (decode_png, decode_jpeg, ..., encode_png) are tf.io's, also named
here. Not here: the JPEG-quality functions and generate_bounding_box_proposals.
"""
from ._boxes import (combined_non_max_suppression, non_max_suppression, non_max_suppression_overlaps,
                     non_max_suppression_padded, non_max_suppression_with_scores)
from ._color import (adjust_brightness, adjust_contrast, adjust_gamma, adjust_hue, adjust_saturation,
                     grayscale_to_rgb, hsv_to_rgb, per_image_standardization, rgb_to_grayscale, rgb_to_hsv, rgb_to_yiq,
                     rgb_to_yuv, yiq_to_rgb, yuv_to_rgb)
from ._common import convert_image_dtype
from ._crop_and_resize import crop_and_resize
from ._distorted_box import sample_distorted_bounding_box, stateless_sample_distorted_bounding_box
from ._draw import draw_bounding_boxes
from ._glimpse import extract_glimpse
from ._geometry import (central_crop, crop_to_bounding_box, extract_patches, flip_left_right, flip_up_down,
                        pad_to_bounding_box, resize_with_crop_or_pad, rot90, transpose)
from ._random import (random_brightness, random_contrast, random_crop, random_flip_left_right, random_flip_up_down,
                      random_hue, random_saturation, stateless_random_brightness, stateless_random_contrast,
                      stateless_random_crop, stateless_random_flip_left_right, stateless_random_flip_up_down,
                      stateless_random_hue, stateless_random_saturation)
from ._quality import image_gradients, psnr, sobel_edges, ssim, ssim_multiscale, total_variation
from ._resize import ResizeMethod, resize, resize_with_pad
from ._jpeg_quality import adjust_jpeg_quality, random_jpeg_quality, stateless_random_jpeg_quality
from ..io._image_codecs_more import decode_and_crop_jpeg, decode_webp
from ..io._image_codecs import (decode_bmp, decode_gif, decode_image, decode_jpeg, decode_png, encode_jpeg, encode_png,
                                extract_jpeg_shape, is_jpeg)

__all__ = ["decode_bmp", "decode_gif", "decode_image", "decode_jpeg", "decode_png", "encode_jpeg", "encode_png",
           "extract_jpeg_shape", "is_jpeg", "adjust_jpeg_quality", "random_jpeg_quality",
           "stateless_random_jpeg_quality", "decode_and_crop_jpeg", "decode_webp",
           "adjust_brightness", "adjust_contrast", "adjust_gamma", "adjust_hue", "adjust_saturation", "central_crop",
           "combined_non_max_suppression", "convert_image_dtype", "crop_and_resize", "crop_to_bounding_box",
           "draw_bounding_boxes", "extract_glimpse", "extract_patches", "flip_left_right", "flip_up_down",
           "grayscale_to_rgb", "hsv_to_rgb", "image_gradients", "non_max_suppression",
           "non_max_suppression_overlaps", "non_max_suppression_padded", "non_max_suppression_with_scores",
           "pad_to_bounding_box", "per_image_standardization", "psnr", "random_brightness", "random_contrast",
           "random_crop", "random_flip_left_right", "random_flip_up_down", "random_hue", "random_saturation",
           "resize", "resize_with_crop_or_pad", "resize_with_pad", "ResizeMethod", "rgb_to_grayscale", "rgb_to_hsv",
           "rgb_to_yiq", "rgb_to_yuv", "rot90", "sample_distorted_bounding_box", "sobel_edges", "ssim",
           "ssim_multiscale", "stateless_random_brightness", "stateless_random_contrast", "stateless_random_crop",
           "stateless_random_flip_left_right", "stateless_random_flip_up_down", "stateless_random_hue",
           "stateless_random_saturation", "stateless_sample_distorted_bounding_box", "total_variation", "transpose",
           "yiq_to_rgb", "yuv_to_rgb"]
