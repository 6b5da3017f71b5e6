"""BatchNormalization: batch statistics in training, moving averages in inference."""
import swiftdl as _sd
from swiftdl import nn

from .. import constraints, initializers, regularizers
from .layer import Layer


class BatchNormalization(Layer):
    """Normalizes over `axis` (default the channels, -1).

    Weights, in Keras's order: gamma, beta (trainable), moving_mean, moving_variance.
    In training: y = gamma·(x - mean_batch)/sqrt(var_batch + epsilon) + beta, and
    moving = moving·momentum + batch·(1 - momentum). In inference the moving statistics are used.
    """

    _casts_inputs_to_float = True

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, synchronized=False, **kwargs):
        super().__init__(**kwargs)
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
        if training and self.trainable:
            outputs, batch_mean, batch_variance = normalize(inputs, self.gamma, self.beta, epsilon=self.epsilon,
                                                            axis=self._axis)
            # The moving statistics are bookkeeping, off the tape.
            keep = 1.0 - self.momentum
            self.moving_mean.assign(_sd.stop_gradient(self.moving_mean) * self.momentum + batch_mean * keep)
            self.moving_variance.assign(_sd.stop_gradient(self.moving_variance) * self.momentum + batch_variance * keep)
            return outputs
        outputs, _, _ = normalize(inputs, self.gamma, self.beta, _sd.stop_gradient(self.moving_mean),
                                  _sd.stop_gradient(self.moving_variance), epsilon=self.epsilon, axis=self._axis)
        return outputs

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
                       "gamma_constraint": constraints.serialize(self.gamma_constraint)})
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
