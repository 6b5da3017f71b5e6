"""Walks a Sequential model and writes one ONNX graph with a dynamic batch dimension."""

from __future__ import annotations

from typing import Any


from .conv_layers import CONV_EMITTERS
from .core_layers import CORE_EMITTERS
from .graph_builder import GraphBuilder, UnsupportedLayerError
from .merge_layers import MERGE_EMITTERS
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
    """Returns the `onnx.ModelProto` of a built Sequential or single-input functional `model`."""
    onnx = _import_onnx()
    from ...models.model import Functional
    from ...models.sequential import Sequential
    opset = DEFAULT_OPSET if opset_version is None else opset_version
    if not isinstance(opset, int) or isinstance(opset, bool) or opset < _MIN_OPSET:
        raise ValueError(f"`opset_version` must be an integer >= {_MIN_OPSET} or None; received {opset_version!r}.")
    g = GraphBuilder()
    if isinstance(model, Sequential):
        shape = model._input_batch_shape()
        if shape is None or not model.built:
            raise ValueError("The model must be built with a known input shape before export "
                             "(give it an Input or call it on data first).")
        layers = list(model.layers)
        int_input = bool(layers) and type(layers[0]).__name__ == "Embedding"
        x, rank = _emit_chain(g, layers, "input", len(shape))
    elif isinstance(model, Functional):
        x, rank, shape, int_input = _emit_functional(g, model)
    else:
        raise UnsupportedLayerError(f"ONNX export supports Sequential and functional models; "
                                    f"received {type(model).__name__}.")
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


def _emitter(layer: Any) -> Any:
    emit = _EMITTERS.get(type(layer).__name__)
    if emit is None:
        raise UnsupportedLayerError(f"Layer {layer.name!r} ({type(layer).__name__}) is not supported by the ONNX "
                                    "exporter; nothing was written.")
    return emit


def _emit_chain(g: GraphBuilder, layers: list[Any], x: str, rank: int) -> tuple[str, int]:
    for layer in layers:
        x, rank = _emitter(layer)(g, layer, x, rank)
    return x, rank


def _emit_functional(g: GraphBuilder, model: Any) -> tuple[str, int, Any, bool]:
    """Emits a single-input, single-output functional graph; every tensor between layers is channels-last."""
    from ...layers.input_layer import InputLayer
    from ...layers.keras_tensor import KerasTensor
    if len(model.inputs) != 1 or len(model.outputs) != 1:
        raise UnsupportedLayerError("ONNX export supports functional models with one input and one output; "
                                    f"received {len(model.inputs)} and {len(model.outputs)}.")
    source = model.inputs[0]
    names: dict[int, tuple[str, int]] = {id(source): ("input", len(source.shape))}
    int_input = False
    for node in model._nodes:
        layer = node.layer
        if isinstance(layer, InputLayer):
            continue
        args = node.call_args[0] if len(node.call_args) == 1 else None
        if len(node.call_args) != 1 or any(isinstance(v, KerasTensor) for v in dict(node.call_kwargs).values()):
            raise UnsupportedLayerError(f"Layer {layer.name!r}: calls with several positional tensors or tensor "
                                        "keyword arguments are not supported by the ONNX exporter.")
        g.layout = "channels_last"
        if isinstance(args, (list, tuple)):
            if type(layer).__name__ not in MERGE_EMITTERS:
                raise UnsupportedLayerError(f"Layer {layer.name!r} ({type(layer).__name__}) with a list of inputs "
                                            "is not supported by the ONNX exporter.")
            xs = [names[id(t)][0] for t in args]
            y, rank = MERGE_EMITTERS[type(layer).__name__](g, layer, xs, names[id(args[0])][1])
        else:
            x, rank = names[id(args)]
            int_input = int_input or (args is source and type(layer).__name__ == "Embedding")
            y, rank = _emitter(layer)(g, layer, x, rank)
        names[id(node.output_tensors[0])] = (g.to_channels_last(y, rank), rank)
    x, rank = names[id(model.outputs[0])]
    return x, rank, tuple(source.shape), int_input


def _dims(shape: Any) -> list:
    """The batch axis stays symbolic so the file serves any batch size."""
    return ["batch", *[d if d is not None else f"d{i}" for i, d in enumerate(tuple(shape)[1:], 1)]]


def export_onnx(model: Any, filepath: str, opset_version: int | None = None) -> None:
    """Writes `model` to `filepath` as ONNX; raises before writing if any layer cannot be expressed."""
    proto = model_to_onnx(model, opset_version)
    _import_onnx().save(proto, filepath)


