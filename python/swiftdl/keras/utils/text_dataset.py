"""keras.utils.text_dataset_from_directory: a labelled Dataset of text batches from a
directory with one subdirectory per class of .txt files, read a batch at a time."""
import numpy as np

from .image_dataset import _split, check_directory_dataset_arguments, index_directory, labels_of


def text_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, batch_size=32,
                                max_length=None, shuffle=True, seed=None, validation_split=None, subset=None,
                                follow_links=False, format="tf", verbose=True):
    """Batches of (texts, labels): texts a (batch,) object array of str (the engine holds
    numbers only; TensorFlow gives bytes), cut to `max_length` characters; labels as
    image_dataset_from_directory gives them. With `validation_split`, `subset` "training",
    "validation" or "both" (a pair) picks the split, shuffled with one `seed`."""
    from swiftdl.data import Dataset
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple)):
            raise ValueError("`labels` argument should be a list/tuple of integer labels, of the same size as the "
                             "number of text files in the target directory. If you wish to infer the labels from the "
                             "subdirectory names in the target directory, pass `labels=\"inferred\"`. If you wish to "
                             "get a dataset that only contains text samples (no labels), pass `labels=None`. "
                             f"Received: labels={labels}")
        if class_names:
            raise ValueError(f'You can only pass `class_names` if `labels="inferred"`. Received: labels={labels}, '
                             f"and class_names={class_names}")
    if format != "tf":
        raise ValueError(f'`format` should be "tf" (swiftdl\'s Dataset; "grain" is not available). '
                         f"Received: format={format}")
    if max_length is not None and (not isinstance(max_length, int) or max_length < 0):
        raise ValueError(f"`max_length` must be None or a non-negative integer. Received: max_length={max_length}")
    check_directory_dataset_arguments(label_mode, validation_split, subset, shuffle, seed)
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    paths, indices, names = index_directory(directory, labels, class_names, follow_links, (".txt",))
    if label_mode == "binary" and len(names) != 2:
        raise ValueError(f'When passing `label_mode="binary"`, there must be exactly 2 class_names. Received: '
                         f"class_names={names}")
    if seed is None:
        seed = np.random.randint(1e6)
    if shuffle:
        order = np.random.RandomState(seed).permutation(len(paths))  # Keras shuffles paths and labels alike
        paths, indices = [paths[i] for i in order], indices[order]
    if verbose:
        print(f"Found {len(paths)} files" + (f" belonging to {len(names)} classes." if labels is not None else "."))
    splits = _split(paths, indices, validation_split, subset, verbose)
    datasets = []
    for position, (split_paths, split_indices) in enumerate(splits):
        if not split_paths:
            which = {"training": "training ", "validation": "validation "}.get(subset, "")
            if subset == "both":
                which = "training " if position == 0 else "validation "
            raise ValueError(f"No {which}text files found in directory {directory}. Allowed format: .txt")
        # The validation half of "both" is not shuffled, as Keras does.
        shuffled = shuffle and not (subset == "both" and position == 1)
        datasets.append(_dataset(Dataset, split_paths, split_indices, names, label_mode, batch_size, max_length,
                                 shuffled, seed))
    return tuple(datasets) if subset == "both" else datasets[0]


def _read(path, max_length):
    # TensorFlow reads bytes and substr cuts bytes; here the text is decoded (invalid UTF-8
    # replaced) and cut in characters, which is the same on ASCII.
    with open(path, "rb") as file:
        text = file.read().decode("utf-8", errors="replace")
    return text if max_length is None else text[:max_length]


def _dataset(dataset_class, paths, indices, names, label_mode, batch_size, max_length, shuffle, seed):
    def texts_of(rows):
        chosen = np.atleast_1d(np.asarray(rows))
        texts = np.empty(len(chosen), dtype=object)
        for i, row in enumerate(chosen.tolist()):
            texts[i] = _read(paths[int(row)], max_length)
        return texts if np.ndim(rows) else np.asarray(texts[0], dtype=object)

    rows = dataset_class.from_tensor_slices(np.arange(len(paths), dtype=np.int64))
    if shuffle:
        rows = rows.shuffle(buffer_size=(batch_size or 128) * 8, seed=seed)
    if batch_size is not None:
        rows = rows.batch(batch_size)
    dataset = rows.map(lambda r: texts_of(r) if label_mode is None
                       else (texts_of(r), labels_of(indices, r, label_mode, len(names))))
    dataset.class_names = names
    dataset.file_paths = list(paths)
    return dataset
