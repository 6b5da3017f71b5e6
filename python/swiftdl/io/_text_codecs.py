"""tf.io.decode_csv, encode_base64 / decode_base64 (TensorFlow's web-safe alphabet) and
matching_files, with the standard library's csv, base64 and glob."""
import base64
import csv
import glob as _glob

import numpy as np

import swiftdl as _sd

from ..errors import InvalidArgumentError


def _strings(values):
    array = np.asarray(values, dtype=object)
    return array, [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in array.reshape(-1)]


def _column_type(default):
    """(numpy dtype, default value or None when the field is required) of a record_defaults entry."""
    typed = isinstance(default, (_sd.Tensor, np.ndarray))  # Python numbers mean int32 / float32, as in TensorFlow
    array = np.asarray(default)
    if array.dtype.kind in "USO":
        kind = object
    elif array.dtype.kind == "f":
        kind = np.float64 if typed and array.dtype == np.float64 else np.float32
    elif array.dtype.kind in "iu":
        kind = np.int64 if typed and array.dtype == np.int64 else np.int32
    else:
        raise InvalidArgumentError(f"record_defaults must be int, float or string values; received {array.dtype}")
    if array.size > 1:
        raise InvalidArgumentError("each record_defaults entry holds at most one value")
    if not array.size:
        return kind, None
    value = array.reshape(-1)[0]
    return kind, (str(value) if kind is object else value)


def decode_csv(records, record_defaults, field_delim=",", use_quote_delim=True, na_value="", select_cols=None,
               name=None):
    """One column per record_defaults entry (its type, and its value where a field is empty
    or `na_value`; an entry with no value makes the field required), with the records' shape."""
    array, lines = _strings(records)
    columns = [_column_type(default) for default in record_defaults]
    if select_cols is not None and len(select_cols) != len(columns):
        raise InvalidArgumentError(f"select_cols ({len(select_cols)}) and record_defaults ({len(columns)}) must have "
                                   f"the same length")
    reader = csv.reader(lines, delimiter=field_delim, quoting=csv.QUOTE_MINIMAL if use_quote_delim else csv.QUOTE_NONE)
    values = [[] for _ in columns]
    for row_index, fields in enumerate(reader):
        if select_cols is not None:
            fields = [fields[i] if i < len(fields) else "" for i in select_cols]
        elif len(fields) != len(columns):
            raise InvalidArgumentError(f"Expect {len(columns)} fields but have {len(fields)} in record {row_index}")
        for column, ((kind, default), field) in enumerate(zip(columns, fields)):
            if field == "" or field == na_value:
                if default is None:
                    raise InvalidArgumentError(f"Field {column} is required but missing in record {row_index}!")
                values[column].append(default)
                continue
            try:
                values[column].append(field if kind is object else kind(float(field) if kind in (np.float32,
                                                                                                   np.float64)
                                                                           else int(field)))
            except ValueError:
                raise InvalidArgumentError(f"Field {column} in record {row_index} is not a valid "
                                           f"{np.dtype(kind).name}: {field}") from None
    out = []
    for (kind, _), column in zip(columns, values):
        if kind is object:
            strings = np.empty(len(column), dtype=object)
            strings[:] = column
            out.append(strings.reshape(array.shape))
        else:
            out.append(_sd.asarray(np.asarray(column, dtype=kind).reshape(array.shape)))
    return out


def encode_base64(input, pad=False, name=None):  # noqa: A002
    """Web-safe base64 (- and _ for + and /), without '=' padding unless `pad`."""
    array = np.asarray(input, dtype=object)
    out = np.empty(array.size, dtype=object)
    for i, value in enumerate(array.reshape(-1)):
        data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        encoded = base64.urlsafe_b64encode(data)
        out[i] = encoded if pad else encoded.rstrip(b"=")
    return out.reshape(array.shape).item() if array.ndim == 0 else out.reshape(array.shape)


def decode_base64(input, name=None):  # noqa: A002
    """The bytes of web-safe base64 text (padding optional)."""
    array = np.asarray(input, dtype=object)
    out = np.empty(array.size, dtype=object)
    for i, value in enumerate(array.reshape(-1)):
        text = value.encode("ascii") if isinstance(value, str) else bytes(value)
        try:
            out[i] = base64.b64decode(text + b"=" * (-len(text) % 4), altchars=b"-_", validate=True)
        except ValueError as error:
            raise InvalidArgumentError(f"Invalid character found in base64: {error}") from None
    return out.reshape(array.shape).item() if array.ndim == 0 else out.reshape(array.shape)


def matching_files(pattern, name=None):
    """The sorted file names matching a glob pattern (or any of several)."""
    patterns = [pattern] if isinstance(pattern, (str, bytes)) else list(np.asarray(pattern, dtype=object).reshape(-1))
    found = sorted({path for p in patterns for path in _glob.glob(p.decode() if isinstance(p, bytes) else str(p))})
    out = np.empty(len(found), dtype=object)
    out[:] = found
    return out
