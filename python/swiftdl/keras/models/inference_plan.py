"""Sequential and functional models' inference calls without the per-layer bookkeeping.

`model(x)` on one sample is what a deployed model does most, and for small models the
Python around the kernels (each layer's `__call__`: symbolic-input checks, input specs,
masks, loss bookkeeping, name scopes) costs about as much as the kernels themselves. Once
a model has answered a call normally, later inference calls with the same kind of input
(same dtype, same shape but for the batch) and only plain built-in layers run a plan: the
layers' own `call`s in order (a functional model's nodes in its run order, each reading its
inputs from a list of values), with `training=False`, fused as `Sequential.call` and
`run_graph` fuse them: conv → batch norm (→ ReLU) chains folded into one convolution,
batch-norm+ReLU pairs, and conv+pool pairs; an Embedding → (Dropout →) Conv1D chain runs
from a table of each token's taps (token_convolution). Anything else
(training=True, masks, custom layers or operations, a layer that regularizes its activity,
a changed layer list, several inputs, a nested call) takes the normal path, which also gives
the errors for bad input.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np

import swiftdl as _sd
from swiftdl import _C
from swiftdl._tensor import _BASE_SHAPE

from ..layers.embedding import Embedding
from ..layers.keras_tensor import flatten, map_structure
from ..layers.layer import _CALL_DEPTH, Layer, _as_tensor
from ..layers.normalization import fusable_relu_cap
from . import conv_batch_norm_fusion, direct_steps, inference_slices, residual_add_fusion, token_convolution

# Returned by `run` when the call must take the normal path.
NOT_PLANNED = object()


def _plain(layer: Any, inputs: Any) -> bool:
    """A built swiftdl layer whose `__call__` adds nothing a plain inference call on inputs
    like `inputs` needs: no mask made (a layer that can make one, such as an Embedding
    without mask_zero or an RNN, makes none from unmasked inputs), no activity penalty, no
    rematerialisation or pending restore."""
    cls = type(layer)
    return (cls.__module__.startswith("swiftdl.keras.layers.") and cls.__call__ is Layer.__call__
            and layer.built and layer.activity_regularizer is None
            and layer.__dict__.get("_remat_mode") is None and "_deferred_restore" not in layer.__dict__
            and (cls.compute_mask is Layer.compute_mask or layer.compute_mask(inputs, None) is None))


class SequentialPlan:
    """The steps of one Sequential model for inputs of one dtype and sample shape."""

    def __init__(self, model: Any, sample: Any) -> None:
        # The layers themselves (the model holds them anyway): comparing them with the model's
        # list on each call is one C-level tuple comparison, where ids cost a Python loop.
        self.layers = tuple(model.__dict__.get("_layers", ()))
        self.sample_shape = tuple(sample.shape[1:])
        self.dtype = sample.dtype
        # The planning call's own output (planning runs every step once), handed to that call.
        self.planning_output: Any = None
        self.steps: list[Callable[[Any], Any]] | None = self._plan(model.layers, sample)

    def _plan(self, layers: list, sample: Any) -> list[Callable[[Any], Any]] | None:
        from .sequential import _convolve_and_normalize, _fusable_with_next
        steps: list[Callable[[Any], Any]] = []
        x = sample
        index = 0
        while index < len(layers):
            layer = layers[index]
            if not _plain(layer, x):
                return None
            chain = token_convolution.sequential_chain(layers, index) if type(layer) is Embedding else None
            if chain is not None and all(_plain(other, x) for other in chain):
                # Embedding → (Dropout →) Conv1D from a table of each token's taps.
                step = token_convolution.step_for(chain)
                x = step(x)
                steps.append(step)
                index += len(chain)
                continue
            following = layers[index + 1] if index + 1 < len(layers) else None
            fused = _convolve_and_normalize(layers, index, x, False) if following is not None else None
            if fused is not None and all(_plain(other, x) for other in layers[index:index + fused[1]]):
                # A Conv2D, its BatchNormalization and ReLU as one op, as Sequential.call runs them.
                own = functools.partial(_convolve_and_normalize_step, layers[index:index + fused[1]])
                cap = fusable_relu_cap(following, layers[index + 2]) if fused[1] == 3 else None
                step = direct_steps.conv2d_batch_norm(layer, following, cap, own) or own
                x = fused[0]
                steps.append(step)
                index += fused[1]
                continue
            cap = fusable_relu_cap(layer, following) if following is not None and _plain(following, x) else None
            if cap is not None:  # a BatchNormalization and its ReLU as one op, as Sequential.call runs them
                step = functools.partial(layer.call, training=False, _then_relu=cap)
                x = step(x)
                steps.append(step)
                index += 2
                continue
            if following is not None and _plain(following, x) and _fusable_with_next(layer, following, x):
                fused = functools.partial(_convolve_and_pool, layer, following)
                x = fused(x)
                steps.append(direct_steps.conv2d_pool(layer, following, fused) or fused)
                index += 2
                continue
            if layer._casts_inputs_to_float and layer._needs_float_cast(x):
                return None  # Layer.__call__ converts these; keep that on the normal path
            step = functools.partial(layer.call, training=False) if layer._call_accepts("training") else layer.call
            direct = _direct_step(layer, x, step)
            x = step(x)
            if not isinstance(x, _sd.Tensor):
                return None  # structured outputs (a list of states, ...) are not planned
            steps.append(direct or step)
            index += 1
        self.planning_output = x
        return steps

    def fits(self, model: Any, x: Any) -> bool:
        return (x.dtype == self.dtype and _BASE_SHAPE.__get__(x)[1:] == self.sample_shape
                and self.layers == tuple(model.__dict__.get("_layers", ())))

    def run(self, x: Any) -> Any:
        assert self.steps is not None
        for step in self.steps:
            x = step(x)
        return x


class FunctionalPlan:
    """The nodes of one single-input functional model, for inputs of one dtype and sample
    shape: each step calls a layer on values picked from a list by position.

    As `run_graph` does for the normal path, a Conv2D whose output only a BatchNormalization
    reads runs with it (and the ReLU that alone reads the batch norm's) as one engine op
    (conv_batch_norm_fusion), a BatchNormalization whose output only a ReLU reads runs with it
    as one engine op (nn.fused_batch_norm_relu; MobileNetV2 has 35 such pairs, each a full
    pass over an activation saved), and each value is dropped once the
    last step that reads it has run, so that a call holds only the activations still ahead
    of it and the engine reuses their memory instead of mapping every activation afresh.
    """

    def __init__(self, model: Any, sample: Any) -> None:
        self.sample_shape = tuple(sample.shape[1:])
        self.dtype = sample.dtype
        self.steps: list[tuple[Callable[..., Any], list, dict, tuple[int, ...], int]] | None = None
        self.outputs: Any = None
        # The planning call's own output (planning runs every step once), handed to that call.
        self.planning_output: Any = None
        self._plan(model, sample)

    def _plan(self, model: Any, sample: Any) -> None:
        from ..layers.input_layer import InputLayer
        from ..layers.keras_tensor import KerasTensor
        if len(model.inputs) != 1 or len(model.inputs[0].shape) != sample.ndim:
            return
        slots = {id(model.inputs[0]): 0}
        values = [sample]

        def slot_of(value: Any) -> Any:
            if isinstance(value, KerasTensor):
                return _Slot(slots[id(value)])
            if isinstance(value, (list, tuple)) and any(isinstance(v, KerasTensor) for v in value):
                return [slot_of(v) for v in value]
            return value

        from .functional import _batch_norm_relu_pairs, _conv_batch_norm_chains, _conv_pool_pairs, _readers_and_last_uses
        nodes = model._nodes
        readers, last_use = _readers_and_last_uses(nodes)
        kept = {id(t) for t in flatten(model._outputs_struct)}
        self._position = {id(n): p for p, n in enumerate(nodes)}
        relu_pairs = _batch_norm_relu_pairs(nodes, readers, kept)
        chains = _conv_batch_norm_chains(nodes, readers, kept, relu_pairs, False)
        self._residual_adds = residual_add_fusion.residual_adds(nodes, readers, kept, chains)
        pools = _conv_pool_pairs(nodes, readers, kept)
        token_chains = token_convolution.functional_chains(nodes, readers, kept)
        skipped: set = set()  # the nodes fused into an earlier step
        steps: list[tuple[Callable[..., Any], list, dict]] = []
        for position, node in enumerate(nodes):
            # The planning call drops values after their last reader as the plan's runs do:
            # holding them all made it map every activation afresh (MobileNetV2's second
            # predict at batch 256 took 1.3 s against 0.2 s for the calls after it).
            if position > 0:
                for key in last_use.get(position - 1, ()):
                    if key not in kept and key in slots:
                        values[slots[key]] = None
            layer = node.layer
            if isinstance(layer, InputLayer) or position in skipped:
                continue
            if any(id(t) not in slots for t in node.input_tensors):
                return
            first_input = values[slots[id(node.input_tensors[0])]] if node.input_tensors else None
            if not _plain(layer, first_input):
                return
            if node.call_kwargs.get("training"):  # a layer the graph runs in training mode (MC dropout)
                return
            covered = token_chains.get(position)
            if covered is not None and all(_plain(n.layer, first_input) for n in covered):
                # Embedding → (Dropout →) Conv1D from a table of each token's taps.
                step = token_convolution.step_for([layer] + [n.layer for n in covered])
                values.append(step(first_input))
                skipped.update(self._position[id(n)] for n in covered)
                slots[id(covered[-1].output_tensors[0])] = len(values) - 1
                steps.append((step, [_Slot(slots[id(node.call_args[0])])], {}))
                continue
            fused = self._fuse(node, chains.get(position), relu_pairs.get(position), pools.get(position), slots,
                               values, self._residual_adds.get(position))
            if fused is not None:
                step, last_node, skips = fused
                if not all(_plain(nodes[p].layer, first_input) for p in skips):
                    return
                skipped.update(skips)
                slots[id(last_node.output_tensors[0])] = len(values) - 1
                steps.append(step)
                continue
            args = [slot_of(a) for a in node.call_args]
            kwargs = {k: slot_of(v) for k, v in node.call_kwargs.items() if k not in ("training", "mask")}
            if any(isinstance(v, KerasTensor) for v in kwargs.values()):
                return
            if layer._call_accepts("training"):
                kwargs["training"] = False
            if layer._casts_inputs_to_float and any(layer._needs_float_cast(values[s.index])
                                                    for s in _slots_in(args)):
                return
            direct = None
            if len(args) == 1 and isinstance(args[0], _Slot) and set(kwargs) <= {"training"}:
                direct = _direct_step(layer, values[args[0].index], functools.partial(layer.call, **kwargs))
            result = layer.call(*_fill(args, values), **_fill_kwargs(kwargs, values))
            if not isinstance(result, _sd.Tensor) or len(node.output_tensors) != 1:
                return
            slots[id(node.output_tensors[0])] = len(values)
            values.append(result)
            steps.append((layer.call, args, kwargs) if direct is None else (direct, args, {}))
        self.outputs = map_structure(lambda t: slots[id(t)], model._outputs_struct)
        self.steps = _with_last_uses(steps, {slots[key] for key in kept})
        self.planning_output = map_structure(lambda slot: values[slot], self.outputs)

    def _fuse(self, node: Any, chain: Any, relu_pair: Any, pool_node: Any, slots: dict, values: list,
              add_node: Any = None) -> Any:
        """(step, the node whose output the step gives, positions of the nodes it covers)
        for a conv → batch norm (→ relu) chain (with the Add that alone reads it, see
        residual_add_fusion), a conv → pooling pair or a batch norm → relu pair starting at
        `node`, with its output appended to `values`; None when it does not fuse."""
        if len(node.call_args) != 1 or id(node.call_args[0]) not in slots:
            return None
        source = _Slot(slots[id(node.call_args[0])])
        if chain is not None:
            norm_node, relu_node, cap, _ = chain  # training=False: never a training chain
            output = _convolve_and_normalize_fused(node.layer, norm_node.layer, cap, values[source.index])
            if output is None:
                return None
            covered = [norm_node] + ([relu_node] if relu_node is not None else [])
            if add_node is not None:
                fused = self._fuse_residual_add(node, norm_node, cap, add_node, covered, output, source, slots, values)
                if fused is not None:
                    return fused
            values.append(output)
            own = functools.partial(_convolve_and_normalize_fused, node.layer, norm_node.layer, cap)
            direct = direct_steps.conv2d_batch_norm(node.layer, norm_node.layer, cap, own)
            step: tuple[Callable[..., Any], list, dict] = (direct or own, [source], {})
            return step, covered[-1], {self._position[id(n)] for n in covered}
        if pool_node is not None:
            pooled = node.layer.convolve_and_pool(values[source.index], pool_node.layer)
            if pooled is None:
                return None
            values.append(pooled)
            own = functools.partial(_convolve_and_pool, node.layer, pool_node.layer)
            direct = direct_steps.conv2d_pool(node.layer, pool_node.layer, own)
            return (direct or own, [source], {}), pool_node, {
                self._position[id(pool_node)]}
        if relu_pair is not None and not set(node.call_kwargs) - {"training"}:
            relu_node, cap = relu_pair
            kwargs = {"training": False, "_then_relu": cap}
            values.append(node.layer.call(values[source.index], **kwargs))
            return (node.layer.call, [source], kwargs), relu_node, {self._position[id(relu_node)]}
        return None

    def _fuse_residual_add(self, node: Any, norm_node: Any, cap: Any, add_node: Any, covered: list, output: Any,
                           source: _Slot, slots: dict, values: list) -> Any:
        """The chain and its Add as one step (residual_add_fusion) when the Add's other input
        is already computed, of the chain output's shape and dtype; else None."""
        other = residual_add_fusion.other_input(add_node, covered[-1].output_tensors[0])
        residual = values[slots[id(other)]] if id(other) in slots else None
        if (not isinstance(residual, _sd.Tensor) or tuple(residual.shape) != tuple(output.shape)
                or residual.dtype != output.dtype or not _plain(add_node.layer, [output, residual])):
            return None
        values.append(add_node.layer.call([output, residual]))  # the planning call's value (a sum commutes)
        own = functools.partial(_convolve_normalize_and_add, node.layer, norm_node.layer, cap)
        step = residual_add_fusion.step(node.layer, norm_node.layer, cap, own)
        covered = covered + [add_node]
        return (step, [source, _Slot(slots[id(other)])], {}), add_node, {self._position[id(n)] for n in covered}

    def fits(self, model: Any, x: Any) -> bool:
        return x.dtype == self.dtype and _BASE_SHAPE.__get__(x)[1:] == self.sample_shape

    def run(self, x: Any) -> Any:
        assert self.steps is not None
        values = [x]
        for call, args, kwargs, done, source in self.steps:
            if source >= 0:  # one input, no keywords: most steps, without _fill's walk
                values.append(call(values[source]))
            else:
                values.append(call(*_fill(args, values), **_fill_kwargs(kwargs, values)))
            for slot in done:
                values[slot] = None
        return map_structure(lambda slot: values[slot], self.outputs)


def _with_last_uses(steps: list, kept: set) -> list:
    """Each step with the slots no later step reads (and no output is), to drop after it,
    and the slot of its one input when that is all it takes (else -1)."""
    last_reader: dict[int, int] = {}
    for position, (_, args, kwargs, *_rest) in enumerate(steps):
        for slot in _slots_in(args) + [v for v in kwargs.values() if isinstance(v, _Slot)]:
            last_reader[slot.index] = position
    done: dict[int, list[int]] = {}
    for index, position in last_reader.items():
        if index not in kept:
            done.setdefault(position, []).append(index)
    planned = []
    for position, (call, args, kwargs) in enumerate(steps):
        source = -1
        if len(args) == 1 and isinstance(args[0], _Slot) and not any(isinstance(v, _Slot) for v in kwargs.values()):
            source = args[0].index
            call, kwargs = (functools.partial(call, **kwargs) if kwargs else call), {}
        planned.append((call, args, kwargs, tuple(done.get(position, ())), source))
    return planned


class _Slot:
    """A position in a FunctionalPlan's list of values."""
    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index


def _slots_in(args: list) -> list[_Slot]:
    found = []
    for arg in args:
        if isinstance(arg, _Slot):
            found.append(arg)
        elif isinstance(arg, list):
            found.extend(_slots_in(arg))
    return found


def _fill(args: list, values: list) -> list:
    return [values[a.index] if isinstance(a, _Slot) else _fill(a, values) if isinstance(a, list) else a
            for a in args]


def _fill_kwargs(kwargs: dict, values: list) -> dict:
    return {k: values[v.index] if isinstance(v, _Slot) else v for k, v in kwargs.items()} if kwargs else kwargs


def _direct_step(layer: Any, sample: Any, own: Callable[[Any], Any]) -> Callable[[Any], Any] | None:
    """A step that calls the engine directly for a lone layer (see direct_steps), or None."""
    if not isinstance(sample, _sd.Tensor) or "call" in layer.__dict__:
        return None  # a `call` set on the instance (a wrapper, a spy) must run
    if type(layer) is direct_steps.Conv2D:
        return direct_steps.conv2d(layer, own)
    if type(layer) is direct_steps.Dense:
        return direct_steps.dense(layer, sample, own)
    return None


def _convolve_and_normalize_fused(conv: Any, batch_norm: Any, cap: float | None, x: Any) -> Any:
    """A functional plan's fused Conv2D → BatchNormalization (→ ReLU) step."""
    return conv_batch_norm_fusion.convolve_and_normalize(conv, batch_norm, cap, x)


def _convolve_normalize_and_add(conv: Any, batch_norm: Any, cap: float | None, x: Any, residual: Any) -> Any:
    """A functional plan's fused chain and Add through the layers' own ops (LoRA enabled)."""
    return _convolve_and_normalize_fused(conv, batch_norm, cap, x) + residual


def _convolve_and_normalize_step(chain: list, x: Any) -> Any:
    """A Sequential plan's fused Conv2D → BatchNormalization (→ ReLU) step."""
    from .sequential import _convolve_and_normalize
    return _convolve_and_normalize(chain, 0, x, False)[0]


def _convolve_and_pool(conv: Any, pool: Any, x: Any) -> Any:
    pooled = conv.convolve_and_pool(x, pool)
    return pooled if pooled is not None else pool.call(conv.call(x))


_FLOAT32 = np.dtype(np.float32)


def _plannable_input(args: tuple, kwargs: dict) -> Any:
    """The call's one input as an engine tensor when the call could run a plan, else None."""
    if len(args) != 1 or kwargs != {"training": False} or getattr(_CALL_DEPTH, "value", 0) != 0:
        return None
    x = args[0]
    if type(x) is np.ndarray and x.dtype == _FLOAT32 and x.flags.writeable:
        # What _as_tensor does for a float32 array (borrows its memory), without its checks.
        borrowed = _C.from_buffer(x, True)
        x = borrowed if borrowed is not None else _as_tensor(x)
    elif isinstance(x, np.ndarray) and x.dtype.kind in "fiub":
        x = _as_tensor(x)
    if not isinstance(x, _sd.Tensor) or x.ndim == 0 or getattr(x, "_keras_mask", None) is not None:
        return None
    return x


def _signature(model: Any, x: Any) -> tuple:
    return x.dtype, tuple(x.shape[1:]), tuple(id(layer) for layer in model.layers)


_PLANNERS: dict = {}  # Sequential.call and Functional.call -> their plan classes, filled on first use


def _planner_for(cls: type) -> Any:
    """The plan class for models whose `call` is Sequential's or Functional's own, else
    None (a subclass with its own call runs it)."""
    if not _PLANNERS:
        from .model import Functional
        from .sequential import Sequential
        _PLANNERS.update({Sequential.call: SequentialPlan, Functional.call: FunctionalPlan})
    return _PLANNERS.get(getattr(cls, "call", None))


def run(model: Any, args: tuple, kwargs: dict) -> Any:
    """The model's output for an inference call through its plan, or NOT_PLANNED. A plan is
    made only for the kind of input the last normal call answered, so new shapes and
    dtypes meet the normal path's checks first. A large batch of a per-sample model runs
    in slices (inference_slices), each of them a call of its own."""
    x = _plannable_input(args, kwargs)
    planner = _planner_for(type(model)) if x is not None else None
    if planner is None:
        return NOT_PLANNED
    sliced = inference_slices.run(model, x)
    if sliced is not inference_slices.NOT_SLICED:
        return sliced
    plan = model.__dict__.get("_inference_plan")
    if plan is None or not plan.fits(model, x):
        if model.__dict__.get("_answered_signature") != _signature(model, x):
            return NOT_PLANNED
        plan = model._inference_plan = planner(model, x)
        if plan.steps is not None:
            output, plan.planning_output = plan.planning_output, None
            return output
    if plan.steps is None:
        return NOT_PLANNED
    return plan.run(x)


def note_normal_call(model: Any, args: tuple, kwargs: dict) -> None:
    """Records the kind of input a normal inference call just answered."""
    x = _plannable_input(args, kwargs)
    if x is not None:
        model._answered_signature = _signature(model, x)
