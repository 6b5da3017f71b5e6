"""keras.ops.dot_product_attention: softmax(Q·Kᵀ · scale + bias, masked) · V for
(batch, length, heads, head_dim) tensors. Without a bias or a logit soft cap it is one
engine op over the tensors as they are (`_C.dot_product_attention`, grouped-query heads
included); with them, batched engine matmuls, each key/value head repeated for its group."""
import math

import numpy as np

import swiftdl as sd
from swiftdl import _C

from ._convert import tensor
from ._dtypes import result_type

# Keras's large negative for masked logits (a fraction of float32's max, so sums stay finite).
_MASKED = -0.7 * 3.38953e38


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    """Scaled dot-product attention.

    Args:
        query: (B, T, N, H). key, value: (B, S, K, H) with N a multiple of K.
        bias: optional, broadcastable to the logits (B, N, T, S).
        mask: optional bool, broadcastable to (B, N, T, S); False positions are masked.
        scale: defaults to 1 / sqrt(H).
        is_causal: mask positions s > t.
        flash_attention: must be None or False (no fused kernel on the CPU engine).
        attn_logits_soft_cap: if set, logits become cap · tanh(logits / cap).

    Returns:
        (B, T, N, H).
    """
    if flash_attention:
        raise ValueError("[dot_product_attention] flash attention is not supported by swiftdl")
    query, key, value = tensor(query), tensor(key), tensor(value)
    if query.ndim != 4 or key.ndim != 4 or value.ndim != 4:
        raise ValueError(f"[dot_product_attention] only supports 4D inputs. Received: query.shape={tuple(query.shape)}, "
                         f"key.shape={tuple(key.shape)}, value.shape={tuple(value.shape)}.")
    dtype = result_type(query.dtype, key.dtype, value.dtype)
    if np.dtype(dtype).kind != "f":
        dtype = "float32"
    query, key, value = query.astype(dtype), key.astype(dtype), value.astype(dtype)
    heads, kv_heads = query.shape[2], key.shape[2]
    if key.shape != value.shape[:3] + (key.shape[3],) or heads % kv_heads or query.shape[3] != key.shape[3]:
        raise ValueError(f"[dot_product_attention] incompatible shapes: query {tuple(query.shape)}, key "
                         f"{tuple(key.shape)}, value {tuple(value.shape)}")
    scale = 1.0 / math.sqrt(key.shape[3]) if scale is None else float(scale)
    if bias is None and attn_logits_soft_cap is None and math.isfinite(scale):
        keep = _attention_mask(mask, is_causal, query.shape[0], heads, query.shape[1], key.shape[1])
        return _C.dot_product_attention(query, key, value, keep, scale, _MASKED, True, False)[0]
    return _composed_attention(query, key, value, heads, kv_heads, bias, mask, scale, is_causal,
                               attn_logits_soft_cap, dtype)


def _attention_mask(mask, is_causal, batch, heads, steps, key_steps):
    """The mask (with the causal one) as a bool tensor (1 or B, 1 or N, T, S), or None."""
    keep = None if mask is None else tensor(mask).astype("bool")
    if is_causal:
        causal = sd.greater_equal(sd.reshape(sd.arange(steps, dtype="int64"), (-1, 1)),
                                  sd.reshape(sd.arange(key_steps, dtype="int64"), (1, -1)))
        keep = causal if keep is None else sd.logical_and(keep, causal)
    if keep is None:
        return None
    if keep.ndim > 4:
        raise ValueError(f"[dot_product_attention] the mask must broadcast to (B, N, T, S) = "
                         f"{(batch, heads, steps, key_steps)}; received shape {tuple(keep.shape)}")
    keep = sd.reshape(keep, (1,) * (4 - keep.ndim) + tuple(keep.shape))
    leading = tuple(size if size == 1 else full for size, full in zip(keep.shape[:2], (batch, heads)))
    return sd.broadcast_to(keep, leading + (steps, key_steps))


def _composed_attention(query, key, value, heads, kv_heads, bias, mask, scale, is_causal, attn_logits_soft_cap, dtype):
    """The attention as batched matmuls, for a bias or a soft cap on the logits."""
    if kv_heads != heads:
        group = heads // kv_heads
        key = sd.reshape(sd.broadcast_to(sd.expand_dims(key, 3), key.shape[:3] + (group, key.shape[3])),
                         key.shape[:2] + (heads, key.shape[3])) + sd.zeros((), dtype)
        value = sd.reshape(sd.broadcast_to(sd.expand_dims(value, 3), value.shape[:3] + (group, value.shape[3])),
                           value.shape[:2] + (heads, value.shape[3])) + sd.zeros((), dtype)
    q = sd.transpose(query, (0, 2, 1, 3))            # B N T H
    k = sd.transpose(key, (0, 2, 3, 1))              # B N H S
    v = sd.transpose(value, (0, 2, 1, 3))            # B N S H
    logits = sd.matmul(q, k) * scale                 # B N T S
    if bias is not None:
        logits = logits + tensor(bias, dtype)
    if attn_logits_soft_cap is not None:
        cap = float(attn_logits_soft_cap)
        logits = sd.tanh(logits / cap) * cap
    keep = _attention_mask(mask, is_causal, logits.shape[0], logits.shape[1], logits.shape[2], logits.shape[3])
    if keep is not None:
        logits = sd.where(keep, logits, sd.full((), _MASKED, dtype))
    probabilities = sd.nn.softmax(logits, axis=-1)
    return sd.transpose(sd.matmul(probabilities, v), (0, 2, 1, 3))
