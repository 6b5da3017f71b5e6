"""tf.math.sobol_sample: points of the Sobol sequence (see _sobol), TensorFlow's points
exactly for up to 1111 dimensions."""
import base64
import operator

import numpy as np

from . import _sobol
from ._tf_dtypes import as_dtype
from .errors import InvalidArgumentError, raises_tf_errors


def _table():
    if _sobol.INITIAL is None:
        from ._sobol_directions import ENCODED
        _sobol.INITIAL = np.frombuffer(base64.b64decode("".join(ENCODED)), "<u2").astype(np.uint16)
    return _sobol.INITIAL


@raises_tf_errors
def sobol_sample(dim, num_results, skip=0, dtype="float32", name=None):
    """(num_results, dim) points of the Sobol sequence in [0, 1), after skipping `skip`
    (the origin is never returned, as in TensorFlow).

    Raises:
        InvalidArgumentError: for dim outside [1, 1111] (the dimensions whose direction
            numbers swiftdl carries; TensorFlow goes to 21201), a negative count or skip,
            or points past 2^32 - 1.
    """
    from ._tf_cast import convert_to_tensor
    from ._sobol_directions import DIMENSIONS
    dim, count, skip = (operator.index(int(np.asarray(v))) for v in (dim, num_results, skip))
    name_of_dtype = as_dtype(dtype).name
    if name_of_dtype not in ("float32", "float64"):
        raise InvalidArgumentError(None, None, f"sobol_sample: dtype must be float32 or float64; received "
                                   f"{name_of_dtype}")
    if not 1 <= dim <= DIMENSIONS:
        raise InvalidArgumentError(None, None, f"sobol_sample: dim must be in [1, {DIMENSIONS}] (the Sobol dimensions "
                                   f"swiftdl carries direction numbers for); received {dim}")
    if count < 0 or skip < 0 or skip + count >= 2 ** 31 - 1:
        raise InvalidArgumentError(None, None, f"sobol_sample: num_results and skip must be non-negative and "
                                   f"num_results+skip must be less than 2147483647; received num_results={count}, "
                                   f"skip={skip}")
    values = _sobol.points(dim, count, skip, _table()).astype(np.float64) / 2.0 ** 32
    return convert_to_tensor(values.astype(name_of_dtype))
