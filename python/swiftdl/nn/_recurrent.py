"""Whole-sequence recurrent ops: LSTM, GRU (reset_after=True) and SimpleRNN.

Each call runs the full sequence in the Swift engine (Sources/SwiftDLKernels/Kernels: each thread
takes a slice of the batch; each step projects its own inputs and the previous state with
two GEMMs, x_t·W and h·U, then fused gate math) and, under a GradientTape, records ONE node
whose backward pass is backpropagation through time in Swift. Weight
layouts and gate orders are Keras 3's, so a Keras layer's `get_weights()` plug in as is.
"""
from __future__ import annotations

from typing import Any

from .. import _C
from .._convert import asarray
from .._tensor import Tensor
from .._typing import ArrayLike


def _operand(value: Any, like: Tensor) -> Tensor:
    """Tensors (and Variables) pass through untouched, keeping their identity for tapes;
    numpy arrays and lists become tensors of the inputs' float dtype."""
    if isinstance(value, Tensor):
        return value
    return asarray(value, dtype=like.dtype if like.dtype.kind == "f" else None, copy=None)


def _optional(value: Any, like: Tensor) -> Tensor | None:
    return None if value is None else _operand(value, like)


def _states(op: str, initial_state: Any, count: int, like: Tensor) -> list[Tensor | None]:
    """Normalises Keras's `initial_state` (None, a tensor, or a list of `count` tensors)."""
    if initial_state is None:
        return [None] * count
    if isinstance(initial_state, (list, tuple)):
        states = list(initial_state)
    elif count == 1:
        states = [initial_state]
    else:
        raise ValueError(f"[{op}] initial_state must be a list of {count} tensors [h, c]; "
                         f"received {type(initial_state).__name__}")
    if len(states) != count:
        names = "[h, c]" if count == 2 else "[h]"
        raise ValueError(f"[{op}] initial_state must hold {count} tensor{'s' if count > 1 else ''} {names}; "
                         f"received {len(states)}")
    return [_operand(state, like) for state in states]


def _inputs(inputs: ArrayLike) -> Tensor:
    return inputs if isinstance(inputs, Tensor) else asarray(inputs, copy=None)


def _mask(mask: ArrayLike | None) -> Tensor | None:
    """A (batch, time) mask as a bool tensor (nonzero keeps a step), or None."""
    if mask is None:
        return None
    tensor = mask if isinstance(mask, Tensor) else asarray(mask, copy=None)
    return tensor if tensor.dtype == bool else tensor != 0


def lstm(inputs: ArrayLike, kernel: ArrayLike, recurrent_kernel: ArrayLike, bias: ArrayLike | None = None,
         initial_state: Any = None, return_sequences: bool = False, go_backwards: bool = False,
         mask: ArrayLike | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """Runs a Keras LSTM over a whole sequence.

    Computes, for each step t (tanh activation, sigmoid recurrent activation):
    `z = x_t @ kernel + h @ recurrent_kernel + bias`, gates `i, f, c, o` in that order,
    `c = f * c + i * tanh(z_c)`, `h = o * tanh(c)`.

    Args:
        inputs: float tensor of shape `(batch, time, features)`.
        kernel: `(features, 4 * units)`.
        recurrent_kernel: `(units, 4 * units)`.
        bias: `(4 * units,)`, or None for no bias.
        initial_state: None (zeros) or a list `[h, c]` of `(batch, units)` tensors.
        return_sequences: return the output of every step, `(batch, time, units)`,
            instead of the last one, `(batch, units)`.
        go_backwards: process the sequence in reverse (outputs come in processing order,
            as in Keras).
        mask: None, or a `(batch, time)` bool mask (Keras's `mask_zero`): where False, the
            step is skipped, the states carry over and the output repeats the previous
            output (zeros before a row's first kept step).

    Returns:
        A tuple `(outputs, h, c)`: the outputs and the final hidden and cell states.

    Raises:
        ValueError: for wrong ranks or weight shapes that do not match Keras's layout.
        TypeError: for non-float inputs or operands of different dtypes.
    """
    x = _inputs(inputs)
    h, c = _states("lstm", initial_state, 2, x)
    return _C.lstm(x, _operand(kernel, x), _operand(recurrent_kernel, x), _optional(bias, x), h, c,
                   _mask(mask), bool(return_sequences), bool(go_backwards))


def lstm_pair(inputs: ArrayLike, first: dict, second: dict, return_sequences: bool = False,
              mask: ArrayLike | None = None) -> tuple[tuple[Tensor, Tensor, Tensor], tuple[Tensor, Tensor, Tensor]]:
    """Two LSTMs over the same inputs and mask side by side, each direction's kernel alone on
    its own thread (a Bidirectional layer's two directions): the same results as two `lstm`
    calls, without a barrier between each of their steps.

    Args:
        inputs, return_sequences, mask: as for `lstm`, shared by both.
        first, second: each a dict of `lstm`'s other arguments: `kernel`, `recurrent_kernel`,
            and optionally `bias`, `initial_state` and `go_backwards`.

    Returns:
        `((outputs, h, c), (outputs, h, c))`, the first direction's and the second's.
    """
    x = _inputs(inputs)

    def direction(arguments: dict) -> tuple:
        h, c = _states("lstm", arguments.get("initial_state"), 2, x)
        return (_operand(arguments["kernel"], x), _operand(arguments["recurrent_kernel"], x),
                _optional(arguments.get("bias"), x), h, c, bool(arguments.get("go_backwards", False)))
    results = _C.lstm_pair(x, _mask(mask), bool(return_sequences), direction(first), direction(second))
    return results[:3], results[3:]


def gru(inputs: ArrayLike, kernel: ArrayLike, recurrent_kernel: ArrayLike, bias: ArrayLike | None = None,
        initial_state: Any = None, return_sequences: bool = False, go_backwards: bool = False,
        mask: ArrayLike | None = None) -> tuple[Tensor, Tensor]:
    """Runs a Keras 3 GRU (reset_after=True, the default) over a whole sequence.

    With `x̂ = x_t @ kernel + bias[0]` and `ĥ = h @ recurrent_kernel + bias[1]`, split into
    gate blocks `z, r, h`: `z = σ(x̂_z + ĥ_z)`, `r = σ(x̂_r + ĥ_r)`,
    `hh = tanh(x̂_h + r * ĥ_h)` and `h = z * h + (1 - z) * hh`.

    Args:
        inputs: float tensor of shape `(batch, time, features)`.
        kernel: `(features, 3 * units)`.
        recurrent_kernel: `(units, 3 * units)`.
        bias: `(2, 3 * units)` (the input bias row, then the recurrent bias row), or None.
        initial_state: None (zeros), a `(batch, units)` tensor, or a list holding one.
        return_sequences: return every step's output instead of the last one.
        go_backwards: process the sequence in reverse.
        mask: None, or a `(batch, time)` bool mask, as for `lstm`.

    Returns:
        A tuple `(outputs, h)`.

    Raises:
        ValueError: for wrong ranks or weight shapes that do not match Keras's layout.
        TypeError: for non-float inputs or operands of different dtypes.
    """
    x = _inputs(inputs)
    (h,) = _states("gru", initial_state, 1, x)
    return _C.gru(x, _operand(kernel, x), _operand(recurrent_kernel, x), _optional(bias, x), h,
                  _mask(mask), bool(return_sequences), bool(go_backwards))


def simple_rnn(inputs: ArrayLike, kernel: ArrayLike, recurrent_kernel: ArrayLike, bias: ArrayLike | None = None,
               initial_state: Any = None, return_sequences: bool = False, go_backwards: bool = False,
               mask: ArrayLike | None = None) -> tuple[Tensor, Tensor]:
    """Runs a Keras SimpleRNN (tanh activation) over a whole sequence:
    `h = tanh(x_t @ kernel + h @ recurrent_kernel + bias)`.

    Args:
        inputs: float tensor of shape `(batch, time, features)`.
        kernel: `(features, units)`.
        recurrent_kernel: `(units, units)`.
        bias: `(units,)`, or None.
        initial_state: None (zeros), a `(batch, units)` tensor, or a list holding one.
        return_sequences: return every step's output instead of the last one.
        go_backwards: process the sequence in reverse.
        mask: None, or a `(batch, time)` bool mask, as for `lstm`.

    Returns:
        A tuple `(outputs, h)`.

    Raises:
        ValueError: for wrong ranks or weight shapes that do not match Keras's layout.
        TypeError: for non-float inputs or operands of different dtypes.
    """
    x = _inputs(inputs)
    (h,) = _states("simple_rnn", initial_state, 1, x)
    return _C.simple_rnn(x, _operand(kernel, x), _operand(recurrent_kernel, x), _optional(bias, x), h,
                         _mask(mask), bool(return_sequences), bool(go_backwards))
