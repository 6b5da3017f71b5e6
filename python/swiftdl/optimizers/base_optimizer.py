"""The Keras 3 optimizer contract over swiftdl's fused engine updates.

Python keeps what users see (arguments, slot Variables, `iterations`, the learning rate
and its schedule, configs); every number is updated by one native call per step
(Sources/SwiftDL/Optimizers/), which updates all variables and slots in place.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Sequence, Union

import numbers
import re
import warnings

import numpy as np

from .._autograd import Variable, note_assignments
from .._convert import asarray
from .._tensor import Tensor
from . import schedules as _schedules

# A learning rate: a float, a schedule, or a callable of the step.
_LearningRate = Union[float, _schedules.LearningRateSchedule, Callable[..., Any]]

_NAME_COUNTS: dict[str, int] = {}


def _auto_name(class_name: str) -> str:
    """Keras's default object names: snake_case of the class name, made unique."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", class_name)
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()
    count = _NAME_COUNTS.get(name, 0)
    _NAME_COUNTS[name] = count + 1
    return name if count == 0 else f"{name}_{count}"


def _optional_positive(value: Any, what: str) -> float | None:
    if value is None:
        return None
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"`{what}` must be a float or None; received {value!r}")
    return float(value)


class Optimizer:
    """Base class of swiftdl's optimizers, with Keras 3's arguments and behaviour.

    Args:
        learning_rate: a float, a `swiftdl.optimizers.schedules.LearningRateSchedule`, or a
            callable taking no arguments and returning the rate.
        weight_decay: if set, each step first applies decoupled weight decay
            `variable -= variable * weight_decay * learning_rate`.
        clipnorm: if set, each gradient is rescaled to an L2 norm of at most this.
        clipvalue: if set, each gradient element is clipped to [-clipvalue, clipvalue].
        global_clipnorm: if set, all gradients are rescaled together so that their joint
            L2 norm is at most this. At most one of the three clipping options may be set.
        use_ema: keep an exponential moving average of every variable (slot "average"):
            average ← m·average + (1 - m)·variable after each step, m = ema_momentum (0 on
            the first step). `finalize_variable_values` copies the averages into the variables.
        ema_momentum: the average's momentum (0.99).
        ema_overwrite_frequency: if set, the variables are overwritten with their averages
            every this many steps.
        gradient_accumulation_steps: if set (>= 2), gradients are summed over this many
            calls and every last one applies their mean; `iterations` then counts updates.
        loss_scale_factor: if set, gradients are divided by it before the update.
        name: the optimizer's name (default: from the class name).

    Slot variables (momentums, velocities, ...) are created lazily, per variable, the first
    time that variable is updated.
    """

    def __init__(self, learning_rate: _LearningRate, weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: int | None = None, loss_scale_factor: float | None = None,
                 gradient_accumulation_steps: int | None = None, name: str | None = None, **kwargs: Any) -> None:
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.")
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        if use_ema:
            if ema_momentum > 1 or ema_momentum < 0:
                raise ValueError(f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}")
            if ema_overwrite_frequency and (not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1):
                raise ValueError("`ema_overwrite_frequency` must be an integer >= 1 or None. Received: "
                                 f"ema_overwrite_frequency={ema_overwrite_frequency}")
        if gradient_accumulation_steps and not gradient_accumulation_steps >= 2:
            raise ValueError("`gradient_accumulation_steps` must be an integer >= 2. Received: "
                             f"gradient_accumulation_steps={gradient_accumulation_steps}")
        self.name = name if name is not None else _auto_name(type(self).__name__)
        self.weight_decay = _optional_positive(weight_decay, "weight_decay")
        self.clipnorm = _optional_positive(clipnorm, "clipnorm")
        self.clipvalue = _optional_positive(clipvalue, "clipvalue")
        self.global_clipnorm = _optional_positive(global_clipnorm, "global_clipnorm")
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                             f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}")
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False
        self._iterations = Variable(np.int64(0), trainable=False, name="iteration")
        self._iterations.path = f"{self.name}/iteration"
        self._variables = [self._iterations]
        self._exclude_from_weight_decay: set[int] = set()
        self._exclude_from_weight_decay_pattern: re.Pattern[str] | None = None
        self._slots: dict[str, dict[int, Variable]] = {}  # slot name -> {id(variable): slot Variable}
        self._known: dict[int, Variable] = {}  # id(variable) -> variable, in the order first seen
        self._learning_rate: Any
        if isinstance(learning_rate, _schedules.LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
        elif isinstance(learning_rate, numbers.Real) and not isinstance(learning_rate, bool):
            self._learning_rate = Variable(np.float32(learning_rate), trainable=False, name="learning_rate")
            self._learning_rate.path = f"{self.name}/learning_rate"
            self._variables.append(self._learning_rate)
        else:
            raise ValueError("Argument `learning_rate` should be float, or an instance of LearningRateSchedule, "
                             "or a callable (that takes in the current iteration value and returns the "
                             f"corresponding learning rate value). Received instead: learning_rate={learning_rate}")

    # ---- state ---------------------------------------------------------------------
    @property
    def iterations(self) -> Variable:
        """The number of updates applied so far: the int64 Variable counting calls, or with
        gradient_accumulation_steps that count divided by the steps (a new tensor)."""
        if self.gradient_accumulation_steps:
            return self._iterations // self.gradient_accumulation_steps
        return self._iterations

    def _step_count(self) -> int:
        """`iterations` as a Python int."""
        return int(np.asarray(self.iterations))

    @property
    def variables(self) -> list[Variable]:
        """The optimizer's variables: iterations, the learning rate (when it is a float),
        then every slot variable in creation order."""
        return self._variables[:]

    @property
    def learning_rate(self) -> Any:
        """The current learning rate: the Variable holding it, or the schedule's value at
        the current step."""
        return self._current_learning_rate()

    @learning_rate.setter
    def learning_rate(self, learning_rate: _LearningRate) -> Any:
        if isinstance(learning_rate, _schedules.LearningRateSchedule) or callable(learning_rate):
            if isinstance(self._learning_rate, Variable):
                self._variables = [v for v in self._variables if v is not self._learning_rate]
            self._learning_rate = learning_rate
            return
        if not isinstance(self._learning_rate, Variable):
            if isinstance(self._learning_rate, _schedules.LearningRateSchedule):
                raise TypeError("This optimizer was created with a `LearningRateSchedule` object as its "
                                "`learning_rate` constructor argument, hence its learning rate is not settable. "
                                "If you need the learning rate to be settable, you should instantiate the "
                                "optimizer with a float `learning_rate` argument.")
            self._learning_rate = Variable(np.float32(learning_rate), trainable=False, name="learning_rate")
            self._learning_rate.path = f"{self.name}/learning_rate"
            self._variables.insert(1, self._learning_rate)
            return
        self._learning_rate.assign(np.float32(learning_rate))

    def _current_learning_rate(self) -> Any:
        if isinstance(self._learning_rate, _schedules.LearningRateSchedule):
            return self._learning_rate(self._iterations)
        if isinstance(self._learning_rate, Variable):
            return self._learning_rate
        return self._learning_rate()

    # ---- slots -----------------------------------------------------------------------
    def build(self, variables: Sequence[Variable]) -> None:
        """Creates the slot variables of every variable in `variables` that this optimizer
        has not seen yet. `apply` calls it lazily, so calling it yourself is optional."""
        new = [v for v in variables if id(v) not in self._known]
        for variable in new:
            self._known[id(variable)] = variable
        if new:
            if self.use_ema:
                self.add_optimizer_variables(new, "average")
            if self.gradient_accumulation_steps:
                self.add_optimizer_variables(new, "gradient_accumulator")
            self._build_slots(new)
        self.built = True
        if "_deferred_restore" in self.__dict__:  # a Checkpoint restored before the first step
            from ..train._checkpoint import apply_deferred_restore
            apply_deferred_restore(self)

    def _build_slots(self, variables: Sequence[Variable]) -> None:
        """Subclasses create their slots for `variables` here (add_optimizer_variables)."""

    def add_optimizer_variables(self, variables: Sequence[Variable], names: str | Sequence[str],
                                initializer: float = 0.0) -> None:
        """Creates one slot per variable for each name (interleaved per variable, as Keras)."""
        if isinstance(names, str):
            names = [names]
        for variable in variables:
            for name in names:
                # Keras names a slot after the variable's path ("dense_kernel_momentum").
                label = re.sub(r"[/:]", "_", str(getattr(variable, "path", None) or getattr(variable, "name", "variable")))
                slot = Variable(np.full(variable.shape, initializer, dtype=variable.dtype), trainable=False,
                                name=f"{label}_{name}")
                slot.path = f"{self.name}/{slot.name}"
                self._slots.setdefault(name, {})[id(variable)] = slot
                self._variables.append(slot)

    def _slot_list(self, name: str, variables: Sequence[Variable]) -> Any:
        slots = self._slots.get(name)
        if slots is None:
            return None
        return [slots[id(v)] for v in variables]

    # ---- applying gradients ------------------------------------------------------------
    def apply_gradients(self, grads_and_vars: Iterable[tuple[Any, Variable]]) -> Variable:
        """Applies one step: `optimizer.apply_gradients(zip(grads, variables))`.

        Pairs whose gradient is None are skipped (with a warning), as in Keras.

        Returns:
            The `iterations` Variable.
        """
        pairs = list(grads_and_vars)
        if pairs:
            grads, variables = zip(*pairs)
            self.apply(grads, variables)
        return self._iterations

    def apply(self, grads: Iterable[Any], trainable_variables: Iterable[Variable] | None = None) -> None:
        """Applies `grads` to `trainable_variables` (or to the variables seen so far)."""
        grads = list(grads)
        if len(grads) == 0:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError("When passing `grads` without `variables`, the optimizer must already be built on a "
                                 "list of variables. Call `optimizer.build(trainable_variables)` first.")
            trainable_variables = list(self._known.values())
            if len(grads) != len(trainable_variables):
                raise ValueError(f"Received a list of {len(grads)} gradients, but the optimizer is tracking "
                                 f"{len(trainable_variables)} trainable variables.")
        trainable_variables = list(trainable_variables)
        if len(grads) != len(trainable_variables):
            raise ValueError(f"Received {len(grads)} gradients for {len(trainable_variables)} variables")
        for variable in trainable_variables:
            if not isinstance(variable, Variable):
                raise TypeError(f"{type(self).__name__} can only update swiftdl.Variable objects; received "
                                f"{type(variable).__name__}")
        kept_grads, kept_vars, missing = [], [], []
        for grad, variable in zip(grads, trainable_variables):
            if grad is None:
                missing.append(variable.name)
            else:
                kept_grads.append(grad if isinstance(grad, Tensor) else asarray(grad, copy=None))
                kept_vars.append(variable)
        if not kept_grads:
            raise ValueError("No gradients provided for any variable.")
        if missing:
            warnings.warn(f"Gradients do not exist for variables {missing} when minimizing the loss. If using "
                          "`model.compile()`, did you forget to provide a `loss` argument?")
        self.build(kept_vars)
        if self.loss_scale_factor is not None:
            kept_grads = [g / self.loss_scale_factor for g in kept_grads]
        reduced = self._reduce_gradients(kept_grads, kept_vars)
        if reduced is None:  # a DistributedOptimizer still accumulating local passes
            return
        kept_grads = reduced
        learning_rate = float(np.asarray(self._current_learning_rate()))
        mask = None
        if self.weight_decay and (self._exclude_from_weight_decay or self._exclude_from_weight_decay_pattern):
            mask = [self._use_weight_decay(v) for v in kept_vars]
        options = (learning_rate, self.weight_decay or 0.0, self.clipnorm or 0.0, self.clipvalue or 0.0,
                   self.global_clipnorm or 0.0, mask)
        # A fused step writes the variables and slots in place: let a journal (keras.remat,
        # keras.StatelessScope) note their values first.
        note_assignments(kept_vars + self._variables)
        steps = self.gradient_accumulation_steps
        if steps:
            # Keras: sum gradients for `steps` calls; the last one applies their mean.
            accumulators = self._slot_list("gradient_accumulator", kept_vars)
            if (int(self._iterations.numpy()) + 1) % steps == 0:
                kept_grads = [(g + a) / steps for g, a in zip(kept_grads, accumulators)]
                self._update(options, kept_vars, kept_grads)
                for accumulator in accumulators:
                    accumulator.assign(np.zeros(accumulator.shape, accumulator.dtype))
            else:
                for accumulator, gradient in zip(accumulators, kept_grads):
                    accumulator.assign(accumulator + gradient)
        else:
            self._update(options, kept_vars, kept_grads)
        if self.use_ema:
            self._update_moving_averages()
        self._iterations.assign_add(np.int64(1))
        # Keras projects each updated variable through its constraint after the step.
        for variable in kept_vars:
            if variable.constraint is not None:
                variable.assign(variable.constraint(variable))

    def stateless_apply(self, optimizer_variables: Sequence[Any], grads: Sequence[Any],
                        trainable_variables: Sequence[Any]) -> tuple[list[Tensor], list[Tensor]]:
        """One step applied to the given values (Keras's JAX-style API).

        Args:
            optimizer_variables: values for `self.variables`, in order.
            grads: one gradient per variable the optimizer was built on.
            trainable_variables: values for those variables, in order.

        Returns:
            `(new_trainable_values, new_optimizer_values)`; the real variables are unchanged.
        """
        from ..keras.stateless_scope import optimizer_stateless_apply
        return optimizer_stateless_apply(self, optimizer_variables, grads, trainable_variables)

    def _reduce_gradients(self, gradients: list[Tensor], variables: list[Variable]) -> list[Tensor] | None:
        """Gradients as the step applies them. Under keras.distribution.DataParallel across
        processes, their average over the ranks (weighted by each rank's share of the batch
        inside `fit`); otherwise unchanged. None skips the step."""
        overlapped = self._take_overlapped_reduction(gradients, variables)
        if overlapped is not None:
            return overlapped
        from swiftdl.distributed.data_parallel import active_reduction
        reduction = active_reduction()
        return gradients if reduction is None else reduction(gradients, variables)

    # ---- overlapping the reduction with the backward pass (distributed/overlap.py) ----
    _overlapped: Any = None

    def _begin_overlapped_reduction(self, variables: list[Variable]) -> Any:
        """The trainer asks this before its backward pass: an object whose `on_ready` the pass
        calls as each gradient is final, starting the reduction across processes early; None
        when gradients are not reduced across processes, overlap is off, or this optimizer
        changes the gradients before reducing them (loss_scale_factor, LossScaleOptimizer)."""
        self._overlapped = None
        if self.loss_scale_factor is not None or type(self).apply is not Optimizer.apply:
            return None
        self._overlapped = self._overlapped_reduction(list(variables))
        return self._overlapped

    def _overlapped_reduction(self, variables: list[Variable]) -> Any:
        from swiftdl.distributed.data_parallel import active_overlap
        return active_overlap(variables)

    def _take_overlapped_reduction(self, gradients: list[Tensor], variables: list[Variable]) -> list[Tensor] | None:
        """The reduced gradients, when the overlapped reduction begun for this step reduced
        exactly these; None otherwise (its collectives are completed all the same: every rank
        started them)."""
        overlapped, self._overlapped = self._overlapped, None
        if overlapped is None:
            return None
        if overlapped.matches(gradients, variables):
            return overlapped.finish(gradients, variables)
        overlapped.complete()
        return None

    def _update_moving_averages(self) -> None:
        """Keras's EMA of every variable seen so far, then the periodic overwrite."""
        step = self._step_count()
        momentum = self.ema_momentum if step != 0 else 0.0
        averages = self._slots["average"]
        for key, variable in self._known.items():
            average = averages[key]
            average.assign(average * momentum + variable * (1 - momentum))
        if self.ema_overwrite_frequency and (step + 1) % self.ema_overwrite_frequency == 0:
            self.finalize_variable_values(list(self._known.values()))

    def finalize_variable_values(self, var_list: Sequence[Variable]) -> None:
        """With use_ema, sets each variable in `var_list` to its moving average (Keras calls
        this at the end of `fit`); otherwise does nothing."""
        if not self.use_ema:
            return
        averages = self._slots.get("average", {})
        for variable in var_list:
            if id(variable) not in averages:
                raise ValueError(f"Variable {variable.name!r} has no moving average in this optimizer; "
                                 "was the optimizer applied to it?")
            variable.assign(averages[id(variable)])

    def exclude_from_weight_decay(self, var_list: Sequence[Variable] | None = None,
                                  var_names: Sequence[str] | None = None) -> None:
        """Excludes variables from weight decay, as Keras.

        Args:
            var_list: Variables to exclude.
            var_names: strings (regular expressions); a variable whose name contains a
                match is excluded, e.g. `var_names=["bias"]`.
        """
        self._exclude_from_weight_decay = {id(v) for v in var_list} if var_list else set()
        self._exclude_from_weight_decay_pattern = re.compile("|".join(set(var_names))) if var_names else None

    def _use_weight_decay(self, variable: Variable) -> bool:
        if id(variable) in self._exclude_from_weight_decay:
            return False
        pattern = self._exclude_from_weight_decay_pattern
        return pattern is None or pattern.search(str(variable.name)) is None

    def _update(self, options: tuple[Any, ...], variables: Sequence[Variable], gradients: list[Tensor]) -> None:
        """Runs the engine's fused update; `options` is (learning_rate, weight_decay,
        clipnorm, clipvalue, global_clipnorm, weight_decay_mask) with 0 for "off" and a
        mask of None (every variable decays) or one bool per variable."""
        raise NotImplementedError(f"{type(self).__name__} must implement _update")

    def scale_loss(self, loss: Any) -> Any:
        """Multiplies the loss by `loss_scale_factor` when it is set."""
        return loss * self.loss_scale_factor if self.loss_scale_factor is not None else loss

    # ---- weights and configs ---------------------------------------------------------------
    def get_weights(self) -> list[Any]:
        return [np.array(v) for v in self._variables]

    def set_weights(self, weights: Sequence[Any]) -> None:
        if not self.built:
            raise ValueError("You are calling `set_weights()` on an optimizer that has not yet been built.")
        for variable, weight in zip(self._variables, weights):
            if tuple(variable.shape) != tuple(np.shape(weight)):
                raise ValueError(f"Optimizer variable {variable.name} has shape {tuple(variable.shape)} not "
                                 f"compatible with provided weight shape {tuple(np.shape(weight))}.")
            variable.assign(np.asarray(weight, dtype=variable.dtype))

    def save_own_variables(self, store: Any) -> None:
        """Writes the optimizer's state into `store` ({"0": array, "1": ...}), as Keras."""
        for i, variable in enumerate(self._variables):
            store[str(i)] = np.array(variable)

    def load_own_variables(self, store: Any) -> None:
        """Restores the state written by `save_own_variables` (skipped, with a warning, when
        the number of variables differs, as Keras)."""
        if len(store.keys()) != len(self._variables):
            warnings.warn(f"Skipping variable loading for optimizer '{self.name}', because it has "
                          f"{len(self._variables)} variables whereas the saved optimizer has {len(store.keys())} variables.",
                          stacklevel=2)
            return
        for i, variable in enumerate(self._variables):
            variable.assign(np.asarray(store[str(i)], dtype=variable.dtype))

    def get_config(self) -> dict[str, Any]:
        """The optimizer's arguments as a dict (`from_config` rebuilds it without state)."""
        learning_rate: Any
        if isinstance(self._learning_rate, _schedules.LearningRateSchedule):
            learning_rate = _schedules.serialize(self._learning_rate)
        elif isinstance(self._learning_rate, Variable):
            learning_rate = float(np.asarray(self._learning_rate))
        else:
            learning_rate = self._learning_rate
        return {
            "name": self.name,
            "learning_rate": learning_rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Any:
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = _schedules.deserialize(config["learning_rate"], custom_objects)
        return cls(**config)

    def __repr__(self) -> str:
        return f"<swiftdl.optimizers.{type(self).__name__} name={self.name!r}>"
