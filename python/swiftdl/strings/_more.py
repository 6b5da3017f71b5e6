"""tf.strings.format, ngrams, bytes_split, unsorted_segment_join and unicode_transcode (the
conventions of swiftdl.strings: text results as str, byte results as bytes, a RaggedTensor
where TensorFlow gives one)."""
import numpy as np


def _scalar_text(value):
    if isinstance(value, (bytes, np.bytes_)):
        return '"' + bytes(value).decode("utf-8", errors="replace") + '"'
    if isinstance(value, str):
        return '"' + value + '"'
    if isinstance(value, (bool, np.bool_)):
        return "1" if value else "0"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):g}"  # C++ streams' default: six significant digits
    return str(int(value)) if isinstance(value, (int, np.integer)) else str(value)


def _summary(array, summarize, depth=0):
    """TensorFlow's tensor summary: nested brackets, `summarize` items from each end of
    every axis (all of them when summarize < 0), "..." between."""
    if array.ndim == 0:
        return _scalar_text(array.item())
    count = array.shape[0]
    if 0 <= summarize and count > 2 * summarize:
        indices = list(range(summarize)) + [None] + list(range(count - summarize, count))
    else:
        indices = list(range(count))
    parts = ["..." if i is None else _summary(array[i, ...], summarize, depth + 1) for i in indices]
    # numpy's layout: a blank line more between blocks for each axis beyond the second
    separator = " " if array.ndim == 1 else "\n" * (array.ndim - 1) + " " * (depth + 1)
    return "[" + separator.join(parts) + "]"


def format(template, inputs, placeholder="{}", summarize=3, name=None):  # noqa: A001  (TensorFlow's name)
    """`template` with each `placeholder` replaced by the next input's summary."""
    if not isinstance(inputs, (list, tuple)):
        inputs = [inputs]
    pieces = str(template).split(placeholder)
    if len(pieces) - 1 != len(inputs):
        from ..errors import InvalidArgumentError
        raise InvalidArgumentError(f"num placeholders in template and num inputs must match: {len(pieces) - 1} vs. "
                                   f"{len(inputs)}")
    out = pieces[0]
    for value, piece in zip(inputs, pieces[1:]):
        array = np.asarray(value, dtype=object if isinstance(value, (str, bytes)) else None)
        out += _summary(array, summarize) + piece
    return out


def _ngrams_of(tokens, widths, separator, pads, padding_width, preserve_short):
    out = []
    for width in widths:
        pad = width - 1 if padding_width is None else min(padding_width, width - 1)
        padded = [pads[0]] * pad + list(tokens) + [pads[1]] * pad if pads else list(tokens)
        grams = [separator.join(padded[i:i + width]) for i in range(len(padded) - width + 1)]
        if not grams and preserve_short and padded:
            grams = [separator.join(padded)]
        out.extend(grams)
    return out


def ngrams(data, ngram_width, separator=" ", pad_values=None, padding_width=None, preserve_short_sequences=False,
           name=None):
    """The n-grams of each sequence of tokens (the last axis): one width, or each width of a
    tuple in turn; optionally padded with `pad_values` (one string, or (left, right))."""
    from . import _texts
    widths = [int(ngram_width)] if isinstance(ngram_width, (int, np.integer)) else [int(w) for w in ngram_width]
    if any(w < 1 for w in widths):
        from ..errors import InvalidArgumentError
        raise InvalidArgumentError(f"ngram_width must be at least 1; received {ngram_width}")
    pads = None if pad_values is None else ((pad_values, pad_values) if isinstance(pad_values, str)
                                            else tuple(pad_values))
    from ._ragged import is_ragged, ragged_rows, with_innermost_rows
    if is_ragged(data):  # TensorFlow's ngrams of tokenized text: a RaggedTensor of the n-grams of each row
        return with_innermost_rows(data, [_ngrams_of(row, widths, separator, pads, padding_width,
                                                     preserve_short_sequences) for row in ragged_rows(data)])
    ragged = isinstance(data, list) and data and isinstance(data[0], (list, tuple))
    if ragged and len({len(row) for row in data}) > 1:  # rows of different lengths: lists, as TensorFlow's ragged
        return [_ngrams_of(list(_texts(row, "ngrams")[0]), widths, separator, pads, padding_width,
                           preserve_short_sequences) for row in data]
    texts, _ = _texts(data, "ngrams")
    if texts.ndim == 1:
        return np.array(_ngrams_of(list(texts), widths, separator, pads, padding_width, preserve_short_sequences) +
                        [None], dtype=object)[:-1]
    rows = [_ngrams_of(list(row), widths, separator, pads, padding_width, preserve_short_sequences)
            for row in texts.reshape(-1, texts.shape[-1])]
    if len({len(row) for row in rows}) > 1:
        return rows
    return np.array(rows, dtype=object).reshape(texts.shape[:-1] + (len(rows[0]) if rows else 0,))


def bytes_split(input, name=None):  # noqa: A002
    """Each string's bytes, one bytes object each (a RaggedTensor for a batch of strings)."""
    def split(value):
        data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        return [data[i:i + 1] for i in range(len(data))]
    array = np.asarray(input, dtype=object)
    if array.ndim == 0:
        return np.array(split(array.item()) + [None], dtype=object)[:-1]
    from ._ragged import rows_to_ragged
    return rows_to_ragged([split(value) for value in array.reshape(-1)], array.shape)


def unsorted_segment_join(inputs, segment_ids, num_segments, separator="", name=None):
    """For each segment 0..num_segments-1, its strings joined in input order ("" when empty)."""
    from . import _texts
    texts, _ = _texts(inputs, "unsorted_segment_join")
    ids = np.asarray(segment_ids).reshape(-1)
    if ids.shape[0] != texts.reshape(-1).shape[0] or (ids.size and (ids.min() < 0 or ids.max() >= num_segments)):
        from ..errors import InvalidArgumentError
        raise InvalidArgumentError(f"segment_ids must have one id in [0, {num_segments}) per input")
    joined = [[] for _ in range(int(num_segments))]
    for text, segment in zip(texts.reshape(-1), ids.tolist()):
        joined[segment].append(text)
    return np.array([separator.join(parts) for parts in joined] + [None], dtype=object)[:-1]


def unicode_transcode(input, input_encoding, output_encoding, errors="replace", replacement_char=65533,  # noqa: A002
                      replace_control_characters=False, name=None):
    """Each string's bytes re-encoded from `input_encoding` to `output_encoding` (bytes)."""
    if errors not in ("replace", "strict", "ignore"):
        raise ValueError(f"errors must be 'replace', 'strict' or 'ignore'; received {errors!r}")

    def convert(value):
        data = value.encode(input_encoding) if isinstance(value, str) else bytes(value)
        text = data.decode(input_encoding, errors="strict" if errors == "strict" else "replace")
        if errors == "replace" and replacement_char != 0xFFFD:
            text = text.replace("\ufffd", chr(replacement_char))
        elif errors == "ignore":
            text = text.replace("\ufffd", "")
        if replace_control_characters:
            text = "".join(chr(replacement_char) if ord(c) < 32 and c not in "\t\n\r" else c for c in text)
        return text.encode(output_encoding.replace("-BE", "-be").replace("-LE", "-le"))
    array = np.asarray(input, dtype=object)
    flat = np.empty(array.size, dtype=object)
    flat[:] = [convert(v) for v in array.reshape(-1)]
    return flat.reshape(array.shape).item() if array.ndim == 0 else flat.reshape(array.shape)
