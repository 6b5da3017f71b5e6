"""`swiftdl.config.experimental`: TensorFlow's switch between fast and exact kernels."""
from . import _C

__all__ = ["disable_op_determinism", "enable_op_determinism", "is_op_determinism_enabled"]


def enable_op_determinism():
    """Makes the engine's results exact and reproducible, as TensorFlow's function of this
    name does.

    From the next op on, for the whole process:

    - convolutions use exact algorithms only (im2col + GEMM, or direct), never Winograd's
      F(4x4, 3x3), which is the default for float32 3x3 convolutions: a sum of zero
      products is then exactly zero, so a ReLU after it has Keras's derivative at its kink;
    - every kernel splits its work into a fixed number of shares (four) whatever
      `set_num_threads` says, and adds partial sums in a fixed order: results are
      bit-identical from run to run and for any thread count, on one machine with one
      BLAS library.

    The cost: the convolutions that Winograd would have run take about twice as long (the
    document's CNN trains at about two thirds of the default's speed and predicts at about
    half), and machines with more than four cores use four of them.
    """
    _C.set_op_determinism(True)


def disable_op_determinism():
    """Returns to the fast default: Winograd convolutions, and work split by the thread
    count (results may then differ in the last bits between thread counts)."""
    _C.set_op_determinism(False)


def is_op_determinism_enabled():
    """Whether `enable_op_determinism` is in effect.

    Returns:
        bool.
    """
    return _C.get_op_determinism()
