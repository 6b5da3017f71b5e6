"""tf.nondifferentiable_batch_function: TensorFlow batches concurrent calls of the
decorated function into one call (a serving throughput device). Eagerly each call here
runs on its own inputs, which gives the same results; the batching parameters are checked
and kept for introspection. Outputs carry no gradient, as the name says."""
import functools

from ._autograd import stop_gradient


def nondifferentiable_batch_function(num_batch_threads, max_batch_size, batch_timeout_micros,
                                     allowed_batch_sizes=None, max_enqueued_batches=10, autograph=True,
                                     enable_large_batch_splitting=True):
    """A decorator running the function per call, its outputs without gradient.

    Raises:
        ValueError: for non-positive thread counts or batch sizes, or allowed_batch_sizes
            not increasing up to max_batch_size (TensorFlow's checks).
    """
    if int(num_batch_threads) < 1 or int(max_batch_size) < 1 or int(batch_timeout_micros) < 0:
        raise ValueError("num_batch_threads and max_batch_size must be positive and batch_timeout_micros non-negative")
    sizes = list(allowed_batch_sizes or [])
    if sizes and (sizes != sorted(set(sizes)) or sizes[-1] != int(max_batch_size)):
        raise ValueError(f"allowed_batch_sizes must increase and end with max_batch_size; received {sizes}")

    def decorator(fn):
        @functools.wraps(fn)
        def batched(*args):
            result = fn(*args)
            if isinstance(result, (list, tuple)):
                return type(result)(stop_gradient(r) for r in result)
            return stop_gradient(result)
        batched.batching = {"num_batch_threads": num_batch_threads, "max_batch_size": max_batch_size,
                            "batch_timeout_micros": batch_timeout_micros, "allowed_batch_sizes": sizes}
        return batched
    return decorator
