"""Layer arguments swiftdl once refused, against real Keras 3.15 (fixtures/keras_layer_arguments/,
recorded by make_keras_layer_arguments_fixture.py): for the same weights and inputs, the
outputs, the gradients of the inputs and of every trainable weight, and the config, which
also round-trips through from_config (Keras's own config as well as ours)."""
import json
import os
import sys

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "keras_layer_arguments")
sys.path.insert(0, HERE)
from make_keras_layer_arguments_fixture import CASES, CONFIG_ONLY, call_inputs, inputs, materialize, upstream  # noqa: E402,E501

sys.path.remove(HERE)
EXPECTED = np.load(os.path.join(HERE, "keras_layer_arguments.npz"))
with open(os.path.join(HERE, "keras_layer_arguments_configs.json")) as _file:
    CONFIGS = json.load(_file)


def keywords(name):
    return CASES[name][3] if len(CASES[name]) > 3 else {}


def plain(config):
    """A config as JSON has it (tuples as lists), without the dtype, which Keras spells as a
    policy object, and without the build_config Keras adds to a wrapper's built inner layers
    (swiftdl's inner layers build on their first call) or those layers' generated names."""
    config = {k: v for k, v in json.loads(json.dumps(config)).items() if k != "dtype"}
    for key in ("layer", "backward_layer"):
        if isinstance(config.get(key), dict):
            config[key] = {k: v for k, v in config[key].items() if k != "build_config"}
            config[key]["config"] = {k: v for k, v in config[key]["config"].items() if k not in ("dtype", "name")}
    return config


def built(name):
    """The case's layer, built and given Keras's weights."""
    cls, arguments, shape = CASES[name][:3]
    layer = getattr(keras.layers, cls)(name="layer", **materialize(keras.layers, arguments))
    layer(*call_inputs(cls, inputs(name, shape)), **keywords(name))
    count = len([key for key in EXPECTED.files if key.startswith(f"{name}/w")])
    assert len(layer.weights) == count
    layer.set_weights([EXPECTED[f"{name}/w{i}"] for i in range(count)])
    return layer


@pytest.mark.parametrize("name", sorted(CASES))
def test_outputs_and_gradients_match_keras(name):
    cls, shape = CASES[name][0], CASES[name][2]
    layer, x = built(name), sd.asarray(inputs(name, shape))
    floats = x.dtype.kind == "f"
    with sd.GradientTape() as tape:
        if floats:
            tape.watch(x)
        y = layer(*call_inputs(cls, x), **keywords(name))
    if isinstance(y, tuple):  # return_attention_scores
        y, scores = y
        np.testing.assert_allclose(np.asarray(scores), EXPECTED[f"{name}/scores"], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np.asarray(y), EXPECTED[f"{name}/y"], rtol=1e-4, atol=1e-4)
    shapes = [[u.shape for u in t] if isinstance(t, list) else t.shape for t in call_inputs(cls, x)]
    assert tuple(layer.compute_output_shape(*shapes)) == tuple(y.shape)
    weights = list(layer.trainable_weights)
    sources = ([x] if floats else []) + weights
    gradients = tape.gradient(y, sources, output_gradients=sd.asarray(upstream(name, tuple(y.shape))))
    expected = ([EXPECTED[f"{name}/dx"]] if floats else []) + [EXPECTED[f"{name}/dw{i}"] for i in range(len(weights))]
    assert len([key for key in EXPECTED.files if key.startswith(f"{name}/dw")]) == len(weights)
    for got, want in zip(gradients, expected):
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-4, atol=1e-4)
    for i, weight in enumerate(layer.get_weights()):  # what the call updated (moving statistics)
        np.testing.assert_allclose(weight, EXPECTED[f"{name}/after{i}"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(CASES))
def test_config_matches_keras_and_round_trips(name):
    cls = getattr(keras.layers, CASES[name][0])
    config = built(name).get_config()
    assert plain(config) == plain(CONFIGS[name])
    assert plain(cls.from_config(config).get_config()) == plain(config)
    assert plain(cls.from_config(plain(CONFIGS[name])).get_config()) == plain(config)


def test_transposed_convolutions_refuse_groups_as_keras_does():
    with pytest.raises(ValueError, match="Unrecognized keyword arguments passed to Conv2DTranspose: {'groups': 2}"):
        keras.layers.Conv2DTranspose(2, 3, groups=2)


@pytest.mark.parametrize("cls, shape", [("SpatialDropout2D", (4, 6, 3, 5)), ("SpatialDropout3D", (4, 6, 2, 3, 2))])
def test_channels_first_spatial_dropout_drops_whole_feature_maps(cls, shape):
    x = np.ones(shape, np.float32)
    y = np.asarray(getattr(keras.layers, cls)(0.5, data_format="channels_first")(x, training=True))
    per_map = y.reshape(shape[0], shape[1], -1)
    assert np.all(per_map == per_map[..., :1])  # one draw per (sample, channel)
    assert set(np.unique(per_map)) <= {0.0, 2.0} and 0 < np.count_nonzero(per_map[..., 0]) < shape[0] * shape[1]


@pytest.mark.parametrize("make", [lambda: keras.layers.Cropping1D(1, data_format="channels_first"),
                                  lambda: keras.layers.SpatialDropout1D(0.5, data_format="channels_first")])
def test_the_1d_layers_without_a_data_format_refuse_one_as_keras_does(make):
    with pytest.raises((TypeError, ValueError), match="data_format"):
        make()


@pytest.mark.parametrize("clipping, message", [({"rmax": 1, "r": 2}, "invalid keys"), ({"rmax": 1, "rmin": 2}, "rmax"),
                                               ({"dmax": -1}, "dmax")])
def test_batch_renormalization_checks_its_clipping_as_keras_does(clipping, message):
    with pytest.raises(ValueError, match=message):
        keras.layers.BatchNormalization(renorm=True, renorm_clipping=clipping)


@pytest.mark.parametrize("name", sorted(CONFIG_ONLY))
def test_config_only_layers_write_keras_configs(name):
    cls, arguments = CONFIG_ONLY[name]
    config = getattr(keras.layers, cls)(name="layer", **arguments).get_config()
    assert plain(config) == plain(CONFIGS[name])
    assert plain(getattr(keras.layers, cls).from_config(CONFIGS[name]).get_config()) == plain(config)


def test_optional_inputs_are_refused_by_name():
    with pytest.raises(NotImplementedError, match="optional"):
        keras.Input((3,), optional=True)
    with pytest.raises(NotImplementedError, match="optional"):
        keras.layers.InputLayer(shape=(3,), optional=True)


def test_a_keras_saved_model_using_these_arguments_loads_and_saves_back(tmp_path):
    """fixtures/keras_layer_arguments/make_keras_layer_arguments_model.py: MultiHeadAttention
    over two axes with a gate, channels_first SeparableConv2D, renorm, a LoRA Dense."""
    data = np.load(os.path.join(HERE, "layer_arguments_model.npz"))
    model = keras.models.load_model(os.path.join(HERE, "layer_arguments_model.keras"))
    np.testing.assert_allclose(np.asarray(model(data["x"])), data["y"], rtol=1e-5, atol=1e-5)
    path = os.path.join(tmp_path, "again.keras")
    model.save(path)
    np.testing.assert_allclose(np.asarray(keras.models.load_model(path)(data["x"])), data["y"], rtol=1e-5, atol=1e-5)
