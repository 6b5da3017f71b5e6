"""ReversibleEmbedding: an Embedding that also maps hidden states back to logits over the
vocabulary (`reverse=True`), through its own transposed table (tied weights) or a separate
one, as language models share input and output embeddings."""
import numpy as np

import swiftdl as _sd

from .embedding import Embedding


class ReversibleEmbedding(Embedding):
    """`layer(ids)` embeds; `layer(hidden, reverse=True)` gives hidden · Eᵀ (or · R with
    `tie_weights=False`), optionally soft-capped as cap · tanh(logits / cap)."""

    def __init__(self, input_dim, output_dim, tie_weights=True, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False, reverse_dtype=None,
                 logit_soft_cap=None, **kwargs):
        super().__init__(input_dim, output_dim, embeddings_initializer=embeddings_initializer,
                         embeddings_regularizer=embeddings_regularizer, embeddings_constraint=embeddings_constraint,
                         mask_zero=mask_zero, **kwargs)
        if logit_soft_cap is not None and not logit_soft_cap > 0:
            raise ValueError(f"`logit_soft_cap` must be None or positive. Received: logit_soft_cap={logit_soft_cap}")
        self.tie_weights = bool(tie_weights)
        self.reverse_dtype = reverse_dtype
        self.logit_soft_cap = logit_soft_cap

    def build(self, input_shape=None):
        super().build(input_shape)
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight(shape=(self.output_dim, self.input_dim),
                                                      initializer=self.embeddings_initializer,
                                                      name="reverse_embeddings")

    def call(self, inputs, reverse=False):
        if not reverse:
            return super().call(inputs)
        hidden = inputs if isinstance(inputs, _sd.Tensor) else _sd.asarray(inputs)
        if hidden.shape[-1:] != (self.output_dim,):
            raise ValueError(f"ReversibleEmbedding {self.name}: reverse=True expects inputs whose last axis is "
                             f"output_dim={self.output_dim}; received shape {tuple(hidden.shape)}")
        kernel = _sd.transpose(self._lora_weight()) if self.tie_weights else self.reverse_embeddings
        if self.reverse_dtype is not None:
            hidden, kernel = hidden.astype(self.reverse_dtype), kernel.astype(self.reverse_dtype)
        elif hidden.dtype != kernel.dtype:
            hidden = hidden.astype(kernel.dtype)
        logits = _sd.matmul(hidden, kernel)
        if self.logit_soft_cap is not None:
            logits = _sd.tanh(logits / self.logit_soft_cap) * self.logit_soft_cap
        return logits

    def compute_mask(self, inputs, mask=None):
        # Ids get Embedding's mask; hidden states going back to logits get none.
        if np.dtype(getattr(inputs, "dtype", np.float32)).kind in "iu":
            return super().compute_mask(inputs, mask)
        return None

    def compute_output_shape(self, input_shape, reverse=False):
        if reverse:
            return tuple(input_shape[:-1]) + (self.input_dim,)
        return super().compute_output_shape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"tie_weights": self.tie_weights, "reverse_dtype": self.reverse_dtype,
                       "logit_soft_cap": self.logit_soft_cap})
        return config
