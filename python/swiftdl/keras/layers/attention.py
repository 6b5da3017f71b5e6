"""Attention (Luong-style, dot or concat scores) and MultiHeadAttention, with Keras's
weight layouts, computed with the engine's matmul, softmax and shape ops."""
import math

import numpy as np

import swiftdl as _sd

from .. import constraints, initializers, regularizers
from .layer import Layer

_LARGE_NEGATIVE = -1e9  # what Keras adds to masked scores in float32


def _masked_softmax(scores, mask):
    from swiftdl import nn
    if mask is None:
        return nn.softmax(scores, axis=-1)
    keep = _sd.asarray(mask).astype(scores.dtype)
    return nn.softmax(scores + (1.0 - keep) * _LARGE_NEGATIVE, axis=-1)


def _causal_mask(query_steps, value_steps):
    """Row i may attend to columns 0..i (Keras's use_causal_mask)."""
    return np.tril(np.ones((query_steps, value_steps), dtype=bool))


def _combine(*masks):
    result = None
    for mask in masks:
        if mask is None:
            continue
        mask = np.asarray(mask, dtype=bool)
        result = mask if result is None else np.logical_and(result, mask)
    return result


def _check_rank3(layer, what, shape):
    if len(shape) != 3:
        raise ValueError(f"{type(layer).__name__} {layer.name}: `{what}` must have rank 3 (batch, steps, features); "
                         f"received shape {tuple(shape)}")


class Attention(Layer):
    """Dot-product attention: softmax(query·keyᵀ)·value.

    Call with `[query, value]` or `[query, value, key]` (key defaults to value); an
    optional `mask=[query_mask, value_mask]` hides padded steps.

    Args:
        use_scale: learn a scalar `scale` multiplying the scores.
        score_mode: "dot" or "concat" (scores = concat_score_weight·Σ tanh(query + key)).
        dropout: fraction of attention weights dropped in training.
    """

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"Invalid value for argument score_mode. Expected one of {{'dot', 'concat'}}. "
                             f"Received: score_mode={score_mode!r}")
        if not 0 <= dropout <= 1:
            raise ValueError(f"Attention: `dropout` must be in [0, 1]; received dropout={dropout!r}")
        self.use_scale, self.score_mode, self.dropout, self.seed = bool(use_scale), score_mode, float(dropout), seed
        self.supports_masking = True

    def _check_input_shape(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) not in (2, 3) or \
                not all(isinstance(s, (list, tuple)) for s in input_shape):
            raise ValueError(f"Attention {self.name} must be called on a list of inputs, namely [query, value] or "
                             f"[query, value, key]. Received: {input_shape}")
        for what, shape in zip(("query", "value", "key"), input_shape):
            _check_rank3(self, what, shape)
        if input_shape[0][-1] != input_shape[-1][-1] and self.score_mode == "dot":
            raise ValueError(f"Attention {self.name}: query and key feature sizes must match for score_mode='dot'; "
                             f"received {tuple(input_shape[0])} and {tuple(input_shape[-1])}")

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(), initializer="ones", name="scale") if self.use_scale else None
        self.concat_score_weight = (self.add_weight(shape=(), initializer="ones", name="concat_score_weight")
                                    if self.score_mode == "concat" else None)
        self.built = True

    def call(self, inputs, mask=None, training=False, return_attention_scores=False, use_causal_mask=False):
        self._check_input_shape([tuple(t.shape) for t in inputs] if isinstance(inputs, (list, tuple)) else inputs)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        scores = self._calculate_scores(query, key)
        query_mask = value_mask = None
        if mask is not None:
            query_mask = mask[0] if len(mask) > 0 else None
            value_mask = mask[1] if len(mask) > 1 else None
        steps_q, steps_v = query.shape[1], key.shape[1]
        score_mask = _combine(None if value_mask is None else np.asarray(value_mask, bool)[:, None, :],
                              _causal_mask(steps_q, steps_v)[None] if use_causal_mask else None)
        weights = _masked_softmax(scores, score_mask)
        if training and self.dropout > 0:
            from swiftdl import nn
            weights = nn.dropout(weights, self.dropout)
        output = _sd.matmul(weights, value)
        if query_mask is not None:
            output = output * _sd.asarray(np.asarray(query_mask, bool)[:, :, None].astype(np.float32))
        if return_attention_scores:
            return output, weights
        return output

    def _calculate_scores(self, query, key):
        """(batch, Tq, Tv) scores of every query step against every key step."""
        if self.score_mode == "dot":
            scores = _sd.matmul(query, _sd.swapaxes(key, 1, 2))
        else:
            summed = _sd.tanh(_sd.expand_dims(query, 2) + _sd.expand_dims(key, 1))
            scores = self.concat_score_weight * summed.sum(axis=-1)
        return scores if self.scale is None else scores * self.scale

    def compute_mask(self, inputs, mask=None):
        if mask is None or mask[0] is None:
            return None
        return mask[0]

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0][:-1]) + (input_shape[1][-1],)

    def get_config(self):
        config = super().get_config()
        config.update({"use_scale": self.use_scale, "score_mode": self.score_mode, "dropout": self.dropout,
                       "seed": self.seed})
        return config


class AdditiveAttention(Attention):
    """Bahdanau-style attention: scores Σ scale·tanh(query + key) over the features, with a
    learned per-feature `scale` (glorot-uniform) when use_scale."""

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        kwargs.pop("score_mode", None)
        super().__init__(use_scale=use_scale, score_mode="concat", dropout=dropout, **kwargs)

    def build(self, input_shape):
        dim = input_shape[0][-1]
        self.scale = (self.add_weight(shape=(dim,), initializer="glorot_uniform", name="scale")
                      if self.use_scale else None)
        self.concat_score_weight = None
        self.built = True

    def _calculate_scores(self, query, key):
        summed = _sd.tanh(_sd.expand_dims(query, 2) + _sd.expand_dims(key, 1))
        return (summed if self.scale is None else summed * self.scale).sum(axis=-1)

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config


class _HeadsDense(Layer):
    """Keras's EinsumDense as MultiHeadAttention uses it: kernel `kernel_shape`, bias
    `bias_shape`, applied as a matmul over the flattened last axes."""

    def __init__(self, kernel_shape, bias_shape, owner, name):
        # `owner` (the MultiHeadAttention) holds the initializers, regularizers and constraints.
        super().__init__(name=name)
        self.kernel = self.add_weight(shape=kernel_shape, initializer=owner.kernel_initializer,
                                      regularizer=owner.kernel_regularizer, constraint=owner.kernel_constraint,
                                      name="kernel")
        self.bias = (self.add_weight(shape=bias_shape, initializer=owner.bias_initializer,
                                     regularizer=owner.bias_regularizer, constraint=owner.bias_constraint,
                                     name="bias") if bias_shape is not None else None)
        self.built = True


class MultiHeadAttention(Layer):
    """Multi-head attention as in "Attention Is All You Need", with Keras's weights:
    query/key/value kernels (features, num_heads, key_dim|value_dim) with biases
    (num_heads, dim), output kernel (num_heads, value_dim, output_dim) and bias.

    Call as `layer(query, value, key=None, attention_mask=None, use_causal_mask=False,
    return_attention_scores=False)` on (batch, steps, features) tensors.
    """

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None,
                 attention_axes=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, seed=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        for name, value in (("num_heads", num_heads), ("key_dim", key_dim)):
            if not isinstance(value, (int, np.integer)) or value <= 0:
                raise ValueError(f"MultiHeadAttention: `{name}` must be a positive int; received {name}={value!r}")
        if value_dim is not None and (not isinstance(value_dim, (int, np.integer)) or value_dim <= 0):
            raise ValueError(f"MultiHeadAttention: `value_dim` must be a positive int; received value_dim={value_dim!r}")
        if attention_axes is not None and tuple(np.atleast_1d(attention_axes)) not in ((1,), (-2,)):
            raise ValueError(f"MultiHeadAttention in swiftdl attends over the steps axis only (attention_axes=None); "
                             f"received attention_axes={attention_axes!r}")
        if not 0 <= dropout <= 1:
            raise ValueError(f"MultiHeadAttention: `dropout` must be in [0, 1]; received dropout={dropout!r}")
        self.num_heads, self.key_dim = int(num_heads), int(key_dim)
        self.value_dim = int(value_dim) if value_dim is not None else self.key_dim
        self.dropout, self.use_bias, self.seed = float(dropout), bool(use_bias), seed
        if isinstance(output_shape, (list, tuple)):
            if len(output_shape) != 1:
                raise ValueError(f"MultiHeadAttention in swiftdl supports a single output size; received "
                                 f"output_shape={output_shape!r}")
            output_shape = output_shape[0]
        self._output_shape = output_shape
        self.attention_axes = None
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.bias_constraint = constraints.get(bias_constraint)
        self.query_dense = self.key_dense = self.value_dense = self.output_dense = None
        self.supports_masking = True

    def build(self, query_shape, value_shape=None, key_shape=None):
        self.built = True  # the projections are made once the value's shape is known too

    def _build_projections(self, query_shape, value_shape, key_shape):
        _check_rank3(self, "query", query_shape)
        _check_rank3(self, "value", value_shape)
        _check_rank3(self, "key", key_shape)
        heads = self.num_heads

        def dense(features, dim, name):
            # Keras's attribute names (query_dense, ...) are where weight files keep them.
            return _HeadsDense((features, heads, dim), (heads, dim) if self.use_bias else None, self, name)
        self.query_dense = dense(query_shape[-1], self.key_dim, "query")
        self.key_dense = dense(key_shape[-1], self.key_dim, "key")
        self.value_dense = dense(value_shape[-1], self.value_dim, "value")
        output_dim = self._output_shape or query_shape[-1]
        self.output_dense = _HeadsDense((heads, self.value_dim, output_dim), (output_dim,) if self.use_bias else None,
                                         self, "attention_output")

    def _symbolic_call(self, args, kwargs):
        if self.query_dense is None:
            query = args[0]
            value = args[1] if len(args) > 1 else kwargs.get("value")
            key = args[2] if len(args) > 2 else kwargs.get("key")
            if value is None:
                raise ValueError(f"MultiHeadAttention {self.name} must be called with a `value` tensor")
            self._build_projections(query.shape, value.shape, (key if key is not None else value).shape)
        return super()._symbolic_call(args, kwargs)

    def _project(self, inputs, dense, dim):
        batch, steps, features = inputs.shape
        if features != dense.kernel.shape[0]:
            raise ValueError(f"MultiHeadAttention {self.name}: expected {dense.kernel.shape[0]} features for "
                             f"'{dense.name}', received input of shape {tuple(inputs.shape)}")
        out = _sd.matmul(inputs, _sd.reshape(dense.kernel, (features, self.num_heads * dim)))
        if dense.bias is not None:
            out = out + _sd.reshape(dense.bias, (self.num_heads * dim,))
        return _sd.transpose(_sd.reshape(out, (batch, steps, self.num_heads, dim)), (0, 2, 1, 3))

    def call(self, query, value=None, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
             return_attention_scores=False, training=None, use_causal_mask=False):
        if value is None:
            raise ValueError(f"MultiHeadAttention {self.name} must be called with a `value` tensor")
        from ..layers.layer import _as_tensor
        value = _as_tensor(value)
        key = value if key is None else _as_tensor(key)
        if self.query_dense is None:
            self._build_projections(tuple(query.shape), tuple(value.shape), tuple(key.shape))
        for what, tensor in (("query", query), ("value", value), ("key", key)):
            _check_rank3(self, what, tuple(tensor.shape))
        q = self._project(query, self.query_dense, self.key_dim) * (1.0 / math.sqrt(self.key_dim))
        k = self._project(key, self.key_dense, self.key_dim)
        v = self._project(value, self.value_dense, self.value_dim)
        scores = _sd.matmul(q, _sd.swapaxes(k, 2, 3))  # (batch, heads, query steps, value steps)
        steps_q, steps_v = query.shape[1], value.shape[1]
        mask = _combine(
            None if attention_mask is None else np.asarray(attention_mask, bool),
            None if value_mask is None else np.asarray(value_mask, bool)[:, None, :],
            None if key_mask is None else np.asarray(key_mask, bool)[:, None, :],
            None if query_mask is None else np.asarray(query_mask, bool)[:, :, None],
            _causal_mask(steps_q, steps_v)[None] if use_causal_mask else None)
        if mask is not None:
            mask = np.broadcast_to(mask, (query.shape[0], steps_q, steps_v))[:, None]
        weights = _masked_softmax(scores, mask)
        dropped = weights
        if training and self.dropout > 0:
            from swiftdl import nn
            dropped = nn.dropout(weights, self.dropout)
        context = _sd.matmul(dropped, v)  # (batch, heads, query steps, value_dim)
        batch = query.shape[0]
        context = _sd.reshape(_sd.transpose(context, (0, 2, 1, 3)), (batch, steps_q, self.num_heads * self.value_dim))
        out_kernel = self.output_dense.kernel
        output = _sd.matmul(context, _sd.reshape(out_kernel, (self.num_heads * self.value_dim, out_kernel.shape[-1])))
        if self.output_dense.bias is not None:
            output = output + self.output_dense.bias
        if return_attention_scores:
            return output, weights
        return output

    def get_build_config(self):
        """Keras rebuilds MultiHeadAttention from the query/value/key feature sizes."""
        if self.query_dense is None:
            return None
        shapes = {"query_shape": [None, None, int(self.query_dense.kernel.shape[0])],
                  "value_shape": [None, None, int(self.value_dense.kernel.shape[0])]}
        if self.key_dense.kernel.shape[0] != self.value_dense.kernel.shape[0]:
            shapes["key_shape"] = [None, None, int(self.key_dense.kernel.shape[0])]
        return {"shapes_dict": shapes}

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        return tuple(query_shape[:-1]) + (self._output_shape or query_shape[-1],)

    def get_config(self):
        config = super().get_config()
        config.update({"num_heads": self.num_heads, "key_dim": self.key_dim, "value_dim": self.value_dim,
                       "dropout": self.dropout, "use_bias": self.use_bias, "output_shape": self._output_shape,
                       "attention_axes": None, "seed": self.seed,
                       **self._weight_settings_config("kernel", "bias")})
        return config
