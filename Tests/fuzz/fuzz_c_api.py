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
# S shape, A axes or None, 2/4 tuples of ints, Q sequence of tensors, K uint64, O options,
# C tape capsule, B buffer object, Z seed or None, H noise shape or None, V class.
SIGNATURES = {
    "tape_new": "pp", "tape_enter": "C", "tape_exit": "C", "tape_set_recording": "Cp", "tape_watch": "CT",
    "tape_gradient": "CQQQ", "set_trainable_variable": "Tp", "stop_gradient": "T", "as_class": "TV",
    "conv2d": "TTNi22i4", "conv2d_pool": "TTNi22i4i22i4", "conv1d": "TTNiLLi2", "pool2d": "iT22i4",
    "pool1d": "iTLLi2", "nn_activation": "iTd", "nn_softmax": "TLp", "nn_sparse_softmax_cross_entropy": "TT",
    "nn_softmax_cross_entropy": "TTL", "nn_sigmoid_cross_entropy": "TT", "nn_moments": "TAp",
    "nn_batch_normalization": "TTTNNd", "nn_l2_normalize": "TAd", "nn_dropout": "TdHZ",
    "binary": "iTTN", "unary": "iTN", "reduce": "iTAp", "var": "TALp", "matmul": "TT", "where": "TTT",
    "take": "TTM", "gather_offsets": "TT", "scatter_offsets": "TTT", "nonzero": "T", "view": "TLSS",
    "cast": "Ti", "assign": "TT", "reshape": "TS", "transpose": "TS", "broadcast_to": "TS", "squeeze": "TA",
    "expand_dims": "TL", "concatenate": "QL", "stack": "QL", "full": "STi", "arange": "dddi",
    "linspace": "ddLpi", "eye": "LLLi", "random_seed": "K", "random_uniform": "Sddi", "random_normal": "Sddi",
    "random_randint": "SLLi", "random_permutation": "L",
    "optimizer_sgd": "OQQRdp", "optimizer_adam": "OQQQQRdddpL", "optimizer_rmsprop": "OQQQRRdddp",
    "optimizer_adagrad": "OQQQd", "lstm": "TTTNNNNpp", "gru": "TTTNNNpp", "simple_rnn": "TTTNNNpp",
    "avx2_kernels_enabled": "", "random_uniform_seeded": "SddiKK", "random_normal_seeded": "SddiKK",
    "random_randint_seeded": "SLLiKK", "random_permutation_seeded": "LKK", "from_buffer": "Bp",
    "empty": "Sip", "live_tensors": "", "abi_version": "", "set_num_threads": "L", "get_num_threads": "",
    "shares_memory": "TT",
}
NAMES = sorted(SIGNATURES)
JUNK = [None, "x", 1.5, -1, 2 ** 64, [], [None], (), {}, object(), b"ab", float("nan"), [1.5], ["a"], True]


def small_array(draw):
    dtype = draw.pick(DTYPES)
    shape = tuple(draw.int(0, 4) if draw.bool(0.85) else draw.pick([0, 1, 7, 8, 9, 16]) for _ in range(draw.int(0, 4)))
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


def tensor(draw):
    array = small_array(draw)
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
    return draw.int(-3, 9) if draw.bool(0.85) else draw.pick(HOSTILE_INTS)


def argument(draw, kind, state):
    if draw.bool(0.04):
        return draw.pick(JUNK)
    if kind == "T":
        return tensor(draw)
    if kind == "N":
        return None if draw.bool(0.5) else tensor(draw)
    if kind == "M":
        return None if draw.bool(0.4) else integer(draw)
    if kind == "i":
        return draw.int(-2, 24) if draw.bool(0.9) else draw.pick(HOSTILE_INTS[:10])
    if kind == "L":
        return integer(draw)
    if kind == "d":
        return draw.float()
    if kind == "p":
        return draw.bool()
    if kind == "S":
        return [draw.size() for _ in range(draw.int(0, 4))]
    if kind == "A":
        return None if draw.bool(0.3) else [integer(draw) for _ in range(draw.int(0, 3))]
    if kind == "H":
        return None if draw.bool(0.5) else [draw.size() for _ in range(draw.int(0, 4))]
    if kind == "Z":
        return None if draw.bool(0.5) else draw.int(0, 2 ** 32)
    if kind == "2":
        return ints(draw, 2)
    if kind == "4":
        return ints(draw, 4)
    if kind in "QR":
        if kind == "R" and draw.bool(0.4):
            return None
        base = tensor(draw)
        same = draw.bool(0.7)
        return [base if same and draw.bool(0.5) else (sd.asarray(np.asarray(base).copy()) if same else tensor(draw))
                for _ in range(draw.int(0, 3))]
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
    raise AssertionError(kind)


def one_input(data):
    draw = Draw(data)
    state = {"tapes": [], "entered": []}
    try:
        for _ in range(draw.int(1, 4)):
            name = draw.pick(NAMES)
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
        for capsule in reversed(state["entered"]):
            try:
                _C.tape_exit(capsule)
            except Exception:
                pass
        _C.set_num_threads(2)


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
