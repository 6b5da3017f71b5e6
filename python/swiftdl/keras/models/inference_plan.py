"""A Sequential model's inference calls without the per-layer bookkeeping.

`model(x)` on one sample is what a deployed model does most, and for small models the
Python around the kernels (each layer's `__call__`: symbolic-input checks, input specs,
masks, loss bookkeeping, name scopes) costs about as much as the kernels themselves. Once
a model has answered a call normally, later inference calls with the same kind of input
(same dtype, same shape but for the batch) and only plain built-in layers run a plan: the
layers' own `call`s in order, conv+pool pairs fused as `Sequential.call` fuses them, with
`training=False`. Anything else (training=True, masks, custom layers, a layer that
regularizes its activity, a changed layer list, a nested call) takes the normal path,
which also gives the errors for bad input.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np

import swiftdl as _sd

from ..layers.layer import _CALL_DEPTH, Layer, _as_tensor

# Returned by `run` when the call must take the normal path.
NOT_PLANNED = object()


def _plain(layer: Any) -> bool:
    """A built swiftdl layer whose `__call__` adds nothing a plain inference call needs:
    no masks made, no activity penalty, no rematerialisation or pending restore."""
    cls = type(layer)
    return (cls.__module__.startswith("swiftdl.keras.layers.") and cls.__call__ is Layer.__call__
            and cls.compute_mask is Layer.compute_mask and layer.built and layer.activity_regularizer is None
            and layer.__dict__.get("_remat_mode") is None and "_deferred_restore" not in layer.__dict__
            and not getattr(layer, "_adds_losses_in_call", False))


class SequentialPlan:
    """The steps of one Sequential model for inputs of one dtype and sample shape."""

    def __init__(self, model: Any, sample: Any) -> None:
        self.layer_ids = tuple(id(layer) for layer in model.layers)
        self.sample_shape = tuple(sample.shape[1:])
        self.dtype = sample.dtype
        self.steps: list[Callable[[Any], Any]] | None = self._plan(model.layers, sample)

    def _plan(self, layers: list, sample: Any) -> list[Callable[[Any], Any]] | None:
        from .sequential import _fusable_with_next
        steps: list[Callable[[Any], Any]] = []
        x = sample
        index = 0
        while index < len(layers):
            layer = layers[index]
            if not _plain(layer):
                return None
            following = layers[index + 1] if index + 1 < len(layers) else None
            if following is not None and _plain(following) and _fusable_with_next(layer, following, x):
                fused = functools.partial(_convolve_and_pool, layer, following)
                x = fused(x)
                steps.append(fused)
                index += 2
                continue
            if layer._casts_inputs_to_float and x.dtype.kind in "biu":
                return None  # Layer.__call__ converts these; keep that on the normal path
            step = functools.partial(layer.call, training=False) if layer._call_accepts("training") else layer.call
            x = step(x)
            if not isinstance(x, _sd.Tensor):
                return None  # structured outputs (a list of states, ...) are not planned
            steps.append(step)
            index += 1
        return steps

    def fits(self, model: Any, x: Any) -> bool:
        return (x.dtype == self.dtype and tuple(x.shape[1:]) == self.sample_shape
                and self.layer_ids == tuple(id(layer) for layer in model.layers))

    def run(self, x: Any) -> Any:
        assert self.steps is not None
        for step in self.steps:
            x = step(x)
        return x


def _convolve_and_pool(conv: Any, pool: Any, x: Any) -> Any:
    pooled = conv.convolve_and_pool(x, pool)
    return pooled if pooled is not None else pool.call(conv.call(x))


def _plannable_input(args: tuple, kwargs: dict) -> Any:
    """The call's one input as an engine tensor when the call could run a plan, else None."""
    if len(args) != 1 or kwargs != {"training": False} or getattr(_CALL_DEPTH, "value", 0) != 0:
        return None
    x = args[0]
    if isinstance(x, np.ndarray) and x.dtype.kind in "fiub":
        x = _as_tensor(x)
    if not isinstance(x, _sd.Tensor) or x.ndim == 0 or getattr(x, "_keras_mask", None) is not None:
        return None
    return x


def _signature(model: Any, x: Any) -> tuple:
    return x.dtype, tuple(x.shape[1:]), tuple(id(layer) for layer in model.layers)


def run(model: Any, args: tuple, kwargs: dict) -> Any:
    """The model's output for an inference call through its plan, or NOT_PLANNED. A plan is
    made only for the kind of input the last normal call answered, so new shapes and
    dtypes meet the normal path's checks first."""
    from .sequential import Sequential
    x = _plannable_input(args, kwargs)
    if x is None or type(model).call is not Sequential.call:
        return NOT_PLANNED
    plan = model.__dict__.get("_inference_plan")
    if plan is None or not plan.fits(model, x):
        if model.__dict__.get("_answered_signature") != _signature(model, x):
            return NOT_PLANNED
        plan = model._inference_plan = SequentialPlan(model, x)
    if plan.steps is None:
        return NOT_PLANNED
    return plan.run(x)


def note_normal_call(model: Any, args: tuple, kwargs: dict) -> None:
    """Records the kind of input a normal inference call just answered."""
    x = _plannable_input(args, kwargs)
    if x is not None:
        model._answered_signature = _signature(model, x)
