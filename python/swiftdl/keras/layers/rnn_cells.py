"""LSTMCell, GRUCell and SimpleRNNCell: one time step of Keras 3's recurrent layers.

A cell computes `call(inputs, states, training=False) -> (output, new_states)` for one step
with engine ops (matmul, sigmoid, tanh, ...), so `keras.layers.RNN` can run it in a Python
loop and GradientTape differentiates it. Weights have the layers' names, shapes and order
(kernel (in, g·u), recurrent_kernel (u, g·u), bias), so a cell's weights and the matching
fused layer's weights are interchangeable.

The step math lives in the module functions `lstm_step`, `gru_step` and `simple_rnn_step`:
the built-in layers call them too when recurrent dropout needs the mask inside the loop.
"""
import numbers

import swiftdl as _sd

from .. import activations, constraints, initializers, regularizers
from .layer import Layer


def _project(x, kernel, masks):
    """`x @ kernel`, with `x` scaled by a dropout mask first. `masks` is None, one mask, or
    a list of one mask per gate (Keras's implementation 1): gate k's block of the kernel
    then sees `x * masks[k]`."""
    if masks is None:
        return _sd.matmul(x, kernel)
    if not isinstance(masks, (list, tuple)):
        return _sd.matmul(x * masks, kernel)
    width = kernel.shape[-1] // len(masks)
    return _sd.concatenate([_sd.matmul(x * mask, kernel[:, k * width:(k + 1) * width])
                            for k, mask in enumerate(masks)], axis=-1)


def lstm_step(x, h, c, kernel, recurrent_kernel, bias, activation, recurrent_activation,
              input_masks=None, recurrent_masks=None):
    """One Keras LSTM step: gates i, f, c, o. Returns the new (h, c)."""
    units = recurrent_kernel.shape[0]
    z = _project(x, kernel, input_masks) + _project(h, recurrent_kernel, recurrent_masks)
    if bias is not None:
        z = z + bias
    i = recurrent_activation(z[:, :units])
    f = recurrent_activation(z[:, units:2 * units])
    g = activation(z[:, 2 * units:3 * units])
    o = recurrent_activation(z[:, 3 * units:])
    c = f * c + i * g
    return o * activation(c), c


def gru_step(x, h, kernel, recurrent_kernel, bias, activation, recurrent_activation, reset_after=True,
             input_masks=None, recurrent_masks=None):
    """One Keras GRU step: gates z, r, h. With reset_after the reset gate multiplies the
    recurrent projection (bias (2, 3u)); without, it multiplies h before it (bias (3u,))."""
    units = recurrent_kernel.shape[0]
    if bias is None:
        input_bias = recurrent_bias = None
    elif reset_after:
        input_bias, recurrent_bias = bias[0], bias[1]
    else:
        input_bias, recurrent_bias = bias, None
    projected = _project(x, kernel, input_masks)
    if input_bias is not None:
        projected = projected + input_bias
    x_z, x_r, x_h = projected[:, :units], projected[:, units:2 * units], projected[:, 2 * units:]
    if reset_after:
        inner = _project(h, recurrent_kernel, recurrent_masks)
        if recurrent_bias is not None:
            inner = inner + recurrent_bias
        z = recurrent_activation(x_z + inner[:, :units])
        r = recurrent_activation(x_r + inner[:, units:2 * units])
        candidate = activation(x_h + r * inner[:, 2 * units:])
    else:
        h_z, h_r, h_h = recurrent_masks if isinstance(recurrent_masks, (list, tuple)) else (None, None, None)
        h_z, h_r, h_h = [h if m is None else h * m for m in (h_z, h_r, h_h)]
        z = recurrent_activation(x_z + _sd.matmul(h_z, recurrent_kernel[:, :units]))
        r = recurrent_activation(x_r + _sd.matmul(h_r, recurrent_kernel[:, units:2 * units]))
        candidate = activation(x_h + _sd.matmul(r * h_h, recurrent_kernel[:, 2 * units:]))
    return z * h + (1 - z) * candidate


def simple_rnn_step(x, h, kernel, recurrent_kernel, bias, activation, input_mask=None, recurrent_mask=None):
    """One Keras SimpleRNN step: activation(x·W + b + h·U)."""
    output = _project(x, kernel, input_mask)
    if bias is not None:
        output = output + bias
    return activation(output + _project(h, recurrent_kernel, recurrent_mask))


def check_rate(name, value):
    """Keras clips dropout rates into [0, 1]; anything but a number is refused."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a float between 0 and 1; received {value!r}")
    return min(1.0, max(0.0, float(value)))


def check_units(units):
    if isinstance(units, bool) or not isinstance(units, numbers.Integral) or units <= 0:
        raise ValueError(f"Received an invalid value for argument `units`, expected a positive integer, got {units}.")
    return int(units)


def dropout_masks(like, rate, count, seed_generator):
    """Keras's per-sequence dropout masks: `count` masks (one for None) of `like`'s shape,
    each 0 with probability `rate` and 1/(1-rate) elsewhere."""
    from ..random import dropout
    ones = _sd.ones(tuple(like.shape), dtype=like.dtype)
    if count is None:
        return dropout(ones, rate, seed=seed_generator)
    return [dropout(ones, rate, seed=seed_generator) for _ in range(count)]


class DropoutRNNCell:
    """Keras's dropout bookkeeping for cells: a mask for the inputs and one for the recurrent
    state are drawn at a sequence's first step and reused at every step, until the RNN layer
    resets them after the sequence. Cells with `dropout_mask_count` draw one per gate."""

    def get_dropout_mask(self, step_input):
        if getattr(self, "_dropout_mask", None) is None and self.dropout > 0:
            self._dropout_mask = dropout_masks(step_input, self.dropout, getattr(self, "dropout_mask_count", None),
                                               self.seed_generator)
        return getattr(self, "_dropout_mask", None)

    def get_recurrent_dropout_mask(self, step_input):
        if getattr(self, "_recurrent_dropout_mask", None) is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = dropout_masks(step_input, self.recurrent_dropout,
                                                         getattr(self, "dropout_mask_count", None), self.seed_generator)
        return getattr(self, "_recurrent_dropout_mask", None)

    def reset_dropout_mask(self):
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        self._recurrent_dropout_mask = None


class _Cell(Layer, DropoutRNNCell):
    """The arguments the three cells share; `gates` blocks of `units` in each kernel."""

    gates = 1
    _casts_inputs_to_float = True

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        self.units = check_units(units)
        implementation = kwargs.pop("implementation", 2)
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
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
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise ValueError(f"Argument `seed` must be an integer. Received: seed={seed!r}")
        self.seed = seed
        from ..random import SeedGenerator
        self.seed_generator = SeedGenerator(seed) if seed is not None else None
        # Keras switches to per-gate masks (implementation 1) when the state is dropped.
        self.implementation = 1 if self.recurrent_dropout else implementation
        if self.implementation == 1 and self.gates > 1:
            self.dropout_mask_count = self.gates
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        features = input_shape[-1]
        if features is None:
            raise ValueError(f"{type(self).__name__} needs a known number of input features; received shape "
                             f"{tuple(input_shape)}")
        self.kernel = self.add_weight(shape=(features, self.gates * self.units), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.gates * self.units),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint, name="recurrent_kernel")
        self.bias = self._build_bias() if self.use_bias else None
        self.built = True

    def _build_bias(self):
        return self.add_weight(shape=(self.gates * self.units,), initializer=self.bias_initializer,
                               regularizer=self.bias_regularizer, constraint=self.bias_constraint, name="bias")

    def _masks(self, inputs, h, training, rate_ok):
        """The (input, recurrent) dropout masks for this step in training, else (None, None)."""
        if not training:
            return None, None
        input_mask = self.get_dropout_mask(inputs) if rate_ok(self.dropout) else None
        recurrent_mask = self.get_recurrent_dropout_mask(h) if rate_ok(self.recurrent_dropout) else None
        return input_mask, recurrent_mask

    def _check_step(self, inputs, states):
        if inputs.ndim != 2:
            raise ValueError(f"{type(self).__name__} takes one step of shape (batch, features); received shape "
                             f"{tuple(inputs.shape)}")
        if not isinstance(states, (list, tuple)):
            states = [states]
        count = len(self.state_size) if isinstance(self.state_size, (list, tuple)) else 1
        if len(states) != count:
            raise ValueError(f"{type(self).__name__} expects {count} state tensor(s); received {len(states)}")
        return list(states)

    def get_initial_state(self, batch_size=None):
        sizes = self.state_size if isinstance(self.state_size, (list, tuple)) else [self.state_size]
        return [_sd.zeros((batch_size, size), dtype=self.dtype) for size in sizes]

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units, "activation": activations.serialize(self.activation)})
        config.update(self._gate_config())
        config["use_bias"] = self.use_bias
        config.update({f"{w}_initializer": initializers.serialize(getattr(self, f"{w}_initializer"))
                       for w in ("kernel", "recurrent", "bias")})
        config.update(self._extra_config())
        config.update({f"{w}_regularizer": regularizers.serialize(getattr(self, f"{w}_regularizer"))
                       for w in ("kernel", "recurrent", "bias")})
        config.update({f"{w}_constraint": constraints.serialize(getattr(self, f"{w}_constraint"))
                       for w in ("kernel", "recurrent", "bias")})
        config.update({"dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout})
        config.update(self._tail_config())
        config["seed"] = self.seed
        return config

    def _gate_config(self):
        return {}

    def _extra_config(self):
        return {}

    def _tail_config(self):
        return {}


def _strictly_between(rate):
    return 0.0 < rate < 1.0


class LSTMCell(_Cell):
    """One step of a Keras LSTM: kernel (in, 4u), recurrent_kernel (u, 4u), bias (4u,);
    gates i, f, c, o; states [h, c].

    Args:
        units: size of the output and of both states.
        activation: for the cell candidate and the output (default tanh).
        recurrent_activation: for the gates (default sigmoid).
        unit_forget_bias: start the forget gate's bias at 1 (default True).
        dropout: fraction of the inputs dropped in training, with one mask per sequence.
        recurrent_dropout: fraction of h dropped in training, one mask per sequence.
        seed: an int for reproducible dropout masks.
        (use_bias, the initializers, regularizers and constraints as in Keras.)
    """

    gates = 4

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, **kwargs):
        super().__init__(units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.state_size = [self.units, self.units]

    def _build_bias(self):
        if not self.unit_forget_bias:
            return super()._build_bias()
        units, base = self.units, self.bias_initializer

        def forget_bias_one(shape, dtype=None):
            return _sd.concatenate([base((units,), dtype), _sd.ones((units,), dtype), base((2 * units,), dtype)])
        return self.add_weight(shape=(4 * units,), initializer=forget_bias_one, regularizer=self.bias_regularizer,
                               constraint=self.bias_constraint, name="bias")

    def call(self, inputs, states, training=False):
        h, c = self._check_step(inputs, states)
        input_mask, recurrent_mask = self._masks(inputs, h, training, _strictly_between)
        h, c = lstm_step(inputs, h, c, self.kernel, self.recurrent_kernel, self.bias, self.activation,
                         self.recurrent_activation, input_mask, recurrent_mask)
        return h, [h, c]

    def _gate_config(self):
        return {"recurrent_activation": activations.serialize(self.recurrent_activation)}

    def _extra_config(self):
        return {"unit_forget_bias": self.unit_forget_bias}


class GRUCell(_Cell):
    """One step of a Keras GRU: kernel (in, 3u), recurrent_kernel (u, 3u), bias (2, 3u) with
    reset_after=True (the default) or (3u,) without; gates z, r, h; one state h.

    Args:
        units: size of the output and the state.
        reset_after: apply the reset gate after the recurrent projection (Keras 3's default,
            cuDNN's convention) or before it.
        (the other arguments as for LSTMCell.)
    """

    gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 reset_after=True, **kwargs):
        super().__init__(units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = bool(reset_after)

    def _build_bias(self):
        shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
        return self.add_weight(shape=shape, initializer=self.bias_initializer, regularizer=self.bias_regularizer,
                               constraint=self.bias_constraint, name="bias")

    def call(self, inputs, states, training=False):
        nested = isinstance(states, (list, tuple))
        (h,) = self._check_step(inputs, states)
        input_mask, recurrent_mask = self._masks(inputs, h, training, _strictly_between)
        h = gru_step(inputs, h, self.kernel, self.recurrent_kernel, self.bias, self.activation,
                     self.recurrent_activation, self.reset_after, input_mask, recurrent_mask)
        return h, ([h] if nested else h)

    def _gate_config(self):
        return {"recurrent_activation": activations.serialize(self.recurrent_activation)}

    def _tail_config(self):
        return {"reset_after": self.reset_after}


class SimpleRNNCell(_Cell):
    """One step of a Keras SimpleRNN: h = activation(x·kernel + bias + h·recurrent_kernel);
    kernel (in, u), recurrent_kernel (u, u), bias (u,)."""

    gates = 1

    def call(self, sequence, states, training=False):
        nested = isinstance(states, (list, tuple))
        (h,) = self._check_step(sequence, states)
        input_mask, recurrent_mask = self._masks(sequence, h, training, lambda rate: rate > 0)
        output = simple_rnn_step(sequence, h, self.kernel, self.recurrent_kernel, self.bias, self.activation,
                                 input_mask, recurrent_mask)
        return output, ([output] if nested else output)
