"""TensorFlow-style automatic differentiation: GradientTape, Variable, stop_gradient.

The tape itself lives in the engine: while a tape is entered, every differentiable op on
this thread records its backward rule there, and `gradient` walks the records in Swift.
"""
from __future__ import annotations

import contextlib
import threading
import weakref
from typing import Any, Callable, Iterable, Iterator, Literal

import numpy as np

from . import _C
from ._convert import asarray
from ._tensor import Tensor
from ._typing import ArrayLike, DTypeLike


class Variable(Tensor):
    """A mutable tensor that training updates in place (tf.Variable).

    Args:
        initial_value: anything `swiftdl.asarray` accepts (copied).
        trainable: whether tapes watch it automatically when it is read.
        name: an optional name.
        dtype: optional dtype for the initial value.
        constraint: an optional projection `f(value) -> value` that optimizers apply after
            each update (`keras.constraints`; a layer's `*_constraint` arguments set it).
    """

    __slots__ = ("_name", "_trainable", "path", "constraint")
    _name: str
    _trainable: bool
    path: str
    constraint: Callable[[Tensor], Tensor] | None

    def __new__(cls, initial_value: ArrayLike | Callable[[], ArrayLike], trainable: bool = True, name: str | None = None,
                dtype: DTypeLike = None, constraint: Callable[[Tensor], Tensor] | None = None) -> Variable:
        creators = getattr(_CREATOR_SCOPES, "stack", None)
        if creators:
            return _through_creators(cls, list(creators), dict(initial_value=initial_value, trainable=trainable,
                                                                name=name, dtype=dtype, constraint=constraint))
        return cls._build(initial_value, trainable, name, dtype, constraint)

    @classmethod
    def _build(cls, initial_value: ArrayLike | Callable[[], ArrayLike], trainable: bool = True, name: str | None = None,
               dtype: DTypeLike = None, constraint: Callable[[Tensor], Tensor] | None = None,
               **unused: Any) -> Variable:
        """The variable itself, past any variable_creator_scope (TensorFlow's default
        creator; keyword arguments it has and swiftdl does not, such as caching_device or
        synchronization, are ignored)."""
        if callable(initial_value):
            initial_value = initial_value()
        value = asarray(initial_value, dtype=dtype, copy=True)
        variable = _C.as_class(value, cls)
        variable._name = name or "Variable"
        variable.path = variable._name
        variable._trainable = bool(trainable)
        variable.constraint = constraint
        _C.set_trainable_variable(variable, variable._trainable)
        _VARIABLES[_C.tensor_identity(variable)] = variable
        return variable

    @property
    def name(self) -> str:
        return self._name

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        _C.set_trainable_variable(self, self._trainable)

    def value(self) -> Tensor:
        """The current value as a new tensor (a snapshot that later assigns do not change)."""
        return asarray(self, copy=True)

    def read_value(self) -> Tensor:
        return self.value()

    def _checked(self, value: ArrayLike) -> Tensor:
        tensor = asarray(value, copy=None)
        if tuple(tensor.shape) != tuple(self.shape):
            raise ValueError(f"Cannot assign value of shape {tuple(tensor.shape)} to variable '{self._name}' of shape "
                             f"{tuple(self.shape)}")
        return tensor

    def assign(self, value: ArrayLike) -> Variable:
        """Sets the variable's value in place (shapes must match)."""
        value = self._checked(value)
        _note_assignment(self)
        _C.assign(self, value)
        return self

    def assign_add(self, delta: ArrayLike) -> Variable:
        delta = self._checked(delta)
        _note_assignment(self)
        _C.binary(0, self, delta, self)
        return self

    def assign_sub(self, delta: ArrayLike) -> Variable:
        delta = self._checked(delta)
        _note_assignment(self)
        _C.binary(1, self, delta, self)
        return self

    def __repr__(self) -> str:
        return (f"<swiftdl.Variable '{self._name}' shape={tuple(self.shape)} dtype={self.dtype}, "
                f"numpy={np.array_repr(self.numpy())}>")

    # Variables are mutable: in-place operators update them rather than rebinding.
    def __reduce__(self) -> tuple[Any, ...]:
        return (Variable, (self.numpy().copy(), self._trainable, self._name))


# Every Variable by the engine tensor it is, so tensors the engine hands back (a tape's
# watched variables) map to the user's Variable objects.
_VARIABLES: weakref.WeakValueDictionary[int, Variable] = weakref.WeakValueDictionary()
_CREATOR_SCOPES = threading.local()   # .stack: this thread's variable creators, outermost first


def _through_creators(cls: type[Variable], creators: list[Callable[..., Any]], kwargs: dict[str, Any]) -> Any:
    """Calls the innermost creator with a next_creator leading outwards, the last one to
    Variable._build (tf.variable_creator_scope's chain)."""
    def creator_at(index: int) -> Callable[..., Any]:
        if index < 0:
            return lambda **options: cls._build(**options)
        return lambda **options: creators[index](creator_at(index - 1), **options)
    return creator_at(len(creators) - 1)(**kwargs)


@contextlib.contextmanager
def variable_creator_scope(variable_creator: Callable[..., Any]) -> Iterator[None]:
    """Routes every Variable created in this thread inside the scope through
    variable_creator(next_creator, **kwargs), which may change the arguments, wrap or replace
    the variable (tf.variable_creator_scope); scopes nest, the innermost called first."""
    if not callable(variable_creator):
        raise TypeError(f"variable_creator must be callable; received {type(variable_creator).__name__}")
    stack = getattr(_CREATOR_SCOPES, "stack", None)
    if stack is None:
        stack = _CREATOR_SCOPES.stack = []
    stack.append(variable_creator)
    try:
        yield
    finally:
        stack.pop()

_JOURNALS = threading.local()


class _Journal:
    """The variables assigned while it is open, each with its value before the first assignment."""

    def __init__(self) -> None:
        self.before: list[tuple[Variable, Tensor]] = []
        self._seen: set[int] = set()

    def note(self, variable: Variable) -> None:
        if id(variable) not in self._seen:
            self._seen.add(id(variable))
            # NOTE: the base class's method: keras.Variable makes `value` a property.
            self.before.append((variable, Variable.value(variable)))


@contextlib.contextmanager
def variable_journal() -> Iterator[_Journal]:
    """Notes, on this thread, every Variable assigned inside the block and its earlier value
    (keras.remat replays a function's state updates from there)."""
    journal = _Journal()
    stack = _JOURNALS.__dict__.setdefault("stack", [])
    stack.append(journal)
    try:
        yield journal
    finally:
        stack.pop()


def _note_assignment(variable: Variable) -> None:
    for journal in getattr(_JOURNALS, "stack", ()):
        journal.note(variable)


def note_assignments(variables: Iterable[Variable]) -> None:
    """Tells the open journals about variables that an engine call (a fused optimizer
    step) is about to update in place without going through `assign`."""
    if getattr(_JOURNALS, "stack", None):
        for variable in variables:
            _note_assignment(variable)


def stop_gradient(input: ArrayLike) -> Tensor:  # noqa: A002  (TensorFlow's argument name)
    """The same values, with no gradient flowing back through them."""
    return _C.stop_gradient(asarray(input, copy=None))


def _flatten(structure: Any, leaves: list[Any]) -> list[Any]:
    if isinstance(structure, dict):
        for key in sorted(structure):
            _flatten(structure[key], leaves)
    elif isinstance(structure, (list, tuple)):
        for item in structure:
            _flatten(item, leaves)
    else:
        leaves.append(structure)
    return leaves


def _unflatten(structure: Any, leaves: Iterator[Any]) -> Any:
    if isinstance(structure, dict):
        return {key: _unflatten(structure[key], leaves) for key in sorted(structure)}
    if isinstance(structure, tuple) and hasattr(structure, "_fields"):
        return type(structure)(*(_unflatten(item, leaves) for item in structure))
    if isinstance(structure, (list, tuple)):
        return type(structure)(_unflatten(item, leaves) for item in structure)
    return next(leaves)


class GradientTape:
    """Records operations for automatic differentiation (tf.GradientTape).

    Args:
        persistent: allow several `gradient` calls (the records are kept until the tape
            is garbage collected).
        watch_accessed_variables: watch trainable Variables automatically when read.

    Example:
        >>> w = swiftdl.Variable([1.0, 2.0])
        >>> with swiftdl.GradientTape() as tape:
        ...     loss = (w * w).sum()
        >>> tape.gradient(loss, w)   # 2 * w
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True) -> None:
        self._persistent = bool(persistent)
        self._watch_accessed_variables = bool(watch_accessed_variables)
        self._tape = _C.tape_new(self._persistent, self._watch_accessed_variables)
        self._entered = False
        self._used = False

    def __enter__(self) -> GradientTape:
        _C.tape_enter(self._tape)
        self._entered = True
        return self

    def __exit__(self, *exc_info: object) -> Literal[False]:
        if self._entered:
            _C.tape_exit(self._tape)
            self._entered = False
        return False

    def watch(self, tensor: Any) -> None:
        """Makes the tape follow gradients into `tensor` (or every tensor in a structure)."""
        for leaf in _flatten(tensor, []):
            if not isinstance(leaf, Tensor):
                raise TypeError(f"GradientTape.watch expects swiftdl tensors or Variables; received {type(leaf).__name__}")
            _C.tape_watch(self._tape, leaf)

    def watched_variables(self) -> list[Any]:
        """The trainable Variables the tape follows (watched, or read while it recorded), in
        the order it first saw them."""
        return [_VARIABLES.get(_C.tensor_identity(v), v) for v in _C.tape_watched_variables(self._tape)]

    def stop_recording(self) -> _PausedRecording:
        """A context manager inside which ops run without being recorded."""
        return _PausedRecording(self)

    def reset(self) -> None:
        """Forgets everything recorded so far."""
        was_entered = self._entered
        if was_entered:
            _C.tape_exit(self._tape)
        self._tape = _C.tape_new(self._persistent, self._watch_accessed_variables)
        if was_entered:
            _C.tape_enter(self._tape)

    # Told of each gradient as soon as the backward pass has finished it (see gradient_as_ready).
    _on_ready: Callable[[int, Any], Any] | None = None

    def gradient_as_ready(self, target: Any, sources: list[Any], on_ready: Callable[[int, Any], Any]) -> list[Any]:
        """`gradient(target, sources)` for a flat list of sources, calling `on_ready(i, gradient)`
        during the backward pass as soon as the gradient of `sources[i]` will receive no more
        contributions (once per source; gradient is None where there is none). While the last
        call returned something true, `on_ready(-1, None)` also comes after the backward of
        every other recorded op (a chance to progress work in flight). Data-parallel training
        starts each bucket's allreduce from here while the rest of the backward pass runs. An
        exception raised by `on_ready` ends the pass and propagates."""
        self._on_ready = on_ready
        try:
            return self.gradient(target, list(sources))
        finally:
            self._on_ready = None

    def gradient(self, target: Any, sources: Any, output_gradients: Any = None,
                 unconnected_gradients: Literal["none", "zero"] = "none") -> Any:
        """Gradients of `target` with respect to `sources`.

        Args:
            target: a float tensor, or a list or nested structure of them (their sum is
                differentiated); a non-scalar target is summed, as in TensorFlow.
            sources: a tensor, a Variable, or a nested list/tuple/dict of them.
            output_gradients: optional weights for the target's elements (same shape), or a
                structure like `target`'s with one entry (or None) per target.
            unconnected_gradients: "none" (default) gives None for sources the target does
                not depend on or the tape does not follow; "zero" gives zeros.

        Returns:
            Gradients in the structure of `sources`.

        Raises:
            RuntimeError: on a second call for a non-persistent tape.
            TypeError: for a non-float target or sources that are not tensors.
            ValueError: for output_gradients whose shape differs from the target's.
        """
        if self._used and not self._persistent:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians)")
        if unconnected_gradients not in ("none", "zero"):
            raise ValueError(f"unconnected_gradients must be 'none' or 'zero'; received {unconnected_gradients!r}")
        targets = [t if isinstance(t, Tensor) else asarray(t) for t in _flatten(target, [])]
        if not targets:
            raise ValueError("GradientTape.gradient needs a target; received an empty structure")
        leaves = _flatten(sources, [])
        for leaf in leaves:
            if not isinstance(leaf, Tensor):
                raise TypeError(f"sources must be swiftdl tensors or Variables; received {type(leaf).__name__}")
        seeds = None
        if output_gradients is not None:
            if isinstance(target, (list, tuple, dict)):
                seeds = _flatten(output_gradients, [])
            elif (isinstance(output_gradients, (list, tuple)) and len(output_gradients) == 1
                  and isinstance(output_gradients[0], (Tensor, np.ndarray))):
                seeds = list(output_gradients)  # TensorFlow's one-entry list for one target
            else:
                seeds = [output_gradients]
            if len(seeds) != len(targets):
                raise ValueError(f"output_gradients must have one entry per target; received {len(seeds)} "
                                 f"for {len(targets)} targets")
            seeds = [None if s is None else asarray(s, copy=None) for s in seeds]
        gradients = _C.tape_gradient(self._tape, targets, leaves, seeds, self._on_ready)
        self._used = True
        if unconnected_gradients == "zero":
            from ._creation import zeros_like
            gradients = [zeros_like(leaf) if g is None else g for g, leaf in zip(gradients, leaves)]
        return _unflatten(sources, iter(gradients))


class _PausedRecording:
    def __init__(self, tape: GradientTape) -> None:
        self._tape = tape

    def __enter__(self) -> _PausedRecording:
        _C.tape_set_recording(self._tape._tape, False)
        return self

    def __exit__(self, *exc_info: object) -> Literal[False]:
        _C.tape_set_recording(self._tape._tape, True)
        return False
