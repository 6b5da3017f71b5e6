"""The speech example end to end (issue 14): espeak-ng says eight keywords in varied voices,
speeds and pitches with noise; audio_dataset_from_directory reads the WAV files; a model with
a MelSpectrogram front end learns them. Nothing is committed: the audio is made here."""
import os
import sys

import pytest

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples")
sys.path.insert(0, EXAMPLES)
import keyword_spotting  # noqa: E402
import speech_data  # noqa: E402

sys.path.remove(EXAMPLES)

pytestmark = pytest.mark.skipif(not speech_data.espeak_available(),
                                reason="espeak-ng is not installed (scripts/setup.sh installs it)")


def test_keywords_are_learnt_far_above_chance(tmp_path):
    count = speech_data.make_keyword_directory(str(tmp_path), per_word=40, seed=0)
    assert count == 8 * 40
    model, history, accuracy = keyword_spotting.train(str(tmp_path), epochs=12, verbose=0)
    # Chance is 1/8; this run reaches about 0.75 (the 60-per-word example about 0.88).
    assert accuracy >= 0.5, history.history["val_accuracy"]
    assert history.history["loss"][-1] < history.history["loss"][0] / 2
    assert model.input_shape == (None, speech_data.SAMPLING_RATE, 1)


def test_the_clips_are_one_second_of_16_bit_mono(tmp_path):
    import wave
    speech_data.make_keyword_directory(str(tmp_path), per_word=1, words=("yes",), seed=3)
    with wave.open(str(tmp_path / "yes" / "000.wav")) as clip:
        assert (clip.getnchannels(), clip.getsampwidth(), clip.getframerate(), clip.getnframes()) == (
            1, 2, speech_data.SAMPLING_RATE, speech_data.SAMPLING_RATE)
