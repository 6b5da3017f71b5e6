"""tf.signal.fftnd, ifftnd, rfftnd, irfftnd against numpy.fft (TensorFlow 2.21 registers
these ops for GPUs only, so its CPU build cannot write a fixture; its Python wrappers'
norm and fft_length rules are numpy's), with gradients by finite differences."""
import numpy as np
import pytest

import swiftdl as tf
from _nn_gradcheck import check_gradients

RNG = np.random.default_rng(41)
REAL = RNG.normal(size=(2, 4, 6))
Z = REAL + 1j * RNG.normal(size=(2, 4, 6))
SPECTRUM = np.fft.rfftn(REAL, axes=(1, 2))


def close(actual, expected):
    np.testing.assert_allclose(np.asarray(actual), expected, rtol=1e-10, atol=1e-12)
    assert np.asarray(actual).shape == expected.shape


@pytest.mark.parametrize("norm", ["backward", "forward", "ortho"])
def test_norms(norm):
    close(tf.signal.fftnd(Z, axes=[-2, -1], norm=norm), np.fft.fftn(Z, axes=(1, 2), norm=norm))
    close(tf.signal.ifftnd(Z, axes=[-2, -1], norm=norm), np.fft.ifftn(Z, axes=(1, 2), norm=norm))
    close(tf.signal.rfftnd(REAL, axes=[-2, -1], norm=norm), np.fft.rfftn(REAL, axes=(1, 2), norm=norm))
    close(tf.signal.irfftnd(SPECTRUM, fft_length=[4, 6], axes=[-2, -1], norm=norm),
          np.fft.irfftn(SPECTRUM, s=(4, 6), axes=(1, 2), norm=norm))


def test_axes_and_lengths():
    close(tf.signal.fftnd(Z), np.fft.fftn(Z))
    close(tf.fftnd(Z, axes=[0]), np.fft.fftn(Z, axes=(0,)))
    close(tf.signal.fftnd(Z, fft_length=[3, 8], axes=[-2, -1]), np.fft.fftn(Z, s=(3, 8), axes=(1, 2)))
    close(tf.signal.rfftnd(REAL, fft_length=[5, 4], axes=[-2, -1]), np.fft.rfftn(REAL, s=(5, 4), axes=(1, 2)))
    close(tf.signal.rfftnd(REAL, axes=[2, 0]), np.fft.rfftn(REAL, axes=(2, 0)))
    close(tf.signal.irfftnd(SPECTRUM, fft_length=[4, 7], axes=[-2, -1]), np.fft.irfftn(SPECTRUM, s=(4, 7), axes=(1, 2)))
    close(tf.signal.irfftnd(SPECTRUM, axes=[1, 2]), np.fft.irfftn(SPECTRUM, axes=(1, 2)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="axes"):
        tf.signal.fftnd(Z, axes=[1, 1])
    with pytest.raises(tf.errors.InvalidArgumentError, match="fft_length"):
        tf.signal.fftnd(Z, fft_length=[3], axes=[1, 2])
    with pytest.raises(ValueError, match="norm"):
        tf.signal.fftnd(Z, norm="half")


def test_gradients_flow():
    check_gradients(lambda x: abs(tf.signal.rfftnd(x, axes=[0, 1], norm="ortho")), REAL[0])
    check_gradients(lambda x: tf.signal.irfftnd(tf.signal.rfftnd(x, axes=[0, 1]), fft_length=[4, 6], axes=[0, 1]),
                    REAL[0])
