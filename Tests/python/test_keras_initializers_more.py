"""LecunUniform, TruncatedNormal, Identity, Keras's alias names and deserialize: exact checks
for the deterministic initializers, moments and bounds for the random ones."""
import math

import numpy as np
import pytest

from swiftdl import keras
from swiftdl.keras import initializers

N = 200_000  # draws: the sample mean's standard error is stddev / sqrt(N) ≈ 0.0022·stddev


def test_identity_exact_with_gain_and_rectangles():
    np.testing.assert_array_equal(np.asarray(initializers.Identity(gain=3.0)((3, 2))), 3.0 * np.eye(3, 2, dtype="float32"))
    assert np.asarray(initializers.identity()((4, 4), dtype="float64")).dtype == np.float64
    assert initializers.IdentityInitializer is initializers.Identity
    with pytest.raises(ValueError, match="2D matrices"):
        initializers.Identity()((2, 2, 2))


def test_truncated_normal_moments_and_bounds():
    mean, stddev = 1.0, 0.5
    x = np.asarray(initializers.TruncatedNormal(mean=mean, stddev=stddev)((N,)))
    assert x.min() >= mean - 2 * stddev and x.max() <= mean + 2 * stddev
    assert abs(x.mean() - mean) < 5 * stddev / math.sqrt(N)
    # A standard normal cut at ±2 has standard deviation 0.87962566.
    assert abs(x.std() - 0.87962566 * stddev) < 0.01 * stddev


def test_lecun_uniform_bounds_and_variance():
    shape = (400, 500)
    x = np.asarray(initializers.LecunUniform()(shape))
    limit = math.sqrt(3.0 / shape[0])
    assert x.min() >= -limit and x.max() <= limit
    assert abs(x.var() - 1.0 / shape[0]) < 0.01 / shape[0]
    assert abs(x.mean()) < 5 * limit / math.sqrt(3 * x.size)


@pytest.mark.parametrize("alias, cls", [("constant", "Constant"), ("glorot_normal", "GlorotNormal"),
                                        ("glorot_uniform", "GlorotUniform"), ("he_normal", "HeNormal"),
                                        ("he_uniform", "HeUniform"), ("identity", "Identity"),
                                        ("lecun_normal", "LecunNormal"), ("lecun_uniform", "LecunUniform"),
                                        ("ones", "Ones"), ("orthogonal", "Orthogonal"),
                                        ("random_normal", "RandomNormal"), ("random_uniform", "RandomUniform"),
                                        ("truncated_normal", "TruncatedNormal"), ("variance_scaling", "VarianceScaling"),
                                        ("zeros", "Zeros"), ("OrthogonalInitializer", "Orthogonal")])
def test_aliases_are_the_classes_and_resolve_by_name(alias, cls):
    assert getattr(initializers, alias) is getattr(initializers, cls)
    if alias.islower():
        assert type(initializers.get(alias)) is getattr(initializers, cls)


@pytest.mark.parametrize("initializer", [initializers.TruncatedNormal(mean=0.5, stddev=2.0, seed=3),
                                         initializers.LecunUniform(seed=1), initializers.Identity(gain=0.5)])
def test_serialize_deserialize_round_trip(initializer):
    clone = initializers.deserialize(initializers.serialize(initializer))
    assert type(clone) is type(initializer) and clone.get_config() == initializer.get_config()


def test_deserialize_unknown_and_custom():
    with pytest.raises(ValueError, match="Unknown initializer"):
        initializers.deserialize({"class_name": "NoSuchInit", "config": {}})

    class Twos(initializers.Initializer):
        def __call__(self, shape, dtype=None):
            return initializers.Constant(2.0)(shape, dtype)

    made = initializers.deserialize({"class_name": "Twos", "config": {}}, custom_objects={"Twos": Twos})
    assert isinstance(made, Twos)


def test_dense_with_identity_kernel_saves_and_loads(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3, kernel_initializer="identity",
                                                                     bias_initializer="truncated_normal")])
    np.testing.assert_array_equal(model.layers[0].kernel.numpy(), np.eye(3, dtype="float32"))
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert type(loaded.layers[0].kernel_initializer) is initializers.Identity
