"""The Layer contract's saving hooks, as Keras 3 defines them: save_own_variables and
load_own_variables carry state that is not a weight, build_from_config rebuilds a model."""
import numpy as np

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras import layers


class CountingDense(layers.Dense):
    """A Dense that also counts the samples it has seen, a number kept beside its weights."""

    def __init__(self, units, **kwargs):
        super().__init__(units, **kwargs)
        self.seen = np.zeros((), np.int64)

    def call(self, inputs):
        self.seen = self.seen + inputs.shape[0]
        return super().call(inputs)

    def save_own_variables(self, store):
        super().save_own_variables(store)
        store["seen"] = np.asarray(self.seen)

    def load_own_variables(self, store):
        self.seen = np.asarray(store.pop("seen"))
        super().load_own_variables(store)


def test_own_variables_hooks_carry_extra_state_through_files(tmp_path):
    model = keras.Sequential([keras.Input((3,)), CountingDense(2, name="counting")])
    x = np.random.default_rng(0).standard_normal((7, 3)).astype(np.float32)
    model(x)
    model.save(tmp_path / "m.keras")
    model.save_weights(tmp_path / "m.weights.h5")
    loaded = keras.models.load_model(tmp_path / "m.keras", custom_objects={"CountingDense": CountingDense})
    assert int(loaded.layers[-1].seen) == 7
    np.testing.assert_array_equal(np.asarray(loaded(x)), np.asarray(model(x)))

    fresh = keras.Sequential([keras.Input((3,)), CountingDense(2, name="counting")])
    fresh.load_weights(tmp_path / "m.weights.h5")
    assert int(fresh.layers[-1].seen) == 7
    np.testing.assert_array_equal(fresh.get_weights()[0], model.get_weights()[0])


def test_build_from_config_rebuilds_a_subclassed_model(tmp_path):
    class TwoLayers(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.hidden = layers.Dense(4, activation="relu")
            self.out = layers.Dense(1)

        def build(self, input_shape):
            self.hidden.build(input_shape)
            self.out.build((input_shape[0], 4))
            self.built = True

        def call(self, inputs):
            return self.out(self.hidden(inputs))

        def get_build_config(self):
            return {"input_shape": [None, 5]}

    model = TwoLayers()
    model.build((None, 5))
    x = np.ones((2, 5), np.float32)
    model.save(tmp_path / "two.keras")
    loaded = keras.models.load_model(tmp_path / "two.keras", custom_objects={"TwoLayers": TwoLayers})
    np.testing.assert_allclose(np.asarray(loaded(x)), np.asarray(model(x)), rtol=1e-6)
    layer = layers.Dense(3)
    layer.build_from_config({"input_shape": [None, 2]})
    assert layer.built and tuple(layer.kernel.shape) == (2, 3)
    assert isinstance(layer(sd.ones((1, 2))), sd.Tensor)
