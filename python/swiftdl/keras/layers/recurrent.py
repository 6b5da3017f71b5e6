"""LSTM, GRU and SimpleRNN: Keras's layouts, each sequence computed whole in the engine."""
import swiftdl as _sd

from .. import activations, constraints, initializers, regularizers
from .layer import Layer


class _RNN(Layer):
    """Shared argument handling; `gates` is how many blocks of `units` the kernel holds."""

    _casts_inputs_to_float = True

    gates = 1

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if not isinstance(units, int) or units <= 0:
            raise ValueError(f"Received an invalid value for argument `units`, expected a positive integer, got {units}.")
        self.units = units
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        if activations.serialize(self.activation) != "tanh" or (
                self.gates > 1 and activations.serialize(self.recurrent_activation) != "sigmoid"):
            raise ValueError(f"{type(self).__name__} in swiftdl supports activation='tanh' and recurrent_activation='sigmoid' "
                             "(Keras's defaults)")
        if dropout or recurrent_dropout:
            raise ValueError(f"{type(self).__name__} dropout and recurrent_dropout are not supported yet; use a Dropout layer")
        if stateful:
            raise ValueError(f"{type(self).__name__}(stateful=True) is not supported yet")
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.bias_constraint = constraints.get(bias_constraint)
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.dropout, self.recurrent_dropout, self.stateful, self.unroll = 0.0, 0.0, False, unroll
        self.supports_masking = True

    def _check_input_shape(self, input_shape):
        if len(input_shape) != 3 or input_shape[-1] is None:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: expected ndim=3 "
                             f"(batch, timesteps, features), found ndim={len(input_shape)}. Full shape received: "
                             f"{tuple(input_shape)}")

    def build(self, input_shape):
        features = input_shape[-1]
        self.kernel = self.add_weight(shape=(features, self.gates * self.units), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.gates * self.units),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint, name="recurrent_kernel")
        self.bias = self._build_bias() if self.use_bias else None
        self.built = True

    def _build_bias(self):
        return self.add_weight(shape=(self.gates * self.units,), initializer=self.bias_initializer,
                               regularizer=self.bias_regularizer, constraint=self.bias_constraint, name="bias")

    def _state_count(self):
        return 1

    def call(self, sequences, initial_state=None, mask=None, training=None):
        if sequences.ndim != 3 or sequences.shape[-1] != self.kernel.shape[0]:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: expected shape "
                             f"(batch, timesteps, {self.kernel.shape[0]}), received {tuple(sequences.shape)}")
        outputs, *states = self.run(sequences, initial_state, mask)
        if self.return_state:
            return [outputs] + list(states)
        return outputs

    def compute_output_shape(self, input_shape):
        batch, steps = input_shape[0], input_shape[1]
        output = (batch, steps, self.units) if self.return_sequences else (batch, self.units)
        if self.return_state:
            return [output] + [(batch, self.units)] * self._state_count()
        return output

    def compute_mask(self, inputs, mask=None):
        return mask if self.return_sequences else None

    def get_config(self):
        config = super().get_config()
        config.update({
            "units": self.units, "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation), "use_bias": self.use_bias,
            **self._weight_settings_config("kernel", "recurrent", "bias"),
            "return_sequences": self.return_sequences, "return_state": self.return_state,
            "go_backwards": self.go_backwards, "stateful": False, "unroll": self.unroll,
            "dropout": 0.0, "recurrent_dropout": 0.0,
        })
        return config


def _mask_argument(function, mask):
    """Passes the mask on when the engine op takes one."""
    import inspect
    return {"mask": mask} if mask is not None and "mask" in inspect.signature(function).parameters else {}


class LSTM(_RNN):
    """Long short-term memory. Kernel (in, 4u), recurrent kernel (u, 4u), bias (4u); gates i, f, c, o."""

    gates = 4

    def __init__(self, units, unit_forget_bias=True, **kwargs):
        super().__init__(units, **kwargs)
        self.unit_forget_bias = unit_forget_bias

    def _build_bias(self):
        if not self.unit_forget_bias:
            return super()._build_bias()
        units, base = self.units, self.bias_initializer

        def forget_bias_one(shape, dtype=None):
            # Keras's unit_forget_bias: the forget gate's block starts at 1.
            return _sd.concatenate([base((units,), dtype), _sd.ones((units,), dtype), base((2 * units,), dtype)])
        return self.add_weight(shape=(4 * units,), initializer=forget_bias_one, regularizer=self.bias_regularizer,
                               constraint=self.bias_constraint, name="bias")

    def _state_count(self):
        return 2

    def run(self, sequences, initial_state, mask):
        from swiftdl import nn
        outputs, h, c = nn.lstm(sequences, self.kernel, self.recurrent_kernel, self.bias, initial_state=initial_state,
                                return_sequences=self.return_sequences, go_backwards=self.go_backwards,
                                **_mask_argument(nn.lstm, mask))
        return outputs, h, c

    def get_config(self):
        config = super().get_config()
        config["unit_forget_bias"] = self.unit_forget_bias
        return config


class GRU(_RNN):
    """Gated recurrent unit, reset_after=True: kernel (in, 3u), recurrent (u, 3u), bias (2, 3u); gates z, r, h."""

    gates = 3

    def __init__(self, units, reset_after=True, **kwargs):
        super().__init__(units, **kwargs)
        if not reset_after:
            raise ValueError("swiftdl GRU supports reset_after=True (Keras's default) only")
        self.reset_after = True

    def _build_bias(self):
        return self.add_weight(shape=(2, 3 * self.units), initializer=self.bias_initializer,
                               regularizer=self.bias_regularizer, constraint=self.bias_constraint, name="bias")

    def run(self, sequences, initial_state, mask):
        from swiftdl import nn
        outputs, h = nn.gru(sequences, self.kernel, self.recurrent_kernel, self.bias, initial_state=initial_state,
                            return_sequences=self.return_sequences, go_backwards=self.go_backwards,
                            **_mask_argument(nn.gru, mask))
        return outputs, h

    def get_config(self):
        config = super().get_config()
        config["reset_after"] = True
        return config


class SimpleRNN(_RNN):
    """A fully connected recurrent layer: h_t = tanh(x_t·W + h_{t-1}·U + b)."""

    gates = 1

    def get_config(self):
        config = super().get_config()
        config.pop("recurrent_activation", None)  # Keras's SimpleRNN has no recurrent gate
        return config

    def run(self, sequences, initial_state, mask):
        from swiftdl import nn
        outputs, h = nn.simple_rnn(sequences, self.kernel, self.recurrent_kernel, self.bias, initial_state=initial_state,
                                   return_sequences=self.return_sequences, go_backwards=self.go_backwards,
                                   **_mask_argument(nn.simple_rnn, mask))
        return outputs, h
