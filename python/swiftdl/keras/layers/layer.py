"""The Keras layer contract: __init__ stores config, build creates weights with add_weight,
call computes, get_config round-trips, compute_output_shape gives shapes symbolically."""
from __future__ import annotations

import functools
import inspect
import threading
from typing import Any, Sequence

import numpy as np

import swiftdl as _sd
from swiftdl._autograd import Variable

from .. import constraints, initializers, regularizers
from ..backend import floatx, to_snake_case, unique_name
from ..name_scope import current_path, name_scope, scoped
from ..remat_scope import get_current_remat_mode, rematerialized_call
from .input_spec import assert_input_compatibility
from .keras_tensor import KerasTensor, Node, flatten, holds_keras_tensor, map_structure


class Layer:
    """Base class of every swiftdl.keras layer (and of Model).

    Args:
        trainable: whether the layer's weights are updated by training.
        name: the layer's name; by default the snake-cased class name made unique
            (`dense`, `dense_1`, ...).
        dtype: the dtype of the layer's weights (keras.config.floatx(), "float32" unless
            set_floatx changed it), or a DTypePolicy.
        input_shape: for the first layer of a Sequential model, the shape of one sample.
    """

    # Layers that multiply their inputs with float weights take bool and integer inputs as
    # their float dtype, as Keras's ops promote them (one-hot bools into an LSTM).
    _casts_inputs_to_float = False
    # An InputSpec (or a list, one per input) that calls are checked against; None: no check.
    input_spec = None
    # Where the layer's name scope sits: the scopes open when it was first opened (Keras's
    # rule, so a layer built inside a Sequential or another layer has `parent/name` paths
    # and keeps them wherever it is called later). `path` is set when it builds.
    _parent_path: str | None = None
    _path: str | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Every build runs in the layer's name scope, also when user code calls
        # `layer.build(shape)` itself, so the weights it creates get Keras's paths.
        if "build" in cls.__dict__:
            cls.build = _in_own_name_scope(cls.__dict__["build"])

    def __init__(self, *, trainable=True, name=None, dtype=None, activity_regularizer=None, **kwargs):
        input_shape = kwargs.pop("input_shape", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        input_dim = kwargs.pop("input_dim", None)
        batch_size = kwargs.pop("batch_size", None)
        kwargs.pop("autocast", None)
        if kwargs:
            raise TypeError(f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}")
        self.__dict__.setdefault("_layers", [])
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        if batch_input_shape is not None:
            self._batch_input_shape = tuple(batch_input_shape)
        elif input_shape is not None:
            self._batch_input_shape = (batch_size,) + tuple(input_shape)
        else:
            self._batch_input_shape = None
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self._remat_mode = get_current_remat_mode()  # as Keras: the RematScope where the layer is made
        self._trainable = bool(trainable)
        self.built = False
        self.dtype = _dtype_name(dtype)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self._trainable_variables = []
        self._non_trainable_variables = []
        self._regularized_weights = []
        self._added_losses = []
        self._inbound_nodes = []
        self.supports_masking = False

    # ---- sublayer tracking ----------------------------------------------------------
    def __setattr__(self, name, value):
        if not name.startswith("_"):
            layers = self.__dict__.setdefault("_layers", [])
            candidates = value if isinstance(value, (list, tuple)) else [value]
            for candidate in candidates:
                if isinstance(candidate, Layer) and candidate is not self and all(candidate is not l for l in layers):
                    layers.append(candidate)
                elif isinstance(candidate, Variable) and "_trainable_variables" in self.__dict__:
                    self._track_variable(candidate)
        object.__setattr__(self, name, value)

    def _track_layer(self, layer):
        """Tracks a sublayer held under a private name (Keras's `_query_dense`, ...), which
        attribute assignment leaves untracked; returns it."""
        layers = self.__dict__.setdefault("_layers", [])
        if all(layer is not known for known in layers):
            layers.append(layer)
        return layer

    def _track_variable(self, variable):
        """A Variable set as an attribute (`self.w = keras.Variable(...)` in build) becomes
        one of the layer's weights, as in Keras."""
        if any(variable is v for v in self._trainable_variables + self._non_trainable_variables):
            return
        (self._trainable_variables if variable.trainable else self._non_trainable_variables).append(variable)

    def _flatten_layers(self):
        for layer in self.__dict__.get("_layers", []):
            yield layer
            yield from layer._flatten_layers()

    # ---- weights ---------------------------------------------------------------------
    def add_weight(self, shape: Sequence[int] | None = None, initializer: Any = None, dtype: Any = None,
                   trainable: bool = True, regularizer: Any = None, constraint: Any = None, name: str | None = None,
                   **kwargs: Any) -> Variable:
        """Creates a weight Variable owned by this layer.

        Args:
            shape: the weight's shape (default scalar).
            initializer: name or callable; default glorot_uniform for floats.
            trainable: whether training updates it.
            regularizer: optional penalty added to `layer.losses`.
            constraint: optional projection applied after each optimizer update
                (`keras.constraints`).
            name: the variable's name (e.g. "kernel").
        """
        shape = tuple(shape or ())
        dtype = dtype or self.dtype
        initializer = initializers.get(initializer or "glorot_uniform")
        value = initializer(shape, dtype=dtype)
        variable = Variable(value, trainable=trainable and self._trainable, name=name or "variable", dtype=dtype)
        with self._open_name_scope():
            variable.path = scoped(variable.name)
        variable.constraint = constraints.get(constraint)
        (self._trainable_variables if trainable else self._non_trainable_variables).append(variable)
        regularizer = regularizers.get(regularizer)
        if regularizer is not None:
            self._regularized_weights.append((variable, regularizer))
        return variable

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        value = bool(value)
        self._trainable = value
        for variable in self._trainable_variables:
            variable.trainable = value
        for layer in self.__dict__.get("_layers", []):
            layer.trainable = value

    @property
    def trainable_weights(self):
        if not self._trainable:
            return []
        # A variable made trainable can be frozen later (`v.trainable = False`, as LoRA freezes
        # the kernel): it keeps its place in `weights` but leaves the trainable ones, as in Keras.
        weights = [v for v in self._trainable_variables if v.trainable]
        for layer in self.__dict__.get("_layers", []):
            weights.extend(layer.trainable_weights)
        return _unique(weights)

    @property
    def non_trainable_weights(self):
        if not self._trainable:
            return self.weights
        weights = [v for v in self._trainable_variables if not v.trainable] + self._non_trainable_variables
        for layer in self.__dict__.get("_layers", []):
            weights.extend(layer.non_trainable_weights)
        return _unique(weights)

    @property
    def weights(self):
        weights = self._trainable_variables + self._non_trainable_variables
        for layer in self.__dict__.get("_layers", []):
            weights.extend(layer.weights)
        return _unique(weights)

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    variables = weights

    def get_weights(self):
        """The weights as numpy arrays (copies), in `weights` order."""
        return [np.array(w.numpy()) for w in self.weights]

    def set_weights(self, weights):
        """Sets the weights from numpy arrays, in `weights` order; shapes must match."""
        own = self.weights
        if len(weights) != len(own):
            raise ValueError(f"Layer {self.name} expects {len(own)} weights, but the weight list has {len(weights)} elements.")
        for variable, value in zip(own, weights):
            value = np.asarray(value)
            if tuple(value.shape) != tuple(variable.shape):
                raise ValueError(f"Layer {self.name} weight shape {tuple(variable.shape)} is not compatible "
                                 f"with provided weight shape {tuple(value.shape)}.")
        for variable, value in zip(own, weights):
            variable.assign(np.asarray(value, dtype=variable.dtype))

    def count_params(self):
        return int(sum(int(np.prod(w.shape)) for w in self.weights))

    # ---- losses ------------------------------------------------------------------------
    def add_loss(self, loss):
        """Adds a loss tensor (e.g. an activity penalty) for the current call."""
        self._added_losses.append(loss)

    @property
    def losses(self):
        """Regularization penalties of the current weights plus losses added in call."""
        losses = [regularizer(variable) for variable, regularizer in self._regularized_weights]
        losses.extend(self._added_losses)
        for layer in self.__dict__.get("_layers", []):
            losses.extend(layer.losses)
        return losses

    def _clear_losses(self):
        if self._added_losses:
            object.__setattr__(self, "_added_losses", [])
        for layer in self.__dict__.get("_layers", ()):
            layer._clear_losses()

    # ---- building and calling -----------------------------------------------------------
    def build(self, input_shape):
        self.built = True

    def call(self, inputs, *args, **kwargs):
        return inputs

    def _call_accepts(self, argument):
        cache = type(self).__dict__.get("_call_parameters_cache")
        if cache is None:
            cache = set(inspect.signature(self.call).parameters)
            has_kwargs = any(p.kind == inspect.Parameter.VAR_KEYWORD for p in inspect.signature(self.call).parameters.values())
            cache = (cache, has_kwargs)
            setattr(type(self), "_call_parameters_cache", cache)
        return argument in cache[0] or cache[1]

    def _first_call_parameter(self):
        """The name of `call`'s first parameter: the inputs, when a caller names them
        (`layer(targets=t, logits=l)`, as Keras's endpoint layers are called)."""
        cache = type(self).__dict__.get("_first_call_parameter_cache")
        if cache is None:
            parameters = [p for p in inspect.signature(self.call).parameters.values()
                          if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)]
            cache = (parameters[0].name if parameters else "",)
            setattr(type(self), "_first_call_parameter_cache", cache)
        return cache[0]

    def stateless_call(self, trainable_variables, non_trainable_variables, *args, return_losses=False, **kwargs):
        """Calls the layer with the given values for its variables, leaving its own unchanged.

        Returns:
            `(outputs, non_trainable_variables)`, the latter as the call left them (with
            `return_losses=True`, also the losses the call added).
        """
        from ..stateless_scope import layer_stateless_call
        return layer_stateless_call(self, trainable_variables, non_trainable_variables, *args,
                                    return_losses=return_losses, **kwargs)

    @property
    def path(self):
        """The layer's name-scope path ('sequential/dense'), None until it is built (Keras)."""
        return self._path

    def _open_name_scope(self):
        """This layer's name scope, under the scopes open the first time it was opened."""
        if self._parent_path is None:
            self._parent_path = current_path()
        return name_scope(self.name, caller=self)

    def __call__(self, *args, **kwargs):
        if self.built:
            return self._call_in_scope(args, kwargs)
        # The first call builds the layer and, in a custom layer, its sublayers (during
        # `call`): both in its name scope, so their weights get Keras's paths. Later calls
        # create nothing and skip the scope.
        with self._open_name_scope():
            return self._call_in_scope(args, kwargs)

    def _call_in_scope(self, args, kwargs):
        if not args and kwargs:
            first = self._first_call_parameter()
            if first in kwargs:
                args = (kwargs.pop(first),)
        if holds_keras_tensor(args) or holds_keras_tensor(kwargs):
            return self._symbolic_call(args, kwargs)
        if not args:
            raise ValueError(f"Layer {self.name} must be called with inputs as the first argument")
        inputs = args[0] if isinstance(args[0], _sd.Tensor) else map_structure(_as_tensor, args[0])
        if self._casts_inputs_to_float:
            inputs = self._as_float_input(inputs) if isinstance(inputs, _sd.Tensor) else map_structure(
                self._as_float_input, inputs)
        if self.input_spec is not None:
            assert_input_compatibility(self.input_spec, inputs, self.name)
        if not self.built:  # the input shapes are only needed to build
            self._maybe_build(map_structure(self._input_shape_of, inputs))
        # The mask comes from the caller or from the inputs' _keras_mask, as in Keras.
        if "mask" in kwargs:
            previous_mask = kwargs["mask"]
        elif isinstance(inputs, _sd.Tensor):
            previous_mask = getattr(inputs, "_keras_mask", None)  # the common case, without a call
        else:
            previous_mask = _keras_mask_of(inputs)
        if "mask" not in kwargs and previous_mask is not None and self._call_accepts("mask"):
            kwargs["mask"] = previous_mask
        if kwargs:  # callers pass training and mask freely; drop what this call does not take
            if not self._call_accepts("training"):
                kwargs.pop("training", None)
            if not self._call_accepts("mask"):
                kwargs.pop("mask", None)
        if "_deferred_restore" in self.__dict__:  # a Checkpoint restored before the variables existed
            self._create_variables_then_restore(inputs, args[1:], kwargs)
        # A call from outside any layer starts afresh: `losses` then holds what this call
        # added (Keras's guide asserts it), not every call's since the layer was made.
        outermost = getattr(_CALL_DEPTH, "value", 0) == 0
        if outermost:
            self._clear_losses()
        _CALL_DEPTH.value = getattr(_CALL_DEPTH, "value", 0) + 1
        try:
            if self.__dict__.get("_remat_mode") is None:
                outputs = self.call(inputs, *args[1:], **kwargs)
            else:
                outputs = rematerialized_call(self, self.call, inputs)(inputs, *args[1:], **kwargs)
        finally:
            _CALL_DEPTH.value -= 1
        if self.activity_regularizer is not None:
            # Keras 3 adds the penalty of the whole batch (Keras 2 divided it by the batch size).
            for output in flatten(outputs):
                self.add_loss(self.activity_regularizer(output))
        # Only a layer that makes masks, or passes on one it received, has one to attach.
        if type(self).compute_mask is not Layer.compute_mask or (self.supports_masking and previous_mask is not None):
            _attach_masks(outputs, self.compute_mask(inputs, previous_mask))
        return outputs

    def _create_variables_then_restore(self, inputs, extra_args, kwargs):
        """Runs the call once with its state changes undone (a StatelessScope), so that a
        subclassed model creates its sublayers' variables, then gives them the values a
        Checkpoint restore kept for them: the real call then computes with those values."""
        from ...train._checkpoint import apply_deferred_restore
        from ..stateless_scope import StatelessScope
        with StatelessScope():
            self.call(inputs, *extra_args, **kwargs)
        apply_deferred_restore(self)

    def _input_shape_of(self, value):
        shape = getattr(value, "shape", None)
        if shape is None:
            raise TypeError(f"Layer {self.name} received an input of type {type(value).__name__} ({value!r:.80}), "
                            "which is not a tensor or an array")
        return tuple(shape)

    def _as_float_input(self, value):
        """Integer input, and floating input of another precision, in the layer's dtype, as
        Keras's autocast gives them (the engine's kernels take operands of one dtype)."""
        return value.astype(self.dtype) if self._needs_float_cast(value) else value

    def _needs_float_cast(self, value):
        """Whether `_as_float_input` would cast `value` (inference plans, which call `call`
        directly, leave such inputs to the normal path)."""
        return isinstance(value, _sd.Tensor) and (value.dtype.kind in "biu" or (
            value.dtype.kind == "f" and value.dtype != self.dtype and self.dtype in _ENGINE_FLOATS))

    def _maybe_build(self, input_shape):
        if not self.built:
            with self._open_name_scope():  # also when a wrapper builds its inner layer directly
                if self._path is None:  # a layer without a build of its own
                    self._path = current_path()
                self._check_input_shape(input_shape)
                self.build(input_shape)
            self.built = True
            if self.__dict__.get("_built_input_shape") is None and _is_shape(input_shape):
                self._built_input_shape = (None,) + tuple(input_shape)[1:] if input_shape else input_shape

    def _check_input_shape(self, input_shape):
        """Subclasses validate shapes here and raise a clear ValueError."""

    def _symbolic_call(self, args, kwargs):
        inputs = args[0]
        if self.input_spec is not None:
            assert_input_compatibility(self.input_spec, inputs, self.name)
        shapes = map_structure(lambda t: t.shape if isinstance(t, KerasTensor) else tuple(np.shape(t)), inputs)
        self._maybe_build(shapes)
        # A mask consumer's call sees the inputs' mask while its output shape is found, as
        # in Keras; the node records the call as made (the graph passes masks when it runs).
        previous_mask = kwargs["mask"] if "mask" in kwargs else _keras_mask_of(inputs)
        call_kwargs = dict(kwargs)
        if previous_mask is not None and "mask" not in call_kwargs and self._call_accepts("mask"):
            call_kwargs["mask"] = previous_mask
        extra_tensors = holds_keras_tensor(args[1:]) or holds_keras_tensor(call_kwargs)
        if extra_tensors and type(self).compute_output_shape is Layer.compute_output_shape:
            output_shapes = self._output_shape_by_calling(args, call_kwargs)
        else:
            output_shapes = self.compute_output_shape(shapes, **self._output_shape_options(call_kwargs))
        outputs = _shapes_to_keras_tensors(output_shapes, self.compute_output_dtype(inputs), self.name)
        Node(self, args, kwargs, outputs)
        if self.supports_masking or type(self).compute_mask is not Layer.compute_mask:
            _attach_masks(outputs, self._symbolic_mask(inputs, previous_mask, outputs))
        return outputs

    def _output_shape_options(self, call_kwargs):
        """The call's options that compute_output_shape also names (ReversibleEmbedding's
        `reverse`), so the symbolic shape follows them; masks and `training` never change it."""
        import inspect
        parameters = inspect.signature(self.compute_output_shape).parameters
        return {name: value for name, value in call_kwargs.items()
                if name in parameters and name not in ("mask", "training") and not isinstance(value, KerasTensor)
                and parameters[name].kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)}

    def _symbolic_mask(self, inputs, previous_mask, outputs):
        """The output mask of a symbolic call, as KerasTensors (`x._keras_mask`): from
        compute_mask on the KerasTensors, or, when it needs values (an Embedding compares
        ids with 0), from its result on zeros, with the outputs' unknown sizes."""
        try:
            return self.compute_mask(inputs, previous_mask)
        except Exception:  # noqa: BLE001  (a compute_mask that needs values: take its shape from zeros)
            pass
        try:
            mask = self.compute_mask(map_structure(zeros_like_symbolic, inputs),
                                     map_structure(zeros_like_symbolic, previous_mask))
        except Exception:  # noqa: BLE001  (no mask can be described symbolically)
            return None
        reference = flatten(outputs)[0].shape

        def spec(value):
            shape = tuple(None if i < len(reference) and reference[i] is None else s
                          for i, s in enumerate(np.shape(value)))
            return KerasTensor(shape, "bool", name=f"{self.name}_mask")
        return None if mask is None else map_structure(spec, mask)

    def compute_mask(self, inputs, mask=None):
        """The mask for this layer's output: passed through by layers that support masking."""
        return mask if self.supports_masking else None

    def compute_output_dtype(self, inputs):
        return self.dtype

    def compute_output_shape(self, input_shape):
        """Output shape for `input_shape`; by default found by running `call` on zeros with
        every unknown size set to 1 (enough for custom layers; built-ins override it)."""
        def concrete(shape):
            return _sd.zeros(tuple(1 if s is None else s for s in shape))
        dummy = _map_shapes(concrete, input_shape)
        outputs = self.call(dummy) if not self._call_accepts("training") else self.call(dummy, training=False)
        first_unknown = _is_shape(input_shape) and input_shape and input_shape[0] is None
        return map_structure(lambda t: ((None,) + tuple(t.shape)[1:]) if first_unknown else tuple(t.shape), outputs)

    def _output_shape_by_calling(self, args, kwargs):
        """Output shapes of a call whose tensors are not all in its first argument (an
        endpoint layer's `call(targets, logits)`): `call` runs on zeros in place of every
        KerasTensor, unknown sizes set to 1, and what it adds to `losses` is dropped."""
        dummy_args = map_structure(zeros_like_symbolic, list(args))
        dummy_kwargs = map_structure(zeros_like_symbolic, dict(kwargs))
        if self._call_accepts("training"):
            dummy_kwargs.setdefault("training", False)
        added = list(self._added_losses)
        try:
            outputs = self.call(*dummy_args, **dummy_kwargs)
        finally:
            self._added_losses = added
        first_unknown = any(t.shape and t.shape[0] is None for t in flatten((args, kwargs)) if isinstance(t, KerasTensor))
        return map_structure(lambda t: ((None,) + tuple(t.shape)[1:]) if first_unknown else tuple(t.shape), outputs)

    # ---- config ----------------------------------------------------------------------------
    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = self._batch_input_shape
        return config

    def _weight_settings_config(self, *weights):
        """The serialized `<weight>_initializer` entries, then the `<weight>_regularizer` ones,
        then the `<weight>_constraint` ones, for weights such as "kernel", "recurrent" and
        "bias" (Keras's config order)."""
        config = {f"{w}_initializer": initializers.serialize(getattr(self, f"{w}_initializer")) for w in weights}
        config.update({f"{w}_regularizer": regularizers.serialize(getattr(self, f"{w}_regularizer")) for w in weights})
        config.update({f"{w}_constraint": constraints.serialize(getattr(self, f"{w}_constraint")) for w in weights})
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def build_from_config(self, config):
        """Builds the layer from `get_build_config()`'s dict (Keras's loading calls it)."""
        shape = (config or {}).get("input_shape")
        if shape is not None and not self.built:
            self._maybe_build(_to_shape_structure(shape))

    def save_own_variables(self, store):
        """Writes this layer's own variables into `store` ("0", "1", ... in creation order:
        trainable first), as Keras does. Override it, with `load_own_variables`, to keep
        other state; the weights files call both."""
        for index, variable in enumerate(self._trainable_variables + self._non_trainable_variables):
            store[str(index)] = variable.numpy()

    def load_own_variables(self, store):
        """Assigns this layer's own variables from `store` (what save_own_variables wrote)."""
        own = self._trainable_variables + self._non_trainable_variables
        if len(store.keys()) != len(own):
            raise ValueError(f"Layer '{self.name}' expected {len(own)} variables, but received {len(store.keys())} "
                             "variables during loading.")
        for index, variable in enumerate(own):
            variable.assign(np.asarray(store[str(index)], dtype=np.dtype(str(variable.dtype))))

    def get_build_config(self):
        return {"input_shape": self._built_input_shape} if getattr(self, "_built_input_shape", None) else None

    @property
    def input(self):
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name} has never been called and thus has no defined input.")
        args = self._inbound_nodes[0].call_args
        return args[0]

    @property
    def output(self):
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name} has no inbound nodes.")
        return self._inbound_nodes[0].outputs

    @property
    def output_shape(self):
        return map_structure(lambda t: t.shape, self.output)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


_CALL_DEPTH = threading.local()  # how many Layer.__call__s are running on this thread


def _in_own_name_scope(build):
    """`build` run in the layer's name scope, recording the layer's path (Keras's wrapper)."""
    @functools.wraps(build)
    def build_in_scope(self, *args, **kwargs):
        with self._open_name_scope():
            if self._path is None:
                self._path = current_path()
            return build(self, *args, **kwargs)
    return build_in_scope


def zeros_like_symbolic(value):
    """Zeros standing in for a KerasTensor (its unknown sizes taken as 1), to run code whose
    output shapes, dtypes or masks a symbolic call needs; other values pass through."""
    if isinstance(value, KerasTensor):
        return _sd.zeros(tuple(1 if s is None else s for s in value.shape), dtype=value.dtype)
    return value


def _keras_mask_of(inputs):
    """The mask attached to `inputs` (a tensor or KerasTensor, or a list of them: a list of
    masks), or None."""
    if isinstance(inputs, (_sd.Tensor, KerasTensor)):
        return getattr(inputs, "_keras_mask", None)
    if isinstance(inputs, (list, tuple)):
        masks = [getattr(t, "_keras_mask", None) if isinstance(t, (_sd.Tensor, KerasTensor)) else None for t in inputs]
        return masks if any(m is not None for m in masks) else None
    return None


def _attach_masks(outputs, masks):
    """Sets `_keras_mask` on the outputs: one mask for one output, or a list of masks for a
    list of outputs."""
    if masks is None:
        return
    if isinstance(outputs, (_sd.Tensor, KerasTensor)):
        if not isinstance(masks, (list, tuple)):
            outputs._keras_mask = masks
        return
    if isinstance(outputs, (list, tuple)) and isinstance(masks, (list, tuple)) and len(masks) == len(outputs):
        for output, mask in zip(outputs, masks):
            if isinstance(output, (_sd.Tensor, KerasTensor)):
                output._keras_mask = mask


_ENGINE_FLOATS = ("float32", "float64")


def _dtype_name(dtype):
    """A layer's dtype as a name: floatx() for None; a DTypePolicy (or its serialized dict)
    gives its variable dtype."""
    if dtype is None:
        from ..dtype_policies import current_policy
        return current_policy().variable_dtype
    if isinstance(dtype, dict):
        dtype = (dtype.get("config") or {}).get("name", floatx())
    dtype = getattr(dtype, "variable_dtype", dtype)
    if dtype in ("string", "str"):
        return "string"  # keras.Input(dtype="string"): text that stays in numpy for lookup layers
    return str(np.dtype(dtype))


def _to_shape_structure(value):
    """A build config's input shape (lists, from JSON) as shape tuples."""
    if isinstance(value, (list, tuple)) and all(v is None or isinstance(v, int) for v in value):
        return tuple(value)
    if isinstance(value, (list, tuple)):
        return [_to_shape_structure(v) for v in value]
    if isinstance(value, dict):
        return {key: _to_shape_structure(v) for key, v in value.items()}
    return value


def _is_shape(value):
    return isinstance(value, tuple) and all(v is None or isinstance(v, (int, np.integer)) for v in value)


def _map_shapes(function, shapes):
    """`function` applied to each shape tuple in a structure of them (lists, tuples, dicts),
    a shape being the leaf: map_structure would walk into it and meet its None sizes."""
    if _is_shape(shapes):
        return function(shapes)
    if isinstance(shapes, (list, tuple)):
        return type(shapes)(_map_shapes(function, s) for s in shapes)
    if isinstance(shapes, dict):
        return {key: _map_shapes(function, s) for key, s in shapes.items()}
    raise TypeError(f"expected a shape tuple or a structure of them; received {shapes!r}")


def _as_tensor(value):
    if isinstance(value, _sd.Tensor) or value is None:
        return value
    if isinstance(value, (np.ndarray, list, int, float, str, bytes)):
        array = np.asarray(value)
        if array.dtype.kind in "USO":
            return array  # strings stay as they are, for TextVectorization
        if array.dtype == np.float64 and floatx() != "float64":
            array = array.astype(floatx())  # Keras computes in floatx
        return _sd.asarray(array, copy=None)
    return value


def _shapes_to_keras_tensors(shapes, dtype, name):
    if _is_shape(shapes):
        return KerasTensor(shapes, dtype, name=f"{name}_output")
    if isinstance(shapes, (list, tuple)):
        return type(shapes)(_shapes_to_keras_tensors(s, dtype, name) for s in shapes)
    if isinstance(shapes, dict):
        return {k: _shapes_to_keras_tensors(s, dtype, name) for k, s in shapes.items()}
    raise TypeError(f"compute_output_shape returned {shapes!r}; expected a shape tuple or a structure of them")


def _unique(variables):
    seen, result = set(), []
    for variable in variables:
        if id(variable) not in seen:
            seen.add(id(variable))
            result.append(variable)
    return result
