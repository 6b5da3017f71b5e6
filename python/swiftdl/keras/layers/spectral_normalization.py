"""SpectralNormalization (Miyato et al., 2018): in training, the wrapped layer's kernel is
divided in place by its largest singular value, estimated by power iteration from a
persistent vector, before the layer runs (Keras's GAN-stabilising wrapper)."""
import numpy as np

from .. import initializers
from .input_spec import InputSpec
from .wrappers import Wrapper

_EPSILON = 1e-12  # keras.ops.normalize's floor under the norm


def _normalize(vector):
    return vector / max(float(np.sqrt(np.sum(vector * vector))), _EPSILON)


class SpectralNormalization(Wrapper):
    """Wraps a layer with a `kernel` (Dense, Conv*) or `embeddings` (Embedding)."""

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        if power_iterations <= 0:
            raise ValueError(f"`power_iterations` should be greater than zero. Received: "
                             f"`power_iterations={power_iterations}`")
        self.power_iterations = power_iterations

    def build(self, input_shape):
        super().build(input_shape)
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        kernel = getattr(self.layer, "kernel", None)
        if kernel is None:
            kernel = getattr(self.layer, "embeddings", None)
        if kernel is None:
            raise ValueError(f"{type(self.layer).__name__} object has no attribute 'kernel' nor 'embeddings'")
        # Held here too, as Keras does: the weights file keeps it among this layer's own.
        self.kernel = kernel
        self.kernel_shape = tuple(kernel.shape)
        self.vector_u = self.add_weight(shape=(1, self.kernel_shape[-1]),
                                        initializer=initializers.TruncatedNormal(stddev=0.02), trainable=False,
                                        name="vector_u")

    def call(self, inputs, training=False):
        if training:
            kernel = np.asarray(self.kernel)
            if np.any(kernel != 0):
                vector_u, normalized = self.normalized_weights()
                self.vector_u.assign(vector_u)
                self.kernel.assign(normalized)
        output = self.layer(inputs)
        return output if output.dtype == getattr(inputs, "dtype", output.dtype) else output.astype(inputs.dtype)

    def normalized_weights(self):
        """(the new power-iteration vector u, the kernel divided by its estimated spectral
        norm σ = v·W·uᵀ), as numpy arrays; computed apart from any gradient, as Keras stops
        the gradient through u and v."""
        kernel = np.asarray(self.kernel)
        weights = kernel.reshape(-1, self.kernel_shape[-1])
        vector_u = np.asarray(self.vector_u)
        for _ in range(self.power_iterations):
            vector_v = _normalize(vector_u @ weights.T)
            vector_u = _normalize(vector_v @ weights)
        sigma = (vector_v @ weights) @ vector_u.T
        return vector_u.astype(kernel.dtype), (kernel / sigma).reshape(self.kernel_shape).astype(kernel.dtype)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        config = super().get_config()
        config["power_iterations"] = self.power_iterations
        return config
