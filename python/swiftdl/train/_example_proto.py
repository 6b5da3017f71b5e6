"""tf.train.Example and its kin, and the Event and Summary messages of TensorBoard's event
files, as protobuf messages wire-compatible with TensorFlow's (tensorflow/core/example/
{feature,example}.proto, core/util/event.proto, core/framework/summary.proto: package
"tensorflow", the same field numbers; only the fields swiftdl uses), built on first use from
a descriptor with the `protobuf` package (the `[tfrecord]` extra), so no generated code is
kept and no wire format is written by hand."""


def _protobuf():
    try:
        from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
    except ImportError:
        raise ImportError("tf.train.Example and TFRecord files need protobuf: `pip install swiftdl[tfrecord]` (or "
                          "`pip install protobuf google-crc32c`).") from None
    return descriptor_pb2, descriptor_pool, message_factory


def _file_descriptor(descriptor_pb2):
    proto = descriptor_pb2.FileDescriptorProto(name="swiftdl/tensorflow_example.proto", package="tensorflow",
                                               syntax="proto3")
    field = descriptor_pb2.FieldDescriptorProto

    def message(name, fields, nested=()):
        msg = proto.message_type.add(name=name)
        for nested_message in nested:
            msg.nested_type.add().CopyFrom(nested_message)
        for number, (field_name, kind, label, type_name, packed) in enumerate(fields, start=1):
            entry = msg.field.add(name=field_name, number=number, type=kind, label=label)
            if type_name:
                entry.type_name = type_name
            if packed:
                entry.options.packed = True
        return msg

    repeated, optional = field.LABEL_REPEATED, field.LABEL_OPTIONAL
    message("BytesList", [("value", field.TYPE_BYTES, repeated, None, False)])
    message("FloatList", [("value", field.TYPE_FLOAT, repeated, None, True)])
    message("Int64List", [("value", field.TYPE_INT64, repeated, None, True)])
    feature = message("Feature", [("bytes_list", field.TYPE_MESSAGE, optional, ".tensorflow.BytesList", False),
                                  ("float_list", field.TYPE_MESSAGE, optional, ".tensorflow.FloatList", False),
                                  ("int64_list", field.TYPE_MESSAGE, optional, ".tensorflow.Int64List", False)])
    feature.oneof_decl.add(name="kind")
    for entry in feature.field:
        entry.oneof_index = 0

    def map_of(owner, value_type):
        # A proto map<string, V> is a repeated nested "…Entry" message with map_entry set.
        entry = descriptor_pb2.DescriptorProto(name=f"{owner}Entry")
        entry.field.add(name="key", number=1, type=field.TYPE_STRING, label=optional)
        entry.field.add(name="value", number=2, type=field.TYPE_MESSAGE, label=optional, type_name=value_type)
        entry.options.map_entry = True
        return entry

    message("Features", [("feature", field.TYPE_MESSAGE, repeated, ".tensorflow.Features.FeatureEntry", False)],
            nested=[map_of("Feature", ".tensorflow.Feature")])
    message("FeatureList", [("feature", field.TYPE_MESSAGE, repeated, ".tensorflow.Feature", False)])
    message("FeatureLists", [("feature_list", field.TYPE_MESSAGE, repeated,
                              ".tensorflow.FeatureLists.FeatureListEntry", False)],
            nested=[map_of("FeatureList", ".tensorflow.FeatureList")])
    message("Example", [("features", field.TYPE_MESSAGE, optional, ".tensorflow.Features", False)])
    _add_tensor_messages(proto, field)
    # Summary.Value: tag = 1, simple_value = 2 (a scalar), tensor = 8, metadata = 9 (TF 2's
    # summaries: a tensor and the plugin that reads it); Summary: repeated Value value = 1.
    value = descriptor_pb2.DescriptorProto(name="Value")
    value.field.add(name="tag", number=1, type=field.TYPE_STRING, label=optional)
    value.field.add(name="simple_value", number=2, type=field.TYPE_FLOAT, label=optional)
    value.field.add(name="tensor", number=8, type=field.TYPE_MESSAGE, label=optional,
                    type_name=".tensorflow.TensorProto")
    value.field.add(name="metadata", number=9, type=field.TYPE_MESSAGE, label=optional,
                    type_name=".tensorflow.SummaryMetadata")
    message("Summary", [("value", field.TYPE_MESSAGE, repeated, ".tensorflow.Summary.Value", False)], nested=[value])
    event = proto.message_type.add(name="Event")
    event.field.add(name="wall_time", number=1, type=field.TYPE_DOUBLE, label=optional)
    event.field.add(name="step", number=2, type=field.TYPE_INT64, label=optional)
    event.field.add(name="file_version", number=3, type=field.TYPE_STRING, label=optional)
    event.field.add(name="summary", number=5, type=field.TYPE_MESSAGE, label=optional, type_name=".tensorflow.Summary")
    message("SequenceExample", [("context", field.TYPE_MESSAGE, optional, ".tensorflow.Features", False),
                                ("feature_lists", field.TYPE_MESSAGE, optional, ".tensorflow.FeatureLists", False)])
    return proto


def _add_tensor_messages(proto, field):
    """TensorShapeProto, TensorProto and SummaryMetadata (tensor_shape.proto, tensor.proto,
    summary.proto): enums are written as int32, which has the same wire encoding."""
    optional, repeated = field.LABEL_OPTIONAL, field.LABEL_REPEATED
    shape = proto.message_type.add(name="TensorShapeProto")
    dim = shape.nested_type.add(name="Dim")
    dim.field.add(name="size", number=1, type=field.TYPE_INT64, label=optional)
    dim.field.add(name="name", number=2, type=field.TYPE_STRING, label=optional)
    shape.field.add(name="dim", number=2, type=field.TYPE_MESSAGE, label=repeated,
                    type_name=".tensorflow.TensorShapeProto.Dim")
    shape.field.add(name="unknown_rank", number=3, type=field.TYPE_BOOL, label=optional)
    tensor = proto.message_type.add(name="TensorProto")
    tensor.field.add(name="dtype", number=1, type=field.TYPE_INT32, label=optional)  # DataType: DT_FLOAT = 1, ...
    tensor.field.add(name="tensor_shape", number=2, type=field.TYPE_MESSAGE, label=optional,
                     type_name=".tensorflow.TensorShapeProto")
    tensor.field.add(name="version_number", number=3, type=field.TYPE_INT32, label=optional)
    tensor.field.add(name="tensor_content", number=4, type=field.TYPE_BYTES, label=optional)
    tensor.field.add(name="string_val", number=8, type=field.TYPE_BYTES, label=repeated)
    # The typed value lists (tf.make_tensor_proto writes scalars and ragged fills there).
    for name, number, kind in (("half_val", 13, field.TYPE_INT32), ("float_val", 5, field.TYPE_FLOAT),
                               ("double_val", 6, field.TYPE_DOUBLE), ("int_val", 7, field.TYPE_INT32),
                               ("scomplex_val", 9, field.TYPE_FLOAT), ("int64_val", 10, field.TYPE_INT64),
                               ("bool_val", 11, field.TYPE_BOOL), ("dcomplex_val", 12, field.TYPE_DOUBLE),
                               ("uint32_val", 16, field.TYPE_UINT32), ("uint64_val", 17, field.TYPE_UINT64)):
        tensor.field.add(name=name, number=number, type=kind, label=repeated).options.packed = True
    metadata = proto.message_type.add(name="SummaryMetadata")
    plugin = metadata.nested_type.add(name="PluginData")
    plugin.field.add(name="plugin_name", number=1, type=field.TYPE_STRING, label=optional)
    plugin.field.add(name="content", number=2, type=field.TYPE_BYTES, label=optional)
    metadata.field.add(name="plugin_data", number=1, type=field.TYPE_MESSAGE, label=optional,
                       type_name=".tensorflow.SummaryMetadata.PluginData")
    metadata.field.add(name="display_name", number=2, type=field.TYPE_STRING, label=optional)
    metadata.field.add(name="summary_description", number=3, type=field.TYPE_STRING, label=optional)
    metadata.field.add(name="data_class", number=4, type=field.TYPE_INT32, label=optional)  # SCALAR 1, TENSOR 2, ...


_CLASSES: dict[str, type] = {}
NAMES = ("BytesList", "FloatList", "Int64List", "Feature", "Features", "FeatureList", "FeatureLists", "Example",
         "SequenceExample")
_EVENT_NAMES = ("Summary", "Event", "TensorProto", "TensorShapeProto", "SummaryMetadata")


def message_class(name):
    """The message class `name` (built on first use; a private pool, so TensorFlow's own
    classes, if loaded, do not clash)."""
    if not _CLASSES:
        descriptor_pb2, descriptor_pool, message_factory = _protobuf()
        pool = descriptor_pool.DescriptorPool()
        pool.Add(_file_descriptor(descriptor_pb2))
        for each in NAMES + _EVENT_NAMES:
            _CLASSES[each] = message_factory.GetMessageClass(pool.FindMessageTypeByName(f"tensorflow.{each}"))
    return _CLASSES[name]
