"""The pieces a keras.utils.FeatureSpace is made of: `Feature` (a dtype, a preprocessing
layer and how its output is encoded), `Cross` (features hashed together), and the two
small layers Keras uses inside it, `TFDIdentity` (plain floats) and `TFDConcat` (the
"concat" output). Their class names are Keras's, so configs and `.keras` files written by
either library name the same classes."""
import numpy as np

import swiftdl as _sd

from ..layers.layer import Layer

# Where Keras defines these classes; their serialized entries carry it as "module".
KERAS_MODULE = "keras.src.layers.preprocessing.feature_space"


def _serialize(obj):
    """Keras's entry for a Feature or Cross: registered under its own class name."""
    name = type(obj).__name__
    return {"module": KERAS_MODULE, "class_name": name, "config": obj.get_config(), "registered_name": name}


def deserialize_part(entry):
    """A Feature or Cross from its serialized entry (a dict as Keras writes it).

    Raises:
        ValueError: for an entry of another class.
    """
    name = entry.get("class_name")
    classes = {"Feature": Feature, "Cross": Cross}
    if name not in classes:
        raise ValueError(f"Expected a serialized FeatureSpace 'Feature' or 'Cross'; received class_name={name!r}")
    return classes[name].from_config(entry.get("config") or {})


class Cross:
    """Features hashed together into `crossing_dim` bins (a HashedCrossing), then one-hot
    encoded (`output_mode="one_hot"`) or kept as bin indices (`"int"`).

    Raises:
        ValueError: for another `output_mode`.
    """

    def __init__(self, feature_names, crossing_dim, output_mode="one_hot"):
        if output_mode not in {"int", "one_hot"}:
            raise ValueError("Invalid value for argument `output_mode`. Expected one of {'int', 'one_hot'}. "
                             f"Received: output_mode={output_mode}")
        self.feature_names = tuple(feature_names)
        self.crossing_dim = crossing_dim
        self.output_mode = output_mode

    @property
    def name(self):
        return "_X_".join(self.feature_names)

    def get_config(self):
        return {"feature_names": self.feature_names, "crossing_dim": self.crossing_dim,
                "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def serialize(self):
        return _serialize(self)


class Feature:
    """One input column: its `dtype` ("float32", "int32", "string"), the layer that
    preprocesses it, and `output_mode`: "float" (used as it is), "int" (indices, for dict
    output) or "one_hot" (indices multi-hot encoded over the preprocessor's output space).

    Raises:
        ValueError: for another `output_mode`.
    """

    def __init__(self, dtype, preprocessor, output_mode):
        if output_mode not in {"int", "one_hot", "float"}:
            raise ValueError("Invalid value for argument `output_mode`. Expected one of {'int', 'one_hot', 'float'}. "
                             f"Received: output_mode={output_mode}")
        self.dtype = dtype
        if isinstance(preprocessor, dict):
            from ..saving import deserialize_keras_object
            preprocessor = deserialize_keras_object(preprocessor)
        self.preprocessor = preprocessor
        self.output_mode = output_mode

    def get_config(self):
        from ..saving import serialize_keras_object
        return {"dtype": self.dtype, "preprocessor": serialize_keras_object(self.preprocessor),
                "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def serialize(self):
        return _serialize(self)


class TFDIdentity(Layer):
    """Passes a feature through as floats of the layer's dtype (FeatureSpace.float)."""

    _keras_export_module = KERAS_MODULE

    def call(self, inputs):
        return _sd.asarray(inputs).astype(self.dtype)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


class TFDConcat(Layer):
    """Joins the encoded features along `axis` (FeatureSpace's "concat" output)."""

    _keras_export_module = KERAS_MODULE

    def __init__(self, axis, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        return _sd.concatenate([_sd.asarray(x) for x in inputs], axis=self.axis)

    def compute_output_shape(self, input_shape):
        shapes = [tuple(shape) for shape in input_shape]
        sizes = [shape[self.axis] for shape in shapes]
        joined = None if any(size is None for size in sizes) else int(np.sum(sizes))
        output = list(shapes[0])
        output[self.axis] = joined
        return tuple(output)

    def compute_output_dtype(self, inputs):
        return "float32"

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config
