"""Fuzz target: every entry point of `swiftdl._C`, with random shapes, axes, dtypes and None.

Each input picks a few calls. Arguments follow each entry point's signature most of the
time (so the engine's validation, not only the argument parser, is reached): tensors of
any dtype and small, zero-size or hostile shapes, as contiguous, transposed, strided or
broadcast views; axes, sizes and codes near the edges of int64; None where a tensor goes.
Some arguments are replaced by junk, and some calls get one argument too few or too many.
Whatever returns must be a well-formed tensor (its numpy view has its shape and dtype).

Left out: `blas_load` (opens a shared library by name), `set_tensor_class` (re-registers
the Python class every later result gets) and `as_class` with classes other than swiftdl's.

Run: python Tests/fuzz/fuzz_c_api.py -max_total_time=60 [corpus_dir]
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _harness import HOSTILE_INTS, Draw, check, run  # noqa: E402

import swiftdl as sd  # noqa: E402
from swiftdl import _C  # noqa: E402

DTYPES = [np.float32, np.float64, np.int32, np.int64, np.uint8, np.bool_]

# Argument kinds: T tensor, N tensor or None, i small code, L int64, d float, p bool,
# S shape, A axes or None, 2/3/4 tuples of ints, Q sequence of tensors, K uint64, O options,
# C tape capsule, B buffer object, Z seed or None, H noise shape or None, V class,
# W an array of strings (str, bytes or objects, sometimes hostile), U a uint64 out array,
# I an int64 key or query array, J an int64 slot or out array (any contents), b packed key
# bytes or offsets, G a 2-D int64 array of indices or counts,
# F a custom-gradient rule (callable or not; returning tensors, None, junk, or raising).
SIGNATURES = {
    "tape_new": "pp", "tape_enter": "C", "tape_exit": "C", "tape_set_recording": "Cp", "tape_watch": "CT",
    "tape_gradient": "CQQQ", "set_trainable_variable": "Tp", "stop_gradient": "T", "as_class": "TV",
    "conv2d": "TTNi22i4", "depthwise_conv2d": "TTN22i4", "conv2d_transpose": "TT222i4",
    "conv2d_transpose_bias_activation": "TTNi222i4",
    "conv2d_pool": "TTNi22i4i22i4", "conv1d": "TTNiLLi2", "conv2d_batch_norm": "TTNTTNNdpd22i4",
    "conv2d_batch_norm_add": "TTNTTNNdpd22i4T",
    "depthwise_conv2d_batch_norm": "TTNTTNNdpd22i4",
    "dot_product_attention": "TTTNddpp", "dense": "TTNi", "token_table_conv1d": "TTNpLLLL",
    "pool2d": "iT22i4", "pool1d": "iTLLi2", "nn_fused_batch_norm": "TLNNNNd",
    "nn_fused_batch_norm_relu": "TLNNNNdd", "nn_fused_batch_norm_gradients": "TNTLTTNdpd",
    "nn_group_norm": "TLLNNd", "nn_layer_norm": "TLNNd",
    "nn_activation": "iTd", "nn_softmax": "TLp",
    "nn_sparse_softmax_cross_entropy": "TT",
    "nn_softmax_cross_entropy": "TTL", "nn_sigmoid_cross_entropy": "TT", "nn_binary_crossentropy": "TTdd",
    "nn_moments": "TAp",
    "nn_batch_normalization": "TTTNNd", "nn_l2_normalize": "TAd", "nn_dropout": "TdHZ",
    "binary": "iTTN", "unary": "iTN", "reduce": "iTAp", "var": "TALp", "matmul": "TT", "where": "TTT",
    "take": "TTM", "gather_offsets": "TT", "scatter_offsets": "TTT", "nonzero": "T", "view": "TLSS",
    "cast": "Ti", "assign": "TT", "reshape": "TS", "transpose": "TS", "broadcast_to": "TS", "squeeze": "TA",
    "expand_dims": "TL", "concatenate": "QL", "stack": "QL", "full": "STi", "arange": "dddi",
    "linspace": "ddLpi", "eye": "LLLi", "random_seed": "K", "random_uniform": "Sddi", "random_normal": "Sddi",
    "random_randint": "SLLi", "random_permutation": "L",
    "optimizer_sgd": "OQQRdp", "optimizer_adam": "OQQQQRdddpL", "optimizer_rmsprop": "OQQQRRdddp",
    "optimizer_adagrad": "OQQQd", "lstm": "TTTNNNNpp", "lstm_pair": "TNpOO", "gru": "TTTNNNpp", "simple_rnn": "TTTNNNpp",
    "avx2_kernels_enabled": "", "avx512_kernels_enabled": "", "random_uniform_seeded": "SddiKK", "random_normal_seeded": "SddiKK",
    "random_randint_seeded": "SLLiKK", "random_permutation_seeded": "LKK", "from_buffer": "Bp",
    "empty": "Sip", "live_tensors": "", "abi_version": "", "set_num_threads": "L", "get_num_threads": "",
    "release_cached_memory": "", "retire_cached_memory": "", "cached_memory_bytes": "",
    "shares_memory": "TT", "record_custom_gradient": "QQF", "pause_recording": "p", "is_recording": "",
    "tape_watched_variables": "C", "tensor_identity": "T", "tape_recorded_count": "C", "random_get_state": "",
    "random_set_state": "KK", "get_op_determinism": "", "set_op_determinism": "p",
    "image_affine_transform": "TTpidp", "image_resample_axis": "TLT", "image_resample_2d": "TLTT", "channel_affine": "T3TTTpdd",
    "strings_fingerprint64": "WU", "strings_siphash64": "WUKK", "int64_table_build": "IJ",
    "int64_table_lookup": "IJIJ", "strings_table_build": "WJ", "strings_table_lookup": "bbJWJ",
    "bincount_rows": "GLpG",
}
# Entry points the fuzzer does not call (see the docstring); every other one is in SIGNATURES
# (Tests/python/test_abi_contract.py checks that).
LEFT_OUT = {"blas_load", "set_tensor_class"}
NAMES = sorted(SIGNATURES)
INT64_HOSTILE = [v for v in HOSTILE_INTS if -2 ** 63 <= v < 2 ** 63]
JUNK = [None, "x", 1.5, -1, 2 ** 64, [], [None], (), {}, object(), b"ab", float("nan"), [1.5], ["a"], True]


def small_array(draw, dims=None):
    # Mostly float (the nn ops take nothing else); sizes mostly from the input's small pool,
    # so that operands agree often enough to get past shape checks into the kernels.
    dtype = draw.pick([np.float32, np.float32, np.float32, np.float64] + DTYPES)
    dims = dims or [1, 2, 3, 4]
    rank = (draw.int(0, 4) + 3) % 5
    shape = tuple(draw.pick(dims) if not draw.bool(0.2) else draw.pick([0, 1, 7, 8, 9, 16]) for _ in range(rank))
    count = int(np.prod(shape))
    if count > 4096:
        shape, count = (count % 7,), count % 7
    kind = draw.int(0, 3)
    if kind == 0:
        values = np.arange(count, dtype=np.float64) - count // 2
    elif kind == 1:
        values = np.array([draw.float() for _ in range(min(count, 32))] * (count // 32 + 1))[:count]
    else:
        values = np.array([draw.int(-3, 300) for _ in range(min(count, 32))] * (count // 32 + 1), np.float64)[:count]
    with np.errstate(all="ignore"):
        return values.astype(dtype).reshape(shape)


def tensor(draw, dims=None):
    array = small_array(draw, dims)
    t = sd.asarray(array)
    kind = draw.int(0, 6)
    if kind == 0 and t.ndim >= 2:
        t = _C.transpose(t, list(reversed(range(t.ndim))))
    elif kind == 1 and t.ndim >= 1 and t.shape[0] > 1:
        t = t[::-1]
    elif kind == 2 and t.ndim >= 1:
        t = t[::2]
    elif kind == 3:
        t = _C.broadcast_to(t, [draw.int(0, 3)] + list(t.shape))
    elif kind == 4 and draw.bool(0.2):
        return sd.Variable(t) if t.dtype.kind == "f" else t
    return t


def ints(draw, n):
    return tuple(integer(draw) for _ in range(n))


def integer(draw):
    return draw.int(-3, 9) if not draw.bool(0.15) else draw.pick(HOSTILE_INTS)


def argument(draw, kind, state):
    if draw.bool(0.04):
        return draw.pick(JUNK)
    if kind == "T":
        return tensor(draw, state["dims"])
    if kind == "N":
        return None if draw.bool(0.5) else tensor(draw, state["dims"])
    if kind == "M":
        return None if draw.bool(0.4) else integer(draw)
    if kind == "i":
        # Op, dtype, activation, padding and pooling codes: mostly valid ones.
        if not draw.bool(0.3):
            return draw.int(0, 5)
        return draw.int(-2, 24) if not draw.bool(0.3) else draw.pick(HOSTILE_INTS[:10])
    if kind == "L":
        return integer(draw)
    if kind == "d":
        return draw.float()
    if kind == "p":
        return draw.bool()
    if kind == "S":
        return [draw.pick(state["dims"]) if not draw.bool(0.4) else draw.size() for _ in range(draw.int(0, 4))]
    if kind == "A":
        return None if draw.bool(0.3) else [integer(draw) for _ in range(draw.int(0, 3))]
    if kind == "H":
        return None if draw.bool(0.5) else [draw.size() for _ in range(draw.int(0, 4))]
    if kind == "Z":
        return None if draw.bool(0.5) else draw.int(0, 2 ** 32)
    if kind == "2":
        return ints(draw, 2)
    if kind == "3":
        return ints(draw, 3)
    if kind == "4":
        return ints(draw, 4)
    if kind in "QR":
        if kind == "R" and draw.bool(0.4):
            return None
        base = tensor(draw, state["dims"])
        same = not draw.bool(0.3)
        copies = [base if same and draw.bool(0.5) else sd.asarray(np.asarray(base).copy()) for _ in range(draw.int(0, 3))]
        return copies if same else [tensor(draw, state["dims"]) for _ in copies]
    if kind == "K":
        return draw.int(0, 2 ** 64 - 1)
    if kind == "O":
        options = [draw.float() if draw.bool(0.3) else draw.pick([0.1, 0.0, 1.0]) for _ in range(5)]
        if draw.bool(0.3):
            options.append(None if draw.bool(0.5) else [draw.bool() for _ in range(draw.int(0, 4))])
        return tuple(options)
    if kind == "C":
        if not state["tapes"] or draw.bool(0.3):
            state["tapes"].append(_C.tape_new(draw.bool(), draw.bool()))
        return draw.pick(state["tapes"])
    if kind == "B":
        return draw.pick([small_array(draw), bytearray(draw.bytes(draw.int(0, 16))), memoryview(b"abcd"),
                          small_array(draw).reshape(-1)[::2], np.zeros((2, 3), np.float16), "text"])
    if kind == "V":
        return draw.pick([sd.Tensor, sd.Variable])
    if kind == "W":
        return _strings(draw, state)
    if kind == "I":
        n = draw.int(0, 6)
        return draw.pick([np.arange(n, dtype=np.int64), np.array([draw.int(-2, 2) for _ in range(n)], np.int64),
                          np.array(INT64_HOSTILE[:n], np.int64), np.arange(2 * n, dtype=np.int64)[::2],
                          np.arange(n, dtype=np.int32), np.arange(n, dtype=np.float64)])
    if kind == "J":
        size = draw.pick([0, 1, 3, 8, 16, state.get("strings", 4)])
        return draw.pick([np.full(size, -1, np.int64), np.array([draw.int(-3, 9) for _ in range(size)], np.int64),
                          np.full(size, draw.pick(INT64_HOSTILE), np.int64), np.empty(size, np.int32),
                          np.full(size, -1, np.int64)[::-1]])
    if kind == "G":
        shape = (draw.int(0, 4), draw.pick([0, 1, 3, 4, state["dims"][0]]))
        values = np.array([draw.int(-2, 6) if not draw.bool(0.1) else draw.pick(INT64_HOSTILE)
                           for _ in range(shape[0] * shape[1])], np.int64).reshape(shape)
        return draw.pick([values, values.astype(np.int32), values.reshape(-1), values.T, np.zeros((2, 4), np.int64)])
    if kind == "b":
        return draw.pick([draw.bytes(draw.int(0, 24)), np.array([0, 1, 3], np.int64).tobytes(),
                          np.array([0, 5, 2], np.int64).tobytes(), np.array([draw.pick(INT64_HOSTILE)] * 2, np.int64).tobytes(),
                          b"", "text"])
    if kind == "U":
        size = state.get("strings", 0) if not draw.bool(0.2) else draw.int(0, 5)
        return draw.pick([np.empty(size, np.uint64), np.empty(size, np.int64), np.empty(size, np.uint32),
                          np.empty(size, np.float64), np.empty((size, 2), np.uint64)[:, 0], bytearray(8 * size)])
    if kind == "F":
        return _rule(draw)
    raise AssertionError(kind)


def _strings(draw, state):
    """An array of strings as the hash entry points take them (numpy "U", "S" or object),
    sometimes strided, holding NULs, lone surrogates, None or numbers; remembers its size."""
    texts = [draw.bytes(draw.int(0, 80)).decode("utf-8", "surrogateescape") for _ in range(draw.int(0, 6))]
    kind = draw.int(0, 5)
    if kind == 0:
        array = np.array(texts + ["\x00"], dtype=object)  # an object array of str
    elif kind == 1:
        array = np.array([t.encode("utf-8", "surrogateescape") for t in texts] or [b""], dtype="S")
    elif kind == 2:
        array = np.array(texts + [None, 3, b"x"], dtype=object)[draw.int(0, len(texts) + 2):]
    elif kind == 3:
        array = np.array(texts or [""]).reshape(-1, 1)[::2]
    elif kind == 4:
        array = np.array([draw.float() for _ in texts])
    else:
        array = np.array(texts or ["a"], dtype="U")
    state["strings"] = array.size
    return array


def _rule(draw):
    """A backward rule for record_custom_gradient, decided now (the draw is not used later,
    when the engine calls it back from a tape's gradient)."""
    choice = draw.int(0, 4)
    values = [tensor(draw) if draw.bool(0.7) else None for _ in range(draw.int(0, 3))]
    junk = draw.pick(JUNK)
    if choice == 0:
        return lambda *upstream: values
    if choice == 1:
        return lambda *upstream: list(upstream)
    if choice == 2:
        def failing(*upstream):
            raise ValueError("a rule that fails")
        return failing
    if choice == 3:
        return lambda *upstream: junk
    return junk


def _float(draw, shape, dtype):
    values = np.array([draw.float() if draw.bool(0.1) else draw.int(-8, 8) / 4 for _ in range(8)])
    with np.errstate(all="ignore"):
        return sd.asarray(np.resize(values, shape).astype(dtype))


def _size(draw, small=4):
    """A tensor size: usually 1..small, sometimes 0 (the tensors stay small; hostile
    values go to the strides, paddings and windows)."""
    return draw.int(1, small) if not draw.bool(0.1) else 0


def _step(draw, small=2):
    """A stride or dilation: usually valid, sometimes 0, negative or huge."""
    return draw.int(1, small) if not draw.bool(0.1) else draw.pick([0] + HOSTILE_INTS)


def _window_args(draw):
    strides = (_step(draw), _step(draw))
    dilations = (1, 1) if not draw.bool(0.3) else (_step(draw), _step(draw))
    padding = draw.int(0, 2)
    pads = tuple(draw.int(0, 2) if not draw.bool(0.1) else draw.pick(HOSTILE_INTS) for _ in range(4))
    return strides, dilations, padding, pads


def _conv2d(draw, state):
    dtype = draw.pick([np.float32, np.float64])
    n, h, w = _size(draw), _size(draw, 9), _size(draw, 9)
    c, o, k = draw.pick([1, 2, 8, _size(draw)]), draw.pick([1, 8, _size(draw)]), draw.pick([1, 2, 3])
    x, f = _float(draw, (n, h, w, c), dtype), _float(draw, (k, k, c, o), dtype)
    bias = _float(draw, (o,), dtype) if draw.bool() else None
    strides, dilations, padding, pads = _window_args(draw)
    return [x, f, bias, draw.int(0, 1), strides, dilations, padding, pads]


def _depthwise_conv2d(draw, state):
    dtype = draw.pick([np.float32, np.float64])
    n, h, w = _size(draw), _size(draw, 9), _size(draw, 9)
    c, m, k = draw.pick([1, 3, 8, _size(draw)]), draw.pick([1, 2, _size(draw)]), draw.pick([1, 2, 3])
    bias = _float(draw, (c * m,), dtype) if draw.bool() else None
    strides, dilations, padding, pads = _window_args(draw)
    return [_float(draw, (n, h, w, c), dtype), _float(draw, (k, k, c, m), dtype), bias, strides, dilations, padding,
            pads]


def _conv2d_transpose(draw, state):
    dtype = draw.pick([np.float32, np.float64])
    n, h, w = _size(draw), _size(draw, 9), _size(draw, 9)
    c, o, k = draw.pick([1, 3, 8, _size(draw)]), draw.pick([1, 2, 8, _size(draw)]), draw.pick([1, 2, 3])
    strides, dilations, padding, pads = _window_args(draw)
    # Mostly sizes that fit (input * stride, or one or two off), sometimes anything.
    size = tuple((h, w)[i] * strides[i] + draw.int(-2, 2) if not draw.bool(0.1) else draw.pick(HOSTILE_INTS)
                 for i in range(2))
    return [_float(draw, (n, h, w, c), dtype), _float(draw, (k, k, o, c), dtype), size, strides, dilations, padding, pads]


def _conv2d_transpose_bias_activation(draw, state):
    x, f, size, strides, dilations, padding, pads = _conv2d_transpose(draw, state)
    bias = _channel_vector(draw, f.shape[2], np.asarray(f).dtype) if draw.bool() else None
    return [x, f, bias, draw.int(0, 1), size, strides, dilations, padding, pads]


def _channel_vector(draw, channels, dtype):
    """A per-channel operand, now and then one element too long."""
    return _float(draw, (channels,), dtype) if not draw.bool(0.1) else _float(draw, (channels + 1,), dtype)


def _fused_batch_norm(draw, state):
    dtype = draw.pick([np.float32, np.float64])
    shape = tuple(_size(draw, 6) for _ in range(draw.int(1, 4)))
    axis = draw.int(-len(shape), len(shape) - 1) if not draw.bool(0.1) else draw.pick(HOSTILE_INTS)
    channels = shape[axis] if -len(shape) <= axis < len(shape) else 1
    vector = lambda: _channel_vector(draw, channels, dtype)  # noqa: E731
    statistics = [vector(), vector()] if draw.bool() else [None, None]
    return [_float(draw, shape, dtype), axis] + statistics + [vector() if draw.bool() else None for _ in range(2)] + [
        draw.pick([1e-3, 0.0, -1.0, float("nan")])]


def _fused_batch_norm_gradients(draw, state):
    x, axis, _, _, gamma, _, epsilon = _fused_batch_norm(draw, state)
    shape, dtype = tuple(x.shape), np.dtype(str(x.dtype))
    channels = shape[axis] if -len(shape) <= axis < len(shape) else 1
    other = lambda: _float(draw, shape, dtype) if draw.bool(0.8) else _float(draw, (_size(draw),), dtype)  # noqa: E731
    y, dy = other(), other()
    statistics = [_channel_vector(draw, channels, dtype) for _ in range(2)]
    return [x, y if draw.bool(0.9) else None, dy, axis] + statistics + [gamma, epsilon, draw.bool(),
                                                                      draw.pick([6.0, float("inf"), 0.0, float("nan")])]


def _group_norm(draw, state):
    dtype = draw.pick([np.float32, np.float64])
    shape = tuple(_size(draw, 6) for _ in range(draw.int(2, 5)))
    axis = draw.int(-len(shape), len(shape) - 1) if not draw.bool(0.1) else draw.pick(HOSTILE_INTS)
    channels = shape[axis] if -len(shape) <= axis < len(shape) else 1
    groups = draw.pick([1, channels, -1, 0, 3]) if not draw.bool(0.1) else draw.pick(HOSTILE_INTS)
    vector = (lambda: _float(draw, (channels,), dtype) if not draw.bool(0.1) else _float(draw, (channels + 1,), dtype))
    return [_float(draw, shape, dtype), axis, groups] + [vector() if draw.bool() else None for _ in range(2)] + [
        draw.pick([1e-3, 0.0, -1.0, float("nan")])]


def _layer_norm(draw, state):
    dtype = draw.pick([np.float32, np.float64])
    shape = tuple(_size(draw, 6) for _ in range(draw.int(1, 4)))
    axis = draw.int(-len(shape), len(shape) - 1) if not draw.bool(0.1) else draw.pick(HOSTILE_INTS)
    normalized = shape[axis:] if -len(shape) <= axis < len(shape) else (1,)
    weight = (lambda: _float(draw, normalized, dtype) if not draw.bool(0.1) else _float(draw, normalized + (2,), dtype))
    return [_float(draw, shape, dtype), axis] + [weight() if draw.bool() else None for _ in range(2)] + [
        draw.pick([1e-3, 0.0, -1.0, float("nan")])]


def _conv2d_pool(draw, state):
    args = _conv2d(draw, state)
    window = (draw.int(1, 3), draw.int(1, 3))
    pads = (0, 0, 0, 0) if not draw.bool(0.3) else tuple(draw.int(0, 2) for _ in range(4))
    return args + [draw.int(0, 1), window, (draw.int(1, 3), draw.int(1, 3)), draw.int(0, 2), pads]


def _conv2d_batch_norm(draw, state):
    x, f, bias, _, strides, dilations, padding, pads = _conv2d(draw, state)
    dtype, channels = np.asarray(f).dtype, f.shape[3]
    vector = lambda: _channel_vector(draw, channels, dtype)  # noqa: E731
    return [x, f, bias, vector(), vector(), vector() if draw.bool() else None, vector() if draw.bool() else None,
            draw.pick([1e-3, 0.0, -1.0, float("nan")]), draw.bool(), draw.pick([6.0, float("inf"), 0.0, float("nan")]),
            strides, dilations, padding, pads]


def _conv2d_batch_norm_add(draw, state):
    args = _conv2d_batch_norm(draw, state)
    x, f = np.asarray(args[0]), np.asarray(args[1])
    # Mostly a residual of the output's shape when the geometry is plain (stride 1, 'SAME'
    # or 1×1), else any tensor: wrong shapes and dtypes must be refused, never trap.
    shape = (x.shape[0], x.shape[1], x.shape[2], f.shape[3])
    if not draw.bool(0.7):
        shape = tuple(max(0, size + draw.int(-1, 1)) for size in shape)[:draw.int(1, 4)]
    return args + [_float(draw, shape, draw.pick([f.dtype, f.dtype, np.float64, np.float32]))]


def _depthwise_conv2d_batch_norm(draw, state):
    x, f, bias, strides, dilations, padding, pads = _depthwise_conv2d(draw, state)
    dtype, channels = np.asarray(f).dtype, f.shape[2] * f.shape[3]
    vector = lambda: _channel_vector(draw, channels, dtype)  # noqa: E731
    return [x, f, bias, vector(), vector(), vector() if draw.bool() else None, vector() if draw.bool() else None,
            draw.pick([1e-3, 0.0, -1.0, float("nan")]), draw.bool(), draw.pick([6.0, float("inf"), 0.0, float("nan")]),
            strides, dilations, padding, pads]


def _dot_product_attention(draw, state):
    dtype = draw.pick([np.float32, np.float64])
    b, tq, tk, d, dv = _size(draw), _size(draw, 6), _size(draw, 6), draw.pick([1, 4, _size(draw)]), _size(draw)
    key_heads = draw.pick([1, 2, _size(draw)])
    heads = key_heads * draw.pick([1, 2, _size(draw)])
    mask = None
    if draw.bool():
        shape = (draw.pick([1, b]), draw.pick([1, heads]), tq, tk)
        mask = sd.asarray(np.resize(np.array([draw.bool(0.7) for _ in range(8)]), shape))
    return [_float(draw, (b, tq, heads, d), dtype), _float(draw, (b, tk, key_heads, d), dtype),
            _float(draw, (b, tk, key_heads, dv), dtype), mask, draw.pick([0.5, 1.0, float("inf"), float("nan")]),
            draw.pick([-1e9, 0.0, float("-inf")]), draw.bool(), draw.bool()]


def _dense(draw, state):
    dtype = draw.pick([np.float32, np.float64])
    channels, units = draw.pick([1, 8, _size(draw)]), draw.pick([1, 8, _size(draw)])
    shape = tuple(_size(draw) for _ in range(draw.int(0, 2))) + (channels,)
    bias = _float(draw, (units,), dtype) if draw.bool() else None
    return [_float(draw, shape, dtype), _float(draw, (channels, units), dtype), bias, draw.int(0, 1)]


def _token_table_conv1d(draw, state):
    dtype = draw.pick([np.float32, np.float64])
    vocabulary, taps, channels = _size(draw, 6), _size(draw), _size(draw, 6)
    rows, length = _size(draw), _size(draw, 9)
    # Mostly ids in range; now and then one past either end, or an id of another dtype.
    ids = np.array([draw.int(0, max(vocabulary - 1, 0)) for _ in range(rows * length)]).reshape(rows, length)
    if ids.size and draw.bool(0.1):
        ids.flat[draw.int(0, ids.size - 1)] = draw.pick([-1, vocabulary, 2 ** 62])
    ids = sd.asarray(ids.astype(draw.pick([np.int64, np.int32, np.uint8]) if draw.bool(0.9) else np.float32))
    bias = _channel_vector(draw, channels, dtype) if draw.bool() else None
    pads = [draw.int(0, 3) if not draw.bool(0.05) else draw.pick(HOSTILE_INTS) for _ in range(2)]
    return [ids, _float(draw, (vocabulary, taps, channels), dtype), bias, draw.bool(), _step(draw, 3),
            _step(draw)] + pads


def _pool2d(draw, state):
    x = _float(draw, (_size(draw), _size(draw, 9), _size(draw, 9), _size(draw, 9)), draw.pick([np.float32, np.float64]))
    strides, _, padding, pads = _window_args(draw)
    return [draw.int(0, 1), x, (draw.int(1, 3), draw.int(1, 3)), strides, padding, pads]


def _recurrent(gates, states):
    def build(draw, state):
        dtype = draw.pick([np.float32, np.float64])
        b, t, f, u = _size(draw), _size(draw, 5), _size(draw), draw.pick([1, 2, 8, _size(draw)])
        x = _float(draw, (b, t, f), dtype)
        kernel, recurrent = _float(draw, (f, gates * u), dtype), _float(draw, (u, gates * u), dtype)
        bias = None if draw.bool(0.3) else _float(draw, (2, 3 * u) if gates == 3 else (gates * u,), dtype)
        initial = [None if draw.bool(0.5) else _float(draw, (b, u), dtype) for _ in range(states)]
        mask = None if draw.bool(0.5) else sd.asarray(np.resize(np.array([draw.bool(0.7) for _ in range(8)]), (b, t)))
        return [x, kernel, recurrent, bias] + initial + [mask, draw.bool(), draw.bool()]
    return build


def _lstm_pair(draw, state):
    x, kernel, recurrent, bias, h, c, mask, return_sequences, go_backwards = _recurrent(4, 2)(draw, state)
    first = (kernel, recurrent, bias, h, c, go_backwards)
    if draw.bool(0.7):
        second = (kernel, recurrent, bias, h, c, not go_backwards)
    else:  # another direction drawn on its own: often shapes that do not fit the inputs
        second = tuple(_recurrent(4, 2)(draw, state)[1:6]) + (draw.bool(),)
    return [x, mask, return_sequences, first, second]


def _adam(draw, state):
    shape = tuple(_size(draw) for _ in range(draw.int(0, 2)))
    count = draw.int(0, 3)
    variables = [sd.Variable(_float(draw, shape, np.float32)) for _ in range(count)]
    slots = [[_float(draw, shape, np.float32) for _ in range(count)] for _ in range(3)]
    options = (0.001, draw.pick([0.0, 0.01]), draw.pick([0.0, 1.0]), draw.pick([0.0, 0.5]), draw.pick([0.0, 1.0]))
    hats = None if draw.bool() else [_float(draw, shape, np.float32) for _ in range(count)]
    return [options, variables, slots[0], slots[1], slots[2], hats, 0.9, 0.999, 1e-7, draw.bool(), draw.int(0, 3)]


def _sparse_cross_entropy(draw, state):
    batch, classes = _size(draw), _size(draw)
    labels = sd.asarray(np.resize(np.array([draw.int(-1, classes) for _ in range(8)]), (batch,)).astype(np.int64))
    return [labels, _float(draw, (batch, classes), draw.pick([np.float32, np.float64]))]


# Operands that fit together by construction (then perturbed by the sizes above), so that
# the kernels run, not only the checks.
BUILDERS = {"conv2d": _conv2d, "depthwise_conv2d": _depthwise_conv2d, "conv2d_transpose": _conv2d_transpose,
            "conv2d_transpose_bias_activation": _conv2d_transpose_bias_activation,
            "nn_fused_batch_norm": _fused_batch_norm,
            "nn_fused_batch_norm_relu": lambda draw, state: _fused_batch_norm(draw, state) + [
                draw.pick([6.0, float("inf"), 0.0, -1.0, float("nan")])],
            "nn_fused_batch_norm_gradients": _fused_batch_norm_gradients,
            "nn_group_norm": _group_norm, "nn_layer_norm": _layer_norm,
            "conv2d_pool": _conv2d_pool, "conv2d_batch_norm": _conv2d_batch_norm,
            "conv2d_batch_norm_add": _conv2d_batch_norm_add,
            "depthwise_conv2d_batch_norm": _depthwise_conv2d_batch_norm,
            "pool2d": _pool2d, "dot_product_attention": _dot_product_attention, "dense": _dense, "lstm": _recurrent(4, 2),
            "lstm_pair": _lstm_pair, "token_table_conv1d": _token_table_conv1d,
            "gru": _recurrent(3, 1), "simple_rnn": _recurrent(1, 1), "optimizer_adam": _adam,
            "nn_sparse_softmax_cross_entropy": _sparse_cross_entropy}


def one_input(data):
    draw = Draw(data)
    unit = draw.int(1, 4)
    # The sizes this input's tensors share: small ones, and the 2·, 3·, 4·units widths
    # of the recurrent weights.
    dims = [draw.int(0, 5) for _ in range(3)] + [unit, 2 * unit, 3 * unit, 4 * unit]
    state = {"tapes": [], "entered": [], "dims": dims}
    try:
        for _ in range(draw.int(1, 4)):
            name = draw.pick(NAMES)
            if name in BUILDERS and not draw.bool(0.3):
                args = BUILDERS[name](draw, state)
            else:
                args = [argument(draw, kind, state) for kind in SIGNATURES[name]]
            if draw.bool(0.03) and args:
                args.pop(draw.int(0, len(args) - 1))
            elif draw.bool(0.03):
                args.append(argument(draw, draw.pick("TLSdN"), state))
            function = getattr(_C, name)
            result = check(function, *args)
            if name == "tape_enter" and args:
                state["entered"].append(args[0])  # exited again below, entered or not
            inspect(result)
            if draw.bool(0.1):
                t = tensor(draw)
                inspect_attributes(t)
    finally:
        while True:  # end any pauses this input left, so the next input starts clean
            try:
                _C.pause_recording(False)
            except ValueError:
                break
        for capsule in reversed(state["entered"]):
            try:
                _C.tape_exit(capsule)
            except Exception:
                pass
        _C.set_num_threads(2)
        _C.set_op_determinism(False)


def inspect(result):
    """A returned tensor must be well formed: numpy sees its shape, dtype and values."""
    if isinstance(result, (list, tuple)):
        for item in result:
            inspect(item)
        return
    if isinstance(result, _C.TensorBase):
        inspect_attributes(result)


def inspect_attributes(t):
    shape = tuple(t.shape)
    assert all(n >= 0 for n in shape), shape
    assert len(t.strides) == len(shape)
    view = np.asarray(t)
    assert view.shape == shape and view.dtype == t.dtype, (view.shape, shape, view.dtype, t.dtype)
    if view.size and view.size <= 1 << 16:
        view.sum(dtype=np.float64) if view.dtype != np.bool_ else view.any()
    capsule = t.__dlpack__()
    assert capsule is not None


SEEDS = [bytes([i]) * 8 + bytes(range(64)) for i in range(len(NAMES))]

if __name__ == "__main__":
    run(one_input, SEEDS)
