"""LoRA (Hu et al., 2021) for the layers Keras gives it to: Dense, EinsumDense, Conv1D/2D/3D
and Embedding. `lora_rank=r` (or `layer.enable_lora(r)` once built) freezes the weight W
and trains two small factors A (W.shape[:-1] + (r,)) and B (r, W.shape[-1]) in its place;
the layer computes with W + (lora_alpha / r)·A·B.

Keras's file format is kept: weight files hold the merged W (and the other weights) but
not A and B, which loading sets to zeros, so a saved fine-tune reloads with its numbers.
"""
import numpy as np

import swiftdl as _sd

from .. import initializers


def lora_arguments(layer, lora_rank, lora_alpha):
    """Stores Keras's LoRA constructor arguments on `layer` (enabled at build)."""
    for name, value in (("lora_rank", lora_rank), ("lora_alpha", lora_alpha)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float, np.integer))
                                  or value <= 0):
            raise ValueError(f"{type(layer).__name__}: `{name}` must be a positive number or None; "
                             f"received {name}={value!r}")
    layer.lora_rank = lora_rank
    layer.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
    layer.lora_enabled = False


class LoRA:
    """Mixin for a Layer whose weight `_lora_target` ("kernel" or "embeddings") can take LoRA
    factors, named `lora_<target>_a` and `lora_<target>_b` as Keras names them."""

    _lora_target = "kernel"

    def enable_lora(self, rank, lora_alpha=None, a_initializer="he_uniform", b_initializer="zeros"):
        """Freezes the target weight and adds the trainable factors A (he_uniform) and B
        (zeros, so the layer starts out computing what it did).

        Raises:
            ValueError: when the weight has a constraint, the layer is not built, or LoRA is
                already enabled (as Keras).
        """
        target = self._lora_target
        if getattr(self, f"{target}_constraint", None):
            noun = "embedding" if target == "embeddings" else target
            raise ValueError(f"Lora is incompatible with {noun} constraints. In order to enable lora on this layer, "
                             f"remove the `{target}_constraint` argument.")
        if not self.built:
            raise ValueError("Cannot enable lora on a layer that isn't yet built.")
        if self.lora_enabled:
            raise ValueError("lora is already enabled. This can only be done once per layer.")
        weight = getattr(self, target)
        regularizer = getattr(self, f"{target}_regularizer", None)
        a = self.add_weight(name=f"lora_{target}_a", shape=tuple(weight.shape[:-1]) + (rank,),
                            initializer=initializers.get(a_initializer), regularizer=regularizer, dtype="float32")
        b = self.add_weight(name=f"lora_{target}_b", shape=(rank, weight.shape[-1]),
                            initializer=initializers.get(b_initializer), regularizer=regularizer, dtype="float32")
        setattr(self, f"lora_{target}_a", a)
        setattr(self, f"lora_{target}_b", b)
        weight.trainable = False
        self.lora_enabled = True
        self.lora_rank = rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank

    def _lora_weight(self):
        """The weight the layer computes with: W, or W + (alpha / rank)·A·B once LoRA is on."""
        weight = getattr(self, self._lora_target)
        if not getattr(self, "lora_enabled", False):
            return weight
        target = self._lora_target
        a, b = getattr(self, f"lora_{target}_a"), getattr(self, f"lora_{target}_b")
        delta = _sd.reshape(_sd.matmul(_sd.reshape(a, (-1, a.shape[-1])), b), tuple(weight.shape))
        return weight + delta * (self.lora_alpha / self.lora_rank)

    def _stored_values(self):
        """What Keras's weight files hold: every weight but the factors, W merged."""
        target = getattr(self, self._lora_target)
        factors = (getattr(self, f"lora_{self._lora_target}_a"), getattr(self, f"lora_{self._lora_target}_b"))
        values = []
        for variable in self._trainable_variables + self._non_trainable_variables:
            if any(variable is f for f in factors):
                continue
            values.append(np.asarray(self._lora_weight()) if variable is target else variable.numpy())
        return values

    # Weight files use these two only while LoRA is on (saving/h5_store.py).
    def save_own_variables(self, store):
        if not self.lora_enabled:
            return super().save_own_variables(store)
        for index, value in enumerate(self._stored_values()):
            store[str(index)] = value

    def load_own_variables(self, store):
        if not self.lora_enabled:
            return super().load_own_variables(store)
        target = self._lora_target
        factors = (getattr(self, f"lora_{target}_a"), getattr(self, f"lora_{target}_b"))
        own = [v for v in self._trainable_variables + self._non_trainable_variables if all(v is not f for f in factors)]
        if len(store.keys()) != len(own):
            raise ValueError(f"Layer '{self.name}' expected {len(own)} variables, but received {len(store.keys())} "
                             "variables during loading.")
        for index, variable in enumerate(own):
            variable.assign(np.asarray(store[str(index)]))
        for factor in factors:  # W already holds the fine-tune
            factor.assign(np.zeros(factor.shape, dtype=np.float32))

    def _lora_config(self, config):
        """Keras writes lora_rank and lora_alpha only when LoRA is asked for."""
        if self.lora_rank:
            config["lora_rank"] = self.lora_rank
            config["lora_alpha"] = self.lora_alpha
        return config
