"""TextArray: how swiftdl holds tf.string values. The engine holds numbers only, so text is a
numpy object array of str (and bytes for binary records); this subclass adds the one method
TensorFlow code calls on a string tensor, `.numpy()`, which gives UTF-8 bytes as TensorFlow's
does (`line.numpy().decode()` works unchanged). Everything else is numpy's."""
import numpy as np


class TextArray(np.ndarray):
    """A numpy object array of text with TensorFlow's `.numpy()`."""

    def numpy(self):
        """The values as TensorFlow gives them: bytes for a scalar, else an object array of
        bytes (str encoded as UTF-8, bytes kept)."""
        plain = np.asarray(self).view(np.ndarray)
        flat = plain.reshape(-1)
        out = np.empty(flat.shape, dtype=object)
        for i, value in enumerate(flat):
            out[i] = value.encode("utf-8") if isinstance(value, str) else value
        return out.reshape(()).item() if plain.ndim == 0 else out.reshape(plain.shape)


def as_text_array(array):
    """`array` (an object array of str/bytes) viewed as a TextArray, without copying."""
    return array if isinstance(array, TextArray) else np.asarray(array, dtype=object).view(TextArray)
