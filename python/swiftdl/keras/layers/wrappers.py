"""Wrappers: the Wrapper base, TimeDistributed (a layer applied to every time step) and
Bidirectional (an RNN run both ways; not a Wrapper subclass here, since it keeps its layers
as `forward_layer` and `backward_layer` only). Attribute names follow Keras (`layer`,
`forward_layer`, `backward_layer`), which is also where weight files keep the wrapped
layers' variables."""
import swiftdl as _sd

from . import paired_lstm
from .layer import Layer


def _serialize(layer):
    from ..saving.serialization import serialize_layer
    return serialize_layer(layer)


def _deserialize(entry, custom_objects=None):
    from ..saving.serialization import deserialize_layer
    return deserialize_layer(entry, custom_objects)


def _clone(layer, **overrides):
    config = layer.get_config()
    config.update(overrides)
    return type(layer).from_config(config)


class Wrapper(Layer):
    """The base of layers that hold one other layer (`self.layer`) and add to what it does
    (TimeDistributed, SpectralNormalization); not a layer to use by itself."""

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"Layer {layer} supplied to Wrapper isn't a supported layer type. Please ensure wrapped "
                             f"layer is a valid Keras layer.")
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer._maybe_build(input_shape)
        self.built = True

    def get_config(self):
        config = super().get_config()
        config["layer"] = _serialize(self.layer)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer = _deserialize(config.pop("layer"), custom_objects)
        return cls(layer, **config)


class TimeDistributed(Wrapper):
    """Applies `layer` to every step of (batch, steps, ...): `TimeDistributed(Dense(8))`."""

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"Please initialize `TimeDistributed` layer with a `keras.layers.Layer` instance. "
                             f"Received: {layer!r}")
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def _check_input_shape(self, input_shape):
        if len(input_shape) < 3:
            raise ValueError(f"`TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions, "
                             f"received: {tuple(input_shape)}")

    def build(self, input_shape):
        self.layer._maybe_build((None,) + tuple(input_shape[2:]))
        self.layer._built_input_shape = (None,) + tuple(input_shape[2:])
        self.built = True

    def call(self, inputs, training=None, mask=None):
        self._check_input_shape(tuple(inputs.shape))
        batch, steps = inputs.shape[0], inputs.shape[1]
        flat = _sd.reshape(inputs, (batch * steps,) + tuple(inputs.shape[2:]))
        kwargs = {"training": training} if self.layer._call_accepts("training") else {}
        outputs = self.layer(flat, **kwargs)
        return _sd.reshape(outputs, (batch, steps) + tuple(outputs.shape[1:]))

    def compute_output_shape(self, input_shape):
        inner = self.layer.compute_output_shape((input_shape[0],) + tuple(input_shape[2:]))
        return (inner[0], input_shape[1]) + tuple(inner[1:])



class Bidirectional(Layer):
    """Runs an RNN layer forwards and a copy of it backwards and merges their outputs.

    Args:
        layer: an LSTM, GRU, SimpleRNN or RNN (it is copied: the wrapper holds `forward_layer`
            and `backward_layer`).
        merge_mode: "concat" (default), "sum", "mul", "ave", or None for a list.
        backward_layer: optional RNN to use backwards (must have go_backwards=True
            relative to `layer`).
    """

    _MODES = ("sum", "mul", "ave", "concat", None)

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        from .recurrent import _RNN
        from .rnn import RNN
        recurrent = (_RNN, RNN)
        if not isinstance(layer, recurrent):
            raise ValueError(f"Please initialize `Bidirectional` layer with a recurrent layer (LSTM, GRU, SimpleRNN, "
                             f"RNN). Received: {layer!r}")
        if merge_mode not in self._MODES:
            raise ValueError(f"Invalid merge mode. Received: {merge_mode}. Merge mode should be one of "
                             '{"sum", "mul", "ave", "concat", None}')
        if backward_layer is not None and not isinstance(backward_layer, recurrent):
            raise ValueError(f"`backward_layer` must be a recurrent layer; received {backward_layer!r}")
        kwargs.setdefault("name", None)
        super().__init__(**kwargs)
        base = layer.name[len("forward_"):] if layer.name.startswith("forward_") else layer.name
        self.forward_layer = _clone(layer, name="forward_" + base)
        if backward_layer is None:
            backward_layer = _clone(layer, name="backward_" + base, go_backwards=not layer.go_backwards)
        elif backward_layer.return_sequences != layer.return_sequences or backward_layer.return_state != layer.return_state:
            raise ValueError("Forward layer and backward layer should have the same `return_sequences` and "
                             "`return_state` values.")
        self.backward_layer = backward_layer
        for wrapped in (self.forward_layer, self.backward_layer):
            # Keras zeroes masked steps of returned sequences, so the two directions line up.
            if hasattr(wrapped, "zero_output_for_mask"):
                wrapped.zero_output_for_mask = wrapped.return_sequences
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self._initial_weights = weights

    def _check_input_shape(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(f"Bidirectional {self.name} expects inputs of rank 3 (batch, steps, features); received "
                             f"shape {tuple(input_shape)}")

    def build(self, input_shape):
        self.forward_layer._maybe_build(tuple(input_shape))
        self.backward_layer._maybe_build(tuple(input_shape))
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def call(self, inputs, training=None, mask=None, initial_state=None):
        kwargs = {"mask": mask} if mask is not None else {}
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        if paired_lstm.pairable(self.forward_layer, self.backward_layer, inputs, training):
            forward, backward = paired_lstm.call_pair(self.forward_layer, self.backward_layer, inputs, mask,
                                                      forward_state, backward_state)
        else:
            forward = self.forward_layer(inputs, initial_state=forward_state, **kwargs)
            backward = self.backward_layer(inputs, initial_state=backward_state, **kwargs)
        states = []
        if self.return_state:
            forward, states_f = forward[0], list(forward[1:])
            backward, states_b = backward[0], list(backward[1:])
            states = states_f + states_b
        if self.return_sequences:
            backward = backward[:, ::-1]  # line the backward outputs up with the forward steps
        if self.merge_mode == "concat":
            output = _sd.concatenate([forward, backward], axis=-1)
        elif self.merge_mode == "sum":
            output = forward + backward
        elif self.merge_mode == "ave":
            output = (forward + backward) * 0.5
        elif self.merge_mode == "mul":
            output = forward * backward
        else:
            output = [forward, backward]
        if self.return_state:
            return (output if isinstance(output, list) else [output]) + states
        return output

    def compute_output_shape(self, input_shape):
        shape = self.forward_layer.compute_output_shape(tuple(input_shape))
        states = []
        if self.return_state:
            shape, states = shape[0], list(shape[1:])
            states = states + states
        if self.merge_mode == "concat":
            output = tuple(shape[:-1]) + (shape[-1] * 2,)
        elif self.merge_mode is None:
            output = [tuple(shape), tuple(shape)]
        else:
            output = tuple(shape)
        if self.return_state:
            return (output if isinstance(output, list) else [output]) + [tuple(s) for s in states]
        return output

    def compute_mask(self, inputs, mask=None):
        return mask if self.return_sequences else None

    def get_config(self):
        config = super().get_config()
        config.update({"merge_mode": self.merge_mode, "layer": _serialize(self.forward_layer),
                       "backward_layer": _serialize(self.backward_layer)})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["layer"] = _deserialize(config["layer"], custom_objects)
        if config.get("backward_layer") is not None:
            config["backward_layer"] = _deserialize(config["backward_layer"], custom_objects)
        return cls(**config)
