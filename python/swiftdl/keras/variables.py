"""keras.Variable: a Keras 3 variable over the engine's Variable."""
import numpy as np

import swiftdl as _sd
from swiftdl import _autograd
from . import initializers
from .backend import floatx, standardize_dtype
from .name_scope import scoped


class Variable(_autograd.Variable):
    """A mutable tensor with Keras 3's constructor and properties.

    Args:
        initializer: the initial value (an array or tensor), or an initializer (a name such
            as "zeros", an `Initializer`, or a callable taking shape and dtype) used with
            `shape`.
        shape: the shape, needed with an initializer.
        dtype: the dtype; by default floatx() for float values and the value's own otherwise.
        trainable: whether training updates it.
        autocast, aggregation, synchronization: accepted as Keras does (one device here).
        name: its name; its `path` adds the open `keras.name_scope`s.
        constraint: a projection that optimizers apply after each update (`keras.constraints`).
    """

    __slots__ = ("_aggregation", "_synchronization", "_autocast")

    def __new__(cls, initializer, shape=None, dtype=None, trainable=True, autocast=True, aggregation="none",
                synchronization="auto", name=None, constraint=None, **kwargs):
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
        if name is not None and (not isinstance(name, str) or "/" in name):
            raise ValueError(f"Argument `name` must be a string and cannot contain character `/`. Received: name={name}")
        if aggregation not in ("none", "mean", "sum", "only_first_replica"):
            raise ValueError(f"Invalid value for argument `aggregation`. Expected one of 'none', 'mean', 'sum', "
                             f"'only_first_replica'. Received: aggregation={aggregation}")
        if isinstance(initializer, (str, initializers.Initializer)) or (
                callable(initializer) and not hasattr(initializer, "shape")):
            if shape is None:
                raise ValueError("When creating a Variable from an initializer, the `shape` argument should be "
                                 f"specified. Received: initializer={initializer} and shape={shape}")
            dtype = standardize_dtype(dtype)
            value = initializers.get(initializer)(tuple(shape), dtype=dtype)
        else:
            value = np.asarray(initializer)
            if dtype is None:
                dtype = floatx() if value.dtype.kind == "f" else value.dtype.name
            dtype = standardize_dtype(dtype)
            if shape is not None and tuple(shape) != value.shape:
                raise ValueError(f"Initial value has shape {value.shape}, but the `shape` argument is {tuple(shape)}")
        variable = super().__new__(cls, value, trainable=trainable, name=name or "variable", dtype=dtype,
                                   constraint=constraint)
        variable.path = scoped(variable.name)
        variable._aggregation = aggregation
        variable._synchronization = synchronization
        variable._autocast = autocast
        return variable

    @property
    def value(self):
        """The current value, as a tensor (a property, as in Keras)."""
        return _autograd.Variable.value(self)

    # NOTE: Keras adds and subtracts by assigning `self + delta`, so a delta that
    # broadcasts (a scalar, a row) is accepted; swiftdl.Variable, like tf.Variable,
    # wants the exact shape.
    def assign_add(self, delta):
        return self.assign(_sd.broadcast_to(_sd.asarray(delta, dtype=self.dtype), tuple(self.shape)) + self)

    def assign_sub(self, delta):
        return self.assign(self - _sd.broadcast_to(_sd.asarray(delta, dtype=self.dtype), tuple(self.shape)))

    @property
    def aggregation(self):
        return self._aggregation

    @property
    def synchronization(self):
        return self._synchronization

    def __repr__(self):
        return f"<Variable path={self.path}, shape={tuple(self.shape)}, dtype={self.dtype.name}, value={self.numpy()}>"
