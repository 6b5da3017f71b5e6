"""keras.utils.audio_dataset_from_directory: a labelled Dataset of audio batches from a
directory with one subdirectory per class of 16-bit PCM .wav files (read with Python's
`wave` module, as tf.audio.decode_wav reads them), a batch at a time."""
import wave

import numpy as np

import swiftdl as _sd

from .image_dataset import _split, check_directory_dataset_arguments, index_directory, labels_of

ALLOWED_FORMATS = (".wav",)


def read_wav(path, desired_samples=-1):
    """(samples, channels) float32 in [-1, 1) and the sampling rate, as tf.audio.decode_wav
    gives them: a positive `desired_samples` cuts the audio or pads it with zeros.

    Raises:
        ValueError: for a file that is not 16-bit PCM WAV.
    """
    try:
        with wave.open(path, "rb") as handle:
            width, channels, rate = handle.getsampwidth(), handle.getnchannels(), handle.getframerate()
            frames = handle.readframes(handle.getnframes())
    except (wave.Error, EOFError) as error:
        raise ValueError(f"Could not decode the WAV file {path}: {error}") from None
    if width != 2:
        raise ValueError(f"Can only read 16-bit WAV files, but received {8 * width} ({path})")
    audio = np.frombuffer(frames, dtype="<i2").reshape(-1, channels).astype(np.float32) / 32768.0
    if desired_samples is not None and desired_samples >= 0:
        audio = audio[:desired_samples]
        if len(audio) < desired_samples:
            audio = np.concatenate([audio, np.zeros((desired_samples - len(audio), channels), np.float32)])
    return audio, rate


def audio_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, batch_size=32,
                                 sampling_rate=None, output_sequence_length=None, ragged=False, shuffle=True, seed=None,
                                 validation_split=None, subset=None, follow_links=False, verbose=True):
    """Batches of (audio, labels): audio (batch, samples, channels) float32, padded with
    zeros to the longest file of the batch or cut/padded to `output_sequence_length`
    (`ragged=True`, Keras's RaggedTensor batches, is not available); labels int32 ("int"),
    one-hot float32 ("categorical"), float32 (batch, 1) ("binary") or none. With
    `validation_split`, `subset` "training", "validation" or "both" (a pair) picks the
    split, shuffled with one `seed`. `batch_size=None` yields single files.

    `sampling_rate` is checked as Keras checks it; Keras then resamples with
    tensorflow_io, which swiftdl does not have, so files must already have that rate.

    Raises:
        ValueError: for Keras's argument errors, a directory with no .wav files, or files
            that are not 16-bit PCM.
        NotImplementedError: for `ragged=True`, or a file whose rate differs from `sampling_rate`.
    """
    from swiftdl.data import Dataset
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple)):
            raise ValueError("The `labels` argument should be a list/tuple of integer labels, of the same size as the "
                             "number of audio files in the target directory. If you wish to infer the labels from the "
                             "subdirectory names in the target directory, pass `labels=\"inferred\"`. If you wish to "
                             "get a dataset that only contains audio samples (no labels), pass `labels=None`. "
                             f"Received: labels={labels}")
        if class_names:
            raise ValueError(f'You can only pass `class_names` if `labels="inferred"`. Received: labels={labels}, '
                             f"and class_names={class_names}")
    if label_mode not in {"int", "categorical", "binary", None}:
        raise ValueError(f'`label_mode` argument must be one of "int", "categorical", "binary", or None. Received: '
                         f"label_mode={label_mode}")
    if ragged and output_sequence_length is not None:
        raise ValueError("Cannot set both `ragged` and `output_sequence_length`")
    if ragged:
        raise NotImplementedError("ragged=True: swiftdl's Dataset holds dense tensors, not RaggedTensors; use "
                                  "ragged=False (batches padded with zeros) or output_sequence_length")
    if sampling_rate is not None:
        if not isinstance(sampling_rate, int):
            raise ValueError(f"`sampling_rate` should have an integer value. Received: sampling_rate={sampling_rate}")
        if sampling_rate <= 0:
            raise ValueError(f"`sampling_rate` should be higher than 0. Received: sampling_rate={sampling_rate}")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    check_directory_dataset_arguments(label_mode, validation_split, subset, shuffle, seed)
    if seed is None:
        seed = np.random.randint(1e6)
    paths, indices, names = index_directory(directory, labels, class_names, follow_links, ALLOWED_FORMATS)
    if label_mode == "binary" and len(names) != 2:
        raise ValueError(f'When passing `label_mode="binary"`, there must be exactly 2 class_names. Received: '
                         f"class_names={names}")
    if verbose:
        print(f"Found {len(paths)} files" + (f" belonging to {len(names)} classes." if labels is not None else "."))
    if shuffle:
        order = np.random.RandomState(seed).permutation(len(paths))  # Keras shuffles paths and labels alike
        paths, indices = [paths[i] for i in order], indices[order]
    datasets = []
    for position, (split_paths, split_indices) in enumerate(_split(paths, indices, validation_split, subset, verbose)):
        if not split_paths:
            which = {"training": "training ", "validation": "validation "}.get(subset, "")
            if subset == "both":
                which = "training " if position == 0 else "validation "
            raise ValueError(f"No {which}audio files found in directory {directory}. Allowed format(s): "
                             f"{ALLOWED_FORMATS}")
        reader = _Reader(split_paths, sampling_rate, output_sequence_length)
        # The validation half of "both" is not shuffled, as Keras does.
        shuffled = shuffle and not (subset == "both" and position == 1)
        rows = Dataset.from_tensor_slices(np.arange(len(split_paths), dtype=np.int64))
        if shuffled:
            rows = rows.shuffle(buffer_size=batch_size * 8 if batch_size is not None else 1024, seed=seed)
        if batch_size is not None:
            rows = rows.batch(batch_size)
        dataset = rows.map(lambda r, reader=reader, chosen=split_indices: reader(r) if label_mode is None
                           else (reader(r), labels_of(chosen, r, label_mode, len(names))))
        dataset.class_names = names
        datasets.append(dataset)
    return tuple(datasets) if subset == "both" else datasets[0]


class _Reader:
    """Reads the files of a row or a batch of rows into one tensor."""

    def __init__(self, paths, sampling_rate, output_sequence_length):
        self.paths = paths
        self.sampling_rate = sampling_rate
        self.desired_samples = -1 if output_sequence_length is None else output_sequence_length

    def _read(self, row):
        path = self.paths[int(row)]
        audio, rate = read_wav(path, self.desired_samples)
        if self.sampling_rate is not None and rate != self.sampling_rate:
            raise NotImplementedError(f"{path} is sampled at {rate} Hz; resampling to sampling_rate="
                                      f"{self.sampling_rate} needs tensorflow_io's resample, which swiftdl does not "
                                      "have. Resample the files beforehand or pass sampling_rate=None.")
        return audio

    def __call__(self, rows):
        if not np.ndim(rows):
            return _sd.asarray(self._read(rows))
        clips = [self._read(row) for row in np.asarray(rows).tolist()]
        longest = max(len(clip) for clip in clips)  # padded_batch: zeros up to the batch's longest
        batch = np.zeros((len(clips), longest, clips[0].shape[1]), np.float32)
        for i, clip in enumerate(clips):
            if clip.shape[1] != batch.shape[2]:
                raise ValueError(f"The files of a batch must have the same number of channels; "
                                 f"{self.paths[int(np.asarray(rows)[i])]} has {clip.shape[1]}, not {batch.shape[2]}")
            batch[i, :len(clip)] = clip
        return _sd.asarray(batch)
