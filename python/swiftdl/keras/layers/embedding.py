"""Embedding: integer ids → dense vectors, a gather in the engine."""
import numpy as np

import swiftdl as _sd

from .. import constraints, initializers, regularizers
from .layer import Layer
from .lora import LoRA, lora_arguments


class Embedding(LoRA, Layer):
    """Turns ids in [0, input_dim) into vectors of size output_dim.

    Args:
        input_dim: vocabulary size.
        output_dim: embedding size.
        embeddings_initializer: default uniform in [-0.05, 0.05].
        mask_zero: treat id 0 as padding and produce a mask for later layers.
        lora_rank, lora_alpha: train a rank-`lora_rank` update of the frozen embeddings (lora.py).
    """

    _lora_target = "embeddings"

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, weights=None, lora_rank=None, lora_alpha=None,
                 quantization_config=None, **kwargs):
        kwargs.pop("input_length", None)  # accepted and ignored, as Keras 3 does
        super().__init__(**kwargs)
        if quantization_config is not None:
            raise NotImplementedError("Embedding: quantized embeddings (quantization_config) are not supported by "
                                      "swiftdl yet")
        if input_dim <= 0 or output_dim <= 0:
            raise ValueError(f"Both `input_dim` and `output_dim` should be positive, Received input_dim = {input_dim} and "
                             f"output_dim = {output_dim}")
        self.input_dim = int(input_dim)
        self.output_dim = int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        lora_arguments(self, lora_rank, lora_alpha)
        self.supports_masking = self.mask_zero
        self._initial_weights = weights

    def build(self, input_shape=None):
        self.embeddings = self.add_weight(shape=(self.input_dim, self.output_dim), initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint, name="embeddings")
        self.built = True
        if self.lora_rank:
            # NOTE: Keras 3.15's Embedding enables LoRA here without its lora_alpha, so the
            # scale is 1 (alpha = rank) whatever lora_alpha said; kept for Keras's numbers.
            self.enable_lora(self.lora_rank)
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def call(self, inputs):
        ids = inputs if isinstance(inputs, _sd.Tensor) else _sd.asarray(inputs)
        if ids.dtype.kind == "f":
            ids = ids.astype(np.int64)  # Keras casts float ids to int
        if ids.dtype.kind not in "iu":
            raise TypeError(f"Embedding {self.name} expects integer ids; received dtype {ids.dtype}")
        if ids.size:
            low, high = int(ids.min()), int(ids.max())
            if low < 0 or high >= self.input_dim:
                bad = low if low < 0 else high
                raise ValueError(f"Embedding {self.name}: id {bad} is out of range [0, {self.input_dim}); "
                                 f"every id must be below input_dim={self.input_dim}")
        return _sd.take(self._lora_weight(), ids, axis=0)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return _sd.asarray(inputs) != 0

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def compute_output_dtype(self, inputs):
        return self.dtype

    def get_config(self):
        config = super().get_config()
        config.update({"input_dim": self.input_dim, "output_dim": self.output_dim,
                       "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                       "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
                       "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                       "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
                       "mask_zero": self.mask_zero, "quantization_config": None})
        return self._lora_config(config)
