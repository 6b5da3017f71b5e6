"""tf.function: the decorator TensorFlow code puts on training steps. swiftdl runs every
function eagerly (the engine records gradients op by op, so there is no graph to trace);
the decorator keeps TensorFlow's interface: its arguments, `python_function`,
`get_concrete_function`, `input_signature` checks, and use on methods."""
import functools

from ._tf_shape import TensorSpec

_RUN_EAGERLY = [False]


def run_functions_eagerly(run_eagerly):
    """Accepted for TensorFlow's API (tf.config.run_functions_eagerly); swiftdl's
    functions always run eagerly, so the flag changes nothing but what
    `functions_run_eagerly()` reports."""
    _RUN_EAGERLY[0] = bool(run_eagerly)


def functions_run_eagerly():
    """The value last given to run_functions_eagerly (False by default)."""
    return _RUN_EAGERLY[0]


def _check_signature(signature, args, kwargs, name):
    """TensorFlow's binding rules for an input_signature: one value a spec, each fitting it."""
    if kwargs:
        raise TypeError(f"{name}: keyword arguments {sorted(kwargs)} are not accepted by a function with an "
                        "input_signature; pass the values positionally")
    if len(args) != len(signature):
        raise TypeError(f"{name}: the input_signature has {len(signature)} specs; received {len(args)} arguments")
    for position, (spec, value) in enumerate(zip(signature, args)):
        if not isinstance(spec, TensorSpec):
            continue
        from ._convert import asarray
        tensor = value if hasattr(value, "shape") and hasattr(value, "dtype") else asarray(value, copy=None)
        if not spec.is_compatible_with(tensor):
            raise TypeError(f"{name}: argument {position} of shape {tuple(tensor.shape)} and dtype {tensor.dtype} "
                            f"does not match {spec}")


class ConcreteFunction:
    """What `Function.get_concrete_function` returns: a callable with the signature it was
    made for (swiftdl runs the Python function eagerly under it)."""

    def __init__(self, function, signature):
        self._function = function
        self.structured_input_signature = (tuple(signature), {})
        self.inputs = list(signature)

    def __call__(self, *args, **kwargs):
        return self._function(*args, **kwargs)


class Function:
    """A Python function decorated by `swiftdl.function` (tf.function); calling it runs the
    Python function eagerly."""

    def __init__(self, python_function, input_signature=None, autograph=True, jit_compile=None,
                 reduce_retracing=False, name=None, **options):
        self.python_function = python_function
        self.input_signature = None if input_signature is None else tuple(input_signature)
        self.autograph = autograph
        self.jit_compile = jit_compile
        self.reduce_retracing = reduce_retracing
        self.experimental_options = options
        self._name = name or getattr(python_function, "__name__", "function")
        functools.update_wrapper(self, python_function)

    @property
    def name(self):
        return self._name

    def __call__(self, *args, **kwargs):
        if self.input_signature is not None:
            _check_signature(self.input_signature, args, kwargs, self._name)
        return self.python_function(*args, **kwargs)

    def __get__(self, instance, owner=None):
        # On a method: a Function bound to `instance` (made at each attribute access; it
        # holds no state of its own, and caching it would keep the instance alive).
        if instance is None:
            return self
        return Function(self.python_function.__get__(instance, owner), self.input_signature, self.autograph,
                        self.jit_compile, self.reduce_retracing, self._name, **self.experimental_options)

    def get_concrete_function(self, *args, **kwargs):
        """A ConcreteFunction for these arguments (TensorSpecs or values), or for the
        input_signature when none are given."""
        if not args and not kwargs:
            if self.input_signature is None:
                import inspect  # here: importing it costs `import swiftdl` 20 ms
                parameters = inspect.signature(self.python_function).parameters
                if any(p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                       for p in parameters.values()):
                    raise ValueError(f"{self._name}: get_concrete_function() needs arguments or an input_signature")
            signature = self.input_signature or ()
        else:
            signature = tuple(a if isinstance(a, TensorSpec) else _spec_of(a) for a in args)
        return ConcreteFunction(self.__call__ if not kwargs else self.python_function, signature)

    def experimental_get_tracing_count(self):
        """0: swiftdl never traces."""
        return 0

    def __repr__(self):
        return f"<swiftdl.function {self._name} (runs eagerly)>"


def _spec_of(value):
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        return TensorSpec(tuple(value.shape), value.dtype)
    return value


def function(func=None, input_signature=None, autograph=True, jit_compile=None, reduce_retracing=False,
             experimental_implements=None, experimental_autograph_options=None, experimental_attributes=None,
             experimental_relax_shapes=None, experimental_compile=None, experimental_follow_type_hints=None,
             name=None):
    """tf.function: decorates a Python function (or method) that swiftdl runs eagerly.

    Usable as `@function`, `@function(...)` and `function(f, ...)`. TensorFlow's arguments
    are accepted; `input_signature` (a sequence of TensorSpec) is checked at each call as
    TensorFlow checks it (TypeError on a mismatch). `jit_compile`, `reduce_retracing` and
    `autograph` change nothing: the engine already runs each op natively.

    Returns:
        A `Function` with `python_function`, `input_signature` and
        `get_concrete_function`, or a decorator when `func` is None.
    """
    options = {key: value for key, value in (("experimental_implements", experimental_implements),
                                             ("experimental_autograph_options", experimental_autograph_options),
                                             ("experimental_attributes", experimental_attributes),
                                             ("experimental_relax_shapes", experimental_relax_shapes),
                                             ("experimental_compile", experimental_compile),
                                             ("experimental_follow_type_hints", experimental_follow_type_hints))
               if value is not None}
    if input_signature is not None and not isinstance(input_signature, (list, tuple)):
        raise TypeError(f"input_signature must be a list or tuple of TensorSpec; received {input_signature!r}")

    def decorate(python_function):
        if not callable(python_function):
            raise TypeError(f"tf.function decorates callables; received {python_function!r}")
        return Function(python_function, input_signature, autograph, jit_compile, reduce_retracing, name, **options)

    return decorate if func is None else decorate(func)
