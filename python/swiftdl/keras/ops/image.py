"""keras.ops.image: colour conversions, resizing, cropping and padding, 2-D and 3-D patches,
sampling at computed coordinates (affine, perspective and elastic transforms) and small
filters, on the engine."""
from .image_color import hsv_to_rgb, rgb_to_grayscale, rgb_to_hsv
from .image_filters import gaussian_blur, sobel_edges, ssim
from .image_geometry import crop_images, extract_patches, extract_patches_3d, pad_images
from .image_resize import resize, scale_and_translate
from .image_sampling import affine_transform, elastic_transform, map_coordinates, perspective_transform

__all__ = ["affine_transform", "crop_images", "elastic_transform", "extract_patches", "extract_patches_3d",
           "gaussian_blur", "hsv_to_rgb", "map_coordinates", "pad_images", "perspective_transform", "resize",
           "rgb_to_grayscale", "rgb_to_hsv", "scale_and_translate", "sobel_edges", "ssim"]
