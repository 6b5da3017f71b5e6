"""tf.edit_distance: the Levenshtein distance between the sequences (last axis) of two
tf.SparseTensors, optionally divided by the truth's length."""
import numpy as np

from ._tf_cast import convert_to_tensor
from .errors import InvalidArgumentError, raises_tf_errors


def _sequences(st, what):
    from .sparse import SparseTensor
    if not isinstance(st, SparseTensor):
        raise TypeError(f"{what} must be a tf.SparseTensor; received {type(st).__name__}")
    indices, values = np.asarray(st.indices), np.asarray(st.values, dtype=object)
    shape = np.asarray(st.dense_shape)
    if len(shape) < 2:
        raise InvalidArgumentError(None, None, f"[edit_distance] {what} must be at least 2-D; received dense_shape "
                                   f"{shape.tolist()}")
    groups = {}
    order = np.lexsort(indices.T[::-1]) if len(indices) else np.arange(0)
    for i in order:
        groups.setdefault(tuple(indices[i, :-1]), []).append(values[i])
    return groups, shape


def _levenshtein(a, b):
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


@raises_tf_errors
def edit_distance(hypothesis, truth, normalize=True, name="edit_distance"):
    """float32 distances of shape max(hypothesis, truth).dense_shape[:-1] (tf.edit_distance).

    With normalize, each distance is divided by its truth's length (inf for an empty truth
    and a non-empty hypothesis, 0 when both are empty, as TensorFlow).

    Raises:
        TypeError: for non-sparse inputs; InvalidArgumentError for ranks that differ.
    """
    hypotheses, hypothesis_shape = _sequences(hypothesis, "hypothesis")
    truths, truth_shape = _sequences(truth, "truth")
    if len(hypothesis_shape) != len(truth_shape):
        raise InvalidArgumentError(None, None, f"[edit_distance] hypothesis and truth must have one rank; received "
                                   f"{hypothesis_shape.tolist()} and {truth_shape.tolist()}")
    outer = tuple(int(d) for d in np.maximum(hypothesis_shape[:-1], truth_shape[:-1]))
    out = np.zeros(outer, np.float32)
    for index in np.ndindex(outer):
        a, b = hypotheses.get(index, []), truths.get(index, [])
        distance = float(_levenshtein(a, b))
        if normalize:
            distance = distance / len(b) if b else (np.inf if a else 0.0)
        out[index] = distance
    return convert_to_tensor(out)
