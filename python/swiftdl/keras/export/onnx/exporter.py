"""Walks a Sequential or functional model and writes one ONNX graph with a dynamic batch dimension."""

from __future__ import annotations

from typing import Any


from .conv_layers import CONV_EMITTERS
from .conv_variants import CONV_VARIANT_EMITTERS
from .core_layers import CORE_EMITTERS
from .graph_builder import GraphBuilder, UnsupportedLayerError
from .merge_layers import MERGE_EMITTERS
from .preprocessing_layers import PREPROCESSING_EMITTERS
from .rnn_layers import RNN_EMITTERS

__all__ = ["DEFAULT_OPSET", "export_onnx", "model_to_onnx"]

DEFAULT_OPSET = 18
_MIN_OPSET = 18  # ReduceMean/ReduceMax take their axes as an input from opset 18
_EMITTERS = {**CORE_EMITTERS, **CONV_EMITTERS, **CONV_VARIANT_EMITTERS, **RNN_EMITTERS, **PREPROCESSING_EMITTERS}


def _import_onnx() -> Any:
    try:
        import onnx
    except ImportError as error:
        raise ImportError("ONNX export needs the `onnx` package: pip install 'swiftdl[onnx]'") from error
    return onnx


def model_to_onnx(model: Any, opset_version: int | None = None) -> Any:
    """Returns the `onnx.ModelProto` of a built Sequential or functional `model`.

    A single input and output are named "input" and "output"; a functional model's several
    inputs take their Input names, and its several outputs their dict keys (or output_0, ...).
    """
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
        x, rank = emit_chain(g, layers, "input", len(shape))
        inputs = [("input", shape, int_input)]
        outputs = [("output", g.to_channels_last(x, rank), model.compute_output_shape(shape))]
    elif isinstance(model, Functional):
        inputs, outputs = _emit_functional(g, model)
    else:
        raise UnsupportedLayerError(f"ONNX export supports Sequential and functional models; "
                                    f"received {type(model).__name__}.")
    for name, x, _ in outputs:
        g.publish(x, name)
    h = g.helper
    graph = h.make_graph(
        g.nodes, model.name or "model",
        [h.make_tensor_value_info(name, onnx.TensorProto.INT64 if is_int else onnx.TensorProto.FLOAT, _dims(shape))
         for name, shape, is_int in inputs],
        [h.make_tensor_value_info(name, onnx.TensorProto.FLOAT, _dims(shape)) for name, _, shape in outputs],
        g.initializers)
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


def emit_chain(g: GraphBuilder, layers: list[Any], x: str, rank: int) -> tuple[str, int]:
    for layer in layers:
        x, rank = _emitter(layer)(g, layer, x, rank)
    return x, rank


def _emit_functional(g: GraphBuilder, model: Any) -> tuple[list, list]:
    """Emits a functional graph; every tensor between layers is channels-last.

    Returns the graph inputs as (name, shape, is_integer) and the outputs as (name, tensor, shape)."""
    from ...layers.input_layer import InputLayer
    from ...layers.keras_tensor import KerasTensor
    sources = list(model.inputs)
    input_names = ["input"] if len(sources) == 1 else [t.name for t in sources]
    names: dict[int, tuple[str, int]] = {id(t): (n, len(t.shape)) for t, n in zip(sources, input_names)}
    integer_inputs: set[int] = set()  # inputs read by an Embedding: ONNX's Gather takes int64 indices
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
            if type(layer).__name__ == "Embedding" and any(args is t for t in sources):
                integer_inputs.add(id(args))
            y, rank = _emitter(layer)(g, layer, x, rank)
        names[id(node.output_tensors[0])] = (g.to_channels_last(y, rank), rank)
    inputs = [(n, tuple(t.shape), id(t) in integer_inputs) for t, n in zip(sources, input_names)]
    structure = getattr(model, "_outputs_struct", None)
    if isinstance(structure, dict):
        named = [(key, structure[key]) for key in sorted(structure)]
    else:
        flat = list(model.outputs)
        named = [("output", flat[0])] if len(flat) == 1 else [(f"output_{i}", t) for i, t in enumerate(flat)]
    if any(not isinstance(t, KerasTensor) for _, t in named):
        raise UnsupportedLayerError("ONNX export supports outputs that are tensors or a flat dict of tensors.")
    taken = set(input_names)
    for name, _ in named:
        if name in taken:
            raise UnsupportedLayerError(f"Output {name!r} has the name of an input or another output; "
                                        "ONNX graph values need distinct names.")
        taken.add(name)
    return inputs, [(name, names[id(t)][0], tuple(t.shape)) for name, t in named]


def _dims(shape: Any) -> list:
    """The batch axis stays symbolic so the file serves any batch size."""
    return ["batch", *[d if d is not None else f"d{i}" for i, d in enumerate(tuple(shape)[1:], 1)]]


def export_onnx(model: Any, filepath: str, opset_version: int | None = None) -> None:
    """Writes `model` to `filepath` as ONNX; raises before writing if any layer cannot be expressed."""
    proto = model_to_onnx(model, opset_version)
    _import_onnx().save(proto, filepath)


