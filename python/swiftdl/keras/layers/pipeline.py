"""keras.layers.Pipeline: preprocessing layers applied in turn, as one plain layer (not a
Model), for augmentation pipelines inside a model or in `Dataset.map`."""
from .layer import Layer


class Pipeline(Layer):
    """Applies `layers` in order. `training` reaches the layers that take it (so random
    augmentations act in training only) and each layer's output mask reaches the next."""

    def __init__(self, layers, name=None):
        super().__init__(name=name)
        self._pipeline_layers = list(layers)

    @property
    def layers(self):
        return self._pipeline_layers

    def call(self, inputs, training=True, mask=None):
        outputs = inputs
        for layer in self._pipeline_layers:
            kwargs = {}
            if layer._call_accepts("mask"):
                kwargs["mask"] = mask
            if layer._call_accepts("training") and training is not None:
                kwargs["training"] = training
            outputs = layer(inputs, **kwargs)
            inputs = outputs
            mask = getattr(outputs, "_keras_mask", None)
        return outputs

    def compute_output_shape(self, input_shape):
        for layer in self._pipeline_layers:
            input_shape = layer.compute_output_shape(input_shape)
        return input_shape

    def get_config(self):
        from ..saving import serialize_keras_object
        return {"layers": [serialize_keras_object(layer) for layer in self._pipeline_layers], "name": self.name}

    @classmethod
    def from_config(cls, config):
        from ..saving import deserialize_keras_object
        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ValueError("`Pipeline` config must contain a `layers` key mapping to a list of serialized layers. "
                             f"Received config with layers={layers}.")
        return cls(**{**config, "layers": [deserialize_keras_object(layer) for layer in layers]})
