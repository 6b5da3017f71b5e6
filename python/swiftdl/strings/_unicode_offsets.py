"""tf.strings.unicode_decode_with_offsets and unicode_split_with_offsets: each string's
code points (or characters) with the UTF-8 byte offset where each starts."""
import numpy as np


def _offsets(text):
    positions, at = [], 0
    for char in text:
        positions.append(at)
        at += len(char.encode("utf-8", "surrogatepass"))
    return positions


def _with_offsets(input, op, item, dtype):  # noqa: A002
    from . import _array, _tensor, _texts
    from ._ragged import rows_to_ragged
    texts, scalar = _texts(input, op)
    rows = [[item(char) for char in text] for text in texts.reshape(-1)]
    offsets = [_offsets(text) for text in texts.reshape(-1)]
    if scalar:
        values = _array(rows[0]) if dtype is object else _tensor(rows[0], dtype)
        return values, _tensor(offsets[0], "int64")
    return rows_to_ragged(rows, texts.shape, dtype), rows_to_ragged(offsets, texts.shape, np.int64)


def unicode_decode_with_offsets(input, input_encoding="UTF-8", errors="replace", replacement_char=65533,  # noqa: A002
                                replace_control_characters=False, name=None):
    """(code points int32, their starting byte offsets int64): tensors for one string,
    RaggedTensors for several (tf.strings.unicode_decode_with_offsets)."""
    _check_encoding(input_encoding, "unicode_decode_with_offsets")
    return _with_offsets(input, "unicode_decode_with_offsets", ord, np.int32)


def unicode_split_with_offsets(input, input_encoding="UTF-8", errors="replace", replacement_char=65533,  # noqa: A002
                               name=None):
    """(characters, their starting byte offsets int64) (tf.strings.unicode_split_with_offsets)."""
    _check_encoding(input_encoding, "unicode_split_with_offsets")
    return _with_offsets(input, "unicode_split_with_offsets", lambda char: char, object)


def _check_encoding(encoding, op):
    if str(encoding).upper().replace("_", "-") not in ("UTF-8", "UTF8"):
        raise ValueError(f"[{op}] swiftdl decodes UTF-8 input only; received input_encoding={encoding!r}")
