"""Walks a Sequential model and writes one ONNX graph with a dynamic batch dimension."""

from __future__ import annotations

from typing import Any


from .conv_layers import CONV_EMITTERS
from .core_layers import CORE_EMITTERS
from .graph_builder import GraphBuilder, UnsupportedLayerError
from .rnn_layers import RNN_EMITTERS

__all__ = ["DEFAULT_OPSET", "export_onnx", "model_to_onnx"]

DEFAULT_OPSET = 18
_MIN_OPSET = 18  # ReduceMean/ReduceMax take their axes as an input from opset 18
_EMITTERS = {**CORE_EMITTERS, **CONV_EMITTERS, **RNN_EMITTERS}


def _import_onnx() -> Any:
    try:
        import onnx
    except ImportError as error:
        raise ImportError("ONNX export needs the `onnx` package: pip install 'swiftdl[onnx]'") from error
    return onnx


def model_to_onnx(model: Any, opset_version: int | None = None) -> Any:
    """Returns the `onnx.ModelProto` of a built Sequential `model`."""
    onnx = _import_onnx()
    from ...models.sequential import Sequential
    if not isinstance(model, Sequential):
        raise UnsupportedLayerError(f"ONNX export supports Sequential models only; received {type(model).__name__}.")
    opset = DEFAULT_OPSET if opset_version is None else opset_version
    if not isinstance(opset, int) or isinstance(opset, bool) or opset < _MIN_OPSET:
        raise ValueError(f"`opset_version` must be an integer >= {_MIN_OPSET} or None; received {opset_version!r}.")
    shape = model._input_batch_shape()
    if shape is None or not model.built:
        raise ValueError("The model must be built with a known input shape before export "
                         "(give it an Input or call it on data first).")
    layers = list(model.layers)
    g = GraphBuilder()
    int_input = bool(layers) and type(layers[0]).__name__ == "Embedding"
    x, rank = "input", len(shape)
    for layer in layers:
        emit = _EMITTERS.get(type(layer).__name__)
        if emit is None:
            raise UnsupportedLayerError(f"Layer {layer.name!r} ({type(layer).__name__}) is not supported by the ONNX "
                                        "exporter; nothing was written.")
        x, rank = emit(g, layer, x, rank)
    x = g.to_channels_last(x, rank)
    output = g.op("Identity", [x], "output")
    h = g.helper
    in_dtype = onnx.TensorProto.INT64 if int_input else onnx.TensorProto.FLOAT
    dims = _dims(shape)
    out_dims = _dims(model.compute_output_shape(shape))
    graph = h.make_graph(g.nodes, model.name or "model", [h.make_tensor_value_info("input", in_dtype, dims)],
                         [h.make_tensor_value_info(output, onnx.TensorProto.FLOAT, out_dims)], g.initializers)
    proto = h.make_model(graph, opset_imports=[h.make_opsetid("", opset)], producer_name="swiftdl")
    proto.ir_version = min(proto.ir_version, 9)  # readable by onnxruntime releases of the last two years
    onnx.checker.check_model(proto)
    return proto


def _dims(shape: Any) -> list:
    """The batch axis stays symbolic so the file serves any batch size."""
    return ["batch", *[d if d is not None else f"d{i}" for i, d in enumerate(tuple(shape)[1:], 1)]]


def export_onnx(model: Any, filepath: str, opset_version: int | None = None) -> None:
    """Writes `model` to `filepath` as ONNX; raises before writing if any layer cannot be expressed."""
    proto = model_to_onnx(model, opset_version)
    _import_onnx().save(proto, filepath)


