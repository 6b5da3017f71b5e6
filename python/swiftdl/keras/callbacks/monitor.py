"""MonitorCallback: the shared "is this epoch's value an improvement?" logic of the callbacks
that watch a metric (ReduceLROnPlateau here; Keras 3 also bases EarlyStopping on it)."""
import operator
import warnings

from .callback import Callback


class MonitorCallback(Callback):
    """Watches `monitor` in the epoch logs, minimising or maximising it.

    Args:
        monitor: the log key, e.g. "val_loss" or "val_auc".
        mode: "min", "max" or "auto" (loss is minimised; a compiled metric is maximised or
            minimised by its `_direction`, as Keras decides).
        baseline: the starting best value, or None.
        min_delta: the smallest change that counts as an improvement.
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__} mode '{mode}' is unknown, fallback to auto mode.", stacklevel=2)
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self):
        if self.mode == "min":
            self.monitor_op = operator.lt
        elif self.mode == "max":
            self.monitor_op = operator.gt
        else:
            name = self.monitor[4:] if self.monitor.startswith("val_") else self.monitor
            if name == "loss":
                self.monitor_op = operator.lt
            for metric in _every_metric(self.model):
                direction = getattr(metric, "_direction", None)
                if metric.name == name and direction in ("up", "down"):
                    self.monitor_op = operator.gt if direction == "up" else operator.lt
            if self.monitor_op is None:
                raise ValueError(f"{type(self).__name__} callback received monitor={self.monitor}, but Keras isn't "
                                 "able to automatically determine whether that metric should be maximized or "
                                 "minimized. Pass `mode='max'` in order to monitor based on the highest metric "
                                 "value, or pass `mode='min'` in order to use the lowest value.")
        if self.monitor_op is operator.lt:
            self.min_delta *= -1

    def _is_improvement(self, value, reference):
        if reference is None:
            return True
        return self.monitor_op(value - self.min_delta, reference)


def _every_metric(model):
    """The model's metrics with the compiled ones spread out of their `compile_metrics` entry."""
    from ..trainers.compile_metrics import CompileMetrics
    found = []
    for metric in getattr(model, "metrics", None) or []:
        found.extend(metric.metrics if isinstance(metric, CompileMetrics) else [metric])
    return found
