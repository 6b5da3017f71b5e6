"""tf.strings: element-wise string functions over numpy string arrays.

The engine holds numbers only, so strings live in numpy: inputs may be Python strings or
bytes, lists of them, or numpy arrays (str, bytes or object); results are numpy object
arrays of Python `str` (UTF-8 decoded; TensorFlow gives bytes), or a plain `str` for a
scalar input, so that a `TextVectorization(standardize=fn)` calling `fn` on one text gets
text back. Numeric results (`length`, `to_number`, the hash buckets, `regex_full_match`)
are engine tensors. Functions that TensorFlow answers with a RaggedTensor (`split`,
`unicode_split`, `unicode_decode`, `bytes_split`) return a swiftdl.RaggedTensor for a batch
(a 1-D array for one string), and the element-wise functions take a RaggedTensor of text,
as TensorFlow's do.
"""
import builtins  # this module's own `format` is tf.strings.format
import re

import numpy as np

from .. import _string_hash
from ._ragged import is_ragged, over_flat_values, ragged_rows, rows_to_ragged

def _texts(values, op):
    """(object array of str, whether the input was a scalar)."""
    array = np.asarray(values, dtype=object)
    flat = array.reshape(-1)
    out = np.empty(flat.shape, dtype=object)
    for i, value in enumerate(flat):
        if isinstance(value, (bytes, np.bytes_)):
            value = bytes(value).decode("utf-8")
        if not isinstance(value, str):
            raise TypeError(f"[{op}] expects strings; received {type(value).__name__} {value!r:.60}")
        out[i] = str(value)
    return out.reshape(array.shape), array.ndim == 0


def _result(array, scalar):
    return array.reshape(()).item() if scalar else array


def _map(values, op, function):
    texts, scalar = _texts(values, op)
    flat = texts.reshape(-1)
    out = np.empty(flat.shape, dtype=object)
    for i, text in enumerate(flat):
        out[i] = function(text)
    return _result(out.reshape(texts.shape), scalar)


def _tensor(array, dtype):
    import swiftdl as sd
    return sd.asarray(np.asarray(array, dtype=dtype))


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


@over_flat_values
def lower(input, encoding="", name=None):  # noqa: A002  (TensorFlow's argument names)
    """Lower case: ASCII letters only, as TensorFlow, unless encoding="utf-8"."""
    if encoding.lower().replace("-", "") == "utf8":
        return _map(input, "lower", str.lower)
    return _map(input, "lower", lambda text: text.translate(_ASCII_LOWER))


@over_flat_values
def upper(input, encoding="", name=None):  # noqa: A002
    """Upper case: ASCII letters only, as TensorFlow, unless encoding="utf-8"."""
    if encoding.lower().replace("-", "") == "utf8":
        return _map(input, "upper", str.upper)
    return _map(input, "upper", lambda text: text.translate(_ASCII_UPPER))


@over_flat_values
def strip(input, name=None):  # noqa: A002
    """Strips leading and trailing whitespace."""
    return _map(input, "strip", str.strip)


@over_flat_values
def length(input, name=None, unit="BYTE"):  # noqa: A002
    """int32 lengths in UTF-8 bytes ("BYTE") or characters ("UTF8_CHAR")."""
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"[length] unit must be 'BYTE' or 'UTF8_CHAR'; received {unit!r}")
    texts, _ = _texts(input, "length")
    measure = (lambda text: len(text.encode("utf-8"))) if unit == "BYTE" else len
    return _tensor(np.vectorize(measure, otypes=[np.int32])(texts) if texts.size else np.zeros(texts.shape), "int32")


@over_flat_values
def regex_replace(input, pattern, rewrite, replace_global=True, name=None):  # noqa: A002
    """Replaces matches of `pattern` (RE2 syntax, which Python's `re` reads alike for the
    common cases) with `rewrite` (\\1 for groups); only the first with replace_global=False."""
    compiled = _compile(pattern, "regex_replace")
    count = 0 if replace_global else 1
    return _map(input, "regex_replace", lambda text: compiled.sub(rewrite, text, count=count))


@over_flat_values
def regex_full_match(input, pattern, name=None):  # noqa: A002
    """bool: whether each whole string matches `pattern`."""
    compiled = _compile(pattern, "regex_full_match")
    texts, _ = _texts(input, "regex_full_match")
    matches = np.vectorize(lambda text: compiled.fullmatch(text) is not None, otypes=[bool])(texts) \
        if texts.size else np.zeros(texts.shape, bool)
    return _tensor(matches, "bool")


def _compile(pattern, op):
    # RE2's \w, \d, \s and \b are ASCII-only, as Python's are under re.ASCII.
    try:
        return re.compile(pattern, re.ASCII)
    except re.error as error:
        from ..errors import InvalidArgumentError
        raise InvalidArgumentError(None, None, f"[{op}] invalid pattern {pattern!r}: {error}") from None


def split(input, sep=None, maxsplit=-1, name=None):  # noqa: A002
    """Splits each string at whitespace runs (sep None) or at each `sep` (empty pieces
    kept): a 1-D array of pieces for one string, else a RaggedTensor with one more (ragged)
    dimension than the input, as TensorFlow returns."""
    if sep == "":
        raise ValueError("[split] sep must not be empty")
    if is_ragged(input):
        return _split_ragged(input, sep, maxsplit)
    texts, scalar = _texts(input, "split")
    pieces = [text.split(sep, maxsplit) for text in texts.reshape(-1)]
    return _array(pieces[0]) if scalar else rows_to_ragged(pieces, texts.shape)


def _split_ragged(rt, sep, maxsplit):
    """split over a RaggedTensor of strings: each string becomes a row one level deeper."""
    texts = _texts(rt.flat_values, "split")[0]
    return rt.with_flat_values(rows_to_ragged([text.split(sep, maxsplit) for text in texts], texts.shape))


def _array(items):
    out = np.empty(builtin_len(items), dtype=object)
    out[:] = items
    return out


def _nested(rows, shape):
    """Per-element lists arranged in `shape` as nested lists."""
    out = np.empty(builtin_len(rows), dtype=object)
    for i, row in enumerate(rows):
        out[i] = row
    return out.reshape(shape).tolist()


def join(inputs, separator="", name=None):
    """Joins corresponding elements of the tensors in `inputs` (broadcast) with `separator`."""
    arrays = [_texts(item, "join")[0] for item in inputs]
    if not arrays:
        raise ValueError("[join] inputs must hold at least one tensor")
    broadcast = np.broadcast_arrays(*arrays)
    out = np.empty(broadcast[0].shape, dtype=object)
    for index in np.ndindex(out.shape):
        out[index] = separator.join(array[index] for array in broadcast)
    return _result(out, out.ndim == 0)


def reduce_join(inputs, axis=None, keepdims=False, separator="", name=None):
    """Joins strings along `axis` (all axes for None); a RaggedTensor joins its innermost
    rows (axis -1)."""
    if is_ragged(inputs):
        if axis not in (-1, inputs.shape.rank - 1) or keepdims:
            raise NotImplementedError("[reduce_join] a RaggedTensor joins along its last axis (axis=-1) only here")
        return _rejoin(inputs, _array([separator.join(row) for row in ragged_rows(inputs)]))
    texts, _ = _texts(inputs, "reduce_join")
    if axis is None:
        joined = separator.join(texts.reshape(-1))
        return np.full((1,) * texts.ndim, joined, dtype=object) if keepdims else joined
    axis = axis if axis >= 0 else axis + texts.ndim
    if not 0 <= axis < texts.ndim:
        raise ValueError(f"[reduce_join] axis {axis} is out of range for rank {texts.ndim}")
    moved = np.moveaxis(texts, axis, -1)
    out = np.empty(moved.shape[:-1], dtype=object)
    for index in np.ndindex(out.shape):
        out[index] = separator.join(moved[index])
    out = np.expand_dims(out, axis) if keepdims else out
    return _result(out, out.ndim == 0)


def _rejoin(rt, joined):
    """rt with its innermost ragged dimension replaced by the joined strings."""
    return joined if rt.ragged_rank == 1 else rt.with_values(_rejoin(rt.values, joined))


@over_flat_values
def to_number(string_tensor, out_type="float32", name=None):
    """Parses numbers; a string that is not one raises InvalidArgumentError."""
    dtype = np.dtype(getattr(out_type, "name", out_type))
    texts, _ = _texts(string_tensor, "to_number")
    parse = float if dtype.kind == "f" else int
    values = np.empty(texts.shape, dtype=dtype)
    for index in np.ndindex(texts.shape):
        try:
            values[index] = parse(texts[index].strip())
        except (ValueError, OverflowError):
            from ..errors import InvalidArgumentError
            raise InvalidArgumentError(None, None, f"StringToNumberOp could not correctly convert string: "
                                       f"{texts[index]}") from None
    return _tensor(values, dtype)


@over_flat_values
def as_string(input, precision=-1, scientific=False, shortest=False, width=-1, fill="", name=None):  # noqa: A002
    """Numbers as strings, formatted as TensorFlow does (floats %f by default, bools
    "true"/"false")."""
    array = np.asarray(input)
    if array.dtype == np.float64 and not isinstance(input, np.ndarray) and getattr(input, "dtype", None) is None:
        array = array.astype(np.float32)  # Python floats are float32 to TensorFlow (12345.678 -> 12345.677734)
    if array.dtype.kind in "OSU":
        raise TypeError("[as_string] expects numbers or bools; received strings")
    if array.dtype.kind == "f":
        spec = "e" if scientific else ("g" if shortest else "f")
        body = f".{precision}{spec}" if precision >= 0 else spec
    else:
        body = "d" if array.dtype.kind in "iu" else ""
    if builtin_len(fill) > 1:
        raise ValueError(f"[as_string] fill must be at most one character; received {fill!r}")

    def formatted(value):
        if array.dtype.kind == "b":
            return ("true" if value else "false").rjust(width, fill or " ")
        if fill == "0" and width > 0:  # printf's zero padding keeps the sign in front
            return builtins.format(value.item(), f"0{width}{body}")
        return builtins.format(value.item(), body).rjust(width, fill or " ")

    out = np.empty(array.shape, dtype=object)
    for index in np.ndindex(array.shape):
        out[index] = formatted(array[index])
    return _result(out, array.ndim == 0)


@over_flat_values
def substr(input, pos, len, name=None, unit="BYTE"):  # noqa: A002
    """`len` units from `pos` (negative pos counts from the end), in UTF-8 bytes or
    characters. A byte slice that cuts a character is returned as bytes."""
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"[substr] unit must be 'BYTE' or 'UTF8_CHAR'; received {unit!r}")
    size = len

    def cut(text):
        sequence = text.encode("utf-8") if unit == "BYTE" else text
        start = pos if pos >= 0 else builtin_len(sequence) + pos
        if not 0 <= start <= builtin_len(sequence):
            from ..errors import InvalidArgumentError
            raise InvalidArgumentError(None, None, f"pos {pos} out of range for string of length "
                                       f"{builtin_len(sequence)}")
        piece = sequence[start:start + size]
        if unit == "UTF8_CHAR":
            return piece
        try:
            return piece.decode("utf-8")
        except UnicodeDecodeError:
            return piece

    return _map(input, "substr", cut)


builtin_len = len


def unicode_split(input, input_encoding="UTF-8", errors="replace", replacement_char=65533, name=None):  # noqa: A002
    """Each string's characters: a 1-D array for one string, else a RaggedTensor."""
    texts, scalar = _texts(input, "unicode_split")
    pieces = [list(text) for text in texts.reshape(-1)]
    return _array(pieces[0]) if scalar else rows_to_ragged(pieces, texts.shape)


def unicode_decode(input, input_encoding="UTF-8", errors="replace", replacement_char=65533,  # noqa: A002
                   replace_control_characters=False, name=None):
    """Each string's code points (int32): a tensor for one string, else a RaggedTensor."""
    texts, scalar = _texts(input, "unicode_decode")
    points = [[ord(char) for char in text] for text in texts.reshape(-1)]
    if scalar:
        return _tensor(points[0], "int32")
    return rows_to_ragged(points, texts.shape, np.int32)


def unicode_encode(input, output_encoding="UTF-8", errors="replace", replacement_char=65533, name=None):  # noqa: A002
    """Code points (a list of ints, or lists of them) back to strings."""
    def encode(points):
        return "".join(chr(int(point)) for point in points)
    if is_ragged(input):
        return np.array([encode(row) for row in ragged_rows(input)] + [None], dtype=object)[:-1]
    values = np.asarray(input, dtype=object) if not isinstance(input, list) else input
    if isinstance(values, list) and values and isinstance(values[0], (list, tuple, np.ndarray)):
        return np.array([encode(row) for row in values], dtype=object)
    return encode(np.asarray(values).reshape(-1))


@over_flat_values
def to_hash_bucket_fast(input, num_buckets, name=None):  # noqa: A002
    """int64 bucket Fingerprint64(s) mod num_buckets: TensorFlow's buckets, exactly."""
    return _farmhash_buckets(input, num_buckets, "to_hash_bucket_fast")


@over_flat_values
def to_hash_bucket_strong(input, num_buckets, key, name=None):  # noqa: A002
    """int64 bucket SipHash-2-4(key, s) mod num_buckets: TensorFlow's buckets, exactly."""
    if len(list(key)) != 2:
        raise ValueError(f"[to_hash_bucket_strong] key must be two ints; received {key!r}")
    return _farmhash_buckets(input, num_buckets, "to_hash_bucket_strong", key)


def _farmhash_buckets(input, num_buckets, op, key=None):  # noqa: A002
    """The strings' buckets, the whole array hashed in one engine call (_string_hash)."""
    _check_num_buckets(num_buckets, op)
    texts, _ = _texts(input, op)
    return _tensor(_string_hash.hash_bucket_array(texts, int(num_buckets), key), "int64")


def _check_num_buckets(num_buckets, op):
    if not isinstance(num_buckets, (int, np.integer)) or num_buckets < 1:
        raise ValueError(f"[{op}] num_buckets must be a positive int; received {num_buckets!r}")


def _buckets(input, num_buckets, op, bucket):  # noqa: A002
    _check_num_buckets(num_buckets, op)
    texts, _ = _texts(input, op)
    values = np.zeros(texts.shape, np.int64)
    for index in np.ndindex(texts.shape):
        values[index] = bucket(texts[index])
    return _tensor(values, "int64")


from ._more import bytes_split, format, ngrams, unicode_transcode, unsorted_segment_join  # noqa: A004,E402
from ._hash64 import to_hash_bucket  # noqa: E402
from ._unicode_offsets import unicode_decode_with_offsets, unicode_split_with_offsets  # noqa: E402

__all__ = ["bytes_split", "format", "ngrams", "unicode_transcode", "unsorted_segment_join",
           "as_string", "join", "length", "lower", "reduce_join", "regex_full_match", "regex_replace", "split",
           "strip", "substr", "to_hash_bucket_fast", "to_hash_bucket_strong", "to_number", "unicode_decode",
           "unicode_encode", "unicode_split", "upper", "to_hash_bucket", "unicode_decode_with_offsets",
           "unicode_split_with_offsets"]
