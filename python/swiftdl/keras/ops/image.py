"""keras.ops.image: colour conversions, resizing, cropping and padding, patches, sampling
at computed coordinates and small filters, on the engine. elastic_transform (random) and
extract_patches_3d are not here yet."""
from .image_color import hsv_to_rgb, rgb_to_grayscale, rgb_to_hsv
from .image_filters import gaussian_blur, sobel_edges, ssim
from .image_geometry import crop_images, extract_patches, pad_images
from .image_resize import resize, scale_and_translate
from .image_sampling import affine_transform, map_coordinates, perspective_transform

__all__ = ["affine_transform", "crop_images", "extract_patches", "gaussian_blur", "hsv_to_rgb", "map_coordinates",
           "pad_images", "perspective_transform", "resize", "rgb_to_grayscale", "rgb_to_hsv", "scale_and_translate",
           "sobel_edges", "ssim"]
