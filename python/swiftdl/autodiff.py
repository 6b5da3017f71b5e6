"""tf.autodiff: GradientTape (reverse mode) and ForwardAccumulator (Jacobian-vector
products of values computed inside its context).

swiftdl's tape runs in reverse only and does not record its own backward passes, so a
ForwardAccumulator records the computation on a persistent tape and builds J·t from J's
rows, one backward pass per element of the target (as keras.ops.jvp does); exact, and
capped at forward_mode.MAX_OUTPUT_ELEMENTS elements per target.
"""
import numpy as np

import swiftdl as _sd

from ._autograd import GradientTape
from ._tf_runtime import UnconnectedGradients


class ForwardAccumulator:
    """Computes Jacobian-vector products with respect to `primals` in direction `tangents`
    for values computed inside `with ForwardAccumulator(primals, tangents) as acc:`.

    Args:
        primals: a tensor/variable or a list of them.
        tangents: matching directions, one per primal, of the same shapes.

    Raises:
        ValueError: when tangents do not match the primals' count or shapes.
    """

    def __init__(self, primals, tangents):
        single = not isinstance(primals, (list, tuple))
        self._primals = [primals] if single else list(primals)
        tangent_list = [tangents] if single else list(tangents)
        if len(tangent_list) != len(self._primals):
            raise ValueError(f"ForwardAccumulator needs one tangent per primal; received {len(self._primals)} primals "
                             f"and {len(tangent_list)} tangents")
        self._tangents = []
        for primal, tangent in zip(self._primals, tangent_list):
            tangent = _sd.asarray(np.asarray(tangent), dtype=primal.dtype.name)
            if tuple(tangent.shape) != tuple(primal.shape):
                raise ValueError(f"A tangent of shape {tuple(tangent.shape)} does not match its primal's "
                                 f"{tuple(primal.shape)}")
            self._tangents.append(tangent)
        self._tape = GradientTape(persistent=True)

    def __enter__(self):
        self._tape.__enter__()
        for primal in self._primals:
            self._tape.watch(primal)
        return self

    def __exit__(self, *exc_info):
        return self._tape.__exit__(*exc_info)

    def _jvp_one(self, target, unconnected_gradients):
        from .keras.ops.forward_mode import MAX_OUTPUT_ELEMENTS
        if target is None:
            return None
        if any(target is primal for primal in self._primals):
            return self._tangents[next(i for i, p in enumerate(self._primals) if p is target)]
        size = int(np.prod(target.shape, dtype=np.int64))
        if size > MAX_OUTPUT_ELEMENTS:
            raise ValueError(f"[ForwardAccumulator.jvp] a target of {size} elements needs {size} backward passes; "
                             f"the limit is {MAX_OUTPUT_ELEMENTS}")
        rows = np.zeros(size, dtype=np.float64)
        connected = False
        for index in range(size):
            hot = np.zeros(size, dtype=target.dtype.name)
            hot[index] = 1
            grads = self._tape.gradient(target, self._primals, output_gradients=_sd.asarray(hot.reshape(target.shape)))
            for grad, tangent in zip(grads, self._tangents):
                if grad is not None:
                    connected = True
                    rows[index] += float(np.sum(np.asarray(grad, np.float64) * np.asarray(tangent, np.float64)))
        if not connected and unconnected_gradients != UnconnectedGradients.ZERO and \
                unconnected_gradients != "zero":
            return None
        return _sd.asarray(rows.reshape(tuple(target.shape)).astype(target.dtype.name))

    def jvp(self, primals, unconnected_gradients=UnconnectedGradients.NONE):
        """J·tangents for a tensor (or a nested list/tuple/dict of them) computed inside the
        context; None for one that does not depend on the primals (zeros with
        unconnected_gradients=ZERO)."""
        if isinstance(primals, (list, tuple)):
            return type(primals)(self.jvp(p, unconnected_gradients) for p in primals)
        if isinstance(primals, dict):
            return {k: self.jvp(v, unconnected_gradients) for k, v in primals.items()}
        return self._jvp_one(primals, unconnected_gradients)


__all__ = ["ForwardAccumulator", "GradientTape"]
