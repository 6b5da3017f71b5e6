"""LayerNormalization and GroupNormalization: per-sample statistics, no moving averages.
Weights in Keras's order: gamma (when scale), then beta (when center)."""
import numpy as np

import swiftdl as _sd
from swiftdl import _C
from swiftdl._convert import to_operand

from .. import constraints, initializers, regularizers
from .layer import Layer


class _PerSampleNormalization(Layer):
    _casts_inputs_to_float = True

    def __init__(self, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros", gamma_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(epsilon, (int, float)) or epsilon < 0:
            raise ValueError(f"{type(self).__name__}: `epsilon` must be a non-negative float; received {epsilon!r}")
        self.epsilon = float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def _make_weights(self, shape):
        self.gamma = (self.add_weight(shape=shape, initializer=self.gamma_initializer, regularizer=self.gamma_regularizer,
                                      constraint=self.gamma_constraint,
                                      name="gamma") if self.scale else None)
        self.beta = (self.add_weight(shape=shape, initializer=self.beta_initializer, regularizer=self.beta_regularizer,
                                     constraint=self.beta_constraint,
                                     name="beta") if self.center else None)

    @staticmethod
    def _operand(weight, inputs):
        """gamma or beta (or None) as an engine operand of the inputs' dtype."""
        return None if weight is None else to_operand(weight, inputs.dtype)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"epsilon": self.epsilon, "center": self.center, "scale": self.scale,
                       "beta_initializer": initializers.serialize(self.beta_initializer),
                       "gamma_initializer": initializers.serialize(self.gamma_initializer),
                       "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                       "beta_constraint": constraints.serialize(self.beta_constraint),
                       "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                       "gamma_constraint": constraints.serialize(self.gamma_constraint)})
        return config


class LayerNormalization(_PerSampleNormalization):
    """Normalizes each sample over `axis` (default the last): (x - mean)/sqrt(var + epsilon)·gamma + beta.

    Args:
        axis: int or list of ints, the axes to normalize over (and the shape of gamma/beta).
        epsilon: added to the variance (1e-3, Keras's default).
        center, scale: whether to add beta and multiply by gamma.
        rms_scaling: divide by the root mean square instead (no centering), as Keras.
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False, **kwargs):
        super().__init__(epsilon=epsilon, center=center, scale=scale, **kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, (int, np.integer)):
            self.axis = int(axis)
        else:
            raise TypeError(f"Expected an int or a list/tuple of ints for the argument 'axis', but received: {axis!r}")
        self.rms_scaling = bool(rms_scaling)

    def _axes(self, rank):
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        for a in axes:
            if not -rank <= a < rank:
                raise ValueError(f"LayerNormalization {self.name}: invalid axis {a} for inputs of rank {rank}")
        return sorted(a % rank for a in axes)

    def build(self, input_shape):
        axes = self._axes(len(input_shape))
        shape = tuple(input_shape[a] for a in axes)
        if any(s is None for s in shape):
            raise ValueError(f"LayerNormalization {self.name}: the normalized axes must have known sizes; "
                             f"received input shape {tuple(input_shape)}")
        self._norm_axes = axes
        # Keras writes the axis as a list once built (sorted when a list was given).
        self.axis = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        if self.rms_scaling:
            # Keras: with rms_scaling, gamma always exists and beta never does.
            center, scale = self.center, self.scale
            self.center, self.scale = False, True
            self._make_weights(shape)
            self.center, self.scale = center, scale
        else:
            self._make_weights(shape)
        self.built = True

    def _broadcast(self, weight, rank):
        shape = [1] * rank
        for axis, size in zip(self._norm_axes, weight.shape):
            shape[axis] = size
        return _sd.reshape(weight, tuple(shape))

    def call(self, inputs):
        rank = inputs.ndim
        axes = tuple(self._axes(rank))
        weight = self.gamma if self.gamma is not None else self.beta
        if weight is not None and tuple(inputs.shape[a] for a in axes) != tuple(weight.shape):
            raise ValueError(f"LayerNormalization {self.name}: input shape {tuple(inputs.shape)} does not match the "
                             f"normalized shape {tuple(weight.shape)} it was built for")
        if self.rms_scaling:
            # NOTE: Keras 3.15's (deprecated) rms_scaling divides the uncentred inputs by the
            # root of their *variance*, not of their mean square; kept for Keras's numbers.
            mean = inputs.mean(axis=axes, keepdims=True)
            variance = ((inputs - mean) * (inputs - mean)).mean(axis=axes, keepdims=True)
            outputs = inputs / _sd.sqrt(variance + self.epsilon)
            if self.gamma is not None:
                outputs = outputs * self._broadcast(self.gamma, rank)
            return outputs
        if axes == tuple(range(rank - len(axes), rank)):
            # The normalized axes are the trailing ones, so each slice to normalize is one
            # contiguous row: one engine op (LayerNormalization.swift) forward and one fused
            # backward, instead of the nine ops below and their nine backward passes.
            return _C.nn_layer_norm(inputs, axes[0], self._operand(self.gamma, inputs),
                                    self._operand(self.beta, inputs), self.epsilon)
        mean = inputs.mean(axis=axes, keepdims=True)
        centered = inputs - mean
        variance = (centered * centered).mean(axis=axes, keepdims=True)
        outputs = centered / _sd.sqrt(variance + self.epsilon)
        if self.gamma is not None:
            outputs = outputs * self._broadcast(self.gamma, rank)
        if self.beta is not None:
            outputs = outputs + self._broadcast(self.beta, rank)
        return outputs

    def get_config(self):
        config = super().get_config()
        config.update({"axis": self.axis, "rms_scaling": self.rms_scaling})
        return config


class GroupNormalization(_PerSampleNormalization):
    """Splits the channels (`axis`, default last) into `groups` and normalizes each group of
    each sample over its channels and all spatial positions; gamma/beta are per channel.
    groups=-1 gives one group per channel (instance normalization)."""

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True, **kwargs):
        super().__init__(epsilon=epsilon, center=center, scale=scale, **kwargs)
        if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or (groups <= 0 and groups != -1):
            raise ValueError("Received an invalid value for argument `groups`, expected a positive integer (or `-1` "
                             f"for instance normalization). Received: groups={groups!r}")
        self.groups = int(groups)  # -1 (instance normalization) becomes the channel count at build, as Keras
        self.axis = int(axis)

    def build(self, input_shape):
        rank = len(input_shape)
        if not -rank <= self.axis < rank or self.axis % rank == 0:
            raise ValueError(f"GroupNormalization {self.name}: invalid axis {self.axis} for input shape {tuple(input_shape)}")
        channels = input_shape[self.axis]
        if channels is None:
            raise ValueError(f"Axis {self.axis} of input tensor should have a defined dimension but the layer "
                             f"received an input with shape {tuple(input_shape)}.")
        if self.groups == -1:
            self.groups = channels
        if channels < self.groups:
            raise ValueError(f"Number of groups ({self.groups}) cannot be more than the number of channels ({channels}).")
        if channels % self.groups:
            raise ValueError(f"Number of groups ({self.groups}) must be a multiple of the number of channels ({channels}).")
        self._channel_axis = self.axis % rank
        self._make_weights((channels,))
        self.built = True

    def call(self, inputs):
        axis = self._channel_axis
        channels = inputs.shape[axis]
        expected = (self.gamma if self.gamma is not None else self.beta)
        if expected is not None and channels != expected.shape[0]:
            raise ValueError(f"GroupNormalization {self.name}: expected {expected.shape[0]} channels on axis "
                             f"{self.axis}; received input shape {tuple(inputs.shape)}")
        # One engine op (GroupNormalization.swift): per-(sample, group) statistics, then
        # the normalisation with gamma and beta; its backward pass is fused as well.
        return _C.nn_group_norm(inputs, axis, self.groups, self._operand(self.gamma, inputs),
                                self._operand(self.beta, inputs), self.epsilon)

    def get_config(self):
        config = super().get_config()
        config.update({"groups": self.groups, "axis": self.axis})
        return config
