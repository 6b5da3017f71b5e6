"""Session-wide state that Keras keeps in its backend: unique names and the float type."""
import re

_NAME_COUNTS = {}


def to_snake_case(name):
    """Conv2D → conv2d, MaxPooling2D → max_pooling2d, BatchNormalization → batch_normalization."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", name)
    return name.lower()


def unique_name(prefix):
    """`prefix` the first time, then `prefix_1`, `prefix_2`, ... (Keras's auto-naming)."""
    count = _NAME_COUNTS.get(prefix, 0)
    _NAME_COUNTS[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"


def clear_session():
    """Resets the automatic layer names (Keras's keras.backend.clear_session)."""
    _NAME_COUNTS.clear()


def floatx():
    return "float32"


def epsilon():
    return 1e-7


def image_data_format():
    return "channels_last"
