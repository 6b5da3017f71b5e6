"""tf.strings over RaggedTensors, as TensorFlow returns and takes them: the functions that
give each string a list (split, unicode_split, unicode_decode, bytes_split) return a
RaggedTensor for a batch of strings, and the element-wise functions map over a
RaggedTensor's flat values, keeping its rows."""
import functools

import numpy as np


def is_ragged(value):
    from ..ragged import RaggedTensor
    return isinstance(value, RaggedTensor)


def rows_to_ragged(rows, shape, dtype=object):
    """A RaggedTensor whose innermost rows are `rows` (one per element of an input of
    `shape`, in row-major order): ragged rank len(shape), the outer dims kept uniform."""
    from ..ragged import RaggedTensor
    flat = np.empty(sum(len(row) for row in rows), dtype=dtype)
    flat[:] = [item for row in rows for item in row]
    result = RaggedTensor.from_row_lengths(flat, [len(row) for row in rows])
    for size in reversed(shape[1:]):
        result = RaggedTensor.from_uniform_row_length(result, size)
    return result


def over_flat_values(function):
    """Decorator for an element-wise tf.strings function: a RaggedTensor `input` (the first
    argument) is answered with the function applied to its flat values, rows kept."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        first = args[0] if args else next(iter(kwargs.values()), None)
        if is_ragged(first):
            flat = first.flat_values
            result = function(flat, *args[1:], **kwargs) if args else \
                function(**{k: (flat if v is first else v) for k, v in kwargs.items()})
            return first.with_flat_values(result)
        return function(*args, **kwargs)
    return wrapper


def ragged_rows(rt):
    """The innermost rows of a RaggedTensor of strings, as lists."""
    from ..ragged import RaggedTensor
    inner = rt
    while isinstance(inner._values, RaggedTensor):
        inner = inner._values
    values, splits = inner._values.tolist(), inner._row_splits.tolist()
    return [values[splits[i]:splits[i + 1]] for i in range(len(splits) - 1)]


def with_innermost_rows(rt, rows):
    """rt with its innermost rows replaced by `rows` (lists, as many as rt has)."""
    from ..ragged import RaggedTensor
    if isinstance(rt._values, RaggedTensor):
        return rt.with_values(with_innermost_rows(rt._values, rows))
    flat = np.empty(sum(len(row) for row in rows), dtype=object)
    flat[:] = [item for row in rows for item in row]
    rebuilt = RaggedTensor.from_row_lengths(flat, [len(row) for row in rows])
    return RaggedTensor._make(rebuilt._values, rebuilt._row_splits, None) if rt._uniform_row_length is None \
        else rebuilt
