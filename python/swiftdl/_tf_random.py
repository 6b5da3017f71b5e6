"""tf.random's draws on the engine's Philox stream: set_seed, normal, uniform,
truncated_normal, categorical, shuffle, Generator and the stateless_* forms.

Seeds follow TensorFlow's rules: with neither a global nor an op seed, draws come from
the engine's global stream; `set_seed(s)` restarts that stream, so the sequence of draws
repeats; an op `seed` gives each op its own reproducible sequence (a call counter per seed,
reset by set_seed); stateless_* ops give the same values for the same `seed` pair.
Values match TensorFlow's distributions, not its bits.
"""
import operator

import numpy as np

from . import _C
from ._convert import TensorBase, asarray
from ._dtypes import code_of
from ._tf_dtypes import numpy_dtype
from .errors import InvalidArgumentError

_BLOCKS_PER_CALL = 1 << 40
_DEFAULT_GLOBAL_SEED = 87654321  # TensorFlow's when only an op seed is set
_MAX_REJECTION_ROUNDS = 200

_state: dict = {"global_seed": None, "counters": {}}


def _shape(shape, op):
    if isinstance(shape, TensorBase) or isinstance(shape, np.ndarray):
        shape = np.asarray(shape).reshape(-1).tolist()
    if isinstance(shape, (int, np.integer)):
        shape = [shape]
    try:
        dims = [operator.index(s) for s in shape]
    except TypeError:
        raise TypeError(f"[{op}] shape must be a list of integers; received {shape!r}") from None
    if any(d < 0 for d in dims):
        raise InvalidArgumentError(None, None, f"[{op}] shape must be non-negative; received {dims}")
    return dims


def _float(dtype, op):
    wanted = np.dtype(np.float32) if dtype is None else numpy_dtype(dtype)
    if wanted.kind != "f":
        raise TypeError(f"[{op}] needs a float dtype; received {wanted.name}")
    return wanted


def _mix(a, b):
    """A 64-bit key from two integers (splitmix64-style), so nearby seeds give unrelated keys."""
    z = (a * 0x9E3779B97F4A7C15 + b + 0x632BE59BD9B4E5B) % (1 << 64)
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) % (1 << 64)
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) % (1 << 64)
    return z ^ (z >> 31)


class _Stream:
    """Draws from Philox keyed by `key`, from counter block `block` on (each draw takes
    fresh blocks, so the parts of one op never overlap)."""

    def __init__(self, key, block=0):
        self.key, self.block = key % (1 << 64), block % (1 << 64)

    def _take(self, count):
        start = self.block
        self.block = (self.block + count + 1) % (1 << 64)
        return start

    def uniform(self, shape, low, high, dtype):
        count = int(np.prod(shape, dtype=np.int64))
        return _C.random_uniform_seeded(list(shape), float(low), float(high), code_of(dtype), self.key,
                                        self._take(count))

    def normal(self, shape, mean, stddev, dtype):
        count = int(np.prod(shape, dtype=np.int64))
        return _C.random_normal_seeded(list(shape), float(mean), float(stddev), code_of(dtype), self.key,
                                       self._take(count))

    def randint(self, shape, low, high, dtype):
        count = int(np.prod(shape, dtype=np.int64))
        return _C.random_randint_seeded(list(shape), int(low), int(high), code_of(dtype), self.key, self._take(count))

    def permutation(self, n):
        return _C.random_permutation_seeded(int(n), self.key, self._take(n))


class _GlobalStream:
    """The engine's global stream (numpy-style swiftdl.random shares it)."""

    @staticmethod
    def uniform(shape, low, high, dtype):
        return _C.random_uniform(list(shape), float(low), float(high), code_of(dtype))

    @staticmethod
    def normal(shape, mean, stddev, dtype):
        return _C.random_normal(list(shape), float(mean), float(stddev), code_of(dtype))

    @staticmethod
    def randint(shape, low, high, dtype):
        return _C.random_randint(list(shape), int(low), int(high), code_of(dtype))

    @staticmethod
    def permutation(n):
        return _C.random_permutation(int(n))


def set_seed(seed):
    """Sets the global seed (tf.random.set_seed): the draws that follow repeat for the same
    seed, with or without op seeds. Also restarts the numpy-style swiftdl.random stream."""
    seed = operator.index(seed)
    _state["global_seed"] = seed
    _state["counters"] = {}
    _C.random_seed(seed % (1 << 64))


def get_seed(op_seed):
    """(global seed, op seed) as TensorFlow derives them (tf.compat.v1.get_seed)."""
    global_seed = _state["global_seed"]
    if global_seed is None and op_seed is None:
        return None, None
    if global_seed is None:
        global_seed = _DEFAULT_GLOBAL_SEED
    return global_seed, (0 if op_seed is None else operator.index(op_seed))


def _stream(seed):
    if seed is None:
        return _GlobalStream
    global_seed = _state["global_seed"]
    key = _mix(_DEFAULT_GLOBAL_SEED if global_seed is None else global_seed, operator.index(seed))
    calls = _state["counters"].get(key, 0)
    _state["counters"][key] = calls + 1
    return _Stream(key, calls * _BLOCKS_PER_CALL)


def _stateless_stream(seed, op):
    values = np.asarray(seed.numpy() if isinstance(seed, TensorBase) else seed).reshape(-1)
    if values.shape != (2,) or values.dtype.kind not in "iu":
        raise InvalidArgumentError(None, None, f"[{op}] seed must be a pair of integers; received {seed!r}")
    return _Stream(_mix(int(values[0]) % (1 << 64), int(values[1]) % (1 << 64)), 0)


# ---- the draws, given a stream ---------------------------------------------------------------------
def _is_number(value):
    return isinstance(value, (int, float, np.integer, np.floating))


def _normal(stream, shape, mean, stddev, dtype, op):
    dims, wanted = _shape(shape, op), _float(dtype, op)
    if _is_number(mean) and _is_number(stddev):
        return stream.normal(dims, mean, stddev, wanted)
    return stream.normal(dims, 0.0, 1.0, wanted) * asarray(stddev, dtype=wanted) + asarray(mean, dtype=wanted)


def _uniform(stream, shape, minval, maxval, dtype, op):
    dims = _shape(shape, op)
    wanted = np.dtype(np.float32) if dtype is None else numpy_dtype(dtype)
    if wanted.kind in "iu":
        if maxval is None:
            raise InvalidArgumentError(None, None, f"[{op}] maxval must be given for integer dtype {wanted.name}")
        low, high = operator.index(minval), operator.index(maxval)
        if low >= high:
            raise InvalidArgumentError(None, None, f"[{op}] needs minval < maxval; received {low} and {high}")
        return stream.randint(dims, low, high, wanted)
    if wanted.kind != "f":
        raise TypeError(f"[{op}] dtype must be a float or integer dtype; received {wanted.name}")
    maxval = 1.0 if maxval is None else maxval
    if _is_number(minval) and _is_number(maxval):
        return stream.uniform(dims, minval, maxval, wanted)
    unit = stream.uniform(dims, 0.0, 1.0, wanted)
    low, high = asarray(minval, dtype=wanted), asarray(maxval, dtype=wanted)
    return low + unit * (high - low)


def _truncated_normal(stream, shape, mean, stddev, dtype, op):
    """Normal values, those beyond two standard deviations drawn again (rejection)."""
    from . import _ops
    dims, wanted = _shape(shape, op), _float(dtype, op)
    z = stream.normal(dims, 0.0, 1.0, np.float64)
    for _ in range(_MAX_REJECTION_ROUNDS):
        outside = _ops.greater(_ops.absolute(z), 2.0)
        if not bool(_ops.any(outside)):
            break
        z = _ops.where(outside, stream.normal(dims, 0.0, 1.0, np.float64), z)
    else:  # NOTE: each round keeps a value with probability 0.95, so this cannot happen in practice
        raise RuntimeError(f"[{op}] rejection sampling did not finish")
    return (z * asarray(stddev, dtype=np.float64) + asarray(mean, dtype=np.float64)).astype(wanted)


def _categorical(stream, logits, num_samples, dtype, op):
    """Class indices drawn from rows of log-probabilities, by the Gumbel-max trick."""
    from . import _ops, _shape as shape_ops
    logits = asarray(logits, copy=None)
    if logits.ndim != 2:
        raise InvalidArgumentError(None, None, f"[{op}] logits must be 2-D [batch_size, num_classes]; received "
                                   f"shape {tuple(logits.shape)}")
    num_samples = operator.index(num_samples)
    batch, classes = logits.shape
    if classes == 0:
        raise InvalidArgumentError(None, None, f"[{op}] logits need at least one class")
    compute = logits.dtype if logits.dtype.kind == "f" else np.dtype(np.float32)
    tiny = float(np.finfo(compute).tiny)
    u = stream.uniform([batch, num_samples, classes], tiny, 1.0, compute)
    scores = shape_ops.expand_dims(logits.astype(compute), 1) - _ops.log(-_ops.log(u))
    return _ops.argmax(scores, axis=-1).astype(np.int64 if dtype is None else numpy_dtype(dtype))


def _shuffle(stream, value):
    tensor = asarray(value, copy=None)
    if tensor.ndim == 0:
        raise InvalidArgumentError(None, None, "[shuffle] needs a tensor of rank 1 or more; received a scalar")
    return _C.take(tensor, stream.permutation(tensor.shape[0]), 0)


# ---- tf.random's functions ----------------------------------------------------------------------------
def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None):
    """Normal values (tf.random.normal); float32 by default."""
    return _normal(_stream(seed), shape, mean, stddev, dtype, "normal")


def uniform(shape, minval=0, maxval=None, dtype=None, seed=None, name=None):
    """Uniform values in [minval, maxval) (tf.random.uniform): floats ([0, 1) by default,
    float32), or integers when `dtype` is an integer dtype (then `maxval` is required)."""
    return _uniform(_stream(seed), shape, minval, maxval, dtype, "uniform")


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None):
    """Normal values within two standard deviations of the mean (tf.random.truncated_normal)."""
    return _truncated_normal(_stream(seed), shape, mean, stddev, dtype, "truncated_normal")


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """[batch, num_samples] class indices (int64) drawn from rows of log-probabilities
    (tf.random.categorical)."""
    return _categorical(_stream(seed), logits, num_samples, dtype, "categorical")


def shuffle(value, seed=None, name=None):
    """A copy of `value` with its first dimension in random order (tf.random.shuffle).
    Unlike numpy.random.shuffle, the input is left unchanged (swiftdl tensors, like
    TensorFlow's, are not shuffled in place); use the result."""
    return _shuffle(_stream(seed), value)


def stateless_normal(shape, seed, mean=0.0, stddev=1.0, dtype=None, name=None, alg=None):
    """Normal values fixed by the integer pair `seed` (tf.random.stateless_normal)."""
    return _normal(_stateless_stream(seed, "stateless_normal"), shape, mean, stddev, dtype, "stateless_normal")


def stateless_uniform(shape, seed, minval=0, maxval=None, dtype=None, name=None, alg=None):
    """Uniform values fixed by the integer pair `seed` (tf.random.stateless_uniform)."""
    return _uniform(_stateless_stream(seed, "stateless_uniform"), shape, minval, maxval, dtype, "stateless_uniform")


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=None, name=None, alg=None):
    return _truncated_normal(_stateless_stream(seed, "stateless_truncated_normal"), shape, mean, stddev, dtype,
                             "stateless_truncated_normal")


def stateless_categorical(logits, num_samples, seed, dtype=None, name=None):
    return _categorical(_stateless_stream(seed, "stateless_categorical"), logits, num_samples, dtype,
                        "stateless_categorical")


def stateless_shuffle(value, seed, alg=None, name=None):
    return _shuffle(_stateless_stream(seed, "stateless_shuffle"), value)


class Generator:
    """A random generator with its own state (tf.random.Generator): each draw advances it,
    and the same seed gives the same sequence.

    Make one with `Generator.from_seed(seed)` or `Generator.from_non_deterministic_state()`.
    """

    def __init__(self, copy_from=None, state=None, alg=None):
        if copy_from is not None:
            self._key, self._calls = copy_from._key, copy_from._calls
        elif state is not None:
            values = np.asarray(state).reshape(-1)
            self._key, self._calls = int(values[0]) % (1 << 64), int(values[-1])
        else:
            raise ValueError("Generator needs copy_from or state; use Generator.from_seed(seed)")

    @classmethod
    def from_seed(cls, seed, alg=None):
        return cls(state=[_mix(operator.index(seed) % (1 << 64), 0), 0])

    @classmethod
    def from_non_deterministic_state(cls, alg=None):
        import secrets
        return cls(state=[secrets.randbits(63), 0])

    @classmethod
    def from_state(cls, state, alg=None):
        return cls(state=state)

    @property
    def state(self):
        return asarray(np.array([self._key % (1 << 63), self._calls], dtype=np.int64))

    def reset_from_seed(self, seed):
        self._key, self._calls = _mix(operator.index(seed) % (1 << 64), 0), 0

    def _next(self):
        stream = _Stream(self._key, self._calls * _BLOCKS_PER_CALL)
        self._calls += 1
        return stream

    def normal(self, shape, mean=0.0, stddev=1.0, dtype=None, name=None):
        return _normal(self._next(), shape, mean, stddev, dtype, "Generator.normal")

    def uniform(self, shape, minval=0, maxval=None, dtype=None, name=None):
        return _uniform(self._next(), shape, minval, maxval, dtype, "Generator.uniform")

    def truncated_normal(self, shape, mean=0.0, stddev=1.0, dtype=None, name=None):
        return _truncated_normal(self._next(), shape, mean, stddev, dtype, "Generator.truncated_normal")

    def uniform_full_int(self, shape, dtype=np.int64, name=None):
        wanted = numpy_dtype(dtype)
        info = np.iinfo(wanted)
        return self._next().randint(_shape(shape, "uniform_full_int"), info.min, info.max, wanted)

    def make_seeds(self, count=1):
        """A [2, count] int64 tensor of seeds for the stateless_* ops."""
        info = np.iinfo(np.int64)
        return self._next().randint([2, operator.index(count)], info.min, info.max, np.int64)

    def split(self, count=1):
        """`count` new generators, independent of this one and of each other."""
        return [Generator(state=[_mix(self._key, self._calls * 1000003 + i + 1), 0])
                for i in range(operator.index(count))] if self._advance() else []

    def _advance(self):
        self._calls += 1
        return True


_global_generator = [None]


def get_global_generator():
    if _global_generator[0] is None:
        _global_generator[0] = Generator.from_non_deterministic_state()
    return _global_generator[0]


def set_global_generator(generator):
    _global_generator[0] = generator


def _looks_like_shape(value):
    """TensorFlow's first argument (a shape) as opposed to numpy's (a number)."""
    from ._tf_shape import TensorShape
    if isinstance(value, (list, tuple, TensorShape)):
        return True
    return isinstance(value, (TensorBase, np.ndarray)) and value.ndim == 1 and value.dtype.kind in "iu"


def numpy_or_tf(numpy_function, tf_function, tf_keywords):
    """One function for numpy's call and TensorFlow's: TensorFlow's when a keyword only it
    has is given or the first argument is a shape (a list, tuple, TensorShape or 1-D int
    tensor; numpy's first argument is a number), numpy's otherwise."""
    def function(*args, **kwargs):
        if (args and _looks_like_shape(args[0])) or not kwargs.keys().isdisjoint(tf_keywords):
            return tf_function(*args, **kwargs)
        return numpy_function(*args, **kwargs)
    function.__name__ = numpy_function.__name__
    function.__doc__ = (f"numpy.random.{numpy_function.__name__} or tf.random.{tf_function.__name__}, told apart "
                        f"by the call.\n\n{numpy_or_tf.__doc__}\n\nnumpy's form: {numpy_function.__doc__}\n\n"
                        f"TensorFlow's form: {tf_function.__doc__}")
    function.__wrapped__ = numpy_function
    return function
