"""keras.utils.image_dataset_from_directory: a labelled Dataset of image batches from a
directory with one subdirectory per class, read and resized a batch at a time."""
import os

import numpy as np

from .image_utils import ALLOWED_FORMATS, _MODES, _pillow


def index_directory(directory, labels, class_names, follow_links, formats):
    """(file paths, integer labels, class names), classes and files in sorted order as
    Keras lists them."""
    directory = os.fspath(directory)
    if not os.path.isdir(directory):
        raise ValueError(f"Could not find directory {directory}")
    if labels == "inferred":
        found = sorted(entry for entry in os.listdir(directory)
                       if os.path.isdir(os.path.join(directory, entry)) and not entry.startswith("."))
        if class_names is not None:
            if sorted(class_names) != sorted(found) and set(class_names) - set(found):
                raise ValueError(f"The `class_names` passed did not match the names of the subdirectories of the "
                                 f"target directory. Expected: {found} (or a subset of it), but received: "
                                 f"class_names={class_names}")
            found = list(class_names)
        subdirectories = [(index, os.path.join(directory, name)) for index, name in enumerate(found)]
        names = found
    else:
        if class_names is not None:
            raise ValueError("When `labels=None` (no labels), argument `class_names` cannot be specified."
                             if labels is None else "When argument `labels` is specified, argument `class_names` "
                             "cannot be specified (the `class_names` will be the sorted list of labels).")
        subdirectories, names = [(0, directory)], None
    paths, indices = [], []
    for index, subdirectory in subdirectories:
        for root, _, files in sorted(os.walk(subdirectory, followlinks=follow_links)):
            for name in sorted(files):
                if name.lower().endswith(formats):
                    paths.append(os.path.join(root, name))
                    indices.append(index)
    if labels not in ("inferred", None):
        if len(labels) != len(paths):
            raise ValueError(f"Expected the lengths of `labels` to match the number of files in the target "
                             f"directory. len(labels) is {len(labels)} while we found {len(paths)} files in directory "
                             f"{directory}.")
        indices = list(labels)
        names = [str(label) for label in sorted(set(labels))]
    return paths, np.asarray(indices, dtype=np.int64), names


def image_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, color_mode="rgb",
                                 batch_size=32, image_size=(256, 256), shuffle=True, seed=None, validation_split=None,
                                 subset=None, interpolation="bilinear", follow_links=False, crop_to_aspect_ratio=False,
                                 pad_to_aspect_ratio=False, data_format=None, verbose=True):
    """Batches of (images, labels): images (batch, height, width, channels) float32 in
    0-255, labels int32 ("int"), one-hot float32 ("categorical"), float32 (batch, 1)
    ("binary") or none (label_mode None). With `validation_split`, `subset` "training",
    "validation" or "both" (a pair) picks the split, shuffled with one `seed`."""
    _pillow()  # fail early and clearly without Pillow
    from swiftdl.data import Dataset
    if labels not in ("inferred", None) and not isinstance(labels, (list, tuple)):
        raise ValueError(f"`labels` argument should be a list/tuple of integer labels, of the same size as the "
                         f"number of image files in the target directory. Received: labels={labels}")
    if color_mode not in _MODES:
        raise ValueError(f'`color_mode` must be one of {{"rgb", "rgba", "grayscale"}}. Received: color_mode={color_mode}')
    check_directory_dataset_arguments(label_mode, validation_split, subset, shuffle, seed)
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    paths, indices, names = index_directory(directory, labels, class_names, follow_links, ALLOWED_FORMATS)
    if label_mode == "binary" and len(names) != 2:
        raise ValueError(f'When passing `label_mode="binary"`, there must be exactly 2 class_names. Received: '
                         f"class_names={names}")
    if shuffle:
        seed = np.random.randint(1e6) if seed is None else seed
        order = np.random.RandomState(seed).permutation(len(paths))  # Keras shuffles paths and labels alike
        paths, indices = [paths[i] for i in order], indices[order]
    if verbose:
        print(f"Found {len(paths)} files" + (f" belonging to {len(names)} classes." if labels is not None else "."))
    splits = _split(paths, indices, validation_split, subset, verbose)
    datasets = [_dataset(Dataset, split_paths, split_indices, names, label_mode, color_mode, batch_size, image_size,
                         interpolation, crop_to_aspect_ratio, pad_to_aspect_ratio, data_format, shuffle, seed)
                for split_paths, split_indices in splits]
    return tuple(datasets) if subset == "both" else datasets[0]


def check_directory_dataset_arguments(label_mode, validation_split, subset, shuffle, seed):
    """The checks the *_dataset_from_directory functions share, with Keras's messages."""
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError(f'`label_mode` argument must be one of "int", "categorical", "binary", or None. Received: '
                         f"label_mode={label_mode}")
    if validation_split is not None and not 0 < validation_split < 1:
        raise ValueError(f"`validation_split` must be between 0 and 1, received: {validation_split}")
    if (validation_split is None) != (subset is None):
        raise ValueError("If `subset` is set, `validation_split` must be set, and inversely.")
    if subset not in (None, "training", "validation", "both"):
        raise ValueError(f'`subset` must be either "training", "validation" or "both", received: {subset}')
    if shuffle and validation_split and seed is None:
        raise ValueError("If using `validation_split` and shuffling the data, you must provide a `seed` argument, to "
                         "make sure that there is no overlap between the training and validation subset.")


def labels_of(indices, rows, label_mode, class_count):
    """The labels of dataset rows: int32 ("int"), float32 (..., 1) ("binary") or one-hot
    float32 ("categorical")."""
    chosen = indices[np.asarray(rows, dtype=np.int64)]
    if label_mode == "int":
        return chosen.astype(np.int32)
    if label_mode == "binary":
        return chosen.astype(np.float32)[..., None]
    return np.eye(class_count, dtype=np.float32)[chosen]


def _split(paths, indices, validation_split, subset, verbose):
    if not validation_split:
        return [(paths, indices)]
    held_out = int(validation_split * len(paths))
    training = (paths[:len(paths) - held_out], indices[:len(paths) - held_out])
    validation = (paths[len(paths) - held_out:], indices[len(paths) - held_out:])
    chosen = {"training": [training], "validation": [validation], "both": [training, validation]}[subset]
    if verbose:
        if subset in ("training", "both"):
            print(f"Using {len(training[0])} files for training.")
        if subset in ("validation", "both"):
            print(f"Using {len(validation[0])} files for validation.")
    return chosen


def _decoded(load_img, path, color_mode):
    """One file's pixels as TensorFlow's decode_image gives them (float32, channels last).
    Its grayscale is floor((299·R + 587·G + 114·B) / 1000): Pillow's "L" rounds instead,
    and libpng's fixed-point weights (TensorFlow's) differ from both by one level at rare
    pixels."""
    if color_mode != "grayscale":
        return np.asarray(load_img(path, color_mode=color_mode), dtype=np.float32)
    rgb = np.asarray(load_img(path, color_mode="rgb"), dtype=np.int64)
    gray = (rgb[..., 0] * 299 + rgb[..., 1] * 587 + rgb[..., 2] * 114) // 1000
    return gray.astype(np.float32)[..., None]


def _dataset(dataset_class, paths, indices, names, label_mode, color_mode, batch_size, image_size, interpolation,
             crop_to_aspect_ratio, pad_to_aspect_ratio, data_format, shuffle, seed):
    from .. import ops
    from .image_utils import load_img
    height, width = image_size

    def images_of(rows):
        batch = []
        for row in np.atleast_1d(np.asarray(rows)):
            batch.append(_decoded(load_img, paths[int(row)], color_mode))
        resized = [np.asarray(ops.image.resize(image, (height, width), interpolation=interpolation,
                                               crop_to_aspect_ratio=crop_to_aspect_ratio,
                                               pad_to_aspect_ratio=pad_to_aspect_ratio, data_format="channels_last"))
                   for image in batch]
        stacked = np.stack(resized).astype(np.float32)
        if data_format == "channels_first":
            stacked = np.moveaxis(stacked, -1, 1)
        return stacked if np.ndim(rows) else stacked[0]

    rows = dataset_class.from_tensor_slices(np.arange(len(paths), dtype=np.int64))
    if shuffle:
        rows = rows.shuffle(buffer_size=max(batch_size or 1, 1) * 8, seed=seed)
    if batch_size is not None:
        rows = rows.batch(batch_size)
    dataset = rows.map(lambda r: images_of(r) if label_mode is None
                       else (images_of(r), labels_of(indices, r, label_mode, len(names))))
    dataset.class_names = names
    dataset.file_paths = list(paths)
    return dataset
