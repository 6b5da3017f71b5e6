"""tf.audio: 16-bit PCM WAV files to float32 samples in [-1, 1) and back."""
import struct

import numpy as np

from .errors import InvalidArgumentError


def _bytes(contents):
    value = contents.numpy() if hasattr(contents, "numpy") and not isinstance(contents, np.ndarray) else contents
    value = value.item() if isinstance(value, np.ndarray) else value
    return value.encode("latin-1") if isinstance(value, str) else bytes(value)


def _chunks(data):
    """{chunk id: payload} of a RIFF/WAVE file."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise InvalidArgumentError(None, None, "Header mismatch: expected a RIFF/WAVE file")
    chunks, at = {}, 12
    while at + 8 <= len(data):
        chunk, size = data[at:at + 4], struct.unpack("<I", data[at + 4:at + 8])[0]
        chunks.setdefault(chunk, data[at + 8:at + 8 + size])
        at += 8 + size + (size & 1)
    return chunks


def decode_wav(contents, desired_channels=-1, desired_samples=-1, name=None):
    """(audio float32 (samples, channels), sample_rate int32) of a 16-bit PCM WAV file.

    desired_channels keeps the first channels or repeats the last one; desired_samples
    cuts or zero-pads the samples, as TensorFlow's decoder.

    Raises:
        InvalidArgumentError: for data that is not a 16-bit PCM WAV file.
    """
    from ._tf_cast import convert_to_tensor
    chunks = _chunks(_bytes(contents))
    if b"fmt " not in chunks or b"data" not in chunks:
        raise InvalidArgumentError(None, None, "The WAV data has no 'fmt ' or 'data' chunk")
    audio_format, channels, rate, _, _, bits = struct.unpack("<HHIIHH", chunks[b"fmt "][:16])
    if audio_format not in (1, 0xFFFE) or bits != 16:
        raise InvalidArgumentError(None, None, f"Can only read 16-bit PCM WAV files; received format {audio_format} "
                                   f"with {bits} bits per sample")
    payload = chunks[b"data"]
    samples = np.frombuffer(payload[:len(payload) // (2 * channels) * 2 * channels], "<i2").reshape(-1, channels)
    audio = samples.astype(np.float32) / 32768.0
    if desired_channels is not None and int(desired_channels) > 0:
        wanted = int(desired_channels)
        audio = audio[:, :wanted] if wanted <= channels else np.concatenate(
            [audio, np.repeat(audio[:, -1:], wanted - channels, axis=1)], axis=1)
    if desired_samples is not None and int(desired_samples) >= 0:
        wanted = int(desired_samples)
        audio = audio[:wanted] if wanted <= len(audio) else np.concatenate(
            [audio, np.zeros((wanted - len(audio), audio.shape[1]), np.float32)])
    return convert_to_tensor(np.ascontiguousarray(audio)), convert_to_tensor(np.int32(rate))


def encode_wav(audio, sample_rate, name=None):
    """A 16-bit PCM WAV file (bytes) of float32 samples (samples, channels), each clipped to
    [-1, 1], scaled by 32768 and rounded (saturating at 32767).

    Raises:
        InvalidArgumentError: for audio that is not 2-D.
    """
    samples = np.asarray(audio.numpy() if hasattr(audio, "numpy") else audio, dtype=np.float32)
    if samples.ndim != 2:
        raise InvalidArgumentError(None, None, f"audio must be 2-D (samples, channels); received shape {samples.shape}")
    rate = int(np.asarray(sample_rate.numpy() if hasattr(sample_rate, "numpy") else sample_rate))
    # TensorFlow's encoder scales by 32768 and rounds, then saturates (so 1.0 becomes 32767).
    pcm = np.clip(np.round(np.clip(samples, -1.0, 1.0) * 32768.0), -32768, 32767).astype("<i2").tobytes()
    channels = samples.shape[1]
    header = struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + len(pcm), b"WAVE", b"fmt ", 16, 1, channels, rate,
                         rate * channels * 2, channels * 2, 16, b"data", len(pcm))
    return header + pcm


__all__ = ["decode_wav", "encode_wav"]
