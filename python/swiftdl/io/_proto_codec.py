"""tf.io.decode_proto and tf.io.encode_proto: fields of serialized protobuf messages to
tensors and back, the message types found in the protobuf runtime's default pool
(descriptor_source "local://": the types the program's *_pb2 modules registered), in a
FileDescriptorSet given as "bytes://<serialized set>", or in a FileDescriptorSet file.

Repeated fields fill a last axis as wide as the batch's longest (padded with the field's
default); `sizes` counts the values each message holds (0 for a proto3 field left at its
default). Message-typed fields come as their serialized bytes, enums as int32."""
import os

import numpy as np

from ..errors import InvalidArgumentError


def _pool(descriptor_source):
    from google.protobuf import descriptor_pb2, descriptor_pool
    if descriptor_source in ("local://", "", None):
        return descriptor_pool.Default()
    if isinstance(descriptor_source, bytes):
        descriptor_source = descriptor_source.decode("latin-1")
    if descriptor_source.startswith("bytes://"):
        data = descriptor_source[len("bytes://"):].encode("latin-1")
    elif os.path.exists(descriptor_source):
        with open(descriptor_source, "rb") as handle:
            data = handle.read()
    else:
        raise InvalidArgumentError(None, None, f"descriptor_source must be 'local://', 'bytes://<FileDescriptorSet>' "
                                   f"or a FileDescriptorSet file; received {descriptor_source[:60]!r}")
    files = descriptor_pb2.FileDescriptorSet.FromString(data)
    pool = descriptor_pool.DescriptorPool()
    for file in files.file:
        pool.Add(file)
    return pool


def _message_class(message_type, descriptor_source):
    from google.protobuf import message_factory
    pool = _pool(descriptor_source)
    try:
        descriptor = pool.FindMessageTypeByName(message_type)
    except KeyError:
        raise InvalidArgumentError(None, None, f"No descriptor found for message type {message_type}") from None
    return message_factory.GetMessageClass(descriptor)


def _fields(cls, field_names, message_type):
    fields = []
    for name in field_names:
        field = cls.DESCRIPTOR.fields_by_name.get(name)
        if field is None:
            raise InvalidArgumentError(None, None, f"Unknown field: {name} in message type {message_type}")
        fields.append(field)
    return fields


def _repeated(field):
    repeated = getattr(field, "is_repeated", None)    # protobuf 6+; older ones only have label
    return repeated if repeated is not None else field.label == field.LABEL_REPEATED


def _values_of(message, field):
    value = getattr(message, field.name)
    if _repeated(field):
        items = list(value)
    elif field.message_type is not None:
        items = [value] if message.HasField(field.name) else []
    elif field.has_presence:
        items = [value] if message.HasField(field.name) else []
    else:
        items = [] if value == field.default_value else [value]
    if field.message_type is not None:
        return [item.SerializeToString() for item in items]
    return items


def _default(field):
    """The padding of a field's slots: its declared default (proto2), else its type's zero."""
    if field.message_type is not None or field.type in (field.TYPE_STRING, field.TYPE_BYTES):
        return b""
    if not _repeated(field):
        return field.default_value
    if field.type == field.TYPE_BOOL:
        return False
    return 0.0 if field.type in (field.TYPE_FLOAT, field.TYPE_DOUBLE) else 0


def _as_bytes(value):
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def decode_proto(bytes, message_type, field_names, output_types, descriptor_source="local://",  # noqa: A002
                 message_format="binary", sanitize=False, name=None):
    """(sizes int32 (*batch, fields), [values per field (*batch, longest)]).

    Raises:
        InvalidArgumentError: for an unknown type or field, or bytes that do not parse.
    """
    from .._tf_cast import convert_to_tensor
    from .._tf_dtypes import as_dtype
    if message_format != "binary":
        raise InvalidArgumentError(None, None, f"decode_proto: message_format must be 'binary'; received "
                                   f"{message_format!r}")
    cls = _message_class(message_type, descriptor_source)
    fields = _fields(cls, field_names, message_type)
    if len(output_types) != len(fields):
        raise InvalidArgumentError(None, None, f"decode_proto: {len(fields)} field_names but {len(output_types)} "
                                   f"output_types")
    batch = np.asarray(bytes.numpy() if hasattr(bytes, "numpy") and not isinstance(bytes, np.ndarray) else bytes,
                       dtype=object)
    parsed = np.empty(batch.shape, dtype=object)
    for index in np.ndindex(batch.shape):
        message = cls()
        try:
            message.ParseFromString(_as_bytes(batch[index]))
        except Exception as error:  # noqa: BLE001  (protobuf's DecodeError and kin)
            raise InvalidArgumentError(None, None, f"decode_proto: could not parse a {message_type}: {error}") from None
        parsed[index] = message
    sizes = np.zeros(batch.shape + (len(fields),), np.int32)
    outputs = []
    for position, (field, dtype) in enumerate(zip(fields, output_types)):
        per_message = {index: _values_of(parsed[index], field) for index in np.ndindex(batch.shape)}
        width = max((len(v) for v in per_message.values()), default=0)
        target = as_dtype(dtype)
        text = target.name == "string"
        out = np.empty(batch.shape + (width,), dtype=object if text else target.name)
        out.fill(b"" if text else _default(field))
        for index, items in per_message.items():
            sizes[index + (position,)] = len(items)
            for slot, item in enumerate(items):
                out[index + (slot,)] = _as_bytes(item) if text else item
        outputs.append(out if text else convert_to_tensor(out))
    return convert_to_tensor(sizes), outputs


def encode_proto(sizes, values, field_names, message_type, descriptor_source="local://", name=None):
    """Serialized messages built from each batch position's first sizes[..., i] values of
    field i (what decode_proto returned).

    Raises:
        InvalidArgumentError: for an unknown type or field, or sizes beyond the values.
    """
    cls = _message_class(message_type, descriptor_source)
    fields = _fields(cls, field_names, message_type)
    counts = np.asarray(sizes.numpy() if hasattr(sizes, "numpy") else sizes)
    arrays = [np.asarray(v.numpy() if hasattr(v, "numpy") and not isinstance(v, np.ndarray) else v) for v in values]
    if counts.shape[-1:] != (len(fields),) or len(arrays) != len(fields):
        raise InvalidArgumentError(None, None, f"encode_proto: sizes must end in {len(fields)} and one value tensor "
                                   f"per field; received sizes {counts.shape} and {len(arrays)} values")
    batch = counts.shape[:-1]
    out = np.empty(batch, dtype=object)
    for index in np.ndindex(batch):
        message = cls()
        for position, (field, array) in enumerate(zip(fields, arrays)):
            count = int(counts[index + (position,)])
            items = array[index][:count]
            if count > len(array[index]):
                raise InvalidArgumentError(None, None, f"encode_proto: size {count} exceeds the {len(array[index])} "
                                           f"values of field {field.name}")
            for item in items:
                item = item.item() if isinstance(item, np.generic) else item
                if field.message_type is not None:
                    target = getattr(message, field.name).add() if _repeated(field) else getattr(message, field.name)
                    target.ParseFromString(_as_bytes(item))
                elif _repeated(field):
                    getattr(message, field.name).append(item.decode("utf-8") if field.type == field.TYPE_STRING and
                                                        isinstance(item, bytes) else item)
                else:
                    setattr(message, field.name, item.decode("utf-8") if field.type == field.TYPE_STRING and
                            isinstance(item, bytes) else item)
        out[index] = message.SerializeToString()
    return out
