"""GroupQueryAttention (Ainslie et al., 2023) with Keras's weights and masks: query heads in
groups that share one key/value head (one group: multi-query attention; as many groups as
heads: multi-head attention), an optional sigmoid gate on the output, and a sliding window."""
import math

import numpy as np

import swiftdl as _sd
from swiftdl import _C

from .. import constraints, initializers, regularizers
from .attention import (_LARGE_NEGATIVE, _causal_mask, _check_rank3, _combine, _heads_product, _HeadsDense,
                        _masked_softmax)
from .layer import Layer, _as_tensor


def _positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"GroupQueryAttention: `{name}` must be a positive integer. Received: {name}={value!r}")
    return int(value)


class GroupedQueryAttention(Layer):
    """Call as `layer(query, value, key=None, attention_mask=None, use_causal_mask=False,
    return_attention_scores=False)` on (batch, steps, features) tensors.

    Keras stores it as "GroupQueryAttention" and names its instances after this class.
    """

    _keras_class_name = "GroupQueryAttention"

    def __init__(self, head_dim, num_query_heads, num_key_value_heads, dropout=0.0, use_bias=True, sliding_window=None,
                 flash_attention=None, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, use_gate=False, seed=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.supports_masking = True
        self.head_dim = _positive_int("head_dim", head_dim)
        self.num_query_heads = _positive_int("num_query_heads", num_query_heads)
        self.num_key_value_heads = _positive_int("num_key_value_heads", num_key_value_heads)
        if self.num_query_heads % self.num_key_value_heads != 0:
            raise ValueError("`num_query_heads` must be divisible by `num_key_value_heads`.")
        self.num_repeats = self.num_query_heads // self.num_key_value_heads
        if sliding_window is not None and (isinstance(sliding_window, bool) or not isinstance(sliding_window, int)
                                           or sliding_window <= 0):
            raise ValueError(f"`sliding_window` must be `None` or a positive integer. "
                             f"Received: sliding_window={sliding_window}")
        if not 0 <= dropout <= 1:
            raise ValueError(f"GroupQueryAttention: `dropout` must be in [0, 1]. Received: dropout={dropout!r}")
        if flash_attention and dropout > 0:
            raise ValueError("Dropout is not supported when flash attention is enabled. Please set dropout to 0.0 to "
                             "use flash attention.")
        self.sliding_window, self.dropout = sliding_window, float(dropout)
        self.use_bias, self.use_gate, self.seed = bool(use_bias), bool(use_gate), seed
        self._flash_attention = flash_attention  # accepted; the CPU computes the same attention either way
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self._query_dense = None

    def build(self, query_shape, value_shape=None, key_shape=None):
        self.built = True  # the projections are made once the value's shape is known too

    def _build_projections(self, query_shape, value_shape, key_shape):
        for what, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            _check_rank3(self, what, shape)
        features, dim = query_shape[-1], self.head_dim

        def dense(inputs, heads, name):
            # Keras's attribute names (_query_dense, ...) are where weight files keep them,
            # built in Keras's order so that get_weights lists them as Keras does.
            return self._track_layer(_HeadsDense((inputs, heads, dim), (heads, dim) if self.use_bias else None, self,
                                                 name))
        self._query_dense = dense(features, self.num_query_heads, "query")
        self._key_dense = dense(key_shape[-1], self.num_key_value_heads, "key")
        if self.use_gate:
            self._gate_dense = dense(features, self.num_query_heads, "gate")
        self._value_dense = dense(value_shape[-1], self.num_key_value_heads, "value")
        self._output_dense = self._track_layer(_HeadsDense(
            (self.num_query_heads, dim, features), (features,) if self.use_bias else None, self, "attention_output"))

    def _symbolic_call(self, args, kwargs):
        if self._query_dense is None:
            query = args[0]
            value = args[1] if len(args) > 1 else kwargs.get("value")
            key = args[2] if len(args) > 2 else kwargs.get("key")
            if value is None:
                raise ValueError(f"GroupQueryAttention {self.name} must be called with a `value` tensor")
            self._build_projections(tuple(query.shape), tuple(value.shape),
                                    tuple((key if key is not None else value).shape))
        return super()._symbolic_call(args, kwargs)

    def _project(self, inputs, dense):
        """(batch, heads, steps, head_dim) from (batch, steps, features)."""
        return _sd.transpose(self._project_steps_first(inputs, dense), (0, 2, 1, 3))

    def _project_steps_first(self, inputs, dense):
        """(batch, steps, heads, head_dim) from (batch, steps, features)."""
        batch, steps, features = inputs.shape
        heads = dense.kernel.shape[1]
        if features != dense.kernel.shape[0]:
            raise ValueError(f"GroupQueryAttention {self.name}: expected {dense.kernel.shape[0]} features for "
                             f"'{dense.name}', received input of shape {tuple(inputs.shape)}")
        out = _heads_product(inputs, _sd.reshape(dense.kernel, (features, heads * self.head_dim)),
                             None if dense.bias is None else _sd.reshape(dense.bias, (heads * self.head_dim,)))
        return _sd.reshape(out, (batch, steps, heads, self.head_dim))

    def _fused_attention(self, query, value, key, query_mask, value_mask, key_mask, attention_mask, use_causal_mask):
        """The attention as one engine op on the projections in (batch, steps, heads, dim)
        layout: each key/value head serves its group of query heads in place, Keras's mask
        (-1e9 added to hidden scores) applied inside."""
        q = self._project_steps_first(query, self._query_dense)
        k, v = self._project_steps_first(key, self._key_dense), self._project_steps_first(value, self._value_dense)
        mask = self._mask(query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask)
        keep = None
        if mask is not None:  # (batch, 1, steps_q, steps_v), often a broadcast view: one copy of each
            keep = _sd.asarray(np.ascontiguousarray(mask[slice(0, 1) if mask.strides[0] == 0 else slice(None)]))
        context, _ = _C.dot_product_attention(q, k, v, keep, 1.0 / math.sqrt(self.head_dim), _LARGE_NEGATIVE, False,
                                             False)
        if self.use_gate:
            context = context * _sd.nn.sigmoid(self._project_steps_first(query, self._gate_dense))
        return self._output(context)

    def _output(self, context):
        """The output projection of (batch, steps, query heads, head_dim)."""
        batch, steps_q = context.shape[0], context.shape[1]
        merged = _sd.reshape(context, (batch, steps_q, self.num_query_heads * self.head_dim))
        out_kernel = self._output_dense.kernel
        return _heads_product(merged, _sd.reshape(out_kernel, (self.num_query_heads * self.head_dim, out_kernel.shape[-1])),
                              self._output_dense.bias)

    def _mask(self, query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask):
        steps_q, steps_v = query.shape[1], value.shape[1]
        window = None
        if self.sliding_window is not None:
            distance = np.abs(np.arange(steps_q)[:, None] - np.arange(steps_v)[None, :])
            window = (distance < self.sliding_window)[None]
        mask = _combine(
            None if attention_mask is None else np.asarray(attention_mask, bool),
            None if value_mask is None else np.asarray(value_mask, bool)[:, None, :],
            None if key_mask is None else np.asarray(key_mask, bool)[:, None, :],
            None if query_mask is None else np.asarray(query_mask, bool)[:, :, None],
            _causal_mask(steps_q, steps_v)[None] if use_causal_mask else None, window)
        return None if mask is None else np.broadcast_to(mask, (query.shape[0], steps_q, steps_v))[:, None]

    def call(self, query, value=None, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
             return_attention_scores=False, training=None, use_causal_mask=False):
        if value is None:
            raise ValueError(f"GroupQueryAttention {self.name} must be called with a `value` tensor")
        query, value = _as_tensor(query), _as_tensor(value)
        key = value if key is None else _as_tensor(key)
        if self._query_dense is None:
            self._build_projections(tuple(query.shape), tuple(value.shape), tuple(key.shape))
        for what, tensor in (("query", query), ("value", value), ("key", key)):
            _check_rank3(self, what, tuple(tensor.shape))
        if tuple(key.shape[:-1]) != tuple(value.shape[:-1]):
            raise ValueError(f"All dimensions of `value` and `key`, except the last one, must be equal. Received: "
                             f"value_shape={tuple(value.shape)} and key_shape={tuple(key.shape)}")
        if not return_attention_scores and not (training and self.dropout > 0):
            return self._fused_attention(query, value, key, query_mask, value_mask, key_mask, attention_mask,
                                         use_causal_mask)
        batch, steps_q = query.shape[0], query.shape[1]
        steps_v, groups, repeats, dim = value.shape[1], self.num_key_value_heads, self.num_repeats, self.head_dim
        q = self._project(query, self._query_dense) * (1.0 / math.sqrt(dim))
        k, v = self._project(key, self._key_dense), self._project(value, self._value_dense)
        # The query heads of one group share its key and value head: fold the group's heads
        # into the query steps so each group is one product, with no repeated keys.
        grouped_q = _sd.reshape(q, (batch, groups, repeats * steps_q, dim))
        scores = _sd.reshape(_sd.matmul(grouped_q, _sd.swapaxes(k, 2, 3)),
                             (batch, self.num_query_heads, steps_q, steps_v))
        mask = self._mask(query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask)
        weights = _masked_softmax(scores, mask)
        dropped = weights
        if training and self.dropout > 0:
            from swiftdl import nn
            dropped = nn.dropout(weights, self.dropout)
        context = _sd.matmul(_sd.reshape(dropped, (batch, groups, repeats * steps_q, steps_v)), v)
        context = _sd.transpose(_sd.reshape(context, (batch, self.num_query_heads, steps_q, dim)), (0, 2, 1, 3))
        if self.use_gate:
            context = context * _sd.transpose(_sd.nn.sigmoid(self._project(query, self._gate_dense)), (0, 2, 1, 3))
        output = self._output(context)
        return (output, weights) if return_attention_scores else output

    def get_build_config(self):
        """Keras rebuilds the layer from the query/value/key shapes of its first call."""
        if self._query_dense is None:
            return None
        shapes = {"query_shape": [None, None, int(self._query_dense.kernel.shape[0])],
                  "value_shape": [None, None, int(self._value_dense.kernel.shape[0])]}
        if self._key_dense.kernel.shape[0] != self._value_dense.kernel.shape[0]:
            shapes["key_shape"] = [None, None, int(self._key_dense.kernel.shape[0])]
        return {"shapes_dict": shapes}

    def build_from_config(self, config):
        shapes = config.get("shapes_dict") or {}
        if "query_shape" in shapes and "value_shape" in shapes:
            self._build_projections(tuple(shapes["query_shape"]), tuple(shapes["value_shape"]),
                                    tuple(shapes.get("key_shape") or shapes["value_shape"]))
        self.built = True

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        if value_shape is not None and query_shape[-1] != value_shape[-1]:
            raise ValueError(f"The last dimension of `query_shape` and `value_shape` must be equal, but are "
                             f"{query_shape[-1]}, {value_shape[-1]}. Received: query_shape={query_shape}, "
                             f"value_shape={value_shape}")
        return tuple(query_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"head_dim": self.head_dim, "num_query_heads": self.num_query_heads,
                       "num_key_value_heads": self.num_key_value_heads, "use_bias": self.use_bias,
                       "use_gate": self.use_gate, "sliding_window": self.sliding_window, "dropout": self.dropout,
                       "kernel_initializer": initializers.serialize(self.kernel_initializer),
                       "bias_initializer": initializers.serialize(self.bias_initializer),
                       "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                       "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                       "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                       "kernel_constraint": constraints.serialize(self.kernel_constraint),
                       "bias_constraint": constraints.serialize(self.bias_constraint), "seed": self.seed})
        return config


GroupQueryAttention = GroupedQueryAttention
