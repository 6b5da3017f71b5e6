"""tf.register_tensor_conversion_function: user types that tf.convert_to_tensor (and so
every function taking tensors through it) converts with a registered function."""
_REGISTRY: list = []   # (priority, order, base types, conversion_func), sorted


def register_tensor_conversion_function(base_type, conversion_func, priority=100):
    """Registers conversion_func(value, dtype=None, name=None, as_ref=False) for instances
    of base_type (a type or tuple of types); lower priorities are tried first.

    Raises:
        TypeError: when base_type is not a type or conversion_func is not callable, or for
            Python's and numpy's own types, which TensorFlow refuses too.
    """
    types = base_type if isinstance(base_type, tuple) else (base_type,)
    if not all(isinstance(t, type) for t in types):
        raise TypeError(f"base_type must be a type or a tuple of types; received {base_type!r}")
    import numpy as np
    if any(issubclass(t, (str, bytes, int, float, bool, complex, list, tuple, np.ndarray, np.generic)) for t in types):
        raise TypeError(f"Cannot register conversions for Python numeric, sequence or numpy types: {base_type!r}")
    if not callable(conversion_func):
        raise TypeError("conversion_func must be callable")
    _REGISTRY.append((priority, len(_REGISTRY), types, conversion_func))
    _REGISTRY.sort(key=lambda entry: entry[:2])


def registered_conversion(value, dtype, name):
    """The registered conversion of `value`, or None when no registered type matches."""
    for _, _, types, function in _REGISTRY:
        if isinstance(value, types):
            result = function(value, dtype=dtype, name=name, as_ref=False)
            if result is not NotImplemented:
                return result
    return None


def has_registrations():
    return bool(_REGISTRY)
