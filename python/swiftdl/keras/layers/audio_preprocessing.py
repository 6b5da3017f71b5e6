"""Keras's audio front ends: MelSpectrogram (keras.ops.stft, a mel filter bank, decibels)
and STFTSpectrogram (the STFT as strided 1-D convolutions with keras.initializers.STFT
kernels, which may be trained), with Keras's arguments and output layouts."""
import math
import warnings

import numpy as np

import swiftdl as _sd

from .. import ops
from ..stft_initializer import STFT, window_values
from .data_format import standardize_data_format
from .input_spec import InputSpec
from .layer import Layer

_MEL_BREAK_FREQUENCY_HERTZ = 700.0
_MEL_HIGH_FREQUENCY_Q = 1127.0


def _hertz_to_mel(frequencies):
    return _MEL_HIGH_FREQUENCY_Q * np.log(1.0 + frequencies / _MEL_BREAK_FREQUENCY_HERTZ)


def linear_to_mel_weight_matrix(num_mel_bins, num_spectrogram_bins, sampling_rate, lower_edge_hertz, upper_edge_hertz,
                                dtype="float32"):
    """(spectrogram bins, mel bins) triangular filters, Keras's (and TensorFlow's) construction,
    computed in `dtype` as Keras does; the DC bin gets no weight."""
    kind = np.dtype(dtype).type
    frequencies = np.linspace(kind(0), kind(sampling_rate) / kind(2), num_spectrogram_bins, dtype=dtype)[1:]
    bins_mel = _hertz_to_mel(frequencies)[:, None]
    edges = np.linspace(_hertz_to_mel(kind(lower_edge_hertz)), _hertz_to_mel(kind(upper_edge_hertz)),
                        num_mel_bins + 2, dtype=dtype)
    lower, center, upper = edges[:-2][None], edges[1:-1][None], edges[2:][None]
    weights = np.maximum(kind(0), np.minimum((bins_mel - lower) / (center - lower), (upper - bins_mel) / (upper - center)))
    return np.pad(weights, [[1, 0], [0, 0]]).astype(dtype)


class MelSpectrogram(Layer):
    """Audio (samples,) or (batch, samples) → mel spectrogram (…, num_mel_bins, frames), in
    decibels unless `power_to_db=False`."""

    def __init__(self, fft_length=2048, sequence_stride=512, sequence_length=None, window="hann", sampling_rate=16000,
                 num_mel_bins=128, min_freq=20.0, max_freq=None, power_to_db=True, top_db=80.0, mag_exp=2.0,
                 min_power=1e-10, ref_power=1.0, **kwargs):
        super().__init__(**kwargs)
        self.fft_length, self.sequence_stride = fft_length, sequence_stride
        self.sequence_length = sequence_length or fft_length
        if self.fft_length < self.sequence_length:
            raise ValueError(f"`fft_length` must be greater than or equal to   `sequence_length`. Received: "
                             f"`sequence_length`={self.sequence_length}, `fft_length`={self.fft_length}.")
        self.window, self.sampling_rate, self.num_mel_bins = window, sampling_rate, num_mel_bins
        self.min_freq, self.max_freq = min_freq, max_freq or int(sampling_rate / 2)
        self.power_to_db, self.top_db, self.mag_exp = power_to_db, top_db, mag_exp
        self.min_power, self.ref_power = min_power, ref_power

    def call(self, inputs):
        dtype = self.dtype if self.dtype in ("float32", "float64") else "float32"
        signal = _sd.asarray(inputs).astype(dtype)
        real, imag = ops.stft(signal, self.sequence_length, self.sequence_stride, self.fft_length, window=self.window,
                              center=True)
        spectrum = _sd.sqrt(real * real + imag * imag) ** self.mag_exp
        matrix = linear_to_mel_weight_matrix(self.num_mel_bins, spectrum.shape[-1], self.sampling_rate, self.min_freq,
                                             self.max_freq, dtype=dtype)
        mel = _sd.tensordot(spectrum, _sd.asarray(matrix), axes=1)
        if self.power_to_db:
            decibels = 10.0 * _sd.log10(_sd.maximum(mel, self.min_power))
            decibels = decibels - 10.0 * math.log10(max(abs(self.ref_power), self.min_power))
            mel = _sd.maximum(decibels, _sd.max(decibels) - self.top_db)
        return _sd.swapaxes(mel, -1, -2)

    def compute_output_shape(self, input_shape):
        frames = lambda n: None if n is None else 1 + n // self.sequence_stride  # noqa: E731  (center=True)
        if len(input_shape) == 1:
            return (self.num_mel_bins, frames(input_shape[0]))
        return (input_shape[0], self.num_mel_bins, frames(input_shape[1]))

    def get_config(self):
        config = super().get_config()
        config.update({"fft_length": self.fft_length, "sequence_stride": self.sequence_stride,
                       "sequence_length": self.sequence_length, "window": self.window,
                       "sampling_rate": self.sampling_rate, "num_mel_bins": self.num_mel_bins,
                       "min_freq": self.min_freq, "max_freq": self.max_freq, "power_to_db": self.power_to_db,
                       "top_db": self.top_db, "mag_exp": self.mag_exp, "min_power": self.min_power,
                       "ref_power": self.ref_power})
        return config


_MODES = ["log", "magnitude", "psd", "real", "imag", "angle", "stft"]


class STFTSpectrogram(Layer):
    """(batch, time, channels) (or channels first) signals → spectrogram frames, each
    channel on its own: mode "log" (log magnitude), "magnitude", "psd", "real", "imag",
    "angle" or "stft" (real then imaginary bins)."""

    def __init__(self, mode="log", frame_length=256, frame_step=None, fft_length=None, window="hann", periodic=False,
                 scaling="density", padding="valid", expand_dims=False, data_format=None, **kwargs):
        if frame_step is not None and (frame_step > frame_length or frame_step < 1):
            raise ValueError(f"`frame_step` should be a positive integer not greater than `frame_length`. Received "
                             f"frame_step={frame_step}, frame_length={frame_length}")
        if fft_length is not None and fft_length < frame_length:
            raise ValueError(f"`fft_length` should be not less than `frame_length`. Received fft_length={fft_length}, "
                             f"frame_length={frame_length}")
        if fft_length is not None and fft_length & -fft_length != fft_length:
            warnings.warn(f"`fft_length` is recommended to be a power of two. Received fft_length={fft_length}",
                          stacklevel=2)
        if mode not in _MODES:
            raise ValueError(f"Output mode is invalid, it must be one of {', '.join(_MODES)}. Received: mode={mode}")
        if scaling is not None and scaling not in ("density", "spectrum"):
            raise ValueError(f"Scaling is invalid, it must be `None`, 'density' or 'spectrum'. Received "
                             f"scaling={scaling}")
        if padding not in ("valid", "same"):
            raise ValueError(f"Padding is invalid, it should be 'valid', 'same'. Received: padding={padding}")
        if isinstance(window, str):
            window_values(window, 1, False)
        super().__init__(**kwargs)
        self.mode, self.frame_length, self.frame_step = mode, frame_length, frame_step
        self._frame_step = frame_step or frame_length // 2
        self.fft_length = fft_length
        self._fft_length = fft_length or 2 ** int(math.ceil(math.log2(frame_length)))
        self.window, self.periodic, self.scaling, self.padding = window, periodic, scaling, padding
        self.expand_dims = expand_dims
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=3)

    def build(self, input_shape):
        shape = (self.frame_length, 1, self._fft_length // 2 + 1)
        if self.mode != "imag":
            self.real_kernel = self.add_weight(name="real_kernel", shape=shape, initializer=STFT(
                "real", self.window, self.scaling, self.periodic))
        if self.mode != "real":
            self.imag_kernel = self.add_weight(name="imag_kernel", shape=shape, initializer=STFT(
                "imag", self.window, self.scaling, self.periodic))
        self.built = True

    def _convolve(self, signals, kernel):
        """(batch, channels, bins, frames) of every channel convolved on its own."""
        if self.data_format == "channels_last":
            _, steps, channels = signals.shape
            flat = _sd.reshape(_sd.transpose(signals, (0, 2, 1)), (-1, steps, 1))
            out = ops.conv(flat, kernel.astype(signals.dtype), strides=self._frame_step, padding=self.padding)
            return _sd.reshape(_sd.transpose(out, (0, 2, 1)), (-1, channels, out.shape[-1], out.shape[1]))
        _, channels, steps = signals.shape
        flat = _sd.reshape(signals, (-1, 1, steps))
        out = ops.conv(flat, kernel.astype(signals.dtype), strides=self._frame_step, padding=self.padding,
                       data_format="channels_first")
        return _sd.reshape(out, (-1, channels, out.shape[1], out.shape[2]))

    def _layout(self, outputs):
        _, channels, bins, frames = outputs.shape
        if self.data_format == "channels_last":
            if self.expand_dims:
                return _sd.transpose(outputs, (0, 3, 2, 1))
            return _sd.transpose(_sd.reshape(outputs, (-1, channels * bins, frames)), (0, 2, 1))
        if self.expand_dims:
            return _sd.transpose(outputs, (0, 1, 3, 2))
        return _sd.reshape(outputs, (-1, channels * bins, frames))

    def call(self, inputs):
        signals = _sd.asarray(inputs)
        if signals.dtype.name not in ("float16", "float32", "float64"):
            raise TypeError(f"Invalid input type. Expected `float16`, `float32` or `float64`. Received: input "
                            f"type={signals.dtype.name}")
        real = self._convolve(signals, self.real_kernel) if self.mode != "imag" else None
        imag = self._convolve(signals, self.imag_kernel) if self.mode != "real" else None
        if self.mode == "real":
            return self._layout(real)
        if self.mode == "imag":
            return self._layout(imag)
        if self.mode == "angle":
            return self._layout(_sd.arctan2(imag, real))
        if self.mode == "stft":
            return self._layout(_sd.concatenate([real, imag], axis=2))
        power = real * real + imag * imag
        if self.mode == "psd":  # the one-sided spectrum: interior bins count twice
            return self._layout(power + _sd.pad(power[:, :, 1:-1, :], [[0, 0], [0, 0], [1, 1], [0, 0]]))
        from ..config import epsilon
        magnitude = self._layout(_sd.sqrt(_sd.maximum(power, epsilon())))
        return magnitude if self.mode == "magnitude" else _sd.log(_sd.maximum(magnitude, epsilon()))

    def compute_output_shape(self, input_shape):
        from .convolutional import conv_output_length
        channels = input_shape[-1] if self.data_format == "channels_last" else input_shape[1]
        steps = input_shape[1] if self.data_format == "channels_last" else input_shape[2]
        bins = (self._fft_length // 2 + 1) * (2 if self.mode == "stft" else 1)
        frames = conv_output_length(steps, self.frame_length, self.padding, self._frame_step)
        if self.expand_dims:
            return ((input_shape[0], frames, bins, channels) if self.data_format == "channels_last"
                    else (input_shape[0], channels, frames, bins))
        total = None if channels is None else bins * channels
        return (input_shape[0], frames, total) if self.data_format == "channels_last" else (input_shape[0], total,
                                                                                           frames)

    def get_config(self):
        config = super().get_config()
        config.update({"mode": self.mode, "frame_length": self.frame_length, "frame_step": self.frame_step,
                       "fft_length": self.fft_length, "window": self.window, "periodic": self.periodic,
                       "scaling": self.scaling, "padding": self.padding, "data_format": self.data_format,
                       "expand_dims": self.expand_dims})
        return config
