"""swiftdl.keras.ops Fourier transforms on (real, imag) pairs against numpy.fft."""
import numpy as np
import pytest

from swiftdl.keras import ops

from _nn_gradcheck import check_gradients

RNG = np.random.default_rng(4)


def _complex(pair):
    return np.asarray(pair[0]) + 1j * np.asarray(pair[1])


def _close(actual, expected, atol=1e-12):
    np.testing.assert_allclose(actual, expected, rtol=1e-10, atol=atol)
    assert np.shape(actual) == np.shape(expected)


def test_fft_fft2_ifft2():
    a, b = RNG.standard_normal((2, 3, 6)), RNG.standard_normal((2, 3, 6))
    z = a + 1j * b
    _close(_complex(ops.fft((a, b))), np.fft.fft(z))
    _close(_complex(ops.fft2((a, b))), np.fft.fft2(z))
    _close(_complex(ops.ifft2((a, b))), np.fft.ifft2(z))
    _close(_complex(ops.ifft2(ops.fft2((a, b)))), z)


@pytest.mark.parametrize("n", [None, 5, 8, 9])
def test_rfft_irfft(n):
    x = RNG.standard_normal((2, 7))
    _close(_complex(ops.rfft(x, n)), np.fft.rfft(x, n))
    spectrum = np.fft.rfft(x)
    _close(np.asarray(ops.irfft((spectrum.real, spectrum.imag), n)), np.fft.irfft(spectrum, n))


def _stft_reference(x, length, stride, n, window, center):
    if center:
        x = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(n // 2, n // 2)], mode="reflect")
    k = np.arange(length)
    win = {"hann": 0.5 - 0.5 * np.cos(2 * np.pi * k / length),
           "hamming": 0.54 - 0.46 * np.cos(2 * np.pi * k / length), None: np.ones(length)}[window]
    left = (n - length) // 2
    # Keras pads a window to fft_length with zeros, but window=None is fft_length ones.
    win = np.ones(n) if window is None else np.pad(win, (left, n - length - left))
    frames = np.lib.stride_tricks.sliding_window_view(x, n, axis=-1)[..., ::stride, :]
    return np.fft.rfft(frames * win, n)


@pytest.mark.parametrize("window", ["hann", "hamming", None])
@pytest.mark.parametrize("center", [True, False])
def test_stft_and_round_trip(window, center):
    signal = RNG.standard_normal((2, 50))
    spectrum = ops.stft(signal, 12, 4, 16, window=window, center=center)
    _close(_complex(spectrum), _stft_reference(signal, 12, 4, 16, window, center))
    if center and window is not None:
        back = np.asarray(ops.istft(spectrum, 12, 4, 16, length=50, window=window, center=center))
        _close(back, signal, atol=1e-10)


def test_gradients_and_errors():
    check_gradients(lambda x: ops.rfft(x)[0] + ops.rfft(x)[1], RNG.standard_normal((2, 6)))
    check_gradients(lambda x: ops.irfft((x, x * 0.5), 8), RNG.standard_normal((2, 5)))
    with pytest.raises(ValueError, match=r"\[fft\]"):
        ops.fft(np.ones(4))
    with pytest.raises(ValueError, match=r"\[stft\]"):
        ops.stft(np.ones(32), 16, 4, 8)
    with pytest.raises(TypeError, match=r"\[stft\]"):
        ops.stft(np.ones(32, np.int32), 8, 4, 8)
