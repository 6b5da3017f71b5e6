"""custom_gradient: a function whose gradient is another function the user writes
(tf.custom_gradient, keras.ops.custom_gradient).

The forward function runs with every tape of the thread paused, as TensorFlow runs it under
`stop_recording`; then one node is recorded on the tapes that follow an input, with the
user's gradient function as its backward rule. The engine calls that rule back (through
`_C.record_custom_gradient`) when a tape takes its gradient.
"""
from __future__ import annotations

import functools
import inspect
from typing import Any, Callable

from . import _C
from ._autograd import _flatten, _unflatten, stop_gradient
from ._creation import zeros
from ._convert import asarray
from ._tensor import Tensor

__all__ = ["custom_gradient"]


def custom_gradient(f: Callable[..., Any]) -> Callable[..., Any]:
    """Decorates `f(*args) -> (outputs, grad_fn)` so that gradients through it come from `grad_fn`.

    `grad_fn(*upstream)` receives one upstream gradient per (flattened) output, zeros where
    nothing flows back, and returns one gradient per (flattened) tensor argument, as a
    single tensor when `f` takes one, or a list/tuple; None for an argument that gets none.

    Example:
        >>> @swiftdl.custom_gradient
        ... def log1pexp(x):
        ...     e = swiftdl.exp(x)
        ...     def grad(upstream):
        ...         return upstream * (1 - 1 / (1 + e))
        ...     return swiftdl.log(1 + e), grad

    Raises:
        TypeError: when `f` does not return `(outputs, grad_fn)`, or `grad_fn` asks for
            `variables` (TensorFlow's form for variables read inside `f`; pass them as
            arguments instead).
        ValueError: when `grad_fn` returns the wrong number of gradients, or a gradient whose
            shape differs from its argument's (raised by the tape's `gradient`).
    """
    if not callable(f):
        raise TypeError(f"custom_gradient expects a function; received {type(f).__name__}")

    @functools.wraps(f)
    def with_custom_gradient(*args: Any, **kwargs: Any) -> Any:
        leaves = _flatten(list(args), [])
        if any(_is_symbolic(leaf) for leaf in leaves):
            # A functional model being built: the eager call that follows records the gradient.
            return _forward(f, args, kwargs)[0]
        _C.pause_recording(True)
        try:
            outputs, grad_fn = _forward(f, args, kwargs)
        finally:
            _C.pause_recording(False)
        _refuse_variables_argument(grad_fn)
        # Fresh tensor objects: an output that is one of the inputs must not alias it on the tape.
        outputs = _unflatten(outputs, iter(_detached(leaf) for leaf in _flatten(outputs, [])))
        output_tensors = [leaf for leaf in _flatten(outputs, []) if isinstance(leaf, Tensor)]
        followed = [index for index, leaf in enumerate(leaves)
                    if isinstance(leaf, Tensor) and leaf.dtype.kind == "f"]
        if followed and output_tensors:
            _C.record_custom_gradient([leaves[i] for i in followed], output_tensors,
                                      _BackwardRule(grad_fn, output_tensors, len(leaves), followed))
        return outputs

    return with_custom_gradient


def _forward(f: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Any]:
    returned = f(*args, **kwargs)
    if not (isinstance(returned, (tuple, list)) and len(returned) == 2 and callable(returned[1])):
        raise TypeError("a custom_gradient function must return (outputs, grad_fn); received "
                        f"{type(returned).__name__}")
    return returned[0], returned[1]


def _is_symbolic(value: Any) -> bool:
    return type(value).__name__ == "KerasTensor"


def _detached(leaf: Any) -> Any:
    return stop_gradient(leaf) if isinstance(leaf, Tensor) else leaf


def _refuse_variables_argument(grad_fn: Callable[..., Any]) -> None:
    try:
        parameters = inspect.signature(grad_fn).parameters
    except (TypeError, ValueError):
        return
    if "variables" in parameters:
        raise TypeError("custom_gradient: grad_fn(..., variables=...) is not supported by swiftdl; pass the "
                        "variables to the decorated function as arguments and return their gradients in order")


class _BackwardRule:
    """What the engine calls back: upstream gradients in, one gradient per followed input out."""

    def __init__(self, grad_fn: Callable[..., Any], outputs: list[Tensor], argument_count: int,
                 followed: list[int]) -> None:
        self.grad_fn = grad_fn
        # Shapes and dtypes only: holding the outputs would keep them alive with the tape.
        self.output_specs = [(tuple(o.shape), o.dtype) for o in outputs]
        self.argument_count = argument_count
        self.followed = followed

    def __call__(self, *upstream: Tensor | None) -> list[Tensor | None]:
        filled = [u if u is not None else zeros(shape, dtype=dtype) for u, (shape, dtype) in zip(upstream, self.output_specs)]
        gradients = self.grad_fn(*filled)
        if isinstance(gradients, (list, tuple)):
            gradients = _flatten(list(gradients), [])
        else:
            gradients = [gradients]
        if len(gradients) != self.argument_count:
            raise ValueError(f"custom_gradient: grad_fn returned {len(gradients)} gradients for "
                             f"{self.argument_count} arguments")
        # Plain engine tensors as they are (the tape never writes into a gradient it is given):
        # copying them cost a pass over each gradient (a full activation's, for a convolution's
        # input) and as much memory again. Anything else (a Variable, a numpy array) is copied,
        # so that later writes to it (an optimizer's update) cannot reach the tape's results.
        return [None if gradients[i] is None else gradients[i] if type(gradients[i]) is Tensor
                else asarray(gradients[i]) for i in self.followed]
