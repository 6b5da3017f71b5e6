"""LSTM, GRU, SimpleRNN and Bidirectional as ONNX's fused RNN ops (layout=0: time-major)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .activations import activation_name
from .graph_builder import GraphBuilder, UnsupportedLayerError

__all__ = ["RNN_EMITTERS"]

_INT64_MIN = -(2**63)


def _split(w: np.ndarray, parts: int) -> list[np.ndarray]:
    return np.split(np.asarray(w, dtype=np.float32), parts, axis=-1)


def _onnx_weights(layer: Any) -> tuple[str, np.ndarray, np.ndarray, np.ndarray, dict]:
    """Returns (op, W, R, B, attrs) for one direction, gates reordered to ONNX's order."""
    cfg = layer.get_config()
    kind = type(layer).__name__
    name = layer.name
    if activation_name(cfg.get("activation")) != "tanh" or (
            kind != "SimpleRNN" and activation_name(cfg.get("recurrent_activation")) != "sigmoid"):
        raise UnsupportedLayerError(f"Layer {name!r}: only the default tanh/sigmoid activations are exported.")
    if cfg.get("stateful") or cfg.get("return_state"):
        raise UnsupportedLayerError(f"Layer {name!r}: stateful/return_state RNNs are not supported.")
    weights = layer.get_weights()
    kernel, recurrent = weights[0], weights[1]
    units = int(cfg["units"])
    bias = weights[2] if cfg.get("use_bias", True) else None
    attrs: dict[str, Any] = {}
    if kind == "LSTM":
        order = [0, 3, 1, 2]  # Keras i,f,c,o -> ONNX i,o,f,c
        w = np.concatenate([_split(kernel, 4)[k] for k in order], axis=-1)
        r = np.concatenate([_split(recurrent, 4)[k] for k in order], axis=-1)
        wb = np.zeros(4 * units, np.float32) if bias is None else np.concatenate([_split(bias, 4)[k] for k in order])
        rb = np.zeros(4 * units, np.float32)
        op = "LSTM"
    elif kind == "GRU":  # Keras and ONNX both order the gates z, r, h
        w, r = np.asarray(kernel, np.float32), np.asarray(recurrent, np.float32)
        if cfg.get("reset_after", True):
            attrs["linear_before_reset"] = 1
            b = np.zeros((2, 3 * units), np.float32) if bias is None else np.asarray(bias, np.float32)
            wb, rb = b[0], b[1]
        else:
            wb = np.zeros(3 * units, np.float32) if bias is None else np.asarray(bias, np.float32)
            rb = np.zeros(3 * units, np.float32)
        op = "GRU"
    else:
        w, r = np.asarray(kernel, np.float32), np.asarray(recurrent, np.float32)
        wb = np.zeros(units, np.float32) if bias is None else np.asarray(bias, np.float32)
        rb = np.zeros(units, np.float32)
        op = "RNN"
    return op, w.T, r.T, np.concatenate([wb, rb]), attrs


def _run(g: GraphBuilder, x: str, layers: list[Any], direction: str, return_sequences: bool) -> str:
    ops = [_onnx_weights(layer) for layer in layers]
    op, _, _, _, attrs = ops[0]
    units = int(layers[0].get_config()["units"])
    def stack(index: int) -> np.ndarray:  # one row per direction
        return np.stack([np.asarray(o[index]) for o in ops])

    time_major = g.op("Transpose", [x], "time_major", perm=[1, 0, 2])
    inputs = [time_major, g.constant("W", stack(1)), g.constant("R", stack(2)), g.constant("B", stack(3))]
    y, y_h = g.op(op, inputs, "rnn", n_outputs=2, hidden_size=units, direction=direction, layout=0, **attrs)[:2]
    dirs = len(layers)
    if return_sequences:  # Y: (time, dirs, batch, units) -> (batch, time, dirs * units)
        y = g.op("Transpose", [y], "batch_major", perm=[2, 0, 1, 3])
        return g.op("Reshape", [y, g.constant("shape", [0, 0, dirs * units], np.int64)], "seq")
    y_h = g.op("Transpose", [y_h], "batch_major", perm=[1, 0, 2])  # (dirs, batch, units) -> (batch, dirs, units)
    return g.op("Reshape", [y_h, g.constant("shape", [0, dirs * units], np.int64)], "last")


def _reverse_time(g: GraphBuilder, x: str) -> str:
    c = lambda v: g.constant("slice", [v], np.int64)  # noqa: E731
    return g.op("Slice", [x, c(-1), c(_INT64_MIN), c(1), c(-1)], "reversed")


def _rnn(g: GraphBuilder, layer: Any, x: str, rank: int) -> tuple[str, int]:
    cfg = layer.get_config()
    # Keras's go_backwards reads the sequence reversed and emits outputs in that order: reversing the input
    # and running forward reproduces it exactly (ONNX's "reverse" would re-align the outputs instead).
    if cfg.get("go_backwards"):
        x = _reverse_time(g, x)
    return _run(g, x, [layer], "forward", bool(cfg.get("return_sequences"))), 3 if cfg.get("return_sequences") else 2


def _bidirectional(g: GraphBuilder, layer: Any, x: str, rank: int) -> tuple[str, int]:
    cfg = layer.get_config()
    forward, backward = layer.forward_layer, layer.backward_layer
    if cfg.get("merge_mode", "concat") != "concat":
        raise UnsupportedLayerError(f"Layer {layer.name!r}: Bidirectional merge_mode={cfg.get('merge_mode')!r} "
                                    "is not supported (only 'concat').")
    if type(forward).__name__ not in ("LSTM", "GRU", "SimpleRNN") or type(forward) is not type(backward):
        raise UnsupportedLayerError(f"Layer {layer.name!r}: Bidirectional must wrap LSTM, GRU or SimpleRNN.")
    if forward.get_config().get("go_backwards") or not backward.get_config().get("go_backwards"):
        raise UnsupportedLayerError(f"Layer {layer.name!r}: only the standard forward/backward pair is supported.")
    seq = bool(forward.get_config().get("return_sequences"))
    # ONNX's bidirectional output aligns the backward half with the input's time steps, as Keras does.
    return _run(g, x, [forward, backward], "bidirectional", seq), 3 if seq else 2


RNN_EMITTERS = {"LSTM": _rnn, "GRU": _rnn, "SimpleRNN": _rnn, "Bidirectional": _bidirectional}
