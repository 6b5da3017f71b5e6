"""tf.grad_pass_through and tf.is_symbolic_tensor."""
from ._custom_gradient import custom_gradient


def grad_pass_through(f):
    """A function computing f(x) whose gradient is the identity, as if f were not there
    (tf.grad_pass_through; e.g. a straight-through estimator around a rounding step).

    Returns:
        The wrapped function of one tensor argument.
    """
    if not callable(f):
        raise TypeError(f"grad_pass_through expects a function; received {type(f).__name__}")

    @custom_gradient
    def passed_through(x):
        return f(x), lambda upstream: upstream
    return passed_through


def is_symbolic_tensor(tensor):
    """Whether `tensor` is symbolic: a Keras functional-model input or intermediate (the
    only symbolic tensors swiftdl has; TensorFlow's graph tensors do not exist here)."""
    return type(tensor).__name__ == "KerasTensor"
