"""Nested element structures (tensors inside tuples, lists and dicts), as tf.nest does for
the structures a Dataset yields."""
import numpy as np

import swiftdl as _sd


def map_structure(function, *structures):
    """Applies `function` to the leaves of one or more structures of the same shape."""
    first = structures[0]
    if isinstance(first, dict):
        return {key: map_structure(function, *(s[key] for s in structures)) for key in first}
    if isinstance(first, (tuple, list)):
        items = [map_structure(function, *parts) for parts in zip(*structures)]
        if hasattr(first, "_fields"):  # namedtuple
            return type(first)(*items)
        return type(first)(items)
    return function(*structures)


def convert_element(value):
    """An element given by the user as tensors: tuples and dicts are structures, and a list is
    one tensor, as tf.data reads them (`from_tensor_slices((x_list, y_list))`)."""
    if isinstance(value, dict):
        return {key: convert_element(item) for key, item in value.items()}
    if isinstance(value, tuple):
        items = [convert_element(item) for item in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    return to_tensor(value)


def flatten(structure):
    if isinstance(structure, dict):
        return [leaf for key in structure for leaf in flatten(structure[key])]
    if isinstance(structure, (tuple, list)):
        return [leaf for item in structure for leaf in flatten(item)]
    return [structure]


def to_tensor(value):
    """A leaf as an engine tensor. float64 data becomes float32 (Keras's floatx; tf.data
    would keep float64 and let the model cast), other ints become int64. Text (str, bytes,
    or arrays of them) stays in numpy as an object array of str and bytes, as swiftdl.strings
    and TextVectorization take it: the engine holds numbers only. Other objects are refused."""
    if isinstance(value, _sd.Tensor):
        return value
    array = np.asarray(value)
    if array.dtype.kind in "USO":
        return to_text_array(array)
    if array.dtype == np.float64:
        array = array.astype(np.float32)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"swiftdl.data holds numbers and strings only; received an array of dtype {array.dtype}")
    if array.dtype.kind in "iu" and array.dtype not in (np.int32, np.int64, np.uint8):
        array = array.astype(np.int64)
    return _sd.asarray(array, copy=None)


def is_text(leaf):
    """Whether a dataset leaf is text (a numpy object array of str)."""
    return isinstance(leaf, np.ndarray) and leaf.dtype == object


def to_text_array(array):
    """An object array of str and bytes (bytes stay bytes, as TensorFlow's string tensors
    hold them: a record or an encoded image is not text); TypeError for anything else."""
    flat = array.reshape(-1)
    out = np.empty(flat.shape, dtype=object)
    for i, item in enumerate(flat):
        if isinstance(item, (bytes, np.bytes_)):
            item = bytes(item)
        elif isinstance(item, str):
            item = str(item)
        else:
            raise TypeError(f"swiftdl.data holds numbers and strings only; received {type(item).__name__} "
                            f"{item!r:.60} in an object array")
        out[i] = item
    from .._text_array import as_text_array
    return as_text_array(out.reshape(array.shape))
