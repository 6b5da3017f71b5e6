"""swiftdl.signal: TensorFlow's tf.signal namespace over the engine.

    import swiftdl as tf
    spectrum = tf.signal.stft(audio, frame_length=256, frame_step=128)   # a ComplexTensor
    magnitude = abs(spectrum)                                           # real, differentiable
    mel = tf.tensordot(magnitude, tf.signal.linear_to_mel_weight_matrix(40, 129, 16000), 1)

Complex values: the engine has no complex dtype, so the transforms return a
`ComplexTensor` (real and imaginary engine tensors; complex64 or complex128 by its parts'
dtype). `abs(x)`, `x.real`, `x.imag`, arithmetic and indexing are engine ops, so gradients
flow through them; `x.numpy()` and `np.asarray(x)` give numpy complex arrays. The complex
transforms (fft, ifft, irfft, inverse_stft, ...) take a ComplexTensor or a numpy complex
array; like TensorFlow they reject real input (InvalidArgumentError), and rfft, stft and
dct reject complex input (ValueError). `tf.abs`/`tf.math.*` do not take a ComplexTensor
(use `abs(x)`, `x.real`, `x.imag`).

The engine has no FFT kernel: an axis of up to 1024 points is a product with its DFT
matrices, a longer one a four-step split into such products, or Bluestein's algorithm for
a prime length. Not here: fftnd/ifftnd/rfftnd/irfftnd (TensorFlow 2.21 has no CPU kernel
for them either).
"""
from ._complex import ComplexTensor
from ._dct import dct, idct, linear_to_mel_weight_matrix, mfccs_from_log_mel_spectrograms
from ._fft import (fft, fft2d, fft3d, fftshift, ifft, ifft2d, ifft3d, ifftshift, irfft, irfft2d, irfft3d, rfft, rfft2d,
                   rfft3d)
from ._fftnd import fftnd, ifftnd, irfftnd, rfftnd
from ._mdct import inverse_mdct, mdct
from ._spectral import frame, inverse_stft, inverse_stft_window_fn, overlap_and_add, stft
from ._windows import hamming_window, hann_window, kaiser_bessel_derived_window, kaiser_window, vorbis_window

__all__ = ["ComplexTensor", "dct", "fft", "fft2d", "fft3d", "fftshift", "frame", "hamming_window", "hann_window",
           "idct", "ifft", "ifft2d", "ifft3d", "ifftshift", "inverse_mdct", "inverse_stft", "inverse_stft_window_fn",
           "irfft", "irfft2d", "irfft3d", "kaiser_bessel_derived_window", "kaiser_window",
           "linear_to_mel_weight_matrix", "mdct", "mfccs_from_log_mel_spectrograms", "overlap_and_add", "rfft",
           "rfft2d", "rfft3d", "stft", "vorbis_window", "fftnd", "ifftnd", "irfftnd", "rfftnd"]
