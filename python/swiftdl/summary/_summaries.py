"""tf.summary's data kinds, written as TensorFlow 2 writes them: a tensor plus the metadata
naming the TensorBoard plugin that reads it (scalars, histograms, images, text, audio).

Each returns True when it wrote and False when there is no default writer or record_if
does not hold."""
import io
import wave

import numpy as np

from . import _writer

# tensorflow/core/framework/types.proto and summary.proto's enums.
_DATA_TYPES = {"float32": 1, "float64": 2, "int32": 3, "uint8": 4, "int16": 5, "int8": 6, "int64": 9, "bool": 10}
DT_STRING = 7
DATA_CLASS_SCALAR, DATA_CLASS_TENSOR, DATA_CLASS_BLOB_SEQUENCE = 1, 2, 3


def _message(name):
    from ..train._example_proto import message_class
    return message_class(name)


def _values(data):
    return np.asarray(data.numpy() if hasattr(data, "numpy") else data)


def tensor_proto(array):
    """`array` (numbers, or text as str/bytes) as a TensorProto."""
    proto = _message("TensorProto")()
    proto.tensor_shape.SetInParent()  # present even for a scalar, as TensorFlow writes it
    for size in array.shape:
        proto.tensor_shape.dim.add(size=int(size))
    if array.dtype.kind in "OSU":
        proto.dtype = DT_STRING
        proto.string_val.extend(v if isinstance(v, bytes) else str(v).encode() for v in array.reshape(-1))
    else:
        if array.dtype.name not in _DATA_TYPES:
            raise TypeError(f"summaries cannot hold {array.dtype} values")
        proto.dtype = _DATA_TYPES[array.dtype.name]
        proto.tensor_content = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
    return proto


def _metadata(plugin, data_class, description, content=b""):
    metadata = _message("SummaryMetadata")()
    metadata.plugin_data.plugin_name = plugin
    if content:
        metadata.plugin_data.content = content
    if description:
        metadata.summary_description = description
    metadata.data_class = data_class
    return metadata


def _emit(name, array, step, metadata):
    """Writes `array` under `name` (prefixed by the open name scopes) to the default writer."""
    if not _writer.should_record_summaries():
        return False
    from .._tf_runtime import get_current_name_scope
    scope = get_current_name_scope()
    value = _message("Summary").Value(tag=f"{scope}/{name}" if scope else str(name))
    value.tensor.CopyFrom(tensor_proto(array))
    if metadata is not None:
        value.metadata.CopyFrom(metadata)
    _writer.default_writer()._write(value, _writer.resolve_step(step))
    return True


def scalar(name, data, step=None, description=None):
    """A scalar, as float32 (tf.summary.scalar)."""
    values = _values(data)
    if values.shape != ():
        raise ValueError(f"tf.summary.scalar needs a scalar; received shape {values.shape}")
    return _emit(name, values.astype(np.float32), step, _metadata("scalars", DATA_CLASS_SCALAR, description))


def histogram_buckets(data, bucket_count=None):
    """TensorBoard's histogram tensor: (bucket_count, 3) float64 rows of [left, right,
    count] over equal-width buckets from min to max (all values in the last bucket when
    they are equal; zeros for no data)."""
    count = 30 if bucket_count is None else max(int(bucket_count), 0)
    values = _values(data).astype(np.float64).reshape(-1)
    if values.size == 0 or count == 0:
        return np.zeros((count, 3))
    low, high = values.min(), values.max()
    if high == low:
        counts = np.zeros(count)
        counts[-1] = values.size
        return np.stack([np.full(count, low), np.full(count, low), counts], axis=1)
    width = (high - low) / count
    index = np.minimum(np.floor((values - low) / width).astype(np.int64), count - 1)
    counts = np.bincount(index, minlength=count).astype(np.float64)
    edges = np.linspace(low, high, count + 1)
    edges[-1] = high
    return np.stack([edges[:-1], edges[1:], counts], axis=1)


def histogram(name, data, step=None, buckets=None, description=None):
    """The distribution of `data`'s values in `buckets` (30) equal buckets (tf.summary.histogram)."""
    return _emit(name, histogram_buckets(data, buckets), step,
                 _metadata("histograms", DATA_CLASS_TENSOR, description))


def text(name, data, step=None, description=None):
    """Text (a string or a tensor of strings), rendered as Markdown by TensorBoard (tf.summary.text)."""
    values = np.asarray(data, dtype=object) if isinstance(data, (str, bytes, list)) else _values(data)
    if values.dtype.kind not in "OSU":
        raise TypeError("tf.summary.text needs string data")
    return _emit(name, values.astype(object), step, _metadata("text", DATA_CLASS_TENSOR, description))


def image(name, data, step=None, max_outputs=3, description=None):
    """Up to `max_outputs` images of a [k, height, width, channels] batch (1, 2, 3 or 4
    channels; floats in [0, 1] or uint8), PNG-encoded (tf.summary.image; needs Pillow)."""
    values = _values(data)
    if values.ndim != 4 or values.shape[-1] not in (1, 2, 3, 4):
        raise ValueError(f"tf.summary.image needs [k, height, width, channels] data with 1-4 channels; "
                         f"received shape {values.shape}")
    if values.dtype != np.uint8:
        # tf.image.convert_image_dtype(saturate=True): floats in [0, 1] scale by 255.5 and truncate.
        values = np.clip(np.floor(values.astype(np.float64) * 255.5), 0, 255).astype(np.uint8)
    from ..io._image_codecs import encode_png
    encoded = [str(values.shape[2]).encode(), str(values.shape[1]).encode()]
    encoded += [encode_png(picture) for picture in values[:max(int(max_outputs), 0)]]
    return _emit(name, np.asarray(encoded, dtype=object), step,
                 _metadata("images", DATA_CLASS_BLOB_SEQUENCE, description))


def _wav(samples, sample_rate):
    """16-bit PCM WAV bytes of [frames, channels] floats in [-1, 1], as tf.audio.encode_wav scales them."""
    pcm = np.round(np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as handle:
        handle.setnchannels(samples.shape[1])
        handle.setsampwidth(2)
        handle.setframerate(int(sample_rate))
        handle.writeframes(pcm.tobytes())
    return buffer.getvalue()


def audio(name, data, sample_rate, step=None, max_outputs=3, encoding=None, description=None):
    """Up to `max_outputs` clips of a [k, frames, channels] batch of floats in [-1, 1], as
    WAV (tf.summary.audio)."""
    if encoding not in (None, "wav"):
        raise ValueError(f"Unknown encoding: {encoding!r}")
    values = _values(data).astype(np.float32)
    if values.ndim != 3:
        raise ValueError(f"tf.summary.audio needs [k, frames, channels] data; received shape {values.shape}")
    rate = float(_values(sample_rate))
    clips = [_wav(clip, rate) for clip in values[:max(int(max_outputs), 0)]]
    array = np.empty(len(clips), dtype=object)  # one WAV file per clip, as TensorFlow 2 writes them
    array[:] = clips
    # The audio plugin's content is its AudioPluginData message {encoding: WAV (11)}: field 2, varint 11.
    return _emit(name, array, step, _metadata("audio", DATA_CLASS_BLOB_SEQUENCE, description, content=b"\x10\x0b"))


def write(tag, tensor, step=None, metadata=None, name=None):
    """`tensor` as it is, under `tag`, with optional SummaryMetadata (or its serialized bytes)."""
    if isinstance(metadata, (bytes, bytearray)):
        metadata = _message("SummaryMetadata").FromString(bytes(metadata))
    values = _values(tensor)
    if values.dtype.kind in "SU":
        values = values.astype(object)
    return _emit(tag, values, step, metadata)
