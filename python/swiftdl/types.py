"""tf.types: the type annotations TensorFlow exports for user code (tf.types.experimental:
TensorLike, Callable, the function protocols). In swiftdl they are typing aliases and
protocols over swiftdl's own classes, for annotating and isinstance-free checking."""
import typing


class _Experimental:
    """tf.types.experimental."""

    @property
    def TensorLike(self):   # noqa: N802  (TensorFlow's name)
        from ._tensor import Tensor
        from .ragged import RaggedTensor
        from .sparse import SparseTensor
        import numpy as np
        return typing.Union[Tensor, SparseTensor, RaggedTensor, np.ndarray, int, float, bool, str, bytes, complex,
                            tuple, list]

    Callable = typing.Callable

    @typing.runtime_checkable
    class GenericFunction(typing.Protocol):
        """What tf.function returns: called like the Python function it wraps."""

        def __call__(self, *args, **kwargs): ...

    PolymorphicFunction = GenericFunction
    ConcreteFunction = GenericFunction
    AtomicFunction = GenericFunction

    @typing.runtime_checkable
    class SupportsTracingProtocol(typing.Protocol):
        def __tf_tracing_type__(self, context): ...

    class TraceType:
        """The base of tracing types (swiftdl's tf.function does not trace)."""

    class FunctionType:
        """The signature type of a traced function (swiftdl's tf.function does not trace)."""


experimental = _Experimental()

__all__ = ["experimental"]
