"""tf.image's random augmentations, each in two forms: random_* draws from the global or
op seed (tf.random.uniform), stateless_random_* from an integer pair `seed`, the same pair
giving the same result (tf.random.stateless_uniform). The draws are swiftdl's own streams,
so the values differ from TensorFlow's for the same seed; the distributions are TensorFlow's
(one factor per call for the colour changes, one coin per image for the flips)."""
import operator

import numpy as np

from .. import _shape
from .._numpy_arrangement import flip
from .._tf_array import where
from .._tf_random import stateless_uniform, uniform
from ..errors import InvalidArgumentError, raises_tf_errors
from ._color import adjust_brightness, adjust_contrast, adjust_hue, adjust_saturation
from ._common import check_image, to_tensor


def _stateful(seed):
    return lambda shape, low, high: uniform(shape, low, high, seed=seed)


def _stateless(seed):
    return lambda shape, low, high: stateless_uniform(shape, seed, low, high)


def _check_range(lower, upper, op):
    if upper <= lower:
        raise ValueError(f"[{op}] upper must be > lower; received lower={lower}, upper={upper}")
    if lower < 0:
        raise ValueError(f"[{op}] lower must be non-negative; received lower={lower}")


def _brightness(image, max_delta, draw, op):
    if max_delta < 0:
        raise ValueError(f"[{op}] max_delta must be non-negative; received {max_delta}")
    return adjust_brightness(image, float(draw([], -max_delta, max_delta)))


def _contrast(image, lower, upper, draw, op):
    _check_range(lower, upper, op)
    return adjust_contrast(image, float(draw([], lower, upper)))


def _saturation(image, lower, upper, draw, op):
    _check_range(lower, upper, op)
    return adjust_saturation(image, float(draw([], lower, upper)))


def _hue(image, max_delta, draw, op):
    if max_delta > 0.5:
        raise ValueError(f"[{op}] max_delta must be <= 0.5; received {max_delta}")
    if max_delta < 0:
        raise ValueError(f"[{op}] max_delta must be non-negative; received {max_delta}")
    return adjust_hue(image, float(draw([], -max_delta, max_delta)))


def _crop(value, size, draw, op):
    value = to_tensor(value)
    size = [operator.index(s) for s in np.asarray(size.numpy() if hasattr(size, "numpy") else size).reshape(-1)]
    if len(size) != value.ndim or any(s < 0 or s > d for s, d in zip(size, value.shape)):
        raise InvalidArgumentError(None, None, f"[{op}] Need value.shape >= size, got {list(value.shape)} and size "
                                   f"{size}")
    limits = [d - s + 1 for d, s in zip(value.shape, size)]
    draws = np.asarray(draw([len(size)], 0.0, 1.0)).astype(np.float64).reshape(-1)
    offsets = [min(int(u * limit), limit - 1) for u, limit in zip(draws, limits)]
    return value[tuple(slice(o, o + s) for o, s in zip(offsets, size))]


def _flip(image, axis, draw, op):
    image = check_image(to_tensor(image), op)
    coins = draw([image.shape[0]] if image.ndim == 4 else [], 0.0, 1.0)
    mirror = _shape.reshape(coins < 0.5, (-1, 1, 1, 1) if image.ndim == 4 else ())
    return where(mirror, flip(image, axis=axis), image)


@raises_tf_errors
def random_brightness(image, max_delta, seed=None):
    """adjust_brightness by a delta drawn uniformly from [-max_delta, max_delta)
    (tf.image.random_brightness).

    Raises:
        ValueError: when max_delta is negative.
    """
    return _brightness(image, max_delta, _stateful(seed), "random_brightness")


@raises_tf_errors
def random_contrast(image, lower, upper, seed=None):
    """adjust_contrast by a factor drawn uniformly from [lower, upper) (tf.image.random_contrast).

    Raises:
        ValueError: unless 0 <= lower < upper.
    """
    return _contrast(image, lower, upper, _stateful(seed), "random_contrast")


@raises_tf_errors
def random_saturation(image, lower, upper, seed=None):
    """adjust_saturation by a factor drawn uniformly from [lower, upper) (tf.image.random_saturation)."""
    return _saturation(image, lower, upper, _stateful(seed), "random_saturation")


@raises_tf_errors
def random_hue(image, max_delta, seed=None):
    """adjust_hue by a delta drawn uniformly from [-max_delta, max_delta), max_delta <= 0.5
    (tf.image.random_hue)."""
    return _hue(image, max_delta, _stateful(seed), "random_hue")


@raises_tf_errors
def random_crop(value, size, seed=None, name=None):
    """A window of `size` at a uniformly random offset, on every axis (tf.image.random_crop).

    Raises:
        InvalidArgumentError: when `size` has another length than value's rank or exceeds
            value's shape.
    """
    return _crop(value, size, _stateful(seed), "random_crop")


@raises_tf_errors
def random_flip_left_right(image, seed=None):
    """Flips each image of the batch left to right with probability 1/2
    (tf.image.random_flip_left_right)."""
    return _flip(image, -2, _stateful(seed), "random_flip_left_right")


@raises_tf_errors
def random_flip_up_down(image, seed=None):
    """Flips each image of the batch upside down with probability 1/2
    (tf.image.random_flip_up_down)."""
    return _flip(image, -3, _stateful(seed), "random_flip_up_down")


@raises_tf_errors
def stateless_random_brightness(image, max_delta, seed):
    """random_brightness with the delta fixed by the integer pair `seed`
    (tf.image.stateless_random_brightness)."""
    return _brightness(image, max_delta, _stateless(seed), "stateless_random_brightness")


@raises_tf_errors
def stateless_random_contrast(image, lower, upper, seed):
    """random_contrast with the factor fixed by `seed` (tf.image.stateless_random_contrast)."""
    return _contrast(image, lower, upper, _stateless(seed), "stateless_random_contrast")


@raises_tf_errors
def stateless_random_saturation(image, lower, upper, seed=None):
    """random_saturation with the factor fixed by `seed` (tf.image.stateless_random_saturation)."""
    return _saturation(image, lower, upper, _stateless(seed), "stateless_random_saturation")


@raises_tf_errors
def stateless_random_hue(image, max_delta, seed):
    """random_hue with the delta fixed by `seed` (tf.image.stateless_random_hue)."""
    return _hue(image, max_delta, _stateless(seed), "stateless_random_hue")


@raises_tf_errors
def stateless_random_crop(value, size, seed, name=None):
    """random_crop with the offset fixed by `seed` (tf.image.stateless_random_crop)."""
    return _crop(value, size, _stateless(seed), "stateless_random_crop")


@raises_tf_errors
def stateless_random_flip_left_right(image, seed):
    """random_flip_left_right with the coins fixed by `seed`
    (tf.image.stateless_random_flip_left_right)."""
    return _flip(image, -2, _stateless(seed), "stateless_random_flip_left_right")


@raises_tf_errors
def stateless_random_flip_up_down(image, seed):
    """random_flip_up_down with the coins fixed by `seed` (tf.image.stateless_random_flip_up_down)."""
    return _flip(image, -3, _stateless(seed), "stateless_random_flip_up_down")
