"""numpy's vector products beyond dot and matmul: outer, inner, kron, cross, with numpy's
promotion; the values come from the engine (keras.ops's compositions)."""
from __future__ import annotations

from typing import Any

from ._numpy_rules import promoted
from ._tensor import Tensor

__all__ = ["cross", "inner", "kron", "outer"]


def _ops() -> Any:
    from .keras import ops  # keras.ops imports swiftdl: import it when first called
    return ops


def outer(a: Any, b: Any, out: None = None) -> Tensor:
    """numpy.outer: every product a[i] * b[j] of the flattened inputs."""
    from ._numpy_rules import no_out
    no_out("outer", out)
    x, y = promoted(a, b)
    return x.reshape((-1, 1)) * y.reshape((1, -1))


def inner(a: Any, b: Any) -> Tensor:
    """numpy.inner: sums of products over the last axes of both (scalars multiply).

    Raises:
        ValueError: when the last axes differ in length.
    """
    x, y = promoted(a, b)
    if x.ndim and y.ndim and x.shape[-1] != y.shape[-1]:
        raise ValueError(f"shapes {tuple(x.shape)} and {tuple(y.shape)} not aligned: {x.shape[-1]} (dim {x.ndim - 1}) "
                         f"!= {y.shape[-1]} (dim {y.ndim - 1})")
    return _ops().inner(x, y)


def kron(a: Any, b: Any) -> Tensor:
    """numpy.kron: the Kronecker product."""
    x, y = promoted(a, b)
    return _ops().kron(x, y)


def cross(a: Any, b: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1, axis: int | None = None) -> Tensor:
    """numpy.cross: cross products of 3-vectors (2-vectors have a zero third component)."""
    x, y = promoted(a, b)
    return _ops().cross(x, y, axisa=axisa, axisb=axisb, axisc=axisc, axis=axis)
