"""Discretization: continuous values → bucket indices (or their one-hot / multi-hot / count
encodings), with boundaries given or learned as approximate quantiles by `adapt`."""
import numpy as np

import swiftdl as _sd

from .. import ops
from .category_encoding import check_output_mode, encode_categorical, encoded_shape
from .feature_normalization import first_of
from .layer import Layer


class Discretization(Layer):
    """Buckets continuous features: value `x` goes to bucket `i` when
    `bin_boundaries[i-1] <= x < bin_boundaries[i]` (bucket 0 below the first boundary, the
    last bucket from the last boundary up).

    Args:
        bin_boundaries: the sorted boundaries; `len(bin_boundaries) + 1` buckets.
        num_bins: instead of boundaries, the number of buckets `adapt` should find
            (approximate quantiles of the data).
        epsilon: the error tolerance of `adapt`'s quantiles (about 1 / epsilon values are
            kept per summary).
        output_mode: "int" (default, int32 bucket indices), "one_hot", "multi_hot" or "count".
        sparse: Keras returns a sparse tensor; swiftdl computes densely and returns the
            same values as a dense tensor ("int" mode refuses it, as Keras).

    Raises:
        ValueError: when both or neither of `bin_boundaries` and `num_bins` are given,
            `num_bins` is negative, `output_mode` is unknown, or the layer is called before
            it has boundaries.
    """

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int", sparse=False, dtype=None,
                 name=None, **kwargs):
        super().__init__(name=name, dtype=dtype, **kwargs)
        if sparse and output_mode == "int":
            raise ValueError("`sparse=True` may only be used if `output_mode` is `'one_hot'`, `'multi_hot'`, or "
                             f"`'count'`. Received: sparse={sparse} and output_mode={output_mode}")
        check_output_mode(type(self).__name__, output_mode, ("int", "one_hot", "multi_hot", "count"))
        if num_bins is not None and (isinstance(num_bins, bool) or not isinstance(num_bins, (int, np.integer))):
            raise ValueError(f"`num_bins` must be an integer. Received: `num_bins={num_bins!r}`")
        if num_bins is not None and num_bins < 0:
            raise ValueError(f"`num_bins` must be greater than or equal to 0. Received: `num_bins={num_bins}`")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError("Both `num_bins` and `bin_boundaries` should not be set. "
                             f"Received: `num_bins={num_bins}` and `bin_boundaries={bin_boundaries}`")
        if num_bins is None and bin_boundaries is None:
            raise ValueError("You need to set either `num_bins` or `bin_boundaries`.")
        if bin_boundaries is not None:
            bin_boundaries = self._checked_boundaries(bin_boundaries)
        if not isinstance(epsilon, (int, float)) or not 0 < epsilon <= 1:
            raise ValueError(f"`epsilon` must be a number in (0, 1]. Received: epsilon={epsilon!r}")
        self.bin_boundaries = bin_boundaries
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = bool(sparse)
        self.summary = None if bin_boundaries else np.array([[], []], dtype="float32")

    def _checked_boundaries(self, boundaries):
        values = np.asarray(boundaries, dtype=np.float64)
        if values.ndim != 1 or not np.all(np.isfinite(values)) or np.any(np.diff(values) < 0):
            raise ValueError(f"Layer {self.name}: `bin_boundaries` must be a sorted list of finite numbers; "
                             f"received {boundaries!r}")
        return [float(b) for b in values]

    @property
    def output_dtype(self):
        return self.dtype if self.output_mode != "int" else "int32"

    # ---- adapt: Keras's mergeable quantile summaries (numpy, outside the graph) ----------------
    def adapt(self, data, steps=None):
        """Learns `num_bins - 1` boundaries at approximate quantiles of `data` (an array or
        tensor, a `swiftdl.data.Dataset` of batches, or an iterable of batches; `steps`
        limits how many batches are read)."""
        if self.num_bins is None:
            raise ValueError("Cannot adapt a Discretization layer that has been initialized with `bin_boundaries`, "
                             "use `num_bins` instead.")
        self.reset_state()
        if isinstance(data, (np.ndarray, _sd.Tensor)) or not hasattr(data, "__iter__"):
            self.update_state(data)
        else:
            for i, batch in enumerate(data):
                if steps is not None and i >= steps:
                    break
                self.update_state(first_of(batch))
        self.finalize_state()

    def update_state(self, data):
        data = np.asarray(data).astype("float32")
        if data.dtype.kind != "f" or not np.all(np.isfinite(data)):
            raise ValueError(f"Layer {self.name}: adapt() needs finite numbers")
        self.summary = _merge_summaries(_summarize(data, self.epsilon), self.summary, self.epsilon)

    def finalize_state(self):
        if self.num_bins is None:
            return
        if self.summary.shape[1] == 0:
            raise ValueError(f"Layer {self.name}: adapt() received no values")
        self.bin_boundaries = _compress_summary(self.summary, 1.0 / self.num_bins)[0, :-1].tolist()

    def reset_state(self):
        if self.num_bins is not None:
            self.summary = np.array([[], []], dtype="float32")

    # ---- calling ----------------------------------------------------------------------------
    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError("You need to either pass the `bin_boundaries` argument at construction time or call "
                             "`adapt(dataset)` before you can start using the `Discretization` layer.")
        inputs = _sd.asarray(inputs)
        if inputs.dtype.kind not in "biuf":
            raise TypeError(f"Layer {self.name} (Discretization) expects numeric inputs; received dtype {inputs.dtype}")
        boundaries = _sd.asarray(np.asarray(self.bin_boundaries, dtype=inputs.dtype if inputs.dtype.kind == "f"
                                            else np.float64))
        indices = ops.digitize(inputs, boundaries)
        return encode_categorical(indices, self.output_mode, len(self.bin_boundaries) + 1, self.output_dtype)

    def compute_output_shape(self, input_shape):
        depth = len(self.bin_boundaries) + 1 if self.bin_boundaries is not None else self.num_bins
        return encoded_shape(input_shape, self.output_mode, depth)

    def compute_output_dtype(self, inputs):
        return self.output_dtype

    def get_config(self):
        return {"bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins, "epsilon": self.epsilon,
                "output_mode": self.output_mode, "sparse": self.sparse, "name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        # An adapted layer's config holds both; the boundaries are set after construction, as Keras.
        if config.get("bin_boundaries") is not None and config.get("num_bins") is not None:
            config = dict(config)
            boundaries = config.pop("bin_boundaries")
            layer = cls(**config)
            layer.bin_boundaries = layer._checked_boundaries(boundaries)
            return layer
        return cls(**config)


def _summarize(values, epsilon):
    """About 1 / epsilon evenly spaced sorted values of `values`, each weighted by the
    number of values it stands for (Keras's `summarize`)."""
    values = np.sort(np.reshape(values, [-1]))
    step = max(values.size / (1.0 / epsilon), 1)
    boundaries = values[int(step - 1)::int(step)]
    return np.stack([boundaries, np.ones_like(boundaries) * step])


def _merge_summaries(prev_summary, next_summary, epsilon):
    merged = np.concatenate((prev_summary, next_summary), axis=1)
    merged = np.take(merged, np.argsort(merged[0]), axis=1)
    return _compress_summary(merged, epsilon)


def _compress_summary(summary, epsilon):
    """Re-buckets a summary at cumulative-weight fractions epsilon, 2·epsilon, ..., 1 by
    linear interpolation, keeping it at about 1 / epsilon columns."""
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    cum_weights = summary[1].cumsum()
    cum_weight_percents = cum_weights / cum_weights[-1]
    new_bins = np.interp(percents, cum_weight_percents, summary[0])
    cum_weights = np.interp(percents, cum_weight_percents, cum_weights)
    new_weights = cum_weights - np.concatenate((np.array([0]), cum_weights[:-1]))
    return np.stack((new_bins, new_weights)).astype("float32")
