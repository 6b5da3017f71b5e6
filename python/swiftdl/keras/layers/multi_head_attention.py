"""MultiHeadAttention ("Attention Is All You Need") with Keras's weights, masks and options:
attention over any axes (`attention_axes`, for images or video), a sigmoid output gate
(`use_gate`), a banded `sliding_window`, and an output of any trailing shape.

Keras writes the attention as einsums over (batch, <other axes>, <attention axes>, heads,
dim); here the other axes are folded into the batch and the attention axes into one steps
axis, so each case is the same two batched matmuls as plain sequence attention (a softmax
over several axes jointly is a softmax over their flattened product)."""
import math

import numpy as np

import swiftdl as _sd
from swiftdl import _C

from .. import constraints, initializers, regularizers
from .attention import _LARGE_NEGATIVE, _causal_mask, _combine, _heads_product, _HeadsDense, _masked_softmax
from .layer import Layer, _as_tensor


def _positive_int(name, value, optional=False):
    if optional and value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"MultiHeadAttention: `{name}` must be a positive int; received {name}={value!r}")
    return int(value)


def _attention_axes(attention_axes):
    """Keras's spelling: None, an int, or a list/tuple of ints (a tuple afterwards)."""
    if attention_axes is None:
        return None
    if isinstance(attention_axes, (int, np.integer)) and not isinstance(attention_axes, bool):
        return (int(attention_axes),)
    if not isinstance(attention_axes, (list, tuple)):
        raise ValueError(f"`attention_axes` must be an int, list, or tuple.Received: attention_axes={attention_axes}")
    return tuple(int(axis) for axis in attention_axes)


def _output_shape(output_shape):
    """Keras's spelling: None, or a tuple of ints (an int n is (n,))."""
    if not output_shape:
        return None
    if isinstance(output_shape, (int, np.integer)):
        return (int(output_shape),)
    if isinstance(output_shape, (list, tuple)) and all(isinstance(d, (int, np.integer)) for d in output_shape):
        return tuple(int(d) for d in output_shape)
    raise ValueError(f"Invalid `output_shape`: {output_shape}. When specified, the `output_shape` should be of type "
                     "tuple, list, or int.")


class MultiHeadAttention(Layer):
    """Multi-head attention with Keras's weights: query/key/value kernels (features, num_heads,
    key_dim|value_dim) with biases (num_heads, dim), an optional gate kernel like the value's
    (from the query, through a sigmoid), output kernel (num_heads, value_dim, *output_shape).

    Call as `layer(query, value, key=None, attention_mask=None, use_causal_mask=False,
    return_attention_scores=False)` on (batch, ..., features) tensors.
    """

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None,
                 attention_axes=None, sliding_window=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate=False, seed=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.num_heads, self.key_dim = _positive_int("num_heads", num_heads), _positive_int("key_dim", key_dim)
        value_dim = _positive_int("value_dim", value_dim, optional=True)
        self.value_dim = self.key_dim if value_dim is None else value_dim
        if not 0 <= dropout <= 1:
            raise ValueError(f"MultiHeadAttention: `dropout` must be in [0, 1]; received dropout={dropout!r}")
        if sliding_window is not None and (isinstance(sliding_window, bool) or not isinstance(sliding_window, int)
                                           or sliding_window <= 0):
            raise ValueError(f"`sliding_window` must be `None` or a positive integer. "
                             f"Received: sliding_window={sliding_window}")
        self.dropout, self.use_bias, self.use_gate, self.seed = float(dropout), bool(use_bias), bool(use_gate), seed
        self.sliding_window = sliding_window
        self._output_shape = _output_shape(output_shape)
        self.attention_axes = _attention_axes(attention_axes)
        self._flash_attention = flash_attention  # accepted; the CPU computes the same attention either way
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.bias_constraint = constraints.get(bias_constraint)
        self.query_dense = self.key_dense = self.value_dense = self.output_dense = self._gate_dense = None
        self._query_rank = None
        self.supports_masking = True

    def build(self, query_shape, value_shape=None, key_shape=None):
        self.built = True  # the projections are made once the value's shape is known too

    def _build_projections(self, query_shape, value_shape, key_shape):
        for what, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) < 3:
                raise ValueError(f"MultiHeadAttention {self.name}: `{what}` must have rank 3 or more (batch, ..., "
                                 f"features); received shape {tuple(shape)}")
        if tuple(value_shape[1:-1]) != tuple(key_shape[1:-1]):
            raise ValueError(f"All dimensions of `value` and `key`, except the last one, must be equal. Received: "
                             f"value_shape={tuple(value_shape)} and key_shape={tuple(key_shape)}")
        heads = self.num_heads

        def dense(features, dim, name):
            # Keras's attribute names (query_dense, ...) are where weight files keep them,
            # made in Keras's order (query, key, gate, value, output) so weights list alike.
            return _HeadsDense((features, heads, dim), (heads, dim) if self.use_bias else None, self, name)
        self._query_rank = len(query_shape)
        # Keras writes the axes it attends over once built: the default's, negatives made positive.
        self.attention_axes = self._axes(self._query_rank + 1)[1]
        self.query_dense = dense(query_shape[-1], self.key_dim, "query")
        self.key_dense = dense(key_shape[-1], self.key_dim, "key")
        if self.use_gate:  # Keras keeps it private (`_gate_dense`), and so do its weight files
            self._gate_dense = self._track_layer(dense(query_shape[-1], self.value_dim, "gate"))
        self.value_dense = dense(value_shape[-1], self.value_dim, "value")
        output = self._output_shape or (query_shape[-1],)
        self.output_dense = _HeadsDense((heads, self.value_dim) + tuple(output), output if self.use_bias else None,
                                        self, "attention_output")

    def _symbolic_call(self, args, kwargs):
        if self.query_dense is None:
            query = args[0]
            value = args[1] if len(args) > 1 else kwargs.get("value")
            key = args[2] if len(args) > 2 else kwargs.get("key")
            if value is None:
                raise ValueError(f"MultiHeadAttention {self.name} must be called with a `value` tensor")
            self._build_projections(tuple(query.shape), tuple(value.shape),
                                    tuple((key if key is not None else value).shape))
        return super()._symbolic_call(args, kwargs)

    def _project(self, inputs, dense):
        """(batch, ..., heads, dim) from (batch, ..., features)."""
        features, heads, dim = dense.kernel.shape
        if inputs.shape[-1] != features:
            raise ValueError(f"MultiHeadAttention {self.name}: expected {features} features for '{dense.name}', "
                             f"received input of shape {tuple(inputs.shape)}")
        out = _heads_product(_sd.reshape(inputs, (-1, features)), _sd.reshape(dense.kernel, (features, heads * dim)),
                             None if dense.bias is None else _sd.reshape(dense.bias, (heads * dim,)))
        return _sd.reshape(out, tuple(inputs.shape[:-1]) + (heads, dim))

    def _axes(self, rank):
        """(other axes, attention axes) of a projected (batch, ..., heads, dim) tensor of `rank`."""
        if self.attention_axes is None:
            attention = tuple(range(1, rank - 2))
        else:
            attention = tuple(a if a >= 0 else rank - 1 + a for a in self.attention_axes)
            if any(not 0 < a < rank - 2 for a in attention) or len(set(attention)) != len(attention):
                raise ValueError(f"MultiHeadAttention {self.name}: attention_axes={self.attention_axes} do not name "
                                 f"distinct axes between the batch and the features of rank-{rank - 1} inputs")
        return tuple(a for a in range(rank - 2) if a not in attention), attention

    def _mask(self, query, value, scores_shape, attention, query_mask, value_mask, key_mask, attention_mask,
              use_causal_mask):
        """Keras's mask, broadcast to its scores' layout (other axes, heads, query attention
        axes, key attention axes): None when nothing is masked."""
        steps_q, steps_v = query.shape[1], value.shape[1]
        window = None
        if self.sliding_window is not None:
            window = (np.abs(np.arange(steps_q)[:, None] - np.arange(steps_v)[None, :]) < self.sliding_window)[None]
        mask = _combine(
            None if query_mask is None else np.asarray(query_mask, bool)[..., None],
            None if value_mask is None else np.asarray(value_mask, bool)[..., None, :],
            None if key_mask is None else np.asarray(key_mask, bool)[..., None, :],
            _causal_mask(steps_q, steps_v)[None] if use_causal_mask else None, window,
            None if attention_mask is None else np.asarray(attention_mask, bool))
        if mask is None:
            return None
        while mask.ndim < len(scores_shape):  # Keras expands in front of the attention axes
            mask = np.expand_dims(mask, -2 * len(attention) - 1)
        return np.broadcast_to(mask, scores_shape)

    def call(self, query, value=None, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
             return_attention_scores=False, training=None, use_causal_mask=False):
        if value is None:
            raise ValueError(f"MultiHeadAttention {self.name} must be called with a `value` tensor")
        query, value = _as_tensor(query), _as_tensor(value)
        key = value if key is None else _as_tensor(key)
        if self.query_dense is None:
            self._build_projections(tuple(query.shape), tuple(value.shape), tuple(key.shape))
        if query.ndim != self._query_rank or value.ndim != self._query_rank or key.ndim != self._query_rank:
            raise ValueError(f"MultiHeadAttention {self.name}: query, value and key must have rank {self._query_rank}; "
                             f"received {tuple(query.shape)}, {tuple(value.shape)}, {tuple(key.shape)}")
        if query.ndim == 3 and self.attention_axes in (None, (1,)) and not return_attention_scores \
                and not (training and self.dropout > 0):
            return self._fused_attention(query, value, key, query_mask, value_mask, key_mask, attention_mask,
                                         use_causal_mask)
        q = self._project(query, self.query_dense) * (1.0 / math.sqrt(self.key_dim))
        k, v = self._project(key, self.key_dense), self._project(value, self.value_dense)
        rank = q.ndim
        others, attention = self._axes(rank)
        heads = rank - 2
        # (other axes, heads, attention axes, dim), then other axes → one batch, attention → one steps.
        order = others + (heads,) + attention + (rank - 1,)
        other_shape = tuple(q.shape[a] for a in others)
        q_steps, v_steps = tuple(q.shape[a] for a in attention), tuple(v.shape[a] for a in attention)
        batch, n_q, n_v = int(np.prod(other_shape)), int(np.prod(q_steps)), int(np.prod(v_steps))

        def fold(tensor, steps, dim):
            return _sd.reshape(_sd.transpose(tensor, order), (batch, self.num_heads, steps, dim))
        scores = _sd.matmul(fold(q, n_q, self.key_dim), _sd.swapaxes(fold(k, n_v, self.key_dim), 2, 3))
        keras_scores_shape = other_shape + (self.num_heads,) + q_steps + v_steps
        mask = self._mask(query, value, keras_scores_shape, attention, query_mask, value_mask, key_mask,
                          attention_mask, use_causal_mask)
        weights = _masked_softmax(scores, None if mask is None else mask.reshape(batch, self.num_heads, n_q, n_v))
        dropped = weights
        if training and self.dropout > 0:
            from swiftdl import nn
            dropped = nn.dropout(weights, self.dropout)
        context = _sd.matmul(dropped, fold(v, n_v, self.value_dim))  # (batch, heads, n_q, value_dim)
        context = _sd.reshape(context, other_shape + (self.num_heads,) + q_steps + (self.value_dim,))
        context = _sd.transpose(context, tuple(int(i) for i in np.argsort(order)))  # back to (batch, ..., heads, dim)
        if self.use_gate:
            context = context * _sd.nn.sigmoid(self._project(query, self._gate_dense))
        output = self._output(context)
        if return_attention_scores:
            return output, _sd.reshape(weights, keras_scores_shape)
        return output

    def _fused_attention(self, query, value, key, query_mask, value_mask, key_mask, attention_mask, use_causal_mask):
        """The attention of (batch, steps, features) inputs as one engine op on the
        projections as they are, (batch, steps, heads, dim): no transposes, the scale and
        Keras's mask (-1e9 added to hidden scores) applied inside the op."""
        q = self._project(query, self.query_dense)
        k, v = self._project(key, self.key_dense), self._project(value, self.value_dense)
        batch, steps_q, steps_v = q.shape[0], q.shape[1], v.shape[1]
        mask = self._mask(query, value, (batch, self.num_heads, steps_q, steps_v), (1,), query_mask, value_mask,
                          key_mask, attention_mask, use_causal_mask)
        keep = None
        if mask is not None:
            # Keras broadcasts the mask over heads (and often batches): send one copy of each.
            leading = tuple(slice(0, 1) if stride == 0 else slice(None) for stride in mask.strides[:2])
            keep = _sd.asarray(np.ascontiguousarray(mask[leading]))
        context, _ = _C.dot_product_attention(q, k, v, keep, 1.0 / math.sqrt(self.key_dim), _LARGE_NEGATIVE, False,
                                             False)
        if self.use_gate:
            context = context * _sd.nn.sigmoid(self._project(query, self._gate_dense))
        return self._output(context)

    def _output(self, context):
        """The output projection of (batch, ..., heads, value_dim) to (batch, ..., *output_shape)."""
        kernel = self.output_dense.kernel
        inner, outer = self.num_heads * self.value_dim, tuple(kernel.shape[2:])
        bias = self.output_dense.bias
        output = _heads_product(_sd.reshape(context, (-1, inner)), _sd.reshape(kernel, (inner, int(np.prod(outer)))),
                                None if bias is None else _sd.reshape(bias, (-1,)))
        return _sd.reshape(output, tuple(context.shape[:-2]) + outer)

    def get_build_config(self):
        """Keras rebuilds MultiHeadAttention from the query/value/key shapes (their rank and features)."""
        if self.query_dense is None:
            return None
        leading = [None] * (self._query_rank - 1)
        shapes = {"query_shape": leading + [int(self.query_dense.kernel.shape[0])],
                  "value_shape": leading + [int(self.value_dense.kernel.shape[0])]}
        if self.key_dense.kernel.shape[0] != self.value_dense.kernel.shape[0]:
            shapes["key_shape"] = leading + [int(self.key_dense.kernel.shape[0])]
        return {"shapes_dict": shapes}

    def build_from_config(self, config):
        shapes = (config or {}).get("shapes_dict") or {}
        if self.query_dense is None and "query_shape" in shapes and "value_shape" in shapes:
            self._build_projections(tuple(shapes["query_shape"]), tuple(shapes["value_shape"]),
                                    tuple(shapes.get("key_shape") or shapes["value_shape"]))
        self.built = True

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        return tuple(query_shape[:-1]) + (self._output_shape or (query_shape[-1],))

    def get_config(self):
        config = super().get_config()
        config.update({"num_heads": self.num_heads, "key_dim": self.key_dim, "value_dim": self.value_dim,
                       "dropout": self.dropout, "use_bias": self.use_bias, "use_gate": self.use_gate,
                       "output_shape": self._output_shape, "attention_axes": self.attention_axes,
                       "sliding_window": self.sliding_window, **self._weight_settings_config("kernel", "bias"),
                       "activity_regularizer": regularizers.serialize(self.activity_regularizer), "seed": self.seed})
        return config

