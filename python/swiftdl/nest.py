"""tf.nest: nested structures (lists, tuples, namedtuples, dicts) of tensors, on
keras.tree's implementation (Keras 3 and TensorFlow agree on these rules)."""
from .keras.tree import assert_same_structure, flatten, is_nested, map_structure, map_structure_up_to, pack_sequence_as

__all__ = ["assert_same_structure", "flatten", "is_nested", "map_structure", "map_structure_up_to",
           "pack_sequence_as"]
