"""keras.utils.bounding_boxes: bounding-box arithmetic over swiftdl tensors (or anything
numpy-like): format conversion and clipping (shared with the image augmentation layers),
affine transforms, crops and pads, anchor deltas, IoU and CIoU — Keras 3.15's functions,
arguments and errors."""
from ...layers.image_box_formats import clip_to_image_size, convert_format
from .deltas import decode_deltas_to_boxes, encode_box_to_deltas
from .geometry import affine_transform, crop, pad
from .iou import compute_ciou, compute_iou

__all__ = ["affine_transform", "clip_to_image_size", "compute_ciou", "compute_iou", "convert_format", "crop",
           "decode_deltas_to_boxes", "encode_box_to_deltas", "pad"]
