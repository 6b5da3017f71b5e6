"""compile / fit / evaluate / predict with Keras 3's semantics, logs and printed output."""
from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

import numpy as np

import swiftdl as _sd
from swiftdl import _C

from .. import losses as losses_module
from .. import metrics as metrics_module
from .. import tree
from ..layers.keras_tensor import flatten
from ..utils.data_adapter import pack_x_y_sample_weight, unpack_x_y_sample_weight
from . import data as data_utils
from .compile_metrics import CompileMetrics
from .distributed_fit import distributed_fit

if TYPE_CHECKING:
    from swiftdl.optimizers import Optimizer

    from ..callbacks import Callback, History


class Trainer:
    """The training half of Model."""

    def __init__(self):
        self.compiled = False
        self.optimizer = None
        self.loss = None
        self.stop_training = False
        self.history = None
        self._loss_tracker = None
        self._compile_losses = None
        self._compile_metrics = None

    # ---- compile ---------------------------------------------------------------------
    def compile(self, optimizer: str | Optimizer = "rmsprop", loss: Any = None, loss_weights: Any = None,
                metrics: Any = None, weighted_metrics: Any = None, run_eagerly: bool = False,
                steps_per_execution: int = 1, jit_compile: str | bool = "auto", auto_scale_loss: bool = True) -> None:
        """Configures training: the optimizer, the loss and the metrics (names or objects)."""
        from swiftdl import optimizers
        self.optimizer = optimizers.get(optimizer)
        self.loss = loss
        if isinstance(loss, (list, tuple)):
            self._compile_losses = [losses_module.resolve(l) for l in loss]
        elif isinstance(loss, dict):
            self._compile_losses = {k: losses_module.resolve(l) for k, l in loss.items()}
        else:
            self._compile_losses = losses_module.resolve(loss)
        self._loss_weights = loss_weights
        self._compile_metrics = None
        if metrics is not None or weighted_metrics is not None:
            self._compile_metrics = CompileMetrics(metrics, weighted_metrics, self._output_names)
        for user in (metrics, weighted_metrics):
            for identifier in flatten(list(user.values()) if isinstance(user, dict) else list(user or [])):
                if isinstance(identifier, str) and identifier.lower() not in ("accuracy", "acc"):
                    metrics_module.get(identifier)  # unknown names fail here, at compile time
        self._loss_tracker = metrics_module.Mean(name="loss")
        self.compiled = True
        self.stop_training = False

    def _assert_compiled(self, method):
        if not self.compiled:
            raise ValueError(f"You must call `compile()` before calling `{method}()`.")

    @property
    def metrics(self):
        """The loss tracker and the compiled metrics (one `compile_metrics` entry), as Keras 3 lists them."""
        found = []
        if self._loss_tracker is not None:
            found.append(self._loss_tracker)
        if self._compile_metrics is not None:
            found.append(self._compile_metrics)
        return found

    @property
    def metrics_names(self):
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        for metric in self.metrics:
            metric.reset_state()

    # ---- one step ------------------------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss (summed over outputs, weighted) plus the layers' losses."""
        if self._compile_losses is None:
            total = None
        else:
            outputs = y_pred if isinstance(y_pred, (list, tuple)) else [y_pred]
            names = self._output_names() if len(outputs) > 1 else None
            targets = self._per_output(y, names, "targets")
            losses = self._compile_losses
            if isinstance(losses, dict):
                losses = self._per_output(losses, names, "loss", missing=None)
            elif not isinstance(losses, list):
                losses = [losses] * len(outputs)
            if len(targets) != len(outputs):
                raise ValueError(f"The model has {len(outputs)} outputs but received {len(targets)} targets")
            weights = self._loss_weights
            weights = ([1.0] * len(outputs) if weights is None
                       else self._per_output(weights, names, "loss_weights", missing=1.0))
            total = None
            for loss_fn, target, output, weight in zip(losses, targets, outputs, weights):
                if loss_fn is None:
                    continue
                value = loss_fn(target, output, sample_weight)
                value = value * float(weight) if weight != 1.0 else value
                total = value if total is None else total + value
        for extra in self.losses:
            total = extra if total is None else total + extra
        if total is None:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        return total

    def _compute_loss(self, x, y, y_pred, sample_weight, training):
        """compute_loss, with `training` only when its signature takes it (an override
        written for Keras 2's compute_loss(x, y, y_pred, sample_weight) has none)."""
        if _takes_training(type(self).compute_loss):
            return self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training)
        return self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)

    def _per_output(self, value, names, what, missing=KeyError):
        """`value` as a list in the model's output order: a dict is read by output name (as
        Keras matches losses, loss weights and targets to outputs), a list or tuple as given."""
        if isinstance(value, dict):
            if names is None:
                if len(value) != 1:
                    raise ValueError(f"The model has one output but {what} has keys {sorted(value)}")
                return list(value.values())
            unknown = sorted(set(value) - set(names))
            if unknown:
                raise ValueError(f"{what} has keys {unknown} that are not output names of the model {names}")
            if missing is KeyError and set(value) != set(names):
                raise ValueError(f"{what} needs an entry for every output {names}; received keys {sorted(value)}")
            return [value.get(name, missing) for name in names]
        return list(value) if isinstance(value, (list, tuple)) else [value]

    def _output_names(self):
        outputs = getattr(self, "outputs", None) or []
        names = []
        for tensor in outputs:
            history = getattr(tensor, "_keras_history", None)
            names.append(history[0].name if history else f"output_{len(names)}")
        return names

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Updates the compiled metrics with this batch and returns every metric's result."""
        if self._compile_metrics is not None:
            if isinstance(y, dict) and isinstance(y_pred, (list, tuple)):
                y = self._per_output(y, self._output_names() if len(y_pred) > 1 else None, "targets")
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self):
        """Every metric's result by name, the compiled metrics' dict spread out."""
        results = {}
        for metric in self.metrics:
            if isinstance(metric, CompileMetrics) and not metric.built:
                continue
            result = metric.result()
            if isinstance(result, dict):
                results.update(result)
            else:
                results[metric.name] = result
        return results

    def _get_metrics_result_or_logs(self, logs):
        """The metrics' results when the last step's logs name the same metrics; otherwise
        (a custom step returning logs of its own) those logs, nested dicts spread out, as
        Keras does."""
        results = self.get_metrics_result()
        if isinstance(logs, dict) and set(logs) == set(results):
            return results
        return flatten_logs(logs) if isinstance(logs, dict) else results

    # NOTE: the steps receive each batch as Keras gives it (`pack_x_y_sample_weight`): x
    # alone, (x, y) or (x, y, sample_weight). Users' overrides unpack it themselves.
    def train_step(self, data):
        """One optimizer step on a batch; returns the metrics' running results."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        self._clear_losses()
        with _sd.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self._compute_loss(x, y, y_pred, sample_weight, training=True)
            # As Keras: the gradients are of the scaled loss (LossScaleOptimizer, loss_scale_factor),
            # which the optimizer unscales; the loss tracker sees the loss unscaled.
            scaled_loss = self.optimizer.scale_loss(loss) if self.optimizer is not None else loss
        batch_size = flatten(x)[0].shape[0]
        self._loss_tracker.update_state(loss, sample_weight=batch_size)
        variables = self.trainable_variables
        if variables:
            gradients = self._backward(tape, scaled_loss, variables)
            self.optimizer.apply_gradients(zip(gradients, variables))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def _backward(self, tape, loss, variables):
        """The gradients of `loss`. Across MPI processes the optimizer may reduce each bucket
        of them while the backward pass still runs (swiftdl/distributed/overlap.py)."""
        begin = getattr(self.optimizer, "_begin_overlapped_reduction", None)
        overlapped = begin(variables) if begin is not None else None
        if overlapped is None:
            return tape.gradient(loss, variables)
        try:
            return tape.gradient_as_ready(loss, variables, overlapped.on_ready)
        except BaseException:
            self.optimizer._overlapped = None  # never completed by a later step's apply_gradients
            raise

    def test_step(self, data):
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        self._clear_losses()
        y_pred = self(x, training=False)
        loss = self._compute_loss(x, y, y_pred, sample_weight, training=False)
        self._loss_tracker.update_state(loss, sample_weight=flatten(x)[0].shape[0])
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    # ---- loops ---------------------------------------------------------------------------
    def _callbacks(self, callbacks, verbose, epochs, steps, history=True):
        from ..callbacks import CallbackList, History, ProgbarLogger
        user = list(callbacks or [])
        found = []
        if history and not any(isinstance(c, History) for c in user):
            self.history = History()
            found.append(self.history)
        elif history:
            self.history = next(c for c in user if isinstance(c, History))
        if verbose and not any(isinstance(c, ProgbarLogger) for c in user):
            found.append(ProgbarLogger())
        return CallbackList(user + found, model=self, params={"verbose": verbose, "epochs": epochs, "steps": steps})

    def _batches(self, x, y, sample_weight, batch_size, shuffle=False, steps=None):
        """The epoch source for x: arrays are sliced here; datasets, generators and
        PyDatasets go through Keras's EpochIterator rules."""
        from ..utils import data_adapter
        if data_adapter.is_data_source(x):
            return data_adapter.EpochIterator(x, y, sample_weight, steps_per_epoch=steps)
        x, y = data_utils.structure_to_tensors(x), data_utils.structure_to_tensors(y)
        sample_weight = data_utils.structure_to_tensors(sample_weight)
        return data_utils.ArrayBatches(x, y, sample_weight, batch_size, shuffle=shuffle, steps=steps)

    def fit(self, x: Any = None, y: Any = None, batch_size: int | None = None, epochs: int = 1,
            verbose: str | int = "auto", callbacks: list[Callback] | None = None, validation_split: float = 0.0,
            validation_data: Any = None, shuffle: bool = True, class_weight: dict[int, float] | None = None,
            sample_weight: Any = None, initial_epoch: int = 0, steps_per_epoch: int | None = None,
            validation_steps: int | None = None, validation_batch_size: int | None = None,
            validation_freq: int = 1) -> History:
        """Trains for `epochs` epochs over (x, y) in batches; returns a History.

        x may be arrays (with y), a swiftdl.data.Dataset, a keras.utils.PyDataset or a
        generator of (x, y[, sample_weight]) batches.
        """
        from ..utils import data_adapter
        self._assert_compiled("fit")
        batch_size = data_utils.check_batch_size(batch_size)
        epochs, steps_per_epoch = _capped_epochs(epochs), _capped_steps(steps_per_epoch)
        verbose = 1 if verbose == "auto" else int(verbose)
        training: Any  # an ArrayBatches or an EpochIterator: the same epoch interface
        if data_adapter.is_data_source(x):
            if validation_split:
                raise ValueError("`validation_split` is only supported for arrays; pass `validation_data` instead")
            if class_weight is not None:
                raise ValueError("`class_weight` is only supported for arrays; give the batches sample weights instead")
            training = data_adapter.EpochIterator(x, y, sample_weight, steps_per_epoch=steps_per_epoch)
        else:
            x, y = data_utils.structure_to_tensors(x), data_utils.structure_to_tensors(y)
            sample_weight = data_utils.structure_to_tensors(sample_weight)
            if validation_data is None and validation_split:
                (x, y, sample_weight), validation_data = data_utils.split_validation(x, y, sample_weight, validation_split)
            if class_weight is not None:
                sample_weight = data_utils.class_weight_to_sample_weight(y, class_weight, sample_weight)
            training = data_utils.ArrayBatches(x, y, sample_weight, batch_size, shuffle=shuffle, steps=steps_per_epoch)
        parallel = distributed_fit(self, training)
        if parallel is not None:
            training = parallel.batches or training
            verbose, callbacks = parallel.verbose(verbose), parallel.callbacks(callbacks)
        validation = None
        if validation_data is not None:
            if data_adapter.is_data_source(validation_data):
                validation = data_adapter.EpochIterator(validation_data, steps_per_epoch=validation_steps)
            else:
                val_x, val_y, val_w = data_utils.unpack_validation_data(validation_data)
                validation = self._batches(val_x, val_y, val_w, validation_batch_size or batch_size, steps=validation_steps)

        callback_list = self._callbacks(callbacks, verbose, epochs, training.num_batches)
        self.stop_training = False
        callback_list.on_train_begin()
        # A BackupAndRestore callback that restored a backup says where to resume.
        initial_epoch = self.__dict__.pop("_initial_epoch", None) or initial_epoch
        if parallel is not None:
            initial_epoch = parallel.initial_epoch(initial_epoch)
        training_logs = None
        from swiftdl.distributed import data_parallel
        data_parallel._ACTIVE[0] = parallel.state if parallel is not None else None
        try:
            for epoch in range(initial_epoch, epochs):
                self.reset_metrics()
                callback_list.on_epoch_begin(epoch)
                logs = None
                if parallel is not None:
                    parallel.epoch_begin()
                for step, batch in training.enumerate_epoch():
                    callback_list.on_train_batch_begin(step)
                    logs = self.train_step(pack_x_y_sample_weight(*batch))
                    callback_list.on_train_batch_end(step, logs)
                    if self.stop_training and (parallel is None or parallel.stops_each_step_alone()):
                        break
                epoch_logs = self._get_metrics_result_or_logs(logs)
                if parallel is not None:  # History holds the metrics over all ranks' samples
                    epoch_logs = parallel.epoch_logs(epoch_logs)
                if validation is not None and (epoch + 1) % validation_freq == 0:
                    val_logs = self._evaluate_loop(validation, callback_list)
                    epoch_logs.update({f"val_{name}": value for name, value in val_logs.items()})
                callback_list.on_epoch_end(epoch, epoch_logs)
                training_logs = epoch_logs
                if parallel is not None:
                    self.stop_training = parallel.agree_to_stop(self.stop_training)
                if self.stop_training:
                    break
        finally:
            data_parallel._ACTIVE[0] = None
            # Training's freed activations and gradients are kept for the next step's
            # requests of their sizes; with training over they would stay resident under
            # predict's own buffers (another batch size). Retired, they still serve the next
            # fit, but predict's requests replace them instead of adding to them.
            _C.retire_cached_memory()
        callback_list.on_train_end(training_logs)
        return self.history

    def _evaluate_loop(self, batches, callback_list):
        self.reset_metrics()
        callback_list.on_test_begin()
        logs = None
        for step, batch in batches.enumerate_epoch():
            callback_list.on_test_batch_begin(step)
            logs = self.test_step(pack_x_y_sample_weight(*batch))
            callback_list.on_test_batch_end(step, logs)
        logs = self._get_metrics_result_or_logs(logs)
        callback_list.on_test_end(logs)
        return logs

    def evaluate(self, x: Any = None, y: Any = None, batch_size: int | None = None, verbose: str | int = "auto",
                 sample_weight: Any = None, steps: int | None = None, callbacks: list[Callback] | None = None,
                 return_dict: bool = False) -> Any:
        """Loss and metrics over (x, y): a scalar, a list (loss first), or a dict."""
        self._assert_compiled("evaluate")
        batch_size = data_utils.check_batch_size(batch_size)
        verbose = 1 if verbose == "auto" else int(verbose)
        batches = self._batches(x, y, sample_weight, batch_size, steps=_capped_steps(steps))
        callback_list = self._callbacks(callbacks, verbose, 1, batches.num_batches, history=False)
        logs = self._evaluate_loop(batches, callback_list)
        if return_dict:
            return logs
        return self._flatten_in_order(logs)

    def predict(self, x: Any, batch_size: int | None = None, verbose: str | int = "auto", steps: int | None = None,
                callbacks: list[Callback] | None = None) -> Any:
        """Runs the model on x in batches and returns numpy arrays."""
        batch_size = data_utils.check_batch_size(batch_size)
        verbose = 1 if verbose == "auto" else int(verbose)
        batches = self._batches(x, None, None, batch_size, steps=_capped_steps(steps))
        callback_list = self._callbacks(callbacks, verbose, 1, batches.num_batches, history=False)
        callback_list.on_predict_begin()
        pieces = []
        for step, (batch_x, _, _) in batches.enumerate_epoch():
            callback_list.on_predict_batch_begin(step)
            output = self.predict_step(pack_x_y_sample_weight(batch_x))
            pieces.append(tree.map_structure(np.asarray, output))
            callback_list.on_predict_batch_end(step, {"outputs": output})
        callback_list.on_predict_end()
        if not pieces:
            return np.zeros((0,), np.float32)
        # The batches keep the model's output structure (a list, a tuple, a dict of outputs), as Keras's do.
        return tree.map_structure(lambda *batches: np.concatenate(batches), *pieces)

    def train_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, class_weight: dict[int, float] | None = None,
                       return_dict: bool = False) -> Any:
        self._assert_compiled("train_on_batch")
        data = (data_utils.structure_to_tensors(v) for v in (x, y, sample_weight))
        logs = self.train_step(pack_x_y_sample_weight(*data))
        return logs if return_dict else self._flatten_in_order(logs)

    def test_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, return_dict: bool = False) -> Any:
        self._assert_compiled("test_on_batch")
        data = (data_utils.structure_to_tensors(v) for v in (x, y, sample_weight))
        logs = self.test_step(pack_x_y_sample_weight(*data))
        return logs if return_dict else self._flatten_in_order(logs)

    def predict_on_batch(self, x: Any) -> Any:
        output = self.predict_step(pack_x_y_sample_weight(data_utils.structure_to_tensors(x)))
        if isinstance(output, (list, tuple)):
            return [np.asarray(o) for o in output]
        return np.asarray(output)

    def _flatten_in_order(self, logs):
        """The logs as Keras's evaluate returns them: the model's metrics in order (the
        compiled ones by their log names), then any other entries by name; one is a scalar."""
        logs = flatten_logs(logs)
        names = []
        for metric in self.metrics:
            if isinstance(metric, CompileMetrics):
                names.extend(metric.result() if metric.built else [])
            else:
                names.append(metric.name)
        ordered = [logs[name] for name in names if name in logs]
        ordered += [logs[name] for name in sorted(logs) if name not in names]
        return ordered[0] if len(ordered) == 1 else ordered


def flatten_logs(logs):
    """Logs with nested dicts (a metric whose result is a dict) spread into one level."""
    flat = {}
    for key, value in (logs or {}).items():
        if isinstance(value, dict):
            flat.update(flatten_logs(value))
        else:
            flat[key] = value
    return flat


def _capped_epochs(epochs):
    """`epochs`, no more than keras.config.max_epochs() when that is set."""
    from .. import config
    limit = config.max_epochs()
    return epochs if limit is None else min(epochs, limit)


def _capped_steps(steps):
    """`steps` per epoch, no more than keras.config.max_steps_per_epoch() when that is set."""
    from .. import config
    limit = config.max_steps_per_epoch()
    if limit is None:
        return steps
    return limit if steps is None else min(steps, limit)


_TAKES_TRAINING: dict = {}


def _takes_training(function):
    """Whether a compute_loss function accepts `training` (asked once per function: reading
    a signature costs more than a small training step's Python)."""
    answer = _TAKES_TRAINING.get(function)
    if answer is None:
        parameters = inspect.signature(function).parameters
        answer = "training" in parameters or any(p.kind == inspect.Parameter.VAR_KEYWORD for p in parameters.values())
        _TAKES_TRAINING[function] = answer
    return answer
