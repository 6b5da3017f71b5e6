"""keras.ops.dot_product_attention: softmax(Q·Kᵀ · scale + bias, masked) · V for
(batch, length, heads, head_dim) tensors, as batched engine matmuls. Fewer key/value heads
than query heads (grouped-query attention) repeat each key/value head for its group."""
import math

import numpy as np

import swiftdl as sd

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
    if kv_heads != heads:
        group = heads // kv_heads
        key = sd.reshape(sd.broadcast_to(sd.expand_dims(key, 3), key.shape[:3] + (group, key.shape[3])),
                         key.shape[:2] + (heads, key.shape[3])) + sd.zeros((), dtype)
        value = sd.reshape(sd.broadcast_to(sd.expand_dims(value, 3), value.shape[:3] + (group, value.shape[3])),
                           value.shape[:2] + (heads, value.shape[3])) + sd.zeros((), dtype)
    scale = 1.0 / math.sqrt(key.shape[3]) if scale is None else float(scale)
    q = sd.transpose(query, (0, 2, 1, 3))            # B N T H
    k = sd.transpose(key, (0, 2, 3, 1))              # B N H S
    v = sd.transpose(value, (0, 2, 1, 3))            # B N S H
    logits = sd.matmul(q, k) * scale                 # B N T S
    if bias is not None:
        logits = logits + tensor(bias, dtype)
    if attn_logits_soft_cap is not None:
        cap = float(attn_logits_soft_cap)
        logits = sd.tanh(logits / cap) * cap
    keep = None
    if mask is not None:
        keep = tensor(mask).astype("bool")
    if is_causal:
        t, s = logits.shape[2], logits.shape[3]
        causal = sd.greater_equal(sd.reshape(sd.arange(t, dtype="int64"), (-1, 1)),
                                  sd.reshape(sd.arange(s, dtype="int64"), (1, -1)))
        keep = causal if keep is None else sd.logical_and(keep, causal)
    if keep is not None:
        logits = sd.where(keep, logits, sd.full((), _MASKED, dtype))
    probabilities = sd.nn.softmax(logits, axis=-1)
    return sd.transpose(sd.matmul(probabilities, v), (0, 2, 1, 3))
