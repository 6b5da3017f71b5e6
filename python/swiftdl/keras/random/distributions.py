"""keras.random's distributions on the engine's seeded Philox stream.

Keras's bit streams differ between its backends; these match its distributions and its
seeding rules (see seed_generator.py), not any backend's bits.
"""
import math
import operator

import numpy as np

import swiftdl as sd
from swiftdl import _C
from swiftdl._dtypes import code_of
from .. import backend
from .seed_generator import draw_seed
from .stream import Stream

# NOTE: a rejection round keeps a value with probability >= 0.95 (truncated normal, gamma),
# so 200 rounds leave a value undrawn with probability below 1e-260: the cap only turns
# an impossible endless loop into an error.
MAX_REJECTION_ROUNDS = 200


def _shape(shape, op):
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    try:
        shape = tuple(operator.index(s) for s in shape)
    except TypeError:
        raise ValueError(f"`keras.random.{op}` expects `shape` to be a tuple of integers. Received: shape={shape}")
    if any(s < 0 for s in shape):
        raise ValueError(f"`keras.random.{op}` expects non-negative dimensions. Received: shape={shape}")
    return shape


def _float_dtype(dtype, op):
    name = backend.standardize_dtype(dtype or backend.floatx())
    if not backend.is_float_dtype(name):
        raise ValueError(f"`keras.random.{op}` requires a floating point `dtype`. Received: dtype={dtype} ")
    if name not in ("float32", "float64"):
        raise TypeError(f"`keras.random.{op}`: swiftdl computes in float32 and float64; received dtype={dtype}")
    return name


def _stream(seed):
    return Stream(*draw_seed(seed))


def _is_scalar(value):
    return isinstance(value, (int, float, np.integer, np.floating))


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples with `mean` and standard deviation `stddev` (numbers or tensors that
    broadcast to `shape`)."""
    shape, dtype = _shape(shape, "normal"), _float_dtype(dtype, "normal")
    stream = _stream(seed)
    if _is_scalar(mean) and _is_scalar(stddev):
        return stream.normal(shape, mean, stddev, dtype)
    return (stream.normal(shape, dtype=dtype) * sd.asarray(stddev, dtype=dtype) + sd.asarray(mean, dtype=dtype))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Uniform samples in [minval, maxval)."""
    shape, dtype = _shape(shape, "uniform"), _float_dtype(dtype, "uniform")
    stream = _stream(seed)
    if _is_scalar(minval) and _is_scalar(maxval):
        return stream.uniform(shape, minval, maxval, dtype)
    low, high = sd.asarray(minval, dtype=dtype), sd.asarray(maxval, dtype=dtype)
    return stream.uniform(shape, dtype=dtype) * (high - low) + low


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Integers drawn uniformly from [minval, maxval)."""
    shape = _shape(shape, "randint")
    name = backend.standardize_dtype(dtype)
    if not backend.is_int_dtype(name):
        raise ValueError(f"`keras.random.randint` requires an integer `dtype`. Received: dtype={dtype} ")
    if name not in ("int32", "int64", "uint8"):
        raise TypeError(f"`keras.random.randint`: swiftdl has int32, int64 and uint8; received dtype={dtype}")
    key, block = draw_seed(seed)
    return _C.random_randint_seeded(list(shape), int(minval), int(maxval), code_of(name), key, block)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples, those more than two standard deviations from the mean drawn again."""
    shape, dtype = _shape(shape, "truncated_normal"), _float_dtype(dtype, "truncated_normal")
    stream = _stream(seed)
    z = stream.normal(shape, dtype="float64")
    for _ in range(MAX_REJECTION_ROUNDS):
        outside = sd.greater(sd.abs(z), 2.0)
        if not bool(sd.any(outside)):
            break
        z = sd.where(outside, stream.normal(shape, dtype="float64"), z)
    else:
        raise RuntimeError("keras.random.truncated_normal: rejection did not finish")
    return (z * sd.asarray(stddev, dtype="float64") + sd.asarray(mean, dtype="float64")).astype(dtype)


def categorical(logits, num_samples, dtype="int32", seed=None):
    """Samples of class indices, (batch, num_samples), from rows of unnormalised
    log-probabilities (batch, classes), by the Gumbel-max trick: argmax(logits + G) with
    G = -log(-log(U)) is distributed as softmax(logits)."""
    logits = sd.asarray(logits)
    if logits.ndim != 2:
        raise ValueError(f"`logits` should be a 2-D tensor with shape [batch_size, num_classes]. Received: logits={logits}")
    num_samples = operator.index(num_samples)
    if num_samples < 0:
        raise ValueError(f"`num_samples` must be non-negative. Received: num_samples={num_samples}")
    batch, classes = logits.shape
    if classes == 0:
        raise ValueError("`logits` must have at least one class. Received: logits of shape " + str(logits.shape))
    float_dtype = logits.dtype.name if logits.dtype.kind == "f" else "float32"
    tiny = float(np.finfo(float_dtype).tiny)
    u = _stream(seed).uniform((batch, num_samples, classes), tiny, 1.0, float_dtype)
    gumbel = -sd.log(-sd.log(u))
    scores = sd.expand_dims(logits.astype(float_dtype), 1) + gumbel
    return sd.argmax(scores, axis=-1).astype(backend.standardize_dtype(dtype))


def dropout(inputs, rate, noise_shape=None, seed=None):
    """`inputs` with each value (or each slice along the axes where `noise_shape` is 1)
    zeroed with probability `rate` and the rest scaled by 1 / (1 - rate). Differentiable
    with respect to `inputs`."""
    inputs = sd.asarray(inputs)
    rate = float(rate)
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"Invalid value received for argument `rate`. Expected a float value between 0 and 1. "
                         f"Received: rate={rate}")
    if noise_shape is None:
        noise_shape = inputs.shape
    else:
        noise_shape = tuple(inputs.shape[i] if s is None else operator.index(s) for i, s in enumerate(noise_shape))
    if rate == 1.0:
        return inputs * 0
    keep = 1.0 - rate
    mask = _stream(seed).bernoulli(noise_shape, keep)
    return sd.where(mask, inputs / keep, sd.zeros((), dtype=inputs.dtype))


def shuffle(x, axis=0, seed=None):
    """`x` with its slices along `axis` in a random order."""
    x = sd.asarray(x)
    if x.ndim == 0:
        raise ValueError("`keras.random.shuffle` needs a tensor of rank 1 or more; received a scalar")
    axis = operator.index(axis)
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"`axis` {axis} is out of bounds for a tensor of rank {x.ndim}")
    return sd.take(x, _stream(seed).permutation(x.shape[axis]), axis=axis)


def _gamma(stream, shape, alpha):
    """Gamma(alpha, 1) samples in float64 (Marsaglia and Tsang, 2000): for a ≥ 1, with
    d = a − 1/3 and c = 1/√(9d), v = (1 + cZ)³ is accepted when log U < Z²/2 + d − dv + d·log v,
    giving d·v; for a < 1, Gamma(a + 1) · U^(1/a)."""
    alpha = sd.broadcast_to(sd.asarray(alpha, dtype="float64"), shape)
    if alpha.size and not bool(sd.all(sd.greater(alpha, 0.0))):
        raise ValueError("`alpha` must be positive")
    boosted = sd.less(alpha, 1.0)
    a = sd.where(boosted, alpha + 1.0, alpha)
    d = a - 1.0 / 3.0
    c = 1.0 / sd.sqrt(9.0 * d)
    result = sd.zeros(shape, dtype="float64")
    pending = sd.ones(shape, dtype="bool")
    for _ in range(MAX_REJECTION_ROUNDS):
        if not bool(sd.any(pending)):
            break
        z = stream.normal(shape, dtype="float64")
        u = stream.uniform(shape, dtype="float64")
        v = (1.0 + c * z) ** 3
        positive = sd.greater(v, 0.0)
        log_v = sd.log(sd.where(positive, v, 1.0))
        accepted = sd.logical_and(positive, sd.less(sd.log(u), 0.5 * z * z + d - d * v + d * log_v))
        newly = sd.logical_and(pending, accepted)
        result = sd.where(newly, d * v, result)
        pending = sd.logical_and(pending, sd.logical_not(accepted))
    else:
        raise RuntimeError("keras.random.gamma: rejection did not finish")
    if bool(sd.any(boosted)):
        u = stream.uniform(shape, dtype="float64")
        result = result * sd.where(boosted, u ** (1.0 / alpha), 1.0)
    return result


def gamma(shape, alpha, dtype=None, seed=None):
    """Gamma-distributed samples with shape parameter `alpha` (scale 1)."""
    shape, dtype = _shape(shape, "gamma"), _float_dtype(dtype, "gamma")
    return _gamma(_stream(seed), shape, alpha).astype(dtype)


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Beta(alpha, beta) samples: X / (X + Y) for X ~ Gamma(alpha), Y ~ Gamma(beta)."""
    shape, dtype = _shape(shape, "beta"), _float_dtype(dtype, "beta")
    stream = _stream(seed)
    x = _gamma(stream, shape, alpha)
    y = _gamma(stream, shape, beta)
    return (x / (x + y)).astype(dtype)


# Trials drawn per engine call in `binomial`: about 4M uniform values (32 MB in float64).
_BINOMIAL_CHUNK_VALUES = 1 << 22


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """The number of successes in `counts` independent trials of success probability
    `probabilities` (numbers or tensors broadcasting to `shape`): exact, by summing the
    trials, in chunks; the time grows with the largest count."""
    shape, dtype = _shape(shape, "binomial"), _float_dtype(dtype, "binomial")
    counts = sd.broadcast_to(sd.asarray(counts, dtype="float64"), shape)
    p = sd.broadcast_to(sd.asarray(probabilities, dtype="float64"), shape)
    size = int(np.prod(shape, dtype=np.int64))
    largest = int(sd.max(counts)) if size else 0
    if size and (float(sd.min(counts)) < 0 or not math.isfinite(float(sd.max(counts)))):
        raise ValueError("`counts` must be finite and non-negative")
    stream = _stream(seed)
    total = sd.zeros(shape, dtype="float64")
    chunk = max(1, _BINOMIAL_CHUNK_VALUES // max(size, 1))
    for first in range(0, largest, chunk):
        trials = min(chunk, largest - first)
        index = sd.reshape(sd.arange(first, first + trials, dtype="float64"), (trials,) + (1,) * len(shape))
        success = sd.logical_and(stream.bernoulli((trials,) + shape, p), sd.less(index, counts))
        total = total + sd.sum(success.astype("float64"), axis=0)
    return total.astype(dtype)
