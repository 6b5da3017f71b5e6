"""The error the preprocessing layers raise for inputs whose elements they cannot take."""


class UnsupportedElementsError(TypeError, ValueError):
    """Elements a preprocessing layer cannot convert: None, objects, strings mixed with
    numbers, strings given to a number layer or numbers to a string layer.

    Keras raises ValueError for most of these (TensorFlow fails to convert the batch to a
    tensor) and TypeError for some; swiftdl raised TypeError before this class existed. Being
    both, it is caught by `except ValueError` written for Keras and by `except TypeError`
    written for earlier swiftdl.
    """
