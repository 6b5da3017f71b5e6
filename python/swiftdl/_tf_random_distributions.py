"""tf.random's gamma, poisson, binomial and parameterized truncated normal draws, stateful and
stateless, and the stateless seed tools (fold_in, split, create_rng_state, Algorithm).

The draws are numpy's (numpy.random.Generator over Philox: Marsaglia-Tsang gamma,
Hörmann's PTRS Poisson and BTPE binomial), with the generator's key taken from tf.random's
seeded stream: set_seed, op seeds and stateless seed pairs behave as for tf.random.normal,
and the same seed gives the same values (for a given numpy version). The truncated normal
is Robert's (1995) rejection sampler on that generator. Values match TensorFlow's
distributions, not its bits. Shapes, dtypes and the handling of invalid parameters follow
TensorFlow: stateful draws have shape `shape + parameters' shape`, stateless ones `shape`,
which must end with the parameters' broadcast shape.
"""
import enum
import operator

import numpy as np

from ._convert import TensorBase, asarray
from ._tf_dtypes import numpy_dtype
from ._tf_random import _shape, _stateless_stream, _stream
from .errors import InvalidArgumentError

_MAX_ROUNDS = 10000


class Algorithm(enum.Enum):
    """tf.random.Algorithm: the counter-based generators TensorFlow names (swiftdl runs Philox
    for all three)."""

    PHILOX = 1
    THREEFRY = 2
    AUTO_SELECT = 3


def _values(x):
    return np.asarray(x.numpy() if isinstance(x, TensorBase) else x)


def _generator(stream):
    """A numpy Generator keyed by two 64-bit draws from a tf.random stream."""
    words = np.asarray(stream.randint([2], 0, 2 ** 62, np.int64)).astype(object)
    return np.random.Generator(np.random.Philox(key=int(words[0]) << 64 | int(words[1])))


def _stateless_shape(shape, parameters, op):
    """`shape` for a stateless draw, checked to end with the parameters' broadcast shape."""
    dims = _shape(shape, op)
    try:
        broadcast = np.broadcast_shapes(*(np.shape(p) for p in parameters))
    except ValueError:
        raise InvalidArgumentError(None, None, f"[{op}] the parameters do not broadcast; received shapes "
                                   f"{[np.shape(p) for p in parameters]}") from None
    if len(broadcast) > len(dims) or tuple(dims[len(dims) - len(broadcast):]) != broadcast:
        raise InvalidArgumentError(None, None, f"[{op}] Shape passed in must end with broadcasted shape; received "
                                   f"shape {dims} and parameters of shape {list(broadcast)}")
    return dims


def _gamma(generator, dims, alpha, beta, dtype):
    wanted = numpy_dtype(dtype)
    if wanted.kind != "f":
        raise TypeError(f"[gamma] dtype must be a float dtype; received {wanted.name}")
    a = np.asarray(alpha, np.float64)
    with np.errstate(invalid="ignore"):
        draws = generator.standard_gamma(np.where(a > 0, a, 1.0), size=dims)
    draws = np.where(np.broadcast_to(a > 0, draws.shape), draws, np.nan)   # TensorFlow gives nan for alpha <= 0
    sample = asarray(draws.astype(wanted))
    if beta is None:
        return sample
    b = beta if isinstance(beta, TensorBase) else asarray(np.asarray(beta, wanted))
    return sample / b.astype(wanted.name)


def gamma(shape, alpha, beta=None, dtype=np.float32, seed=None, name=None):
    """Gamma(alpha, rate beta) draws (tf.random.gamma), shape `shape + broadcast(alpha,
    beta).shape`; nan where alpha <= 0. Differentiable with respect to beta (the draw is a
    standard gamma divided by it)."""
    alpha_values = _values(alpha)
    broadcast = np.broadcast_shapes(alpha_values.shape, np.shape(_values(beta)) if beta is not None else ())
    dims = _shape(shape, "gamma") + list(broadcast)
    return _gamma(_generator(_stream(seed)), dims, np.broadcast_to(alpha_values, broadcast), beta, dtype)


def stateless_gamma(shape, seed, alpha, beta=None, dtype=np.float32, name=None):
    """Gamma draws fixed by the seed pair (tf.random.stateless_gamma); `shape` must end with
    broadcast(alpha, beta).shape."""
    alpha_values = _values(alpha)
    parameters = [alpha_values] + ([_values(beta)] if beta is not None else [])
    dims = _stateless_shape(shape, parameters, "stateless_gamma")
    return _gamma(_generator(_stateless_stream(seed, "stateless_gamma")), dims, alpha_values, beta, dtype)


def _poisson(generator, dims, lam, dtype, op):
    wanted = numpy_dtype(dtype)
    if wanted.kind not in "fiu":
        raise TypeError(f"[{op}] dtype must be a float or integer dtype; received {wanted.name}")
    rate = np.asarray(lam, np.float64)
    valid = rate > 0                       # TensorFlow draws 0 for lam <= 0 (and nan)
    draws = generator.poisson(np.where(valid, rate, 0.0), size=dims)
    return asarray(np.where(np.broadcast_to(valid, draws.shape), draws, 0).astype(wanted))


def poisson(shape, lam, dtype=np.float32, seed=None, name=None):
    """Poisson(lam) counts (tf.random.poisson), shape `shape + lam.shape`, float32 by default
    (any float or integer dtype); 0 where lam <= 0."""
    rate = _values(lam)
    dims = _shape(shape, "poisson") + list(rate.shape)
    return _poisson(_generator(_stream(seed)), dims, rate, dtype, "poisson")


def stateless_poisson(shape, seed, lam, dtype=np.int32, name=None):
    """Poisson counts fixed by the seed pair (tf.random.stateless_poisson), int32 by default;
    `shape` must end with lam's shape."""
    rate = _values(lam)
    dims = _stateless_shape(shape, [rate], "stateless_poisson")
    return _poisson(_generator(_stateless_stream(seed, "stateless_poisson")), dims, rate, dtype, "stateless_poisson")


def stateless_binomial(shape, seed, counts, probs, output_dtype=np.int32, name=None):
    """Binomial(counts, probs) draws fixed by the seed pair (tf.random.stateless_binomial);
    `shape` must end with broadcast(counts, probs).shape. As in TensorFlow, counts <= 0 give
    0 and probs are clipped to [0, 1]."""
    n, p = _values(counts), _values(probs)
    dims = _stateless_shape(shape, [n, p], "stateless_binomial")
    wanted = numpy_dtype(output_dtype)
    trials = np.maximum(np.floor(np.nan_to_num(n.astype(np.float64))), 0).astype(np.int64)
    chance = np.clip(np.nan_to_num(p.astype(np.float64)), 0.0, 1.0)
    draws = _generator(_stateless_stream(seed, "stateless_binomial")).binomial(trials, chance, size=dims)
    return asarray(draws.astype(wanted))


def _robert_threshold(a):
    """Robert's (1995) switch: uniform proposals on [a, b] beat exponential ones while b - a
    is below this (a >= 0)."""
    root = np.sqrt(a * a + 4.0)
    return 2.0 / (a + root) * np.exp((a * a - a * root) / 4.0 + 0.5)


def _truncated_standard_normal(generator, a, b):
    """N(0, 1) draws conditioned on [a, b] (arrays of one shape, a < b), by rejection:
    normal proposals for wide intervals around 0, uniform proposals for narrow ones,
    translated-exponential proposals in one tail (Robert 1995, 'Simulation of truncated
    normal variables', Statistics and Computing 5)."""
    flip = b <= 0                          # work in the right tail: [a, b] -> [-b, -a]
    low, high = np.where(flip, -b, a), np.where(flip, -a, b)
    out = np.zeros(a.shape)
    pending = np.ones(a.shape, bool)
    straddle = low < 0
    for _ in range(_MAX_ROUNDS):
        if not pending.any():
            break
        lo, hi, mid = low[pending], high[pending], straddle[pending]
        width = hi - lo
        u = generator.random(lo.shape)
        z = np.zeros(lo.shape)
        accept = np.zeros(lo.shape, bool)
        # Around 0: normal proposals when the interval is wide, uniform ones when narrow.
        wide = mid & (width > 2.5)
        normal = generator.standard_normal(lo.shape)
        z = np.where(wide, normal, z)
        accept |= wide & (normal >= lo) & (normal <= hi)
        narrow_mid = mid & ~wide
        uniform = lo + width * generator.random(lo.shape)
        z = np.where(narrow_mid, uniform, z)
        accept |= narrow_mid & (u <= np.exp(-uniform * uniform / 2))
        # One tail (0 <= lo): uniform proposals on narrow intervals, exponential otherwise.
        tail = ~mid
        narrow_tail = tail & (width < _robert_threshold(np.maximum(lo, 0)))
        z = np.where(narrow_tail, uniform, z)
        accept |= narrow_tail & (u <= np.exp((lo * lo - uniform * uniform) / 2))
        exponential = tail & ~narrow_tail
        rate = (lo + np.sqrt(lo * lo + 4.0)) / 2
        shifted = lo + generator.standard_exponential(lo.shape) / rate
        z = np.where(exponential, shifted, z)
        accept |= exponential & (shifted <= hi) & (u <= np.exp(-(shifted - rate) ** 2 / 2))
        index = np.flatnonzero(pending)[accept]
        out.flat[index] = z[accept]
        pending.flat[index] = False
    else:  # NOTE: every branch accepts with probability well above 1/2; unreachable in practice
        raise RuntimeError("[stateless_parameterized_truncated_normal] rejection sampling did not finish")
    return np.where(flip, -out, out)


def stateless_parameterized_truncated_normal(shape, seed, means=0.0, stddevs=1.0, minvals=-2.0, maxvals=2.0,
                                             name=None):
    """Normal(means, stddevs) draws conditioned on [minvals, maxvals], fixed by the seed pair
    (tf.random.stateless_parameterized_truncated_normal). The parameters broadcast to `shape`
    (which must end with their broadcast shape); the dtype is the means' (float32 for
    Python numbers).

    Raises:
        InvalidArgumentError: where minvals >= maxvals or stddevs <= 0 ("Invalid parameters",
            as TensorFlow says).
    """
    op = "stateless_parameterized_truncated_normal"
    parameters = [_values(v) for v in (means, stddevs, minvals, maxvals)]
    dims = _stateless_shape(shape, parameters, op)
    wanted = parameters[0].dtype if parameters[0].dtype.kind == "f" and isinstance(means, (TensorBase, np.ndarray)) \
        else np.dtype(np.float32)
    mean, std, low, high = (np.broadcast_to(p.astype(np.float64), dims) for p in parameters)
    if np.any(std <= 0) or np.any(low >= high):
        raise InvalidArgumentError(None, None, f"[{op}] Invalid parameters: needs stddevs > 0 and minvals < maxvals")
    generator = _generator(_stateless_stream(seed, op))
    z = _truncated_standard_normal(generator, (low - mean) / std, (high - mean) / std)
    return asarray(np.clip(mean + std * z, low, high).astype(wanted))


# ---- stateless seeds ------------------------------------------------------------------------------
def _seed_pair(seed, op):
    values = _values(seed)
    if values.shape != (2,) or values.dtype.kind not in "iu":
        raise InvalidArgumentError(None, None, f"[{op}] seed must have shape [2] of integers; received {seed!r}")
    return values


def _full_ints(seed, count, dtype, op):
    """`count` integers over dtype's whole range, fixed by the seed pair."""
    stream = _stateless_stream(_seed_pair(seed, op), op)
    info = np.iinfo(dtype)
    return np.asarray(stream.randint([count], info.min, info.max, np.int64)).astype(dtype)


def fold_in(seed, data, alg="auto_select"):
    """A new seed pair from `seed` and an integer `data` (tf.random.fold_in): [a value drawn
    from seed, data], in data's dtype (int32 for a Python int), as TensorFlow builds it."""
    pair = _seed_pair(seed, "fold_in")
    dtype = _values(data).dtype if isinstance(data, (TensorBase, np.ndarray, np.integer)) else np.dtype(np.int32)
    first = _full_ints(pair, 1, dtype, "fold_in")[0]
    return asarray(np.array([first, operator.index(data)], dtype))


def split(seed, num=2, alg="auto_select"):
    """`num` new seed pairs, shape (num, 2), drawn from `seed` (tf.random.split), in the
    seed's dtype (int32 for Python lists)."""
    pair = _seed_pair(seed, "split")
    dtype = pair.dtype if isinstance(seed, (TensorBase, np.ndarray)) else np.dtype(np.int32)
    num = operator.index(num)
    if num < 0:
        raise InvalidArgumentError(None, None, f"[split] num must be non-negative; received {num}")
    return asarray(_full_ints(pair, 2 * num, dtype, "split").reshape(num, 2))


_STATE_SIZES = {Algorithm.PHILOX: 3, Algorithm.THREEFRY: 2, Algorithm.AUTO_SELECT: 3}


def _algorithm(alg):
    if isinstance(alg, Algorithm):
        return alg
    if isinstance(alg, str):
        key = alg.upper()
        if key in Algorithm.__members__:
            return Algorithm[key]
    elif isinstance(alg, (int, np.integer)) and int(alg) in (1, 2, 3):
        return Algorithm(int(alg))
    raise InvalidArgumentError(None, None, f"[create_rng_state] alg must be 'philox', 'threefry', 'auto_select' or "
                               f"an Algorithm; received {alg!r}")


def create_rng_state(seed, alg):
    """The int64 state a tf.random.Generator of `alg` starts from for an integer seed
    (tf.random.create_rng_state): the seed's 64-bit words, low first, padded with zeros to
    the algorithm's state size (3 for Philox, 2 for ThreeFry)."""
    size = _STATE_SIZES[_algorithm(alg)]
    seed = operator.index(seed) % (1 << (64 * size))
    words = [(seed >> (64 * i)) & ((1 << 64) - 1) for i in range(size)]
    return np.array([w - (1 << 64) if w >= 1 << 63 else w for w in words], np.int64)


__all__ = ["Algorithm", "create_rng_state", "fold_in", "gamma", "poisson", "split", "stateless_binomial",
           "stateless_gamma", "stateless_parameterized_truncated_normal", "stateless_poisson"]
