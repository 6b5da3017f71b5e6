"""tf.io.parse_single_example / parse_example with FixedLenFeature, VarLenFeature and
FixedLenSequenceFeature: serialized tf.train.Example protos → a dict of values. Numbers
come as engine tensors (int64, float32), strings as numpy object arrays of bytes (as
TensorFlow's string tensors hold bytes). VarLenFeature values come dense (1-D, or padded
(batch, longest) with the default 0 / b"" in parse_example), which tf.data pipelines and
tf.sparse.to_dense take as they are; SparseFeature and RaggedFeature (_composite_features)
give tf.SparseTensor and tf.RaggedTensor values, as in TensorFlow."""
from collections import namedtuple

import numpy as np

import swiftdl as _sd

from ..errors import InvalidArgumentError

FixedLenFeature = namedtuple("FixedLenFeature", ["shape", "dtype", "default_value"], defaults=(None,))
VarLenFeature = namedtuple("VarLenFeature", ["dtype"])
FixedLenSequenceFeature = namedtuple("FixedLenSequenceFeature", ["shape", "dtype", "allow_missing", "default_value"],
                                     defaults=(False, None))


def _kind(dtype):
    """"bytes", "int64" or "float" for a feature's dtype."""
    name = getattr(dtype, "name", None) or np.dtype(dtype).name
    if name in ("string", "object", "bytes"):
        return "bytes"
    if name in ("int64", "int32"):
        return "int64"
    if name in ("float32", "float64", "float"):
        return "float"
    raise InvalidArgumentError(f"a feature's dtype must be string, int64 or float32; received {name}")


def _values(feature, kind, key):
    """The list of values a tf.train.Feature holds, checked against the expected kind."""
    present = feature.WhichOneof("kind")
    if present is None:
        return []
    expected = {"bytes": "bytes_list", "int64": "int64_list", "float": "float_list"}[kind]
    if present != expected:
        raise InvalidArgumentError(f"Feature: {key} (data type: {kind}) has the wrong type: the Example holds a "
                                   f"{present}")
    return list(getattr(feature, present).value)


def _array(values, kind, shape=None):
    if kind == "bytes":
        array = np.empty(len(values), dtype=object)
        array[:] = [bytes(v) for v in values]
        return array if shape is None else array.reshape(shape)
    array = np.asarray(values, dtype=np.int64 if kind == "int64" else np.float32)
    return array if shape is None else array.reshape(shape)


def parse_message(serialized, message_name, what):
    """A serialized protobuf message (tf.train.Example or SequenceExample) parsed."""
    from ..train._example_proto import message_class
    message = message_class(message_name)()
    data = serialized.item() if isinstance(serialized, np.ndarray) else serialized
    try:
        message.ParseFromString(data.encode("latin-1") if isinstance(data, str) else bytes(data))
    except Exception as error:  # noqa: BLE001  (protobuf's DecodeError and its kin)
        raise InvalidArgumentError(f"Could not parse {what} input: {error}") from None
    return message


def _parse_one(serialized, features):
    return parse_features(parse_message(serialized, "Example", "example").features.feature, features)


def parse_features(stored, features):
    """{key: numpy value} for the features of one Features map (SparseFeature and
    RaggedFeature values come as _composite_features's per-example parts)."""
    from ._composite_features import RaggedFeature, SparseFeature, parse_composite
    parsed = {}
    for key, spec in features.items():
        if isinstance(spec, (SparseFeature, RaggedFeature)):
            parsed[key] = parse_composite(stored, key, spec)
            continue
        kind = _kind(spec.dtype)
        values = _values(stored[key], kind, key) if key in stored else None
        if isinstance(spec, VarLenFeature):
            parsed[key] = _array(values or [], kind)
            continue
        shape = tuple(int(d) for d in spec.shape)
        if isinstance(spec, FixedLenSequenceFeature):
            if values is None and not spec.allow_missing:
                raise InvalidArgumentError(f"Feature: {key} (data type: {kind}) is required but could not be found.")
            width = int(np.prod(shape)) if shape else 1
            values = values or []
            if len(values) % width:
                raise InvalidArgumentError(f"Feature: {key}: {len(values)} values do not split into steps of shape "
                                           f"{shape}")
            parsed[key] = _array(values, kind, (len(values) // width,) + shape)
            continue
        if values is None:
            if spec.default_value is None:
                raise InvalidArgumentError(f"Feature: {key} (data type: {kind}) is required but could not be found.")
            values = np.broadcast_to(np.asarray(spec.default_value, dtype=object if kind == "bytes" else None),
                                     shape).reshape(-1).tolist()
        if len(values) != int(np.prod(shape)):
            raise InvalidArgumentError(f"Key: {key}.  Can't parse serialized Example: expected {int(np.prod(shape))} "
                                       f"values for shape {list(shape)}, found {len(values)}")
        parsed[key] = _array(values, kind, shape)
    return parsed


def _finish(value):
    return value if value.dtype == object else _sd.asarray(value)


def parse_single_example(serialized, features, example_names=None, name=None):
    """The features of one serialized tf.train.Example, as `features` describes them
    (SparseFeature: a SparseTensor; RaggedFeature: a 1-D tensor, or a RaggedTensor when
    it has partitions)."""
    from ._composite_features import finish_single
    return {key: finish_single(value, features[key]) for key, value in _parse_one(serialized, features).items()}


def parse_example(serialized, features, example_names=None, name=None):
    """The features of a batch (a list or 1-D array) of serialized Examples, stacked
    (VarLen and sequence features padded to the longest)."""
    rows = [_parse_one(one, features) for one in np.asarray(serialized, dtype=object).reshape(-1)]
    return batch_rows(rows, features)


def batch_rows(rows, features):
    """One value per feature from per-example values: stacked, VarLen and sequence
    features padded to the longest, sparse and ragged ones with a batch dimension."""
    from ._composite_features import RaggedFeature, SparseFeature, batch_composite
    batched = {}
    for key, spec in features.items():
        values = [row[key] for row in rows]
        if isinstance(spec, (SparseFeature, RaggedFeature)):
            batched[key] = batch_composite(values, spec)
        elif isinstance(spec, (VarLenFeature, FixedLenSequenceFeature)):
            longest = max((len(v) for v in values), default=0)
            fill = b"" if values and values[0].dtype == object else 0
            default = getattr(spec, "default_value", None)
            fill = fill if default is None else default
            padded = [np.concatenate([v, np.full((longest - len(v),) + v.shape[1:], fill, dtype=v.dtype)])
                      for v in values]
            batched[key] = _finish(np.stack(padded) if padded else np.zeros((0, 0)))
        else:
            batched[key] = _finish(np.stack(values))
    return batched
