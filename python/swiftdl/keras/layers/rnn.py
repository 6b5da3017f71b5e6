"""keras.layers.RNN: any cell run over a sequence, one step at a time, with engine ops.

The loop is Python over time steps; each step is the cell's engine ops (a few matmuls and
activations), so GradientTape sees an ordinary chain of ops and backpropagates through time.
The built-in LSTM, GRU and SimpleRNN layers keep their fused whole-sequence kernels and only
take this loop where the math must change inside the recurrence (recurrent dropout in
training, other activations, GRU reset_after=False).
"""
import numpy as np

import swiftdl as _sd

from .layer import Layer


def _flatten(structure):
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in _flatten(item)]
    return [structure]


def _pack(structure, flat):
    """`flat`'s leaves in `structure`'s nesting (lists), consuming them in order."""
    iterator = iter(flat)

    def pack(item):
        if isinstance(item, (list, tuple)):
            return [pack(child) for child in item]
        return next(iterator)
    return pack(structure)


def _keep_like(keep, tensor):
    """A (batch, 1) keep mask shaped to broadcast against `tensor` (batch, ...)."""
    if tensor.ndim == 2:
        return keep
    return _sd.reshape(keep, (keep.shape[0],) + (1,) * (tensor.ndim - 1))


def _time_steps(sequences, go_backwards):
    """(t, sequences[:, t]) in processing order. Long sequences are cut into about √T
    blocks first and the steps sliced from those: each slice's gradient is scattered into a
    zero tensor of its source's shape, so slicing T steps straight from the whole sequence
    would cost O(T²) in the backward pass; through blocks it costs O(T·√T)."""
    steps = sequences.shape[1]
    block = 1 if steps <= 16 else int(round(steps ** 0.5))
    starts = range(0, steps, block)
    for start in (reversed(starts) if go_backwards else starts):
        stop = min(start + block, steps)
        if block == 1:
            yield start, sequences[:, start]
            continue
        part = sequences[:, start:stop]
        for t in (range(stop - 1, start - 1, -1) if go_backwards else range(start, stop)):
            yield t, part[:, t - start]


def run_steps(step, sequences, initial_states, mask=None, go_backwards=False, return_sequences=False,
              zero_output_for_mask=False):
    """Runs `step(x_t, states) -> (output, new_states)` over axis 1 of `sequences`.

    Keras's masking: where `mask[b, t]` is False the states carry over unchanged and the
    output repeats the previous step's output (zeros before the first kept step), or is
    zero with `zero_output_for_mask`. With `go_backwards` the steps run from the last and
    the outputs come in processing order, as in Keras and the fused kernels.

    Returns:
        (last_output, outputs or None, final_states) with `final_states` nested as
        `initial_states` is.
    """
    steps = sequences.shape[1]
    if steps == 0:
        raise ValueError(f"RNN inputs need at least one time step; received shape {tuple(sequences.shape)}")
    keeps = None
    if mask is not None:
        mask_array = np.asarray(mask).astype(bool)
        if mask_array.ndim == 3:  # a (batch, time, 1) mask
            mask_array = mask_array[..., 0]
        if mask_array.shape != tuple(sequences.shape[:2]):
            raise ValueError(f"The mask must have shape (batch, time) = {tuple(sequences.shape[:2])}; received "
                             f"{mask_array.shape}")
        keeps = mask_array
    structure = initial_states
    states = _flatten(initial_states)
    outputs, previous = [], None
    for t, x_t in _time_steps(sequences, go_backwards):
        output, new_states = step(x_t, _pack(structure, states))
        new_states = _flatten(new_states)
        if len(new_states) != len(states):
            raise ValueError(f"The cell returned {len(new_states)} state tensor(s); expected {len(states)}")
        if keeps is not None and not keeps[:, t].all():
            keep = _sd.asarray(keeps[:, t:t + 1])
            if zero_output_for_mask:
                output = _sd.where(_keep_like(keep, output), output, _sd.zeros((), dtype=output.dtype))
            else:
                if previous is None:
                    previous = _sd.zeros_like(output)
                output = _sd.where(_keep_like(keep, output), output, previous)
            new_states = [_sd.where(_keep_like(keep, new), new, old) for new, old in zip(new_states, states)]
        states, previous = new_states, output
        if return_sequences:
            outputs.append(output)
    sequence = _sd.stack(outputs, axis=1) if return_sequences else None
    return previous, sequence, _pack(structure, states)


def _call_cell(cell, inputs, states, training):
    """Calls a cell as Keras does: through `__call__` for layers, with `training` when the
    cell's call takes it."""
    if isinstance(cell, Layer):
        if cell._call_accepts("training"):
            return cell(inputs, states, training=training)
        return cell(inputs, states)
    import inspect
    call = cell.call
    if "training" in inspect.signature(call).parameters:
        return call(inputs, states, training=training)
    return call(inputs, states)


def _output_size(cell):
    size = getattr(cell, "output_size", None)
    if size is not None:
        return size
    state_size = cell.state_size
    return state_size[0] if isinstance(state_size, (list, tuple)) else state_size


def _check_cell(cell, where):
    if not callable(getattr(cell, "call", None)):
        raise ValueError(f"{where} should have a `call` method. Received: cell={cell!r}")
    if getattr(cell, "state_size", None) is None:
        raise ValueError(f"The RNN cell should have a `state_size` attribute (single integer or list of integers, "
                         f"one integer per RNN state). Received: cell={cell!r}")
    state_size = cell.state_size
    if not isinstance(state_size, (list, tuple, int)):
        raise ValueError(f"state_size must be an integer, or a list/tuple of integers (one for each state tensor); "
                         f"received {state_size!r}")


def _zeros_states(cell, batch_size, dtype):
    """The cell's own initial state, or zeros of `state_size` for a cell without one."""
    get_initial_state = getattr(cell, "get_initial_state", None)
    if get_initial_state is not None:
        states = get_initial_state(batch_size=batch_size)
        return list(states) if isinstance(states, (list, tuple)) else [states]
    sizes = cell.state_size if isinstance(cell.state_size, (list, tuple)) else [cell.state_size]
    return [_zeros_for(size, batch_size, dtype) for size in sizes]


def _zeros_for(size, batch_size, dtype):
    if isinstance(size, (list, tuple)):
        return [_zeros_for(s, batch_size, dtype) for s in size]
    return _sd.zeros((batch_size, size), dtype=dtype)


def _reset_dropout(cell):
    from .rnn_cells import DropoutRNNCell
    if isinstance(cell, DropoutRNNCell):
        cell.reset_dropout_mask()
        cell.reset_recurrent_dropout_mask()
    for child in getattr(cell, "cells", None) or []:
        _reset_dropout(child)


class StackedRNNCells(Layer):
    """Cells stacked into one: each cell's output is the next one's input; the states are a
    list with one entry (a tensor or a list) per cell.

    Args:
        cells: a list of cells (built-in or user cells with `call` and `state_size`).
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(cells, (list, tuple)) or not cells:
            raise ValueError(f"StackedRNNCells takes a non-empty list of cells; received {cells!r}")
        for cell in cells:
            _check_cell(cell, "All cells")
        self.cells = list(cells)

    @property
    def state_size(self):
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self):
        return _output_size(self.cells[-1])

    def get_initial_state(self, batch_size=None):
        states = []
        for cell in self.cells:
            cell_states = _zeros_states(cell, batch_size, self.dtype)
            states.append(cell_states if isinstance(cell.state_size, (list, tuple)) else cell_states[0])
        return states

    def build(self, input_shape):
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(tuple(input_shape))
                cell.built = True
            input_shape = (input_shape[0], _output_size(cell))
        self.built = True

    def call(self, inputs, states, training=False):
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            is_list = isinstance(cell_states, (list, tuple))
            inputs, cell_new = _call_cell(cell, inputs, list(cell_states) if is_list else [cell_states], training)
            cell_new = list(cell_new) if isinstance(cell_new, (list, tuple)) else [cell_new]
            new_states.append(cell_new if is_list or len(cell_new) != 1 else cell_new[0])
        return inputs, new_states

    def get_config(self):
        from ..saving.serialization import serialize_layer
        config = super().get_config()
        config["cells"] = [serialize_layer(cell) for cell in self.cells]
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ..saving.serialization import deserialize_layer
        config = dict(config)
        cells = [deserialize_layer(entry, custom_objects) for entry in config.pop("cells")]
        return cls(cells, **config)


class RNN(Layer):
    """Base class for recurrent layers: runs `cell` over the time axis.

    Args:
        cell: an RNN cell (an object or Layer with `call(inputs, states)` returning
            `(output, new_states)` and a `state_size`: an int or a list of them), or a
            list of cells, stacked with StackedRNNCells.
        return_sequences: return every step's output, `(batch, time, output_size)`,
            instead of the last one.
        return_state: also return the final states: `[output, *states]`.
        go_backwards: process the sequence from its last step (outputs in processing order).
        stateful: keep the final states of a batch as the next batch's initial states
            (the batch size must then be fixed); `reset_states()` zeroes them.
        unroll: accepted for Keras compatibility; swiftdl always runs the steps eagerly.
        zero_output_for_mask: masked steps output zeros instead of the previous output.

    Call arguments:
        sequences: `(batch, time, features)`.
        initial_state: a tensor or list of tensors, as `cell.state_size` describes.
        mask: `(batch, time)` booleans; False skips a step.
        training: passed to the cell (for dropout).

    Raises:
        ValueError: for a cell without `call` or `state_size`, inputs that are not rank 3,
            a wrong number of initial states, or a changed batch size when stateful.
    """

    _casts_inputs_to_float = True

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, zero_output_for_mask=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        _check_cell(cell, "Argument `cell`")
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.supports_masking = True
        state_size = cell.state_size
        self.state_size = list(state_size) if isinstance(state_size, (list, tuple)) else [state_size]
        self.single_state = not isinstance(state_size, (list, tuple))
        self._state_variables = None

    @property
    def states(self):
        """The stateful layer's current states (Variables), or None."""
        return self._state_variables

    def _check_input_shape(self, input_shape):
        if not isinstance(input_shape, tuple) or len(input_shape) < 3:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: expected ndim=3 "
                             f"(batch, timesteps, features); received shape {input_shape!r}")

    def build(self, sequences_shape, initial_state_shape=None):
        step_shape = (sequences_shape[0],) + tuple(sequences_shape[2:])
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build(step_shape)
            self.cell.built = True
        if self.stateful:
            if sequences_shape[0] is None:
                raise ValueError(f"When using `stateful=True` in a RNN, the batch size must be static. Found dynamic "
                                 f"batch size: sequence.shape={tuple(sequences_shape)}")
            self._create_state_variables(sequences_shape[0])
        self.built = True

    def _create_state_variables(self, batch_size):
        from swiftdl._autograd import Variable
        states = self.get_initial_state(batch_size)
        # Kept off the layer's weights, as Keras keeps them: they are not saved or trained.
        self._state_variables = _pack(states, [Variable(s, trainable=False, name="rnn_state")
                                               for s in _flatten(states)])

    def get_initial_state(self, batch_size):
        return _zeros_states(self.cell, batch_size, self.dtype)

    def reset_state(self):
        """Zeroes a stateful layer's states."""
        if self._state_variables is not None:
            for variable in _flatten(self._state_variables):
                variable.assign(np.zeros(tuple(variable.shape), dtype=str(variable.dtype)))

    def reset_states(self):
        self.reset_state()

    def _initial_states(self, sequences, initial_state):
        batch = sequences.shape[0]
        if self.stateful:
            if self._state_variables is None:
                self._create_state_variables(batch)
            expected = _flatten(self._state_variables)[0].shape[0]
            if batch != expected:
                raise ValueError(f"If an RNN is stateful, the batch size of the input sequences must be the same as "
                                 f"the batch size of the initial state. \n- Expected batch size: {expected}\n"
                                 f"- Received batch size: {batch}")
        if initial_state is None:
            if self.stateful:
                return _pack(self._state_variables, [_sd.asarray(v) for v in _flatten(self._state_variables)])
            return self.get_initial_state(batch)
        states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        if len(states) != len(self.state_size):
            raise ValueError(f"Layer {self.name} expects {len(self.state_size)} initial state(s); received "
                             f"{len(states)}")
        return _pack(states, [s if isinstance(s, _sd.Tensor) else _sd.asarray(np.asarray(s, dtype=self.dtype))
                              for s in _flatten(states)])

    def call(self, sequences, initial_state=None, mask=None, training=False):
        if sequences.ndim < 3:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: expected ndim=3 "
                             f"(batch, timesteps, features); received shape {tuple(sequences.shape)}")
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        states = self._initial_states(sequences, initial_state)
        cell = self.cell
        _reset_dropout(cell)

        def step(inputs, step_states):
            output, new_states = _call_cell(cell, inputs, step_states, bool(training))
            return output, (list(new_states) if isinstance(new_states, (list, tuple)) else [new_states])
        try:
            last, sequence, states = run_steps(step, sequences, states, mask=mask, go_backwards=self.go_backwards,
                                               return_sequences=self.return_sequences,
                                               zero_output_for_mask=self.zero_output_for_mask)
        finally:
            _reset_dropout(cell)
        if self.stateful:
            for variable, value in zip(_flatten(self._state_variables), _flatten(states)):
                variable.assign(np.asarray(value))
        output = sequence if self.return_sequences else last
        if self.return_state:
            return [output] + list(states)
        return output

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch, length = sequences_shape[0], sequences_shape[1]
        output_size = _output_size(self.cell)
        if not isinstance(output_size, int):
            raise ValueError("output_size must be an integer.")
        output = (batch, length, output_size) if self.return_sequences else (batch, output_size)
        if not self.return_state:
            return output
        states = [_state_shape(size, batch) for size in self.state_size]
        return [output] + states

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(self.state_size)
        return output_mask

    def get_config(self):
        from ..saving.serialization import serialize_layer
        config = super().get_config()
        config.update({"return_sequences": self.return_sequences, "return_state": self.return_state,
                       "go_backwards": self.go_backwards, "stateful": self.stateful, "unroll": self.unroll,
                       "zero_output_for_mask": self.zero_output_for_mask, "cell": serialize_layer(self.cell)})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ..saving.serialization import deserialize_layer
        config = dict(config)
        cell = deserialize_layer(config.pop("cell"), custom_objects)
        return cls(cell, **config)


def _state_shape(size, batch):
    if isinstance(size, (list, tuple)):
        return [_state_shape(s, batch) for s in size]
    return (batch, size)
