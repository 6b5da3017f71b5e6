"""Lambda: wraps a Python function of tensors (built from swiftdl ops) as a layer."""
from .layer import Layer


class Lambda(Layer):
    """`Lambda(lambda x: x * 2)`: the function runs on swiftdl tensors, so gradients flow
    through whatever swiftdl ops it uses.

    Args:
        function: callable taking the inputs (and optionally `mask`/`training`).
        output_shape: optional output shape (without batch) or a function of the input shape;
            by default it is found by calling the function on zeros.
        arguments: extra keyword arguments passed to `function`.

    A Lambda is saved by its function's name only: swiftdl never stores or runs code from
    a file, so loading needs `custom_objects={name: function}`.
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda: `function` must be callable; received {function!r}")
        self.function = function
        self._output_shape = output_shape
        self.arguments = dict(arguments or {})
        self.mask = mask
        self.supports_masking = mask is not None

    def call(self, inputs, mask=None, training=None):
        return self.function(inputs, **self.arguments)

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return super().compute_output_shape(input_shape)
        if callable(self._output_shape):
            return tuple(self._output_shape(input_shape))
        return (input_shape[0],) + tuple(self._output_shape)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def get_config(self):
        config = super().get_config()
        name = getattr(self.function, "__name__", None)
        if name is None or name == "<lambda>":
            name = None
        module = getattr(self.function, "__module__", None)
        config.update({"function": {"class_name": "function", "config": name, "module": module},
                       "output_shape": None if callable(self._output_shape) else self._output_shape,
                       "arguments": self.arguments})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        function = config.pop("function")
        name = function.get("config") if isinstance(function, dict) else function
        found = (custom_objects or {}).get(name) if isinstance(name, str) else None
        if found is None:
            raise ValueError(f"Lambda layer '{config.get('name')}': its function ({name or 'an anonymous lambda'}) is "
                             "not stored in the file (swiftdl never loads code); pass it as "
                             "custom_objects={'<name>': function}")
        return cls(found, **config)
