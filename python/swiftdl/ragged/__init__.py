"""tf.ragged: RaggedTensor and the functions that make and transform them.

    import swiftdl as tf
    rt = tf.ragged.constant([[1, 2, 3], [], [4, 5]])
    tf.reduce_sum(rt, axis=1)                  # [6, 0, 9]
    tf.ragged.map_flat_values(tf.square, rt)   # <tf.RaggedTensor [[1, 4, 9], [], [16, 25]]>
"""
from . import _operators
from ._constant import constant
from ._operators import map_flat_values
from ._ops import boolean_mask, range, row_splits_to_segment_ids, segment_ids_to_row_splits, stack  # noqa: A004
from ._ragged_tensor import RaggedTensor
from ._spec import RaggedTensorSpec

_operators.install()

__all__ = ["RaggedTensor", "RaggedTensorSpec", "boolean_mask", "constant", "map_flat_values", "range",
           "row_splits_to_segment_ids", "segment_ids_to_row_splits", "stack"]
