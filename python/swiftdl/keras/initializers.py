"""Keras's weight initializers, drawing from the engine's seeded random stream."""
from __future__ import annotations

from typing import Any, Sequence

import math

import numpy as np

import swiftdl as _sd

from . import backend
from swiftdl._tensor import Tensor
from swiftdl._typing import DTypeLike


def _fans(shape: Sequence[int], input_axes: Any = None, output_axes: Any = None) -> tuple[float, float]:
    """Keras's fan computation: the products over `input_axes` and `output_axes` when both
    are given (EinsumDense's kernels), else dense (in, out) and conv kernels (*receptive, in, out)."""
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        return int(np.prod([shape[a] for a in input_axes])), int(np.prod([shape[a] for a in output_axes]))
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = int(np.prod(shape[:-2]))
    return shape[-2] * receptive, shape[-1] * receptive


class Initializer:
    def __call__(self, shape: Sequence[int], dtype: DTypeLike = None) -> Any:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Any:
        return cls(**config)


class Zeros(Initializer):
    def __call__(self, shape: Sequence[int], dtype: DTypeLike = None) -> Any:
        return _sd.zeros(shape, dtype or backend.floatx())


class Ones(Initializer):
    def __call__(self, shape: Sequence[int], dtype: DTypeLike = None) -> Any:
        return _sd.ones(shape, dtype or backend.floatx())


class Constant(Initializer):
    def __init__(self, value: Any = 0.0) -> None:
        self.value = value

    def __call__(self, shape: Sequence[int], dtype: DTypeLike = None) -> Any:
        return _sd.full(shape, float(self.value), dtype or backend.floatx())

    def get_config(self) -> dict[str, Any]:
        return {"value": self.value}


class RandomUniform(Initializer):
    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: Any = None) -> None:
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def __call__(self, shape: Sequence[int], dtype: DTypeLike = None) -> Any:
        return _sd.random.uniform(self.minval, self.maxval, size=shape, dtype=dtype or backend.floatx())

    def get_config(self) -> dict[str, Any]:
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class RandomNormal(Initializer):
    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Any = None) -> None:
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape: Sequence[int], dtype: DTypeLike = None) -> Any:
        return _sd.random.normal(self.mean, self.stddev, size=shape, dtype=dtype or backend.floatx())

    def get_config(self) -> dict[str, Any]:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class VarianceScaling(Initializer):
    """Keras's VarianceScaling: scale / fan with a uniform, truncated-normal or normal draw."""

    def __init__(self, scale: float = 1.0, mode: str = "fan_in", distribution: str = "truncated_normal",
                 seed: Any = None, input_axes: Any = None, output_axes: Any = None) -> None:
        if scale <= 0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"Invalid `mode` argument: {mode}")
        if distribution not in ("uniform", "truncated_normal", "untruncated_normal", "normal"):
            raise ValueError(f"Invalid `distribution` argument: {distribution}")
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed
        # Axes that hold the input and output units, for kernels whose layout is not (…, in, out).
        self.input_axes = None if input_axes is None else list(input_axes)
        self.output_axes = None if output_axes is None else list(output_axes)

    def __call__(self, shape: Sequence[int], dtype: DTypeLike = None) -> Any:
        dtype = dtype or backend.floatx()
        fan_in, fan_out = _fans(shape, self.input_axes, self.output_axes)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, fan)
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * scale)
            return _sd.random.uniform(-limit, limit, size=shape, dtype=dtype)
        if self.distribution == "truncated_normal":
            # 0.879... is the stddev of a standard normal truncated to [-2, 2].
            stddev = math.sqrt(scale) / 0.87962566103423978
            return _truncated_normal(shape, stddev, dtype)
        return _sd.random.normal(0.0, math.sqrt(scale), size=shape, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed, "scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "input_axes": self.input_axes, "output_axes": self.output_axes}


def _truncated_normal(shape: Sequence[int], stddev: float, dtype: DTypeLike) -> Tensor:
    """Normal draws redrawn until inside two standard deviations (Keras's truncation)."""
    values = _sd.random.normal(0.0, 1.0, size=shape, dtype=dtype)
    for _ in range(100):
        outside = _sd.abs(values) > 2.0
        if not bool(outside.any()):
            break
        values = _sd.where(outside, _sd.random.normal(0.0, 1.0, size=shape, dtype=dtype), values)
    return values * stddev


class GlorotUniform(VarianceScaling):
    def __init__(self, seed: Any = None, input_axes: Any = None, output_axes: Any = None) -> None:
        super().__init__(1.0, "fan_avg", "uniform", seed, input_axes, output_axes)

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}


class GlorotNormal(VarianceScaling):
    def __init__(self, seed: Any = None, input_axes: Any = None, output_axes: Any = None) -> None:
        super().__init__(1.0, "fan_avg", "truncated_normal", seed, input_axes, output_axes)

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}


class HeUniform(VarianceScaling):
    def __init__(self, seed: Any = None, input_axes: Any = None, output_axes: Any = None) -> None:
        super().__init__(2.0, "fan_in", "uniform", seed, input_axes, output_axes)

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}


class HeNormal(VarianceScaling):
    def __init__(self, seed: Any = None, input_axes: Any = None, output_axes: Any = None) -> None:
        super().__init__(2.0, "fan_in", "truncated_normal", seed, input_axes, output_axes)

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}


class LecunNormal(VarianceScaling):
    def __init__(self, seed: Any = None, input_axes: Any = None, output_axes: Any = None) -> None:
        super().__init__(1.0, "fan_in", "truncated_normal", seed, input_axes, output_axes)

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}


class Orthogonal(Initializer):
    """Keras's Orthogonal: an orthonormal basis from a normal matrix (QR, sign-corrected)."""

    def __init__(self, gain: float = 1.0, seed: Any = None) -> None:
        self.gain, self.seed = gain, seed

    def __call__(self, shape: Sequence[int], dtype: DTypeLike = None) -> Any:
        dtype = dtype or backend.floatx()
        if len(shape) < 2:
            raise ValueError(f"The tensor to initialize must be at least two-dimensional. Received: shape={shape}")
        rows = int(np.prod(shape[:-1]))
        columns = shape[-1]
        flat = (max(rows, columns), min(rows, columns))
        q = _orthonormal_columns(_sd.random.normal(0.0, 1.0, size=flat, dtype="float64"))
        if rows < columns:
            q = q.T
        return _sd.reshape(q * self.gain, shape).astype(dtype)

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain, "seed": self.seed}


def _orthonormal_columns(a: Tensor) -> Tensor:
    """Q of a's QR decomposition with R's diagonal made positive (modified Gram-Schmidt,
    every step computed by engine ops)."""
    columns: list[Tensor] = []
    for j in range(a.shape[1]):
        v = a[:, j]
        for q in columns:
            v = v - (q * v).sum() * q
        columns.append(v / _sd.sqrt((v * v).sum()))
    return _sd.stack(columns, axis=1)


class LecunUniform(VarianceScaling):
    """Uniform in [-limit, limit], limit = sqrt(3 / fan_in) (Keras's LecunUniform)."""

    def __init__(self, seed: Any = None, input_axes: Any = None, output_axes: Any = None) -> None:
        super().__init__(1.0, "fan_in", "uniform", seed, input_axes, output_axes)

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}


class TruncatedNormal(Initializer):
    """Normal draws redrawn until within two standard deviations of the mean (Keras's
    TruncatedNormal); `stddev` is the normal's before truncation, as in Keras."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Any = None) -> None:
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape: Sequence[int], dtype: DTypeLike = None) -> Any:
        return _truncated_normal(shape, self.stddev, dtype or backend.floatx()) + self.mean

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed, "mean": self.mean, "stddev": self.stddev}


class Identity(Initializer):
    """`gain` times the identity matrix (Keras's Identity; rectangular shapes get ones on
    the main diagonal).

    Raises:
        ValueError: when the shape is not two-dimensional.
    """

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain

    def __call__(self, shape: Sequence[int], dtype: DTypeLike = None) -> Any:
        if len(shape) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices. "
                             f"Received: shape={tuple(shape)} of rank {len(shape)}.")
        return _sd.eye(int(shape[0]), int(shape[1]), dtype=dtype or backend.floatx()) * self.gain

    def get_config(self) -> dict[str, Any]:
        # Keras 3.15 returns {} here and so loses `gain` on save; keeping it round-trips.
        return {"gain": self.gain}


# Keras's other exported names for the same classes.
IdentityInitializer = Identity
OrthogonalInitializer = Orthogonal
constant, zeros, ones = Constant, Zeros, Ones
random_uniform, random_normal, truncated_normal = RandomUniform, RandomNormal, TruncatedNormal
variance_scaling, orthogonal, identity = VarianceScaling, Orthogonal, Identity
glorot_uniform, glorot_normal, he_uniform, he_normal = GlorotUniform, GlorotNormal, HeUniform, HeNormal
lecun_uniform, lecun_normal = LecunUniform, LecunNormal


_ALIASES = {
    "zeros": Zeros, "zero": Zeros, "ones": Ones, "one": Ones, "constant": Constant,
    "random_uniform": RandomUniform, "uniform": RandomUniform, "random_normal": RandomNormal,
    "normal": RandomNormal, "variance_scaling": VarianceScaling, "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal, "he_uniform": HeUniform, "he_normal": HeNormal,
    "lecun_normal": LecunNormal, "orthogonal": Orthogonal, "lecun_uniform": LecunUniform,
    "truncated_normal": TruncatedNormal, "identity": Identity,
}


def get(identifier: Any) -> Any:
    """An initializer from a name, an instance, a class, a config dict or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, Initializer) or callable(identifier) and not isinstance(identifier, type):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if isinstance(identifier, dict):
        name = identifier.get("class_name", "")
        cls = globals().get(name) or _ALIASES.get(to_key(name))
        if cls is None:
            raise ValueError(f"Unknown initializer: {name!r}")
        return cls(**identifier.get("config", {}))
    if isinstance(identifier, str):
        cls = _ALIASES.get(to_key(identifier)) or globals().get(identifier)
        if cls is None or not (isinstance(cls, type) and issubclass(cls, Initializer)):
            raise ValueError(f"Could not interpret initializer identifier: {identifier!r}")
        return cls()
    raise ValueError(f"Could not interpret initializer identifier: {identifier!r}")


def to_key(name: str) -> str:
    from .backend import to_snake_case
    return to_snake_case(name)


def serialize(initializer: Any) -> Any:
    if initializer is None:
        return None
    return {"module": "keras.initializers", "class_name": type(initializer).__name__,
            "config": initializer.get_config(), "registered_name": None}

def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    """An initializer from `serialize`'s dict or a name (Keras's `deserialize`).

    Raises:
        ValueError: for an unknown class name.
    """
    if isinstance(config, dict) and custom_objects and config.get("class_name") in custom_objects:
        return custom_objects[config["class_name"]].from_config(config.get("config", {}))
    return get(config)


from .stft_initializer import STFT, STFTInitializer, stft  # noqa: E402  (it subclasses Initializer above)

_ALIASES["stft"] = STFT

# Keras's public names in this module (`from swiftdl.keras.initializers import *`).
__all__ = ["Constant", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "Identity", "IdentityInitializer",
           "Initializer", "LecunNormal", "LecunUniform", "Ones", "Orthogonal", "OrthogonalInitializer", "RandomNormal",
           "STFT", "STFTInitializer", "stft",
           "RandomUniform", "TruncatedNormal", "VarianceScaling", "Zeros", "constant", "deserialize", "get",
           "glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "identity", "lecun_normal", "lecun_uniform",
           "ones", "orthogonal", "random_normal", "random_uniform", "serialize", "truncated_normal", "variance_scaling",
           "zeros"]
