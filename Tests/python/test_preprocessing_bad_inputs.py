"""Bad inputs to the string and integer preprocessing layers raise the error type Keras
3.15.1 (TensorFlow backend) raises for them, checked by hand against it: ValueError for
ragged lists, None, strings mixed with numbers and objects (TensorFlow cannot convert the
batch); TypeError for strings given to IntegerLookup. Never a crash. Elements a layer cannot
take raise UnsupportedElementsError, a TypeError too, as swiftdl raised before."""
import numpy as np
import pytest

from swiftdl.keras import layers
from swiftdl.keras.layers.preprocessing_errors import UnsupportedElementsError

LAYERS = {
    "Hashing": lambda: layers.Hashing(num_bins=7),
    "StringLookup": lambda: layers.StringLookup(vocabulary=["a", "b"]),
    "IntegerLookup": lambda: layers.IntegerLookup(vocabulary=[1, 2]),
    "TextVectorization": lambda: layers.TextVectorization(vocabulary=["a", "b"]),
}
BAD = {
    "ragged": [["a"], ["b", "c"]],
    "None": np.array([["a", None]], dtype=object),
    "mixed": np.array([["a", 3]], dtype=object),
    "objects": np.array([[object(), "a"]], dtype=object),
}


@pytest.mark.parametrize("layer", sorted(LAYERS))
@pytest.mark.parametrize("bad", sorted(BAD))
def test_bad_elements_raise_value_error_as_keras(layer, bad):
    with pytest.raises(ValueError):
        LAYERS[layer]()(BAD[bad])


def test_strings_to_integer_lookup_raise_type_error_as_keras():
    with pytest.raises(TypeError, match="expects integers"):
        LAYERS["IntegerLookup"]()(np.array([["a", "b"]]))


def test_unsupported_elements_name_what_was_received():
    with pytest.raises(UnsupportedElementsError, match="NoneType"):
        layers.Hashing(num_bins=3)(np.array([["a", None]], dtype=object))
    with pytest.raises(UnsupportedElementsError, match="int, str"):
        layers.StringLookup(vocabulary=["a"])(np.array([["a", 3]], dtype=object))
    assert issubclass(UnsupportedElementsError, TypeError) and issubclass(UnsupportedElementsError, ValueError)


def test_numbers_in_object_arrays_are_taken_where_keras_takes_them():
    ids = np.array([[1, 2, 5]], dtype=object)
    np.testing.assert_array_equal(np.asarray(layers.IntegerLookup(vocabulary=[1, 2])(ids)), [[1, 2, 0]])
    np.testing.assert_array_equal(np.asarray(layers.Hashing(num_bins=7)(ids)),
                                  np.asarray(layers.Hashing(num_bins=7)(ids.astype(np.int64))))


def test_invalid_utf8_bytes_are_out_of_vocabulary_as_in_keras():
    # Keras looks the raw bytes up in TensorFlow's table: b"\xff" is simply not found.
    values = np.array([[b"a", b"\xff"]], dtype=object)
    np.testing.assert_array_equal(np.asarray(layers.StringLookup(vocabulary=["a", "b"])(values)), [[1, 0]])
    np.testing.assert_array_equal(np.asarray(layers.Hashing(num_bins=7)(values)), [[5, 1]])  # Keras's bins
