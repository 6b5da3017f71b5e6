"""ConvLSTM1D/2D/3D: an LSTM whose gates are convolutions (Shi et al., 2015), with Keras's
weights (a `cell` holding kernel, recurrent_kernel and bias, four gate blocks i, f, c, o
along the last axis) and arguments.

The input convolutions of every time step run as one convolution over the steps folded
into the batch; only the recurrent convolution (stride 1, "same") runs step by step. With
dropout each gate gets its own per-sequence mask, as in Keras, and its own convolution.
"""
import swiftdl as _sd

from .. import activations, constraints, initializers, regularizers
from ..ops import conv, split
from .convolutional import _tuple, conv_output_length
from .data_format import standardize_data_format
from .layer import Layer
from .rnn_cells import DropoutRNNCell, check_rate


class ConvLSTMCell(Layer, DropoutRNNCell):
    """The weights and per-step gate math of a ConvLSTM layer."""

    dropout_mask_count = 4

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", unit_forget_bias=True,
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None,
                 **kwargs):
        super().__init__(**kwargs)
        if isinstance(filters, bool) or not isinstance(filters, int) or filters <= 0:
            raise ValueError(f"Invalid value for argument `filters`. Expected a strictly positive value. Received "
                             f"filters={filters}.")
        padding = str(padding).lower()
        if padding not in ("valid", "same"):
            raise ValueError(f"The `padding` argument must be one of 'valid', 'same'. Received: padding={padding}")
        self.rank, self.filters = rank, filters
        self.kernel_size = _tuple(kernel_size, rank, "kernel_size")
        self.strides = _tuple(strides, rank, "strides")
        self.dilation_rate = _tuple(dilation_rate, rank, "dilation_rate")
        self.padding, self.data_format = padding, standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias, self.unit_forget_bias = bool(use_bias), bool(unit_forget_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = check_rate("dropout", dropout)
        self.recurrent_dropout = check_rate("recurrent_dropout", recurrent_dropout)
        self.seed = seed
        from ..random import SeedGenerator
        self.seed_generator = SeedGenerator(seed) if seed is not None else None

    @property
    def channel_axis(self):
        return -1 if self.data_format == "channels_last" else 1

    def build(self, input_shape):
        channels = input_shape[self.channel_axis]
        if channels is None:
            raise ValueError(f"The channel dimension of the inputs (last axis) should be defined. Found None. Full "
                             f"input shape received: input_shape={input_shape}")
        self.kernel = self.add_weight(shape=self.kernel_size + (channels, self.filters * 4),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.recurrent_kernel = self.add_weight(shape=self.kernel_size + (self.filters, self.filters * 4),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint, name="recurrent_kernel")
        self.bias = None
        if self.use_bias:
            initializer = self.bias_initializer
            if self.unit_forget_bias:
                def initializer(shape, dtype=None):  # the forget gate's block starts at one
                    blocks = [self.bias_initializer((self.filters,), dtype=dtype), _sd.ones((self.filters,), dtype),
                              self.bias_initializer((self.filters * 2,), dtype=dtype)]
                    return _sd.concatenate([_sd.asarray(block) for block in blocks])
            self.bias = self.add_weight(shape=(self.filters * 4,), initializer=initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint, name="bias")
        self.built = True

    def input_gates(self, steps, training):
        """The four gates' input convolutions for (n, ...) step inputs: one tensor with the
        4·filters gate channels, or, with dropout in training, four (one per mask)."""
        masks = self.get_dropout_mask(steps) if training and 0 < self.dropout < 1 else None
        if masks is None:
            out = conv(steps, self.kernel, self.strides, self.padding, self.data_format, self.dilation_rate)
            return out + self._bias_shape(self.bias) if self.bias is not None else out
        kernels = split(self.kernel, 4, axis=self.rank + 1)
        biases = split(self.bias, 4) if self.bias is not None else [None] * 4
        gates = []
        for mask, kernel, bias in zip(masks, kernels, biases):
            out = conv(steps * mask, kernel, self.strides, self.padding, self.data_format, self.dilation_rate)
            gates.append(out + self._bias_shape(bias) if bias is not None else out)
        return _sd.concatenate(gates, axis=self.channel_axis)

    def recurrent_gates(self, h, training):
        masks = self.get_recurrent_dropout_mask(h) if training and 0 < self.recurrent_dropout < 1 else None
        if masks is None:
            return conv(h, self.recurrent_kernel, 1, "same", self.data_format)
        kernels = split(self.recurrent_kernel, 4, axis=self.rank + 1)
        return _sd.concatenate([conv(h * mask, kernel, 1, "same", self.data_format)
                                for mask, kernel in zip(masks, kernels)], axis=self.channel_axis)

    def _bias_shape(self, bias):
        return bias if self.data_format == "channels_last" else _sd.reshape(bias, (-1,) + (1,) * self.rank)

    def step(self, gates, c):
        i, f, candidate, o = split(gates, 4, axis=self.channel_axis)
        c = self.recurrent_activation(f) * c + self.recurrent_activation(i) * self.activation(candidate)
        return self.recurrent_activation(o) * self.activation(c), c

    def output_spatial(self, spatial):
        return tuple(conv_output_length(length, k, self.padding, s, d)
                     for length, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate))

    def get_config(self):
        config = super().get_config()
        config.update(_cell_settings(self))
        return config


def _cell_settings(cell):
    """The cell's arguments in Keras's config order (the layer's config shows them too)."""
    return {"filters": cell.filters, "kernel_size": cell.kernel_size, "strides": cell.strides, "padding": cell.padding,
            "data_format": cell.data_format, "dilation_rate": cell.dilation_rate,
            "activation": activations.serialize(cell.activation),
            "recurrent_activation": activations.serialize(cell.recurrent_activation), "use_bias": cell.use_bias,
            "kernel_initializer": initializers.serialize(cell.kernel_initializer),
            "recurrent_initializer": initializers.serialize(cell.recurrent_initializer),
            "bias_initializer": initializers.serialize(cell.bias_initializer),
            "unit_forget_bias": cell.unit_forget_bias,
            "kernel_regularizer": regularizers.serialize(cell.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(cell.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(cell.bias_regularizer)}


class ConvLSTM(Layer):
    """The shared layer; ConvLSTM1D/2D/3D fix the rank. Input (batch, time, spatial...,
    channels) (channels_last) or (batch, time, channels, spatial...)."""

    rank = 2

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", unit_forget_bias=True,
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, **kwargs):
        kwargs.pop("unroll", None)  # accepted; the steps run in a Python loop either way
        kwargs.pop("zero_output_for_mask", None)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.cell = ConvLSTMCell(
            self.rank, filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
            dilation_rate=dilation_rate, activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, seed=seed, name="conv_lstm_cell")
        self.return_sequences, self.return_state = bool(return_sequences), bool(return_state)
        self.go_backwards, self.stateful = bool(go_backwards), bool(stateful)
        self.states = None
        self.supports_masking = True

    def build(self, input_shape):
        if len(input_shape) != self.rank + 3:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: expected "
                             f"ndim={self.rank + 3}, found ndim={len(input_shape)}. Full shape received: "
                             f"{tuple(input_shape)}")
        step = (input_shape[0],) + tuple(input_shape[2:])
        spatial = step[1:-1] if self.cell.data_format == "channels_last" else step[2:]
        if None in spatial:
            raise ValueError(f"ConvLSTM layers only support static input shapes for the spatial dimension. Received "
                             f"invalid input shape: input_shape={tuple(input_shape)}")
        self.cell._maybe_build(step)
        self.built = True

    def _state_shape(self, batch, step_shape):
        spatial = step_shape[:-1] if self.cell.data_format == "channels_last" else step_shape[1:]
        out = self.cell.output_spatial(spatial)
        return (batch,) + out + (self.cell.filters,) if self.cell.data_format == "channels_last" else (
            batch, self.cell.filters) + out

    def call(self, sequences, initial_state=None, mask=None, training=False):
        cell = self.cell
        batch, steps = sequences.shape[0], sequences.shape[1]
        step_shape = tuple(sequences.shape[2:])
        folded = _sd.reshape(sequences, (batch * steps,) + step_shape)
        cell.reset_dropout_mask()
        cell.reset_recurrent_dropout_mask()
        if training and 0 < cell.dropout < 1:
            cell.get_dropout_mask(sequences[:, 0])
            masks = cell._dropout_mask  # one per sequence, as Keras draws it: repeat over the steps
            cell._dropout_mask = [_sd.reshape(_sd.repeat(_sd.expand_dims(m, 1), steps, axis=1),
                                              (batch * steps,) + step_shape) for m in masks]
        gates_x = cell.input_gates(folded, training)
        gates_x = _sd.reshape(gates_x, (batch, steps) + tuple(gates_x.shape[1:]))
        if initial_state is not None:
            h, c = (_sd.asarray(s) for s in initial_state)
        elif self.stateful and self.states is not None:
            h, c = self.states
        else:
            zeros = _sd.zeros(self._state_shape(batch, step_shape), dtype=gates_x.dtype)
            h, c = zeros, zeros
        order = range(steps - 1, -1, -1) if self.go_backwards else range(steps)
        mask = None if mask is None else _sd.asarray(mask)
        outputs = []
        for t in order:
            new_h, new_c = cell.step(gates_x[:, t] + cell.recurrent_gates(h, training), c)
            if mask is not None:  # masked steps keep the previous state (and output)
                keep = _sd.reshape(mask[:, t], (batch,) + (1,) * (new_h.ndim - 1))
                new_h, new_c = _sd.where(keep, new_h, h), _sd.where(keep, new_c, c)
            h, c = new_h, new_c
            if self.return_sequences:
                outputs.append(h)
        cell.reset_dropout_mask()
        cell.reset_recurrent_dropout_mask()
        if self.stateful:
            self.states = (_sd.stop_gradient(h), _sd.stop_gradient(c))
        output = _sd.stack(outputs, axis=1) if self.return_sequences else h
        return [output, h, c] if self.return_state else output

    def reset_states(self, states=None):
        self.states = None if states is None else tuple(_sd.asarray(s) for s in states)

    reset_state = reset_states

    def compute_mask(self, inputs, mask=None):
        output_mask = mask if self.return_sequences else None
        return [output_mask, None, None] if self.return_state else output_mask

    def compute_output_shape(self, input_shape):
        state = self._state_shape(input_shape[0], tuple(input_shape[2:]))
        output = (state[0], input_shape[1]) + state[1:] if self.return_sequences else state
        return [output, state, state] if self.return_state else output

    def get_config(self):
        config = super().get_config()
        config.update({"return_sequences": self.return_sequences, "return_state": self.return_state,
                       "go_backwards": self.go_backwards, "stateful": self.stateful, "unroll": False,
                       "zero_output_for_mask": False, **_cell_settings(self.cell),
                       "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                       "kernel_constraint": constraints.serialize(self.cell.kernel_constraint),
                       "recurrent_constraint": constraints.serialize(self.cell.recurrent_constraint),
                       "bias_constraint": constraints.serialize(self.cell.bias_constraint),
                       "dropout": self.cell.dropout, "recurrent_dropout": self.cell.recurrent_dropout,
                       "seed": self.cell.seed})
        return config


class ConvLSTM1D(ConvLSTM):
    """ConvLSTM over sequences of 1-D signals: (batch, time, steps, channels)."""

    rank = 1


class ConvLSTM2D(ConvLSTM):
    """ConvLSTM over sequences of images: (batch, time, rows, cols, channels)."""

    rank = 2


class ConvLSTM3D(ConvLSTM):
    """ConvLSTM over sequences of volumes: (batch, time, depth, rows, cols, channels)."""

    rank = 3
