"""tf.sparse: SparseTensor and the functions on it.

    import swiftdl as tf
    st = tf.sparse.from_dense([[0, 3], [5, 0]])
    tf.sparse.reduce_sum(st, axis=1)           # [3, 5]
    tf.sparse.sparse_dense_matmul(st, tf.eye(2))
"""
from ._dense import eye, from_dense, to_dense, to_indicator
from ._math import (add, map_values, maximum, minimum, reduce_max, reduce_sum, softmax,
                    sparse_dense_matmul)
from ._segment import bincount, segment_mean, segment_sqrt_n, segment_sum
from ._select import cross, fill_empty_rows, retain
from ._shape_ops import concat, expand_dims, reorder, reset_shape, reshape, slice, split, transpose  # noqa: A004
from ._sparse_tensor import SparseTensor, SparseTensorSpec

__all__ = ["SparseTensor", "SparseTensorSpec", "add", "bincount", "concat", "cross", "expand_dims", "eye",
           "fill_empty_rows", "from_dense", "map_values", "maximum", "minimum", "reduce_max", "reduce_sum",
           "reorder", "reset_shape", "reshape", "retain", "segment_mean", "segment_sqrt_n", "segment_sum", "slice",
           "softmax", "sparse_dense_matmul", "split", "to_dense", "to_indicator", "transpose"]
