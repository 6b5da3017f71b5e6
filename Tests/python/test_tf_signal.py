"""tf.signal against TensorFlow 2.21 (fixtures/tf_signal/tf_signal.npz, written by
make_tf_signal_fixture.py on the same inputs) and numpy, with finite-difference gradients
through the transforms and stft, and errors for hostile input."""
import pathlib

import numpy as np
import pytest

import swiftdl as tf
from _nn_gradcheck import check_gradients

F = np.load(pathlib.Path(__file__).parent / "fixtures" / "tf_signal" / "tf_signal.npz")
MDCT = np.load(pathlib.Path(__file__).parent / "fixtures" / "tf_signal" / "tf_signal_mdct.npz")
SIGNAL, COMPLEX, AUDIO = F["signal"], F["complex_signal"], F["audio"]


def close(result, key, rtol=1e-4, atol=1e-4, fixture=F):
    expected = fixture[key]
    result = np.asarray(result)
    assert result.shape == expected.shape, (key, result.shape, expected.shape)
    assert result.dtype == expected.dtype, (key, result.dtype, expected.dtype)
    np.testing.assert_allclose(result, expected, rtol=rtol, atol=atol, err_msg=key)


@pytest.mark.parametrize("name", ["fft", "ifft", "fft2d", "ifft2d", "fft3d", "ifft3d"])
def test_complex_transforms(name):
    result = getattr(tf.signal, name)(COMPLEX)
    assert isinstance(result, tf.signal.ComplexTensor) and result.dtype == tf.complex64
    close(result, name)


def test_real_transforms_and_shifts():
    close(tf.signal.rfft(SIGNAL), "rfft")
    close(tf.signal.rfft(SIGNAL, [9]), "rfft_padded")
    close(tf.signal.rfft(SIGNAL, [4]), "rfft_cut")
    close(tf.signal.rfft2d(SIGNAL, [3, 8]), "rfft2d")
    close(tf.signal.rfft3d(SIGNAL), "rfft3d")
    close(tf.signal.irfft(COMPLEX), "irfft")
    close(tf.signal.irfft(COMPLEX, [7]), "irfft_odd")
    close(tf.signal.irfft2d(COMPLEX, [5, 6]), "irfft2d")
    close(tf.signal.irfft3d(COMPLEX), "irfft3d")
    close(tf.signal.fftshift(SIGNAL[0, 0], axes=1), "fftshift")
    close(tf.signal.ifftshift(SIGNAL[0]), "ifftshift")
    doubles = SIGNAL.astype(np.float64)
    spectrum = tf.signal.rfft(doubles)
    assert spectrum.dtype == tf.complex128
    np.testing.assert_allclose(np.asarray(spectrum), np.fft.rfft(doubles), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(np.asarray(tf.signal.irfft(spectrum)), doubles, rtol=1e-12, atol=1e-12)
    long = np.random.default_rng(1).standard_normal(1000)   # twiddles stay exact on a long axis
    np.testing.assert_allclose(np.asarray(tf.signal.fft(long.astype(np.complex128))), np.fft.fft(long), atol=1e-9)


def test_long_axes_split_and_bluestein():
    rng = np.random.default_rng(2)
    for n in (2100, 1031):   # 2100 = 42 x 50 (four-step), 1031 prime (Bluestein)
        x = rng.standard_normal((2, n)) + 1j * rng.standard_normal((2, n))
        np.testing.assert_allclose(np.asarray(tf.signal.fft(x)), np.fft.fft(x), atol=1e-9)
        np.testing.assert_allclose(np.asarray(tf.signal.ifft(x)), np.fft.ifft(x), atol=1e-12)
        real = rng.standard_normal((2, n))
        np.testing.assert_allclose(np.asarray(tf.signal.rfft(real)), np.fft.rfft(real), atol=1e-9)
        np.testing.assert_allclose(np.asarray(tf.signal.irfft(np.fft.rfft(real), [n])), real, atol=1e-12)
    x = rng.standard_normal(3000).astype(np.float32)
    assert tf.signal.fft(x.astype(np.complex64)).dtype == tf.complex64
    np.testing.assert_allclose(np.asarray(tf.signal.fft(x.astype(np.complex64))), np.fft.fft(x), rtol=1e-4, atol=2e-3)


def test_long_dct_matches_the_matrix(monkeypatch):
    from swiftdl.signal import _dct
    x = np.random.default_rng(3).standard_normal((2, 13))
    for kind, norm in ((1, None), (2, None), (2, "ortho"), (3, None), (3, "ortho"), (4, None), (4, "ortho")):
        expected = np.asarray(tf.signal.dct(x, type=kind, norm=norm))
        monkeypatch.setattr(_dct, "_DIRECT", 4)       # the same sizes through the FFT route
        np.testing.assert_allclose(np.asarray(tf.signal.dct(x, type=kind, norm=norm)), expected, atol=1e-12)
        monkeypatch.undo()


def test_complex_tensor_arithmetic():
    a, b = tf.signal.fft(COMPLEX), tf.signal.ifft(COMPLEX)
    x, y = np.fft.fft(COMPLEX), np.fft.ifft(COMPLEX)
    for result, expected in ((a + b, x + y), (a - b, x - y), (a * b, x * y), (a / b, x / y), (-a, -x),
                             (a.conj(), np.conj(x)), (a[0, 1], x[0, 1]), (a * 2.0, x * 2.0), (1.0 - b, 1.0 - y)):
        np.testing.assert_allclose(np.asarray(result), expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(np.asarray(abs(a)), np.abs(x), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(np.asarray(a.real), x.real, rtol=1e-4, atol=1e-4)
    assert a.shape == COMPLEX.shape and a.ndim == 4 and len(a) == 2 and "complex64" in repr(a[0, 0, 0])


def test_framing_and_overlap_add():
    close(tf.signal.frame(AUDIO, 16, 7), "frame", rtol=0, atol=0)
    close(tf.signal.frame(AUDIO, 16, 7, pad_end=True, pad_value=2.5), "frame_pad_end", rtol=0, atol=0)
    close(tf.signal.frame(SIGNAL, 3, 2, axis=-2), "frame_axis", rtol=0, atol=0)
    close(tf.signal.overlap_and_add(SIGNAL, 4), "overlap_and_add", rtol=1e-6, atol=1e-6)
    close(tf.signal.overlap_and_add(SIGNAL, 1), "overlap_and_add_step1", rtol=1e-6, atol=1e-6)
    close(tf.signal.overlap_and_add(SIGNAL, 7), "overlap_and_add_long_step", rtol=1e-6, atol=1e-6)
    assert tf.signal.frame(AUDIO[:, :5], 16, 7).shape == (2, 0, 16)


def test_stft_and_inverse():
    close(tf.signal.stft(AUDIO, 32, 12), "stft")
    close(tf.signal.stft(AUDIO, 30, 10, fft_length=64, window_fn=tf.signal.hamming_window, pad_end=True),
          "stft_fft64_pad")
    stft = F["stft"]
    close(tf.signal.inverse_stft(stft, 32, 12), "inverse_stft")
    close(tf.signal.inverse_stft(stft, 32, 12, window_fn=tf.signal.inverse_stft_window_fn(12)),
          "inverse_stft_roundtrip")
    inverse = tf.signal.inverse_stft(tf.signal.stft(AUDIO, 32, 12), 32, 12,
                                     window_fn=tf.signal.inverse_stft_window_fn(12))
    np.testing.assert_allclose(np.asarray(inverse)[:, 32:150], AUDIO[:, 32:150], atol=1e-4)


def test_windows():
    for length in (1, 6, 7):
        for periodic in (True, False):
            close(tf.signal.hann_window(length, periodic), f"hann_{length}_{periodic}", rtol=1e-6, atol=1e-6)
            close(tf.signal.hamming_window(length, periodic=periodic), f"hamming_{length}_{periodic}",
                  rtol=1e-6, atol=1e-6)
        close(tf.signal.kaiser_window(length, beta=6.0), f"kaiser_{length}", rtol=1e-5, atol=1e-6)
        close(tf.signal.vorbis_window(length), f"vorbis_{length}", rtol=1e-6, atol=1e-6)
    close(tf.signal.kaiser_window(9, dtype=tf.float64), "kaiser_default_float64", rtol=1e-6, atol=1e-9)
    close(tf.signal.kaiser_bessel_derived_window(8, beta=5.0), "kbd_8", rtol=1e-5, atol=1e-6)


def test_mel_mfcc_and_dct():
    close(tf.signal.linear_to_mel_weight_matrix(), "mel_default", rtol=1e-4, atol=1e-5)
    close(tf.signal.linear_to_mel_weight_matrix(12, 33, 16000, 50.0, 7000.0), "mel_custom", rtol=1e-4, atol=1e-5)
    close(tf.signal.mfccs_from_log_mel_spectrograms(F["log_mel"]), "mfccs", rtol=1e-5, atol=1e-5)
    x = F["dct_input"]
    for kind in (1, 2, 3, 4):
        close(tf.signal.dct(x, type=kind), f"dct{kind}", rtol=1e-5, atol=1e-5)
        close(tf.signal.idct(x, type=kind), f"idct{kind}", rtol=1e-5, atol=1e-5)
        if kind != 1:
            close(tf.signal.dct(x, type=kind, norm="ortho"), f"dct{kind}_ortho", rtol=1e-5, atol=1e-5)
            close(tf.signal.idct(x, type=kind, norm="ortho"), f"idct{kind}_ortho", rtol=1e-5, atol=1e-5)
    close(tf.signal.dct(x, n=10), "dct2_n10", rtol=1e-5, atol=1e-5)
    close(tf.signal.dct(x, n=4), "dct2_n4", rtol=1e-5, atol=1e-5)


def test_mdct_pair():
    x = MDCT["mdct_input"]
    close(tf.signal.mdct(x, 16), "mdct", fixture=MDCT)
    close(tf.signal.mdct(x, 12, pad_end=True, norm="ortho"), "mdct_ortho_pad", fixture=MDCT)
    close(tf.signal.mdct(x, 8, window_fn=None), "mdct_no_window", fixture=MDCT)
    close(tf.signal.inverse_mdct(MDCT["mdct"]), "inverse_mdct", fixture=MDCT, atol=1e-5)
    close(tf.signal.inverse_mdct(MDCT["mdct_ortho_pad"], norm="ortho"), "inverse_mdct_ortho", fixture=MDCT, atol=1e-5)
    close(tf.signal.inverse_mdct(MDCT["mdct_no_window"], window_fn=None), "inverse_mdct_no_window", fixture=MDCT,
          atol=1e-5)
    restored = np.asarray(tf.signal.inverse_mdct(tf.signal.mdct(x, 16)))   # Princen-Bradley: exact inside
    np.testing.assert_allclose(restored[:, 8:40], x[:, 8:40], atol=1e-5)
    with pytest.raises(ValueError, match="multiple of 4"):
        tf.signal.mdct(x, 10)
    check_gradients(lambda s: tf.signal.mdct(s, 8), np.random.default_rng(5).standard_normal((1, 16)))


def test_gradients():
    rng = np.random.default_rng(0)
    audio = rng.standard_normal((1, 40))
    check_gradients(lambda x: abs(tf.signal.stft(x, 16, 6)), audio)
    check_gradients(lambda x: tf.signal.stft(x, 12, 5, fft_length=16, pad_end=True).imag, audio)
    check_gradients(lambda x: tf.signal.irfft(tf.signal.rfft(x) * tf.signal.rfft(x[..., ::-1])), rng.standard_normal((2, 7)))
    check_gradients(lambda x: tf.signal.fft2d(tf.signal.ComplexTensor(x, x * x)).real, rng.standard_normal((3, 4)))
    check_gradients(lambda x: tf.signal.dct(x, type=3, norm="ortho"), rng.standard_normal((2, 5)))
    check_gradients(lambda x: tf.signal.overlap_and_add(tf.signal.frame(x, 5, 2), 3), rng.standard_normal((2, 11)))
    frames = tf.signal.stft(audio, 16, 6)
    check_gradients(lambda r, i: tf.signal.inverse_stft(tf.signal.ComplexTensor(r, i), 16, 6),
                    np.asarray(frames.real), np.asarray(frames.imag))


def test_gradients_through_split_and_bluestein_transforms(monkeypatch):
    from swiftdl.signal import _fft
    monkeypatch.setattr(_fft, "_DIRECT", 3)     # 12 = 3 x 4 splits, 13 and the factors' primes use Bluestein
    rng = np.random.default_rng(4)
    for n in (12, 13):
        np.testing.assert_allclose(np.asarray(tf.signal.rfft(np.arange(n, dtype=np.float64))),
                                   np.fft.rfft(np.arange(n)), atol=1e-10)
        check_gradients(lambda x: abs(tf.signal.rfft(x)), rng.standard_normal((2, n)))
        check_gradients(lambda x: tf.signal.irfft(tf.signal.ComplexTensor(x, x[..., ::-1]), [n]),
                        rng.standard_normal((2, n // 2 + 1)))


def test_magnitude_of_zero_has_zero_gradient():
    zero = tf.asarray(np.zeros(3))
    with tf.GradientTape() as tape:
        tape.watch(zero)
        magnitude = tf.reduce_sum(abs(tf.signal.ComplexTensor(zero, zero)))
    assert np.array_equal(np.asarray(tape.gradient(magnitude, zero)), np.zeros(3))


@pytest.mark.parametrize("name, function", [
    ("dct1", lambda x: tf.signal.dct(x, type=1)),
    ("dct2_n", lambda x: tf.signal.dct(x, n=7)),
    ("idct4_ortho", lambda x: tf.signal.idct(x, type=4, norm="ortho")),
    ("mfccs", tf.signal.mfccs_from_log_mel_spectrograms),
    ("fft3d", lambda x: tf.signal.fft3d(tf.signal.ComplexTensor(x, -x)).imag),
    ("rfft2d", lambda x: abs(tf.signal.rfft2d(x, [2, 6]))),
    ("irfft3d", lambda x: tf.signal.irfft3d(tf.signal.ComplexTensor(x, x * 0.5))),
    ("frame_pad_end", lambda x: tf.signal.frame(x, 4, 3, pad_end=True, pad_value=1.0, axis=-2)),
    ("fftshift", lambda x: tf.signal.fftshift(x, axes=(0, 2))),
])
def test_gradients_of_transforms(name, function):
    check_gradients(function, np.random.default_rng(6).standard_normal((2, 3, 5)))


def test_public_names_resolve():
    assert all(hasattr(tf.signal, name) for name in tf.signal.__all__)
    assert all(hasattr(tf.image, name) for name in tf.image.__all__)


def test_hostile_input():
    with pytest.raises(tf.errors.InvalidArgumentError, match="complex"):
        tf.signal.fft(SIGNAL)
    with pytest.raises(ValueError, match="float32 or float64"):
        tf.signal.rfft(COMPLEX)
    with pytest.raises(ValueError, match="float32 or float64"):
        tf.signal.stft(np.arange(40), 8, 4)
    with pytest.raises(tf.errors.InvalidArgumentError, match="rank >= 2"):
        tf.signal.fft2d(COMPLEX[0, 0, 0])
    with pytest.raises(ValueError, match="fft_length"):
        tf.signal.rfft(SIGNAL, [3, 4])
    with pytest.raises(ValueError, match="frame_length must be positive"):
        tf.signal.frame(AUDIO, 0, 3)
    with pytest.raises(ValueError, match="frame_step must be positive"):
        tf.signal.overlap_and_add(SIGNAL, -1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="axis"):
        tf.signal.frame(AUDIO, 4, 2, axis=5)
    assert tf.signal.frame(AUDIO, 10 ** 12, 1).shape == (2, 0, 10 ** 12)   # no frame fits; nothing is built
    with pytest.raises(NotImplementedError, match="axis must be -1"):
        tf.signal.dct(F["dct_input"], axis=0)
    with pytest.raises(ValueError, match="Type-I"):
        tf.signal.dct(F["dct_input"], type=1, norm="ortho")
    with pytest.raises(ValueError, match="Types I, II, III and IV"):
        tf.signal.idct(F["dct_input"], type=5)
    with pytest.raises(ValueError, match="Nyquist"):
        tf.signal.linear_to_mel_weight_matrix(upper_edge_hertz=5000.0)
    with pytest.raises(ValueError, match="lower_edge_hertz"):
        tf.signal.linear_to_mel_weight_matrix(lower_edge_hertz=500.0, upper_edge_hertz=400.0)
    with pytest.raises(ValueError, match="floating point"):
        tf.signal.hann_window(8, dtype=tf.int32)
    with pytest.raises(ValueError, match="non-negative"):
        tf.signal.vorbis_window(-2)


def test_spectrogram_inside_a_keras_model_that_trains():
    from swiftdl import keras
    inputs = keras.Input((64,))
    spectrum = keras.layers.Lambda(lambda t: abs(tf.signal.stft(t, 16, 8)))(inputs)
    mel = keras.layers.Lambda(lambda t: tf.matmul(t, tf.signal.linear_to_mel_weight_matrix(6, 9, 8000, 100.0, 4000.0)))(
        spectrum)
    outputs = keras.layers.Dense(1)(keras.layers.Flatten()(mel))
    model = keras.Model(inputs, outputs)
    model.compile("adam", "mse")
    rng = np.random.default_rng(0)
    data, target = rng.standard_normal((16, 64)).astype(np.float32), rng.random((16, 1)).astype(np.float32)
    before = model.evaluate(data, target, verbose=0)
    model.fit(data, target, epochs=3, verbose=0)
    assert model.evaluate(data, target, verbose=0) < before
