"""Spoken keywords for the speech example and its test, synthesised with espeak-ng.

The source document's third domain is speech (LibriSpeech, §6.2). With no network here,
the words are made on the spot: espeak-ng says each keyword in several English voices and
variants, at different speeds and pitches; each recording then gets a random shift inside a
one-second window and background noise, and is written as a 16-bit PCM WAV file into
`<directory>/<word>/`, the layout `keras.utils.audio_dataset_from_directory` reads. Nothing
is committed: the files are generated where they are used.

    python examples/speech_data.py /tmp/keywords      # writes the files, prints a summary
"""
import os
import shutil
import subprocess
import sys
import tempfile
import wave

import numpy as np

WORDS = ("yes", "no", "up", "down", "left", "right", "stop", "go")
SAMPLING_RATE = 22050  # espeak-ng's own rate: audio_dataset_from_directory does not resample
CLIP_SAMPLES = SAMPLING_RATE  # one second
VOICES = ("en-us", "en-gb", "en-gb-scotland", "en-029", "en-gb-x-rp", "en-gb-x-gbclan")
VARIANTS = ("m1", "m2", "m3", "m4", "m5", "m7", "f1", "f2", "f3", "f4")


def espeak_available():
    return shutil.which("espeak-ng") is not None


def _speak(word, voice, speed, pitch, scratch):
    path = os.path.join(scratch, "word.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", path, word],
                   check=True, capture_output=True)
    with wave.open(path) as f:
        if f.getframerate() != SAMPLING_RATE or f.getsampwidth() != 2 or f.getnchannels() != 1:
            raise RuntimeError(f"espeak-ng wrote {f.getframerate()} Hz, {8 * f.getsampwidth()}-bit, "
                               f"{f.getnchannels()} channel(s); expected {SAMPLING_RATE} Hz 16-bit mono")
        return np.frombuffer(f.readframes(f.getnframes()), dtype="<i2").astype(np.float32) / 32768.0


def _place(speech, rng, noise_level):
    """The recording at a random offset in a one-second clip, with Gaussian noise."""
    speech = speech[:CLIP_SAMPLES]
    clip = rng.normal(0.0, noise_level, CLIP_SAMPLES).astype(np.float32)
    start = int(rng.integers(0, CLIP_SAMPLES - len(speech) + 1))
    clip[start:start + len(speech)] += speech * rng.uniform(0.5, 1.0)
    return np.clip(clip, -1.0, 1.0)


def _write(path, clip):
    with wave.open(path, "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(SAMPLING_RATE)
        f.writeframes((clip * 32767).astype("<i2").tobytes())


def make_keyword_directory(directory, per_word=40, words=WORDS, seed=0):
    """Writes `per_word` noisy recordings of each word into `directory/<word>/NNN.wav`.

    Returns:
        The number of files written.

    Raises:
        RuntimeError: when espeak-ng is not installed (Debian: `apt-get install espeak-ng`).
    """
    if not espeak_available():
        raise RuntimeError("espeak-ng is not installed; on Debian: apt-get install espeak-ng")
    rng = np.random.default_rng(seed)
    with tempfile.TemporaryDirectory() as scratch:
        for word in words:
            os.makedirs(os.path.join(directory, word), exist_ok=True)
            for index in range(per_word):
                voice = f"{VOICES[rng.integers(len(VOICES))]}+{VARIANTS[rng.integers(len(VARIANTS))]}"
                speech = _speak(word, voice, int(rng.integers(110, 220)), int(rng.integers(20, 80)), scratch)
                clip = _place(speech, rng, noise_level=float(rng.uniform(0.002, 0.02)))
                _write(os.path.join(directory, word, f"{index:03d}.wav"), clip)
    return per_word * len(words)


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else "keywords"
    count = make_keyword_directory(target)
    print(f"wrote {count} one-second clips of {len(WORDS)} words into {target}/")
