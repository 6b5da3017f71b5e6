"""remat: rematerialisation (gradient checkpointing) — keras.remat, tf.recompute_grad.

A rematerialised function keeps none of its intermediate results for the backward pass:
its forward runs with the tapes of the thread paused (only a probe tape of its own records,
to find the trainable variables it reads, and is dropped at once), one node is recorded for
the whole function, and the backward pass runs the function again under a fresh tape and
takes the gradients there. Memory for activations inside the function is traded for a
second forward pass.

The second run must compute exactly what the first did. Randomness is replayed: the
engine's global random stream is put back where the first run started, and every variable
the first run assigned (a SeedGenerator's state, BatchNormalization's moving statistics)
is set back to its value before that run, then, after the replay, to its value from before
the replay, so state updates happen once.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Sequence

from . import _C
from ._autograd import GradientTape, _flatten, _unflatten, stop_gradient, variable_journal
from ._creation import zeros
from ._tensor import Tensor

__all__ = ["remat"]


def remat(f: Callable[..., Any]) -> Callable[..., Any]:
    """`f`, rematerialised: the same values, the same gradients, no activations kept inside it.

    Example:
        >>> block = swiftdl.keras.remat(lambda x: swiftdl.tanh(x @ w) @ v)
        >>> with swiftdl.GradientTape() as tape:
        ...     loss = swiftdl.sum(block(x))
        >>> tape.gradient(loss, [w, v])  # as without remat; block's tanh output was not kept

    Raises:
        TypeError: when `f` is not callable.
    """
    if not callable(f):
        raise TypeError(f"remat expects a function or a layer; received {type(f).__name__}")

    @functools.wraps(f)
    def rematerialized(*args: Any, **kwargs: Any) -> Any:
        leaves = _flatten([list(args), kwargs], [])
        if any(type(leaf).__name__ == "KerasTensor" for leaf in leaves) or not _C.is_recording():
            return f(*args, **kwargs)  # nothing to differentiate now: a plain call
        inputs = _unique([leaf for leaf in leaves if isinstance(leaf, Tensor) and leaf.dtype.kind == "f"])
        random_state = _C.random_get_state()
        probe = GradientTape(persistent=False, watch_accessed_variables=True)
        _C.pause_recording(True)
        try:
            with variable_journal() as journal, probe:
                for leaf in inputs:
                    probe.watch(leaf)
                outputs = f(*args, **kwargs)
        finally:
            _C.pause_recording(False)
        variables = _unique(list(_C.tape_watched_variables(probe._tape)), exclude=inputs)
        del probe  # its records hold every intermediate result: dropping them is the point
        outputs = _unflatten(outputs, iter(stop_gradient(leaf) if isinstance(leaf, Tensor) else leaf
                                           for leaf in _flatten(outputs, [])))
        followed_outputs = [leaf for leaf in _flatten(outputs, []) if isinstance(leaf, Tensor)]
        sources = inputs + variables
        if sources and followed_outputs:
            replay = _Replay(f, args, kwargs, sources, followed_outputs, random_state, journal.before)
            _C.record_custom_gradient(sources, followed_outputs, replay)
        return outputs

    return rematerialized


def _unique(tensors: list[Tensor], exclude: Sequence[Tensor] = ()) -> list[Tensor]:
    """`tensors` without repeats (by engine identity) and without those in `exclude`."""
    seen = {_C.tensor_identity(t) for t in exclude}
    unique = []
    for tensor in tensors:
        identity = _C.tensor_identity(tensor)
        if identity not in seen:
            seen.add(identity)
            unique.append(tensor)
    return unique


class _Replay:
    """The backward rule: runs the function again as the first run did and differentiates it."""

    def __init__(self, f: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], sources: list[Tensor],
                 outputs: list[Tensor], random_state: tuple[int, int], assigned_before: list[tuple[Any, Tensor]]) -> None:
        self.f, self.args, self.kwargs, self.sources = f, args, kwargs, sources
        self.output_specs = [(tuple(o.shape), o.dtype) for o in outputs]
        self.random_state = random_state
        self.assigned_before = assigned_before

    def __call__(self, *upstream: Tensor | None) -> list[Tensor | None]:
        seeds = [u if u is not None else zeros(shape, dtype=dtype) for u, (shape, dtype) in zip(upstream, self.output_specs)]
        random_now = _C.random_get_state()
        assigned_now = [(variable, variable.value()) for variable, _ in self.assigned_before]
        for variable, value in self.assigned_before:
            variable.assign(value)
        _C.random_set_state(*self.random_state)
        tape = GradientTape(persistent=False, watch_accessed_variables=False)
        _C.pause_recording(True)
        try:
            with tape:
                for source in self.sources:
                    tape.watch(source)
                recomputed = [leaf for leaf in _flatten(self.f(*self.args, **self.kwargs), [])
                              if isinstance(leaf, Tensor)]
        finally:
            _C.pause_recording(False)
            _C.random_set_state(*random_now)
            for variable, value in assigned_now:
                variable.assign(value)
        if len(recomputed) != len(seeds):
            raise RuntimeError(f"remat: the function returned {len(recomputed)} tensors when run again for the "
                               f"backward pass, {len(seeds)} the first time")
        return tape.gradient(recomputed, self.sources, output_gradients=seeds)
