"""keras.initializers.STFT: the real or imaginary parts of the discrete Fourier basis,
windowed, as a (frame_length, 1, bins) convolution kernel, so that a strided 1-D
convolution computes a short-time Fourier transform (STFTSpectrogram's kernels).

Windows are named as scipy.signal.get_window names them (the ones without parameters);
`periodic` gives the DFT-even form (a window of length + 1 without its last point).
"""
import numpy as np

import swiftdl as _sd

from .initializers import Initializer

_WINDOWS = {
    "hann": np.hanning, "hanning": np.hanning, "hamming": np.hamming, "blackman": np.blackman,
    "bartlett": np.bartlett, "boxcar": np.ones, "box": np.ones, "ones": np.ones, "rect": np.ones,
    "rectangular": np.ones,
}


def window_values(window, length, periodic):
    """The named window (or the given values) of `length` points, float64."""
    if not isinstance(window, str):
        return np.asarray(window, dtype=np.float64)
    function = _WINDOWS.get(window.lower())
    if function is None:
        raise ValueError(f"Unknown window type {window!r}; swiftdl has {', '.join(sorted(set(_WINDOWS)))} (or pass "
                         f"the window's values)")
    return function(length + 1)[:-1] if periodic else function(length)


class STFT(Initializer):
    """kernel[t, 0, f] = cos(-2π·t·f / n) (side "real") or sin(...) ("imag"), times the
    window, over its norm ("density") or sum ("spectrum")."""

    def __init__(self, side="real", window="hann", scaling="density", periodic=False):
        if side not in ("real", "imag"):
            raise ValueError(f"side should be 'real' or 'imag', not {side}")
        if isinstance(window, str):
            window_values(window, 1, False)  # an unknown name fails here, as in Keras
        if scaling is not None and scaling not in ("density", "spectrum"):
            raise ValueError(f"Scaling is invalid, it must be `None`, 'density' or 'spectrum'. Received "
                             f"scaling={scaling}")
        self.side, self.window, self.scaling, self.periodic = side, window, scaling, periodic

    def __call__(self, shape, dtype=None):
        from . import backend
        dtype = dtype or backend.floatx()
        frame_length, _, bins = shape
        n = (bins - 1) * 2
        angles = -2.0 * np.arange(frame_length)[:, None, None] * (np.arange(bins)[None, None, :] / n) * np.pi
        kernel = np.cos(angles) if self.side == "real" else np.sin(angles)
        if self.window is not None:
            window = window_values(self.window, frame_length, self.periodic)
            if window.shape != (frame_length,):
                raise ValueError(f"The shape of `window` must be equal to [frame_length].Received: window shape="
                                 f"{window.shape}")
            scale = 1.0
            if self.scaling == "density":
                scale = np.sqrt(np.sum(window ** 2))
            elif self.scaling == "spectrum":
                scale = np.sum(np.abs(window))
            kernel = kernel * window[:, None, None] / scale
        return _sd.asarray(kernel.astype(dtype))

    def get_config(self):
        return {"side": self.side, "window": self.window, "periodic": self.periodic, "scaling": self.scaling}


STFTInitializer = stft = STFT
