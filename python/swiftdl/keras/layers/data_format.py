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
