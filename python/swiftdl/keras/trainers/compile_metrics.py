"""The metrics given to `compile()`, held as one metric named "compile_metrics", as Keras 3's
CompileMetrics is: `model.metrics` lists it after the loss tracker, so a custom `train_step`
that returns `{m.name: m.result() for m in self.metrics}` reports every compiled metric.

Built on the first batch (the labels' and predictions' shapes choose which accuracy
"accuracy" means). `metrics` are updated without sample weights and `weighted_metrics` with
them, as in Keras 3."""
from __future__ import annotations

from typing import Any, Callable

from .. import metrics as metrics_module
from ..layers.keras_tensor import flatten


class CompileMetrics(metrics_module.Metric):
    """One metric over all compiled metrics; `result()` is a dict of their results."""

    def __init__(self, metrics: Any, weighted_metrics: Any, output_names: Callable[[], list[str]]) -> None:
        super().__init__(name="compile_metrics")
        for argument, value in (("metrics", metrics), ("weighted_metrics", weighted_metrics)):
            if value is not None and not isinstance(value, (list, tuple, dict)):
                raise TypeError(f"Type of `{argument}` argument not understood. Expected a list or dictionary, found: "
                                f"{type(value).__name__}")
        self._user_metrics = metrics
        self._user_weighted_metrics = weighted_metrics
        self._output_names = output_names
        self.built = False
        # (log name, metric, output index, weighted), in Keras's order: unweighted first.
        self._entries: list[tuple[str, Any, int, bool]] = []

    @property
    def metrics(self) -> list[Any]:
        return [metric for _, metric, _, _ in self._entries]

    @property
    def variables(self) -> list[Any]:
        return [variable for metric in self.metrics for variable in getattr(metric, "variables", [])]

    def build(self, y_true: Any, y_pred: Any) -> None:
        targets, outputs = _as_list(y_true), _as_list(y_pred)
        names: list[str | None] = list(self._output_names()) if len(outputs) > 1 else [None]
        taken: dict[str, int] = {}
        for weighted, user in ((False, self._user_metrics), (True, self._user_weighted_metrics)):
            for index, identifiers in enumerate(_per_output(user, len(outputs), names)):
                for identifier in identifiers:
                    metric = metrics_module.resolve_for_compile(identifier, targets[index], outputs[index])
                    self._entries.append((_unique_name(metric.name, names[index], weighted, taken), metric, index,
                                          weighted))
        self.built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        if not self.built:
            self.build(y_true, y_pred)
        targets, outputs = _as_list(y_true), _as_list(y_pred)
        weights = _as_list(sample_weight) if sample_weight is not None else [None]
        for _, metric, index, weighted in self._entries:
            weight = (weights[index] if index < len(weights) else weights[0]) if weighted else None
            metric.update_state(targets[index], outputs[index], sample_weight=weight)

    def reset_state(self) -> None:
        for metric in self.metrics:
            metric.reset_state()

    def result(self) -> dict[str, Any]:
        if not self.built:
            raise ValueError("Cannot get result() since the metric has not yet been built.")
        return {name: metric.result() for name, metric, _, _ in self._entries}


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else flatten(value) if isinstance(value, dict) else [value]


def _per_output(user: Any, count: int, names: list[str | None]) -> list[list[Any]]:
    """The metric identifiers for each output: one list applies to a single output; a list
    with one entry per output, or a dict by output name, assigns them; a shorter flat list
    applies to every output."""
    if not user:
        return [[] for _ in range(count)]
    if isinstance(user, dict):
        unknown = [key for key in user if key not in names]
        if unknown:
            raise ValueError(f"Invalid `metrics`: keys {unknown} are not output names of the model {names}")
        return [_listed(user.get(name)) for name in names]
    if count > 1 and len(user) == count:
        return [_listed(entry) for entry in user]
    return [list(user) for _ in range(count)]


def _listed(entry: Any) -> list[Any]:
    if entry is None:
        return []
    return list(entry) if isinstance(entry, (list, tuple)) else [entry]


def _unique_name(name: str, output: str | None, weighted: bool, taken: dict[str, int]) -> str:
    """Keras's log names: `<output>_<metric>` for several outputs, `weighted_` for a weighted
    metric whose name an unweighted one already has, `_1`, `_2`... for further repeats."""
    full = f"{output}_{name}" if output else name
    if full in taken and weighted:
        full = f"{output}_weighted_{name}" if output else f"weighted_{name}"
    if full in taken:
        taken[full] += 1
        return f"{full}_{taken[full] - 1}"
    taken[full] = 1
    return full
