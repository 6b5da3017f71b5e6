"""Type aliases for the public API's hints (checked by mypy; see pyproject.toml)."""
from typing import TYPE_CHECKING, Any, Sequence, Union

import numpy as np

if TYPE_CHECKING:
    from ._tensor import Tensor

# Anything swiftdl.asarray accepts: a Tensor, a numpy array or scalar, a Python scalar, or
# nested sequences of them.
ArrayLike = Union["Tensor", np.ndarray, np.generic, bool, int, float, Sequence[Any]]
# A dtype as numpy names it: np.float32, "float32", np.dtype(...), a Python type; None for the default.
DTypeLike = Any
# numpy's `axis`: None, an int or a sequence of ints.
Axis = Union[None, int, Sequence[int]]
# A shape: an int or a sequence of ints.
ShapeLike = Union[int, Sequence[int]]
