"""The layers Keras defines inside its application modules: ConvNeXt's LayerScale and
StochasticDepth, InceptionResNetV2's CustomScaleLayer. Registered for serialization, so a
saved application model loads back without `custom_objects`."""
from ..layers.layer import Layer
from ..saving.object_registration import register_keras_serializable


@register_keras_serializable(package="swiftdl.applications")
class LayerScale(Layer):
    """Multiplies each channel by a learned factor, initially `init_values` (Touvron et al.,
    2021), as ConvNeXt's blocks end.

    Args:
        init_values: the factors' initial value.
        projection_dim: the number of channels (the last axis).
    """

    def __init__(self, init_values, projection_dim, **kwargs):
        super().__init__(**kwargs)
        self.init_values = init_values
        self.projection_dim = projection_dim

    def build(self, input_shape):
        from .. import initializers
        self.gamma = self.add_weight(shape=(self.projection_dim,), initializer=initializers.Constant(self.init_values),
                                     trainable=True)
        self.built = True

    def call(self, x):
        return x * self.gamma

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"init_values": self.init_values, "projection_dim": self.projection_dim})
        return config


@register_keras_serializable(package="swiftdl.applications")
class StochasticDepth(Layer):
    """Drops a residual branch for whole samples with probability `drop_path_rate` while
    training, scaling the kept ones by 1 / (1 - rate) (Huang et al., 2016); the identity at
    inference.

    Args:
        drop_path_rate: the probability of dropping a sample's branch, in [0, 1).
    """

    def __init__(self, drop_path_rate, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= drop_path_rate < 1:
            raise ValueError(f"`drop_path_rate` must be in [0, 1); received drop_path_rate={drop_path_rate}")
        self.drop_path_rate = drop_path_rate

    def call(self, x, training=None):
        if not training or not self.drop_path_rate:
            return x
        import swiftdl as sd

        from .. import random
        keep = 1.0 - self.drop_path_rate
        shape = (x.shape[0],) + (1,) * (len(x.shape) - 1)
        mask = sd.floor(keep + random.uniform(shape, 0.0, 1.0))
        return (x / keep) * mask

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"drop_path_rate": self.drop_path_rate})
        return config


@register_keras_serializable(package="swiftdl.applications")
class CustomScaleLayer(Layer):
    """inputs[0] + inputs[1] * scale: InceptionResNetV2's scaled residual sum.

    Args:
        scale: the residual branch's factor.
    """

    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def call(self, inputs):
        return inputs[0] + inputs[1] * self.scale

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        config = super().get_config()
        config.update({"scale": self.scale})
        return config


__all__ = ["CustomScaleLayer", "LayerScale", "StochasticDepth"]
