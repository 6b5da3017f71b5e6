"""LSTM, GRU and SimpleRNN: Keras's layouts, each sequence computed whole in the engine.

The fused kernels are the path whenever the math is Keras's default. Input dropout runs
before them (one mask per sequence, the same at every step). Recurrent dropout in training,
activations other than tanh/sigmoid and GRU(reset_after=False) change the recurrence
itself, so those calls run the cell's step math in `rnn.run_steps`, differentiable step by
step; inference without them stays on the fused kernels.
"""
import numpy as np

import swiftdl as _sd

from .. import activations, constraints, initializers, regularizers
from .layer import Layer
from .rnn import run_steps
from .rnn_cells import check_rate, check_units, dropout_masks, gru_step, lstm_step, simple_rnn_step


class _RNN(Layer):
    """Shared argument handling; `gates` is how many blocks of `units` the kernel holds.

    Args (besides Keras's units, activations, initializers and regularizers):
        dropout: fraction of the inputs dropped in training, one mask per sequence (the
            same at every step), scaled by 1/(1-rate); it runs before the fused kernel.
        recurrent_dropout: fraction of the state h dropped in training, one mask per
            sequence (one per gate, as Keras's implementation 1); training with it runs
            the cell's math step by step.
        seed: an int for reproducible dropout masks (None: swiftdl's global stream).
        return_sequences, return_state, go_backwards: as in Keras.
        stateful: the final states of a call are the next call's initial states (the
            batch size must stay fixed); `reset_states()` zeroes them.
        unroll: accepted; every path already runs eagerly.
        zero_output_for_mask: masked steps output zeros instead of the previous output
            (Bidirectional sets it when returning sequences, as Keras does).
    """

    _casts_inputs_to_float = True

    gates = 1
    cell_name = "cell"  # each recurrent layer names its cell as Keras does

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, **kwargs):
        kwargs.pop("implementation", None)  # Keras's choice of kernel split; the math is the same
        kwargs.pop("use_cudnn", None)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = check_units(units)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.dropout = check_rate("dropout", dropout)
        self.recurrent_dropout = check_rate("recurrent_dropout", recurrent_dropout)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise ValueError(f"Argument `seed` must be an integer. Received: seed={seed!r}")
        self.seed = seed
        from ..random import SeedGenerator
        self._seed_generator = SeedGenerator(seed) if seed is not None else None
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
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self._state_variables = None
        self.supports_masking = True

    def _fused_math(self):
        """Whether the engine's whole-sequence kernel computes this layer's recurrence."""
        return activations.serialize(self.activation) == "tanh" and (
            self.gates == 1 or activations.serialize(self.recurrent_activation) == "sigmoid")

    def _rate_ok(self, rate):
        return 0.0 < rate < 1.0

    def _check_input_shape(self, input_shape):
        if len(input_shape) != 3 or input_shape[-1] is None:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: expected ndim=3 "
                             f"(batch, timesteps, features), found ndim={len(input_shape)}. Full shape received: "
                             f"{tuple(input_shape)}")

    def build(self, input_shape):
        if self.stateful and input_shape[0] is None:
            raise ValueError(f"When using `stateful=True` in a RNN, the batch size must be static. Found dynamic "
                             f"batch size: sequence.shape={tuple(input_shape)}")
        features = input_shape[-1]
        self.kernel = self.add_weight(shape=(features, self.gates * self.units), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.gates * self.units),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint, name="recurrent_kernel")
        self.bias = self._build_bias() if self.use_bias else None
        # Keras keeps these weights in a cell sublayer, so their paths are "lstm/lstm_cell/kernel".
        for weight in (self.kernel, self.recurrent_kernel, self.bias):
            if weight is not None:
                weight.path = f"{self.path}/{self.cell_name}/{weight.name}"
        self._uses_fused_kernel = self._fused_math()  # decided once here: call is the hot path
        self.built = True

    def _build_bias(self):
        return self.add_weight(shape=(self.gates * self.units,), initializer=self.bias_initializer,
                               regularizer=self.bias_regularizer, constraint=self.bias_constraint, name="bias")

    def _state_count(self):
        return 1

    @property
    def states(self):
        """A stateful layer's current states (Variables), or None."""
        return self._state_variables

    def reset_state(self):
        """Zeroes a stateful layer's states."""
        for variable in self._state_variables or []:
            variable.assign(np.zeros(tuple(variable.shape), dtype=str(variable.dtype)))

    def reset_states(self):
        self.reset_state()

    def _stateful_initial_state(self, batch):
        from swiftdl._autograd import Variable
        if self._state_variables is None:
            # Off the layer's weights, as in Keras: never trained or saved.
            self._state_variables = [Variable(np.zeros((batch, self.units), dtype=self.dtype), trainable=False,
                                              name="rnn_state") for _ in range(self._state_count())]
        expected = self._state_variables[0].shape[0]
        if batch != expected:
            raise ValueError(f"If an RNN is stateful, the batch size of the input sequences must be the same as the "
                             f"batch size of the initial state. \n- Expected batch size: {expected}\n"
                             f"- Received batch size: {batch}")
        return [_sd.asarray(v) for v in self._state_variables]

    def call(self, sequences, initial_state=None, mask=None, training=None):
        if sequences.ndim != 3 or sequences.shape[-1] != self.kernel.shape[0]:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: expected shape "
                             f"(batch, timesteps, {self.kernel.shape[0]}), received {tuple(sequences.shape)}")
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if self.stateful:
            stored = self._stateful_initial_state(sequences.shape[0])
            if initial_state is None:
                initial_state = stored if self._state_count() > 1 else stored[0]
        if (training and self.recurrent_dropout and self._rate_ok(self.recurrent_dropout)) or not self._uses_fused_kernel:
            outputs, *states = self._run_steps(sequences, initial_state, mask, bool(training))
        else:
            if training and self.dropout and self._rate_ok(self.dropout):
                # One mask per sequence, the same at every step (Keras's DropoutRNNCell).
                keep = dropout_masks(sequences[:, 0], self.dropout, None, self._seed_generator)
                sequences = sequences * _sd.expand_dims(keep, 1)
            outputs, *states = self.run(sequences, initial_state, mask)
            if mask is not None and self.zero_output_for_mask:
                outputs = self._zero_masked_outputs(outputs, mask)
        if self.stateful:
            for variable, state in zip(self._state_variables, states):
                variable.assign(np.asarray(state))
        if self.return_state:
            return [outputs] + list(states)
        return outputs

    def _run_steps(self, sequences, initial_state, mask, training):
        """The recurrence step by step with the cell's math (recurrent dropout, other
        activations): Keras's implementation 1 masks, one per gate, drawn once per call."""
        per_gate = self.gates if self.gates > 1 and self.recurrent_dropout else None
        input_masks = recurrent_masks = None
        if training and self._rate_ok(self.dropout):
            input_masks = dropout_masks(sequences[:, 0], self.dropout, per_gate, self._seed_generator)
        if training and self._rate_ok(self.recurrent_dropout):
            like = _sd.zeros((sequences.shape[0], self.units), dtype=sequences.dtype)
            recurrent_masks = dropout_masks(like, self.recurrent_dropout, per_gate, self._seed_generator)
        states = self._initial_state_list(sequences, initial_state)
        step = self._step_function(input_masks, recurrent_masks)
        last, sequence, states = run_steps(step, sequences, states, mask=mask, go_backwards=self.go_backwards,
                                           return_sequences=self.return_sequences,
                                           zero_output_for_mask=self.zero_output_for_mask)
        return [sequence if self.return_sequences else last] + list(states)

    def _zero_masked_outputs(self, outputs, mask):
        """Keras's zero_output_for_mask on the fused kernel's outputs (which repeat the
        previous output at masked steps): zeros there instead, in processing order."""
        keep = np.asarray(mask).astype(bool)
        if self.go_backwards:
            keep = keep[:, ::-1]
        if self.return_sequences:
            return _sd.where(_sd.asarray(np.ascontiguousarray(keep[:, :, None])), outputs,
                             _sd.zeros((), dtype=outputs.dtype))
        return _sd.where(_sd.asarray(np.ascontiguousarray(keep[:, -1:])), outputs, _sd.zeros((), dtype=outputs.dtype))

    def _initial_state_list(self, sequences, initial_state):
        count = self._state_count()
        if initial_state is None:
            return [_sd.zeros((sequences.shape[0], self.units), dtype=sequences.dtype) for _ in range(count)]
        states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        if len(states) != count:
            raise ValueError(f"Layer {self.name} expects {count} initial state tensor(s); received {len(states)}")
        return [s if isinstance(s, _sd.Tensor) else _sd.asarray(np.asarray(s, dtype=sequences.dtype)) for s in states]

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
            "go_backwards": self.go_backwards, "stateful": self.stateful, "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
            "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout, "seed": self.seed,
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
        })
        return config


class LSTM(_RNN):
    """Long short-term memory. Kernel (in, 4u), recurrent kernel (u, 4u), bias (4u); gates i, f, c, o."""

    gates = 4
    cell_name = "lstm_cell"

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
                                mask=mask)
        return outputs, h, c

    def _step_function(self, input_masks, recurrent_masks):
        def step(x, states):
            h, c = lstm_step(x, states[0], states[1], self.kernel, self.recurrent_kernel, self.bias, self.activation,
                             self.recurrent_activation, input_masks, recurrent_masks)
            return h, [h, c]
        return step

    def get_config(self):
        config = super().get_config()
        config["unit_forget_bias"] = self.unit_forget_bias
        return config


class GRU(_RNN):
    """Gated recurrent unit: kernel (in, 3u), recurrent (u, 3u), bias (2, 3u) with
    reset_after=True (Keras's default, fused) or (3u,) with reset_after=False (step by step);
    gates z, r, h."""

    gates = 3
    cell_name = "gru_cell"

    def __init__(self, units, reset_after=True, **kwargs):
        super().__init__(units, **kwargs)
        self.reset_after = bool(reset_after)

    def _fused_math(self):
        return self.reset_after and super()._fused_math()

    def _build_bias(self):
        shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
        return self.add_weight(shape=shape, initializer=self.bias_initializer, regularizer=self.bias_regularizer,
                               constraint=self.bias_constraint, name="bias")

    def _step_function(self, input_masks, recurrent_masks):
        def step(x, states):
            h = gru_step(x, states[0], self.kernel, self.recurrent_kernel, self.bias, self.activation,
                         self.recurrent_activation, self.reset_after, input_masks, recurrent_masks)
            return h, [h]
        return step

    def run(self, sequences, initial_state, mask):
        from swiftdl import nn
        outputs, h = nn.gru(sequences, self.kernel, self.recurrent_kernel, self.bias, initial_state=initial_state,
                            return_sequences=self.return_sequences, go_backwards=self.go_backwards,
                            mask=mask)
        return outputs, h

    def get_config(self):
        config = super().get_config()
        config["reset_after"] = self.reset_after
        return config


class SimpleRNN(_RNN):
    """A fully connected recurrent layer: h_t = tanh(x_t·W + h_{t-1}·U + b)."""

    gates = 1
    cell_name = "simple_rnn_cell"

    def _rate_ok(self, rate):
        return rate > 0.0  # Keras's SimpleRNNCell drops whenever a rate is set

    def _step_function(self, input_mask, recurrent_mask):
        def step(x, states):
            h = simple_rnn_step(x, states[0], self.kernel, self.recurrent_kernel, self.bias, self.activation,
                                input_mask, recurrent_mask)
            return h, [h]
        return step

    def get_config(self):
        config = super().get_config()
        config.pop("recurrent_activation", None)  # Keras's SimpleRNN has no recurrent gate
        config.pop("seed", None)  # nor a seed in its config (its cell keeps one)
        return config

    def run(self, sequences, initial_state, mask):
        from swiftdl import nn
        outputs, h = nn.simple_rnn(sequences, self.kernel, self.recurrent_kernel, self.bias, initial_state=initial_state,
                                   return_sequences=self.return_sequences, go_backwards=self.go_backwards,
                                   mask=mask)
        return outputs, h
