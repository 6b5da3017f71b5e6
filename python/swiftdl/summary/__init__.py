"""tf.summary: TensorBoard summaries from custom training loops, in TensorFlow 2's format
(the scalars, histograms, images, text and audio plugins read them).

    writer = tf.summary.create_file_writer("logs/train")
    with writer.as_default():
        tf.summary.scalar("loss", loss, step=step)

Needs the `[tfrecord]` extra (protobuf, google-crc32c); images also need Pillow (`[image]`).
"""
import contextlib
import logging
import types

from ._summaries import audio, histogram, image, scalar, text, write
from ._writer import (SummaryWriter, create_file_writer, create_noop_writer, flush, get_step, record_if, set_step,
                      should_record_summaries)


def graph(graph_data):
    """Graph summaries need a TensorFlow graph, which swiftdl's eager engine does not build."""
    raise NotImplementedError("tf.summary.graph writes TensorFlow graphs; swiftdl runs eagerly and has none")


def trace_on(graph=True, profiler=False, profiler_outdir=None):
    """Accepted for TensorFlow's API: there are no traced graphs or profiles to record."""
    return None


def trace_off():
    return None


def trace_export(name, step=None, profiler_outdir=None):
    """Writes nothing: swiftdl traces no graphs (TensorFlow also warns when nothing was traced)."""
    logging.getLogger("tensorflow").warning("Cannot export trace: swiftdl traces no graphs.")
    return None


@contextlib.contextmanager
def _summary_scope(name, default_name=None, values=None):
    """Yields (tag, scope) for a custom summary op, as tf.summary.experimental.summary_scope."""
    from .._tf_runtime import get_current_name_scope, name_scope
    tag = name or default_name
    with name_scope(tag):
        yield (f"{get_current_name_scope()}", get_current_name_scope() + "/")


def _write_raw_pb(tensor, step=None, name=None):
    """Writes serialized Summary protos (bytes) as they are."""
    from ..train._example_proto import message_class
    from . import _writer as writer_state
    if not should_record_summaries():
        return False
    values = tensor.numpy() if hasattr(tensor, "numpy") else tensor
    for raw in ([values] if isinstance(values, bytes) else list(values)):
        for value in message_class("Summary").FromString(raw).value:
            writer_state.default_writer()._write(value, writer_state.resolve_step(step))
    return True


experimental = types.SimpleNamespace(get_step=get_step, set_step=set_step, summary_scope=_summary_scope,
                                     write_raw_pb=_write_raw_pb)

__all__ = ["SummaryWriter", "audio", "create_file_writer", "create_noop_writer", "experimental", "flush", "graph",
           "histogram", "image", "record_if", "scalar", "should_record_summaries", "text", "trace_export",
           "trace_off", "trace_on", "write"]
