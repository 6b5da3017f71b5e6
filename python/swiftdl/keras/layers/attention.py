"""Attention (Luong-style, dot or concat scores) and AdditiveAttention, and the pieces the
multi-head attentions share (masks, the heads' projection weights), with Keras's weight
layouts, computed with the engine's matmul, softmax and shape ops."""

import numpy as np

import swiftdl as _sd
from swiftdl import _C

from .layer import Layer

_LARGE_NEGATIVE = -1e9  # what Keras adds to masked scores in float32


def _heads_product(inputs, kernel, bias):
    """inputs · kernel (+ bias) for a 2-D kernel, as the attention layers project: one engine
    op with one backward rule when the input is a float tensor of the kernel's dtype, as
    Dense does, else a matmul and an add (the add was a second pass over each projection)."""
    if isinstance(inputs, _sd.Tensor) and inputs.dtype == kernel.dtype and inputs.dtype.kind == "f":
        return _C.dense(inputs, kernel, bias, 0)
    out = _sd.matmul(inputs, kernel)
    return out if bias is None else out + bias


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
            return scores if self.scale is None else scores * self.scale
        # concat: the scale multiplies inside the tanh (Keras's), not the scores.
        pairs = _sd.expand_dims(query, 2) + _sd.expand_dims(key, 1)
        if self.scale is not None:
            pairs = pairs * self.scale
        return self.concat_score_weight * _sd.tanh(pairs).sum(axis=-1)

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
