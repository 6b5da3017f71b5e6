"""The data_format argument of image and sequence layers."""
from ..backend import image_data_format


def standardize_data_format(data_format):
    """'channels_last' or 'channels_first'; None is keras.config.image_data_format()."""
    if data_format is None:
        return image_data_format()
    data_format = str(data_format).lower()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"The `data_format` argument must be one of {{'channels_first', 'channels_last'}}. "
                         f"Received: data_format={data_format}")
    return data_format


def channel_axis(data_format):
    return 1 if data_format == "channels_first" else -1


def to_channels_last(value, data_format):
    """A channels_first tensor or shape tuple with its channels moved last (others unchanged):
    the engine's image kernels are channels-last, so channels_first layers run there."""
    if data_format != "channels_first":
        return value
    if isinstance(value, (tuple, list)):
        return (value[0],) + tuple(value[2:]) + (value[1],)
    import swiftdl as _sd
    return _sd.moveaxis(value, 1, -1)


def from_channels_last(value, data_format):
    """The inverse of to_channels_last: channels back to axis 1 for channels_first."""
    if data_format != "channels_first":
        return value
    if isinstance(value, (tuple, list)):
        return (value[0], value[-1]) + tuple(value[1:-1])
    import swiftdl as _sd
    return _sd.moveaxis(value, -1, 1)
