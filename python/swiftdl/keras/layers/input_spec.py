"""InputSpec: the rank, dtype and sizes a layer accepts, checked at each call with Keras's
messages (a layer sets `self.input_spec`)."""
from ..backend import standardize_dtype


class InputSpec:
    """What one input of a layer must look like.

    Args:
        dtype: the expected dtype.
        shape: the expected shape, batch axis included (None entries match any size).
        ndim, max_ndim, min_ndim: the expected, largest and smallest rank.
        axes: {axis: size} that must hold.
        allow_last_axis_squeeze: accept a rank N+1 input whose last axis is 1, or a rank
            N-1 input when the spec's last axis is 1.
        name: the key of this input when data comes as a dict.
        optional: whether None is accepted.
    """

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None,
                 allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = standardize_dtype(dtype) if dtype is not None else None
        if shape is not None:
            self.shape = tuple(shape)
            self.ndim = len(self.shape)
        else:
            self.shape = None
            self.ndim = ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.name = name
        self.optional = optional
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        try:
            axes = axes or {}
            self.axes = {int(key): axes[key] for key in axes}
        except (ValueError, TypeError):
            raise TypeError(f"Argument `axes` must be a dict with integer keys. Received: axes={axes}")
        if self.axes and (self.ndim is not None or self.max_ndim is not None):
            largest = (self.ndim if self.ndim else self.max_ndim) - 1
            if max(self.axes) > largest:
                raise ValueError(f"Axis {max(self.axes)} is greater than the maximum allowed value: {largest}")

    def __repr__(self):
        parts = [f"{name}={value}" for name, value in (("dtype", self.dtype), ("shape", self.shape), ("ndim", self.ndim),
                                                        ("max_ndim", self.max_ndim), ("min_ndim", self.min_ndim),
                                                        ("axes", self.axes)) if value]
        return f"InputSpec({', '.join(parts)})"

    def get_config(self):
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim, "max_ndim": self.max_ndim,
                "min_ndim": self.min_ndim, "axes": self.axes, "optional": self.optional}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _check(spec, x, index, layer_name):
    if not hasattr(x, "shape"):
        raise ValueError(f"Inputs to a layer should be tensors. Got '{x}' (of type {type(x)}) as input for layer "
                         f"'{layer_name}'.")
    shape = tuple(x.shape)
    ndim = len(shape)
    where = f"Input {index} with name '{spec.name}' of layer '{layer_name}' is incompatible with the layer:"
    if spec.ndim is not None and not spec.allow_last_axis_squeeze and ndim != spec.ndim:
        raise ValueError(f"{where} expected ndim={spec.ndim}, found ndim={ndim}. Full shape received: {shape}")
    if spec.max_ndim is not None and ndim > spec.max_ndim:
        raise ValueError(f"{where} expected max_ndim={spec.max_ndim}, found ndim={ndim}")
    if spec.min_ndim is not None and ndim < spec.min_ndim:
        raise ValueError(f"{where} expected min_ndim={spec.min_ndim}, found ndim={ndim}. Full shape received: {shape}")
    if spec.dtype is not None:
        dtype = standardize_dtype(x.dtype)
        if dtype != spec.dtype:
            raise ValueError(f"{where} expected dtype={spec.dtype}, found dtype={dtype}")
    for axis, value in spec.axes.items():
        if value is None:
            continue
        if not -ndim <= axis < ndim:
            raise ValueError(f"{where} axis {axis} is out of bounds for an input with ndim={ndim}. "
                             f"Full shape received: {shape}")
        if shape[axis] not in (value, None):
            raise ValueError(f"{where} expected axis {axis} of input shape to have value {value}, but received input "
                             f"with shape {shape}")
    if spec.shape is not None:
        expected, received = spec.shape, shape
        if spec.allow_last_axis_squeeze:
            if len(received) == len(expected) + 1 and received[-1] == 1:
                received = received[:-1]
            elif len(expected) == len(received) + 1 and expected[-1] == 1:
                expected = expected[:-1]
        for expected_size, size in zip(expected, received):
            if expected_size is not None and size is not None and expected_size != size:
                raise ValueError(f"{where} expected shape={spec.shape}, found shape={received}")


def assert_input_compatibility(input_spec, inputs, layer_name):
    """Raises ValueError, with Keras's message, when `inputs` do not match `input_spec` (an
    InputSpec or a list of them, one per input)."""
    if not input_spec:
        return
    if isinstance(input_spec, InputSpec) and not isinstance(inputs, (list, tuple, dict)):
        if inputs is None and input_spec.optional:
            return
        _check(input_spec, inputs, 0, layer_name)
        return
    specs = list(input_spec) if isinstance(input_spec, (list, tuple)) else [input_spec]
    if isinstance(inputs, dict):
        names = [spec.name for spec in specs]
        if all(names):
            missing = [name for name in names if name not in inputs]
            if missing:
                raise ValueError(f'Missing data for input "{missing[0]}". You passed a data dictionary with keys '
                                 f"{list(inputs.keys())}. Expected the following keys: {names}")
            inputs = [inputs[name] for name in names]
        else:
            inputs = list(inputs.values())
    inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    if len(inputs) != len(specs):
        raise ValueError(f'Layer "{layer_name}" expects {len(specs)} input(s), but it received {len(inputs)} input '
                         f"tensors. Inputs received: {inputs}")
    for index, (x, spec) in enumerate(zip(inputs, specs)):
        if spec is None or (x is None and spec.optional):
            continue
        _check(spec, x, index, layer_name)
