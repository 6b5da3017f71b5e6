"""keras.utils.audio_dataset_from_directory against real Keras 3.15
(fixtures/keras_audio_dataset/): over WAV files the test writes (mono and stereo, of
different lengths, with files to skip), every case gives Keras's batches of audio and
labels, class names and messages: label modes, padding to the batch's longest file or to
output_sequence_length, single files, given labels, class order, validation splits and
ragged batches; shuffled datasets hold Keras's (audio, label) pairs; Keras's errors."""
import json
import os
import sys
import wave

import numpy as np
import pytest

from swiftdl.keras.utils import audio_dataset_from_directory

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "keras_audio_dataset")
sys.path.insert(0, HERE)
from make_keras_audio_dataset_fixture import CASES, SHUFFLED, write_wav_tree  # noqa: E402

sys.path.remove(HERE)
KERAS = np.load(os.path.join(HERE, "audio_dataset.npz"))
with open(os.path.join(HERE, "audio_dataset.json")) as _file:
    META = json.load(_file)["cases"]


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    directory = tmp_path_factory.mktemp("wavs")
    write_wav_tree(str(directory))
    return str(directory)


def _load(root, name, capsys=None):
    case = META[name]
    result = audio_dataset_from_directory(os.path.join(root, case["folder"]), **case["arguments"])
    return result if isinstance(result, tuple) else (result,)


def _parts(element):
    return element if isinstance(element, tuple) else (element,)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_keras(root, name, capsys):
    datasets = _load(root, name)
    assert capsys.readouterr().out == META[name]["printed"]
    assert datasets[0].class_names == META[name]["class_names"]
    batches = list(datasets[0])
    assert len(batches) == META[name]["batches"][0]
    for index, element in enumerate(batches):
        key = f"{name}/0/{index}"
        for part_name, part in zip(("audio", "labels"), _parts(element)):
            expected = KERAS[f"{key}/{part_name}"]
            got = np.asarray(part)
            assert got.dtype == expected.dtype, (key, part_name)
            np.testing.assert_array_equal(got, expected, err_msg=f"{key}/{part_name}")


def _pairs(batches):
    """(audio bytes without padding, label) of every file in a list of batches."""
    found = []
    for audio, labels in batches:
        for clip, label in zip(np.asarray(audio), np.asarray(labels)):
            found.append((np.trim_zeros(clip.ravel(), "b").tobytes(), label.tobytes()))
    return sorted(found)


@pytest.mark.parametrize("name", sorted(SHUFFLED))
def test_shuffled_holds_keras_pairs(root, name, capsys):
    # tf.data's shuffle draws other bits than swiftdl's; the split and the pairs are Keras's.
    datasets = _load(root, name)
    assert capsys.readouterr().out == META[name]["printed"]
    for position, dataset in enumerate(datasets):
        count = META[name]["batches"][position]
        expected = [(KERAS[f"{name}/{position}/{i}/audio"], KERAS[f"{name}/{position}/{i}/labels"])
                    for i in range(count)]
        assert _pairs(list(dataset)) == _pairs(expected)
    first, again = (list(_load(root, name)[0]) for _ in range(2))
    for (audio, labels), (audio_again, labels_again) in zip(first, again):  # a seed repeats its order
        np.testing.assert_array_equal(np.asarray(labels), np.asarray(labels_again))
    if name == "both":  # the validation half is not shuffled, so its order is Keras's
        for i, (audio, labels) in enumerate(datasets[1]):
            np.testing.assert_array_equal(np.asarray(audio), KERAS[f"both/1/{i}/audio"])


def test_a_model_trains_on_it(root):
    from swiftdl import keras
    dataset = audio_dataset_from_directory(os.path.join(root, "three"), output_sequence_length=16, batch_size=4,
                                           seed=1, verbose=False)
    model = keras.Sequential([keras.Input((16, 1)), keras.layers.Conv1D(4, 3, activation="relu"),
                              keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(3)])
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(dataset, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


def test_errors(root, tmp_path):
    three = os.path.join(root, "three")
    with pytest.raises(ValueError, match="should be a list/tuple of integer labels"):
        audio_dataset_from_directory(three, labels="folders")
    with pytest.raises(ValueError, match="You can only pass `class_names`"):
        audio_dataset_from_directory(three, labels=[0] * 10, class_names=["a"])
    with pytest.raises(ValueError, match="`label_mode` argument must be one of"):
        audio_dataset_from_directory(three, label_mode="sparse")
    with pytest.raises(ValueError, match="Cannot set both `ragged` and `output_sequence_length`"):
        audio_dataset_from_directory(three, ragged=True, output_sequence_length=4)
    with pytest.raises(NotImplementedError, match="ragged"):  # swiftdl.data holds no RaggedTensors
        audio_dataset_from_directory(three, ragged=True)
    with pytest.raises(ValueError, match="should have an integer value"):
        audio_dataset_from_directory(three, sampling_rate=8000.0)
    with pytest.raises(ValueError, match="should be higher than 0"):
        audio_dataset_from_directory(three, sampling_rate=0)
    with pytest.raises(ValueError, match="there must be exactly 2 class_names"):
        audio_dataset_from_directory(three, label_mode="binary", verbose=False)
    with pytest.raises(ValueError, match="you must provide a `seed`"):
        audio_dataset_from_directory(three, validation_split=0.2, subset="training")
    with pytest.raises(ValueError, match="Expected the lengths of `labels` to match"):
        audio_dataset_from_directory(three, labels=[0, 1], verbose=False)
    with pytest.raises(ValueError, match="did not match the names of the subdirectories"):
        audio_dataset_from_directory(three, class_names=["cat", "cow"], verbose=False)
    empty = tmp_path / "empty" / "a"
    empty.mkdir(parents=True)
    with pytest.raises(ValueError, match="No audio files found in directory"):
        audio_dataset_from_directory(str(tmp_path / "empty"), verbose=False)
    # The files have 8000 Hz: that rate reads them as they are; another would need resampling.
    same = audio_dataset_from_directory(three, sampling_rate=8000, shuffle=False, verbose=False)
    np.testing.assert_array_equal(np.asarray(next(iter(same))[0]), np.asarray(
        next(iter(audio_dataset_from_directory(three, shuffle=False, verbose=False)))[0]))
    with pytest.raises(NotImplementedError, match="tensorflow_io"):
        next(iter(audio_dataset_from_directory(three, sampling_rate=16000, verbose=False)))
    eight_bit = tmp_path / "eight" / "a" / "x.wav"
    eight_bit.parent.mkdir(parents=True)
    with wave.open(str(eight_bit), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(1)
        handle.setframerate(8000)
        handle.writeframes(bytes(range(6)))
    with pytest.raises(ValueError, match="Can only read 16-bit WAV files, but received 8"):
        next(iter(audio_dataset_from_directory(str(tmp_path / "eight"), verbose=False)))
