"""BatchNormalization: batch statistics in training, moving averages in inference; with
`renorm`, batch renormalization (Ioffe, 2017)."""
import numpy as np

import swiftdl as _sd
from swiftdl import nn

from .. import constraints, initializers, regularizers
from .layer import Layer


class BatchNormalization(Layer):
    """Normalizes over `axis` (default the channels, -1).

    Weights, in Keras's order: gamma, beta (trainable), moving_mean, moving_variance.
    In training: y = gamma·(x - mean_batch)/sqrt(var_batch + epsilon) + beta, and
    moving = moving·momentum + batch·(1 - momentum). In inference the moving statistics are used.

    With `renorm=True` (batch renormalization) training scales the normalized batch by
    r = σ_batch/σ_renorm and shifts it by d = (μ_batch - μ_renorm)/σ_renorm (both clipped by
    `renorm_clipping`'s rmin/rmax/dmax, and constants for the gradient), where μ_renorm and
    σ_renorm are moving averages with `renorm_momentum`; three more non-trainable weights
    follow Keras's: moving_stddev, renorm_mean, renorm_stddev (moving_variance is then
    moving_stddev² - epsilon).
    """

    _casts_inputs_to_float = True

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, synchronized=False, renorm=False,
                 renorm_clipping=None, renorm_momentum=0.99, **kwargs):
        super().__init__(**kwargs)
        self.synchronized = bool(synchronized)  # one device here: the same statistics either way
        self.axis = int(axis)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center, self.scale = center, scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.renorm = bool(renorm)
        if self.renorm:
            renorm_clipping = _renorm_clipping(renorm_clipping)
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum

    def build(self, input_shape):
        rank = len(input_shape)
        if not -rank <= self.axis < rank:
            raise ValueError(f"Invalid axis {self.axis} for input of rank {rank} in {self.name}")
        self._axis = self.axis % rank
        size = input_shape[self._axis]
        if size is None:
            raise ValueError(f"Axis {self.axis} of input tensor should have a defined dimension but the layer "
                             f"received an input with shape {input_shape}.")
        shape = (size,)
        self.gamma = (self.add_weight(shape=shape, initializer=self.gamma_initializer, regularizer=self.gamma_regularizer,
                                      constraint=self.gamma_constraint, name="gamma") if self.scale else None)
        self.beta = (self.add_weight(shape=shape, initializer=self.beta_initializer, regularizer=self.beta_regularizer,
                                     constraint=self.beta_constraint, name="beta") if self.center else None)
        self.moving_mean = self.add_weight(shape=shape, initializer=self.moving_mean_initializer, trainable=False,
                                           name="moving_mean")
        self.moving_variance = self.add_weight(shape=shape, initializer=self.moving_variance_initializer, trainable=False,
                                               name="moving_variance")
        if self.renorm:
            def stddev_initializer(shape, dtype=None):  # Keras's: the square root of the variance initializer
                return np.sqrt(np.asarray(self.moving_variance_initializer(shape, dtype=dtype)))
            self.moving_stddev = self.add_weight(shape=shape, initializer=stddev_initializer, trainable=False,
                                                 name="moving_stddev")
            self.renorm_mean = self.add_weight(shape=shape, initializer=self.moving_mean_initializer, trainable=False,
                                               name="renorm_mean")
            self.renorm_stddev = self.add_weight(shape=shape, initializer=stddev_initializer, trainable=False,
                                                 name="renorm_stddev")
        self.built = True

    def call(self, inputs, training=None, mask=None, _then_relu=None):
        # One engine op (FusedBatchNormalization.swift): batch statistics in training, the
        # moving averages (as constants) otherwise. `_then_relu` is set only by the model
        # runners, for a ReLU layer that alone reads this output (fusable_relu_cap): its
        # cap (inf for none), applied in the same op.
        if inputs.dtype != self.moving_mean.dtype:  # Keras computes in the layer's dtype
            inputs = inputs.astype(self.moving_mean.dtype)
        if _then_relu is not None:
            normalize = lambda *args, **kwargs: nn.fused_batch_norm_relu(*args, max_value=_then_relu, **kwargs)  # noqa: E731
        else:
            normalize = nn.fused_batch_norm
        if training and self.trainable and self.renorm:
            outputs = self._renormalize(inputs)
            if _then_relu is not None:  # the ReLU a model runner folded into this layer
                outputs = _sd.maximum(outputs, 0.0)
                if np.isfinite(_then_relu):
                    outputs = _sd.minimum(outputs, float(_then_relu))
            return outputs
        if training and self.trainable:
            outputs, batch_mean, batch_variance = normalize(inputs, self.gamma, self.beta, epsilon=self.epsilon,
                                                            axis=self._axis)
            self._update_moving_statistics(batch_mean, batch_variance)
            return outputs
        outputs, _, _ = normalize(inputs, self.gamma, self.beta, _sd.stop_gradient(self.moving_mean),
                                  _sd.stop_gradient(self.moving_variance), epsilon=self.epsilon, axis=self._axis)
        return outputs

    def _update_moving_statistics(self, batch_mean, batch_variance):
        """Moves the moving averages towards a training batch's statistics (bookkeeping, off
        the tape); also called by the model runners' fused conv → batch norm training op."""
        keep = 1.0 - self.momentum
        self.moving_mean.assign(_sd.stop_gradient(self.moving_mean) * self.momentum + batch_mean * keep)
        self.moving_variance.assign(_sd.stop_gradient(self.moving_variance) * self.momentum + batch_variance * keep)

    def _renormalize(self, inputs):
        """Training with batch renormalization: Keras's arithmetic, in engine ops."""
        axes = tuple(a for a in range(inputs.ndim) if a != self._axis)
        shape = [1] * inputs.ndim
        shape[self._axis] = -1
        mean = inputs.mean(axis=axes, keepdims=True)
        centered = inputs - mean
        variance = (centered * centered).mean(axis=axes, keepdims=True)
        batch_mean, batch_variance = _sd.reshape(mean, (-1,)), _sd.reshape(variance, (-1,))
        stddev = _sd.sqrt(_sd.stop_gradient(batch_variance) + self.epsilon)
        renorm_stddev = _sd.maximum(_sd.stop_gradient(self.renorm_stddev), float(np.sqrt(self.epsilon)))
        r = stddev / renorm_stddev
        d = (_sd.stop_gradient(batch_mean) - _sd.stop_gradient(self.renorm_mean)) / renorm_stddev
        clipping = self.renorm_clipping
        if clipping.get("rmin") is not None:
            r = _sd.maximum(r, float(clipping["rmin"]))
        if clipping.get("rmax") is not None:
            r = _sd.minimum(r, float(clipping["rmax"]))
        if clipping.get("dmax") is not None:
            d = _sd.clip(d, -float(clipping["dmax"]), float(clipping["dmax"]))
        # (x̂·r + d)·gamma + beta: r and d are corrections, not paths for the gradient.
        scale, offset = _sd.stop_gradient(r), _sd.stop_gradient(d)
        if self.gamma is not None:
            scale, offset = scale * self.gamma, offset * self.gamma
        if self.beta is not None:
            offset = offset + self.beta
        inverse = 1.0 / _sd.sqrt(variance + self.epsilon) * _sd.reshape(scale, shape)
        outputs = centered * inverse + _sd.reshape(offset, shape)
        self._update_renorm_statistics(_sd.stop_gradient(batch_mean), stddev)
        return outputs

    def _update_renorm_statistics(self, mean, stddev):
        """The renorm averages with renorm_momentum, the inference ones with momentum (the
        variance derived from the averaged stddev, as Keras)."""
        renorm_keep, keep = 1.0 - self.renorm_momentum, 1.0 - self.momentum
        self.renorm_mean.assign(self.renorm_mean * self.renorm_momentum + mean * renorm_keep)
        self.renorm_stddev.assign(self.renorm_stddev * self.renorm_momentum + stddev * renorm_keep)
        self.moving_mean.assign(self.moving_mean * self.momentum + mean * keep)
        moving_stddev = self.moving_stddev * self.momentum + stddev * keep
        self.moving_stddev.assign(moving_stddev)
        self.moving_variance.assign(_sd.maximum(moving_stddev * moving_stddev - self.epsilon, 0.0))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
                       "center": self.center, "scale": self.scale,
                       "beta_initializer": initializers.serialize(self.beta_initializer),
                       "gamma_initializer": initializers.serialize(self.gamma_initializer),
                       "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                       "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
                       "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                       "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                       "beta_constraint": constraints.serialize(self.beta_constraint),
                       "gamma_constraint": constraints.serialize(self.gamma_constraint),
                       "synchronized": self.synchronized, "renorm": self.renorm,
                       "renorm_clipping": self.renorm_clipping, "renorm_momentum": self.renorm_momentum})
        return config


def fusable_relu_cap(batch_norm, following):
    """The cap (inf for none) of the relu that `following` applies, when a model may run
    `batch_norm` then `following` as one engine op (nn.fused_batch_norm_relu), else None.

    Only the exact layer classes (a subclass may change call), a ReLU layer or Activation
    that computes exactly nn.relu or nn.relu6, and no activity regularizer (it would see
    the wrong tensor). The model runners also check that nothing else reads the batch norm's
    output and that no mask flows through.
    """
    from .. import activations
    from .activation_layers import ReLU
    from .core import Activation
    if type(batch_norm) is not BatchNormalization or not batch_norm.built:
        return None
    if batch_norm.activity_regularizer is not None or getattr(following, "activity_regularizer", None) is not None:
        return None
    if type(following) is ReLU:
        if following.negative_slope != 0.0 or following.threshold != 0.0:
            return None
        if following.max_value is None:
            return float("inf")
        return 6.0 if float(following.max_value) == 6.0 else None
    if type(following) is Activation:
        if following.activation is activations.relu:
            return float("inf")
        if following.activation is activations.relu6:
            return 6.0
    return None


def _renorm_clipping(clipping):
    """Keras's checks of renorm_clipping ({} when None)."""
    clipping = dict(clipping or {})
    keys = ["rmax", "rmin", "dmax"]
    if set(clipping) - set(keys):
        raise ValueError(f"Received invalid keys for `renorm_clipping` argument: {clipping}. Supported values: {keys}.")
    rmax, rmin, dmax = clipping.get("rmax"), clipping.get("rmin"), clipping.get("dmax")
    if rmax is not None and rmin is not None and rmax < rmin:
        raise ValueError(f"rmax should be greater than rmin in the `renorm_clipping` argument. Received: rmax={rmax}, "
                         f"rmin={rmin}.")
    if dmax is not None and dmax < 0:
        raise ValueError(f"dmax should be non-negative in the `renorm_clipping` argument. Received: dmax={dmax}.")
    return clipping
