"""Embedding → (Dropout →) Conv1D at inference as one engine op over the token ids.

Before its bias, a convolution of embedded tokens is linear in the embedding vectors:
y[t] = Σ_k E[id[s·t + d·k − pad]] · W[k] + b. With the table P[v][k] = E[v] · W[k], one
(V, C) × (C, K·O) product, each output adds K rows of P (`_C.token_table_conv1d`): K·O
additions where the convolution takes K·C·O multiply-adds, and no (N, L, C) embedding
output. Keras.io's text CNN (V = 20,000, C = O = 128, K = 7, stride 3) spent ~60% of
predict in that first convolution.

The table costs V·C·K·O multiply-adds (about one batch of 256 of the text CNN by the
convolution) and V·K·O floats (72 MB there), so it is built only once calls have
paid for half of it, and kept, one per Conv1D layer, for every later inference call (the
normal path's and the plans', Sequential's and functional models') while the weights stay
the same: each call compares the kernel and the embedding rows of its tokens bit for bit
with the copies the table was built from (~40 µs for one sample of the text CNN; from as
many tokens as rows, the whole 10 MB, ~1 ms), so weights changed by training,
`set_weights`, `assign` or through a numpy view are always seen. Dropout at inference
passes its input through. A recording tape, LoRA, non-integer ids or an input the op
refuses (ids out of range, rows shorter than the window) take the layers' own calls, which
also give Keras's errors.

NOTE: the sums run in another order than the convolution's GEMM (each tap's C products
first, then the K taps), so outputs differ from the layers' own calls by float rounding.
"""
from __future__ import annotations

import functools
import threading
import weakref
from typing import Any, Callable

import numpy as np

import swiftdl as _sd
from swiftdl import _C

from .. import activations
from ..layers.convolutional import _FUSABLE, Conv1D
from ..layers.core import Dropout
from ..layers.embedding import Embedding

Step = Callable[[Any], Any]

# A call uses the table when its convolution has at least this many multiply-adds per
# weight that checking the table's freshness reads (that check then costs a few percent of
# the convolution it replaces).
_WORK_PER_CHECKED_VALUE = 64

# The largest table built (V·K·O values): beyond it the memory the table holds for the
# model's life outweighs the time it saves (the text CNN's is 72 MB; a 100,000-word
# vocabulary under a 256-filter layer of width 7 would want 717 MB).
TABLE_BYTES_LIMIT = 256 << 20


def fusable(embedding: Any, between: list, conv: Any) -> bool:
    """Whether `embedding`, the pass-through layers `between` and `conv` can run as one
    token-table step at inference."""
    return (type(embedding) is Embedding and embedding.built and not embedding.mask_zero
            and type(conv) is Conv1D and conv.built and conv.groups == 1 and conv.data_format == "channels_last"
            and conv.padding in ("valid", "same", "causal")
            and all(type(layer) is Dropout for layer in between)
            and embedding.embeddings.dtype == conv.kernel.dtype and conv.kernel.dtype in (np.float32, np.float64))


def _pads(conv: Any, length: int) -> tuple[int, int]:
    """Zeros before and after a row of `length` positions, as Keras's Conv1D pads it."""
    (k,), (s,), (d,) = conv.kernel_size, conv.strides, conv.dilation_rate
    span = (k - 1) * d + 1
    if conv.padding == "causal":
        return span - 1, 0
    if conv.padding == "same":  # TensorFlow's SAME: the odd zero after the row
        total = max((-(-length // s) - 1) * s + span - length, 0)
        return total // 2, total - total // 2
    return 0, 0


class TokenTable:
    """The table of one Embedding → Conv1D pair, kept across calls (and shared by the
    normal inference path and the plans) while the weights stay the same."""

    def __init__(self, embedding: Any, conv: Any) -> None:
        # Weak: _TABLES holds this table by the conv layer, and a strong reference back to
        # the layer would keep both (and the table's 72 MB for the text CNN) alive for good.
        self._embedding, self._conv = weakref.ref(embedding), weakref.ref(conv)
        fused = _FUSABLE.get(conv.activation)
        self.relu = fused == "relu"
        # An activation the op does not apply runs after it.
        self.activation = None if fused is not None or conv.activation is activations.linear else conv.activation
        self.table: Any = None
        self.sources: tuple[np.ndarray, np.ndarray] | None = None  # the weights' bits the table was built from
        self.pending = 0  # outputs computed without a table since it was last built or found stale
        self.lock = threading.Lock()

    @property
    def embedding(self) -> Any:
        return self._embedding()

    @property
    def conv(self) -> Any:
        return self._conv()

    def convolve(self, ids: Any) -> Any:
        """The Conv1D's output for `ids` from the table, or None when the layers' own calls
        must run (see the module's docstring)."""
        embedding, conv = self.embedding, self.conv
        if (embedding is None or conv is None or not isinstance(ids, _sd.Tensor) or embedding.lora_enabled
                or conv.lora_enabled or _C.is_recording() or ids.dtype.kind not in "iu" or ids.ndim != 2):
            return None
        vocabulary, channels = embedding.embeddings.shape
        (taps,), (stride,), (dilation,) = conv.kernel_size, conv.strides, conv.dilation_rate
        pad_left, pad_right = _pads(conv, ids.shape[1])
        outputs = ids.shape[0] * max((ids.shape[1] + pad_left + pad_right - (taps - 1) * dilation - 1) // stride + 1, 0)
        checked = min(ids.size, vocabulary) * channels + conv.kernel.size  # values _fresh_for reads
        if outputs * taps * channels * conv.filters < _WORK_PER_CHECKED_VALUE * checked:
            return None
        if vocabulary * taps * conv.filters * np.dtype(conv.kernel.dtype).itemsize > TABLE_BYTES_LIMIT:
            return None
        tokens = np.asarray(ids).reshape(-1)
        if tokens.size and (tokens.min() < 0 or tokens.max() >= vocabulary):
            return None  # the layers' own calls give the error
        with self.lock:  # another thread's call may be rebuilding it
            table = self.table if self._table_ready(outputs, tokens) else None
        if table is None:
            return None
        try:
            y = _C.token_table_conv1d(ids, table, conv.bias, self.relu, stride, dilation, pad_left, pad_right)
        except (IndexError, ValueError):
            return None  # ids out of range, rows shorter than the window: the layers' own errors
        return y if self.activation is None else self.activation(y)

    def _table_ready(self, outputs: int, tokens: np.ndarray) -> bool:
        """Whether the table answers for `tokens` (see _fresh_for), building it when it does
        not and the outputs computed without it since then would have paid for it (half its
        cost)."""
        embeddings, kernel = np.asarray(self.embedding.embeddings), np.asarray(self.conv.kernel)
        if self.sources is not None and _fresh_for(tokens, embeddings, kernel, self.sources):
            return True
        self.table, self.sources = None, None
        self.pending += outputs
        if 2 * self.pending < embeddings.shape[0]:  # an output costs 1/V of the table's multiply-adds
            return False
        taps, channels, filters = kernel.shape
        products = _sd.matmul(self.embedding.embeddings,
                              _sd.reshape(_sd.transpose(self.conv.kernel, (1, 0, 2)), (channels, taps * filters)))
        self.table = _sd.reshape(products, (embeddings.shape[0], taps, filters))
        self.sources = (_bits(embeddings).copy(), _bits(kernel).copy())
        self.pending = 0
        return True


# Each Conv1D's table, by the layer (dropped with it).
_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def table_of(embedding: Any, conv: Any) -> TokenTable:
    """The pair's table, made on first use."""
    table = _TABLES.get(conv)
    if table is None or table.embedding is not embedding:
        table = _TABLES[conv] = TokenTable(embedding, conv)
    return table


def _fresh_for(tokens: np.ndarray, embeddings: np.ndarray, kernel: np.ndarray,
               sources: tuple[np.ndarray, np.ndarray]) -> bool:
    """Whether the weights a call over `tokens` (in range) reads from a table are bit for
    bit those the table was built from (`sources`, the bits of its embeddings and kernel):
    the kernel, and the embedding rows of those tokens (row v of the table depends on row v
    of the embeddings alone, and the call reads no other). Checking the rows a call uses,
    not the whole table, is what lets one sample use the table: 400 rows and the kernel take
    ~40 µs to compare, the text CNN's 20,000 rows ~1 ms, its first convolution of one sample
    ~150 µs. From as many tokens as the vocabulary has rows, the whole table is compared
    (fewer values then)."""
    source_rows, source_kernel = sources
    if not _same_bits(kernel, source_kernel) or embeddings.shape != source_rows.shape:
        return False
    if tokens.size >= embeddings.shape[0]:
        return np.array_equal(_bits(embeddings), source_rows)
    return np.array_equal(_bits(embeddings)[tokens], source_rows[tokens])


def _bits(values: np.ndarray) -> np.ndarray:
    """The values' bits as integers (NaNs then compare equal to themselves)."""
    return values.view(np.int32 if values.dtype == np.float32 else np.int64)


def _same_bits(values: np.ndarray, bits: np.ndarray) -> bool:
    return values.shape == bits.shape and np.array_equal(_bits(values), bits)


def _own_calls(layers: list) -> Step:
    """The layers' own inference calls, one after another."""
    calls = [functools.partial(layer.call, training=False) if layer._call_accepts("training") else layer.call
             for layer in layers]

    def run(x: Any) -> Any:
        for call in calls:
            x = call(x)
        return x
    return run


def step_for(layers: list) -> Step:
    """The plan step for an Embedding, the Dropouts after it and the Conv1D that ends
    `layers` (a chain `fusable` accepted): the table when it answers, else the layers'
    own calls."""
    table, own = table_of(layers[0], layers[-1]), _own_calls(layers)

    def step(ids: Any) -> Any:
        y = table.convolve(ids)
        return own(ids) if y is None else y
    step.table = table  # type: ignore[attr-defined]
    return step


def sequential_chain(layers: list, index: int) -> list | None:
    """The layers from `index` that form an Embedding → (Dropout →) Conv1D chain, or None."""
    end = index + 1
    while end < len(layers) and type(layers[end]) is Dropout:
        end += 1
    if end < len(layers) and fusable(layers[index], layers[index + 1:end], layers[end]):
        return layers[index:end + 1]
    return None


def functional_chains(nodes: list, readers: dict, keep: set) -> dict:
    """{position of an Embedding node: the Dropout nodes and the Conv1D node after it} for
    each chain in which every output but the last is read by the next node alone (and is
    not a model output), so nothing else sees the values the step skips."""
    from .functional import _sole_reader
    chains = {}
    for position, node in enumerate(nodes):
        if type(node.layer) is not Embedding or len(node.call_args) != 1 or node.call_kwargs:
            continue
        covered, current = [], node
        while (reader := _sole_reader(current, nodes, readers, keep)) is not None:
            current = nodes[reader]
            covered.append(current)
            if type(current.layer) is not Dropout:
                break
        layers = [n.layer for n in covered]
        if layers and fusable(node.layer, layers[:-1], layers[-1]):
            chains[position] = covered
    return chains


def run_functional_chain(node: Any, covered: list, values: dict, masks: dict) -> bool:
    """run_graph's inference step for a chain of `functional_chains`: stores the Conv1D's
    output (and markers for the skipped nodes' outputs) when the table answers; False when
    the nodes must run one by one."""
    source = node.call_args[0]
    if masks.get(id(source)) is not None:
        return False
    y = table_of(node.layer, covered[-1].layer).convolve(values.get(id(source)))
    if y is None:
        return False
    values[id(covered[-1].output_tensors[0])] = y
    for skipped in [node] + covered[:-1]:  # their outputs are read only inside the chain
        values[id(skipped.output_tensors[0])] = None
    return True
