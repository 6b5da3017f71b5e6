"""keras.applications' arguments beyond the architecture fixtures: Keras's validation errors
for the newer families (messages as real Keras 3 gives them), models built on a given
`input_tensor`, and each family module's preprocess_input / decode_predictions."""
import urllib.error

import numpy as np
import pytest

from swiftdl import keras

A = keras.applications


@pytest.fixture(autouse=True)
def _zero_initial_weights(monkeypatch):
    # Only the arguments are under test here; zeros spare the random draws.
    monkeypatch.setattr(keras.initializers.VarianceScaling, "__call__",
                        lambda self, shape, dtype=None: np.zeros(shape, dtype or "float32"))


@pytest.fixture
def offline(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))

    def refuse(url, *args, **kwargs):
        raise urllib.error.URLError("Name or service not known")
    monkeypatch.setattr("urllib.request.urlopen", refuse)
    monkeypatch.setattr("urllib.request.urlretrieve", refuse)


@pytest.mark.parametrize("build, message", [
    (lambda: A.MobileNetV3Small(alpha=0.5), "alpha can be one of `0.75`, `1.0` for non minimalistic"),
    (lambda: A.MobileNetV3Large(alpha=0.75, minimalistic=True), "or `1.0` for minimalistic only"),
    (lambda: A.MobileNetV3Small(weights=None, input_shape=(16, 16, 3)), "at least 32x32"),
    (lambda: A.MobileNetV3Small(weights=None, input_tensor=np.zeros((1, 32, 32, 3))), "not a keras tensor"),
    (lambda: A.EfficientNetB0(classes=10), "`classes` should be 1000"),
    (lambda: A.EfficientNetB0(weights=None, include_top=False, input_shape=(16, 16, 3)), "at least 32x32"),
    (lambda: A.EfficientNetB1(weights="nope.h5"), "The `weights` argument should be either"),
    (lambda: A.EfficientNetV2B0(weights=None, input_shape=(None, None, 3)), "static `input_shape`"),
    (lambda: A.EfficientNetV2S(weights=None, input_shape=(64, 64)), "tuple of three integers"),
    (lambda: A.ConvNeXtTiny(classifier_activation="relu"), "Only `None` and `softmax` activations"),
    (lambda: A.InceptionResNetV2(weights=None, include_top=False, input_shape=(64, 64, 3)), "at least 75x75"),
    (lambda: A.NASNetMobile(input_shape=(96, 96, 3)), r"should be \(224, 224, 3\)"),
    (lambda: A.NASNetLarge(include_top=False, input_shape=(None, None, 3)), "must be static"),
    (lambda: A.nasnet.NASNet(weights=None, penultimate_filters=100, include_top=False, input_shape=(64, 64, 3)),
     "must be a multiple of 24"),
    (lambda: A.efficientnet.EfficientNet(1.0, 1.0, 64, weights=None, include_top=False, input_shape=(64, 64, 3),
                                         blocks_args=[{**A.efficientnet.DEFAULT_BLOCKS_ARGS[0], "repeats": 0}]),
     "repeats in `EfficientNet` must be > 0"),
    (lambda: A.convnext.ConvNeXt([3, 3, 9, 3], [96, 192, 384, 768], name="other", weights="imagenet",
                                 weights_name="convnext_tiny"), 'Model name "other" does not match'),
])
def test_bad_arguments_raise_keras_errors(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_channels_first_is_refused_where_keras_refuses_it():
    keras.config.set_image_data_format("channels_first")
    try:
        for build in (A.ConvNeXtTiny, A.NASNetMobile):
            with pytest.raises(ValueError, match="does not support the `channels_first`"):
                build(weights=None)
    finally:
        keras.config.set_image_data_format("channels_last")


def test_models_built_on_a_given_input_tensor():
    inputs = keras.Input((64, 64, 3))
    scaled = keras.layers.Rescaling(1.0)(inputs)
    for build in (A.EfficientNetB0, A.MobileNetV3Small, A.EfficientNetV2B0, A.ConvNeXtTiny):
        model = build(weights=None, include_top=False, pooling="avg", input_tensor=scaled)
        assert model.inputs[0] is inputs, build.__name__
        assert model.output.shape[0] is None and len(model.output.shape) == 2
    # MobileNetV3 takes its input shape from the tensor when none is given.
    model = A.MobileNetV3Large(weights=None, input_tensor=keras.Input((96, 96, 3)), classes=4)
    assert model.output.shape == (None, 4)


def test_unknown_image_sizes_stay_unknown_through_keras_ops_nodes():
    # ConvNeXt's residual sums are keras.ops nodes (`inputs + branch`); at Keras's default
    # input shape (None, None, 3) their heights and widths are unknown, as in Keras.
    x = keras.Input((None, None, 8))
    assert (x + keras.layers.Activation("linear")(x)).shape == (None, None, None, 8)
    assert (x * 2.0).shape == (None, None, None, 8)
    assert A.ConvNeXtTiny(weights=None, include_top=False).output.shape == (None, None, None, 768)
    assert A.MobileNetV3Small(weights=None, include_top=False).output.shape == (None, None, None, 576)


def test_mobilenet_v3_warns_before_loading_224_weights_for_other_sizes(offline):
    with pytest.warns(UserWarning, match="Weights for input shape \\(224, 224\\) will be loaded"):
        with pytest.raises(Exception, match="weights_mobilenet_v3_small_224_1.0_float.h5"):
            A.MobileNetV3Small(input_shape=(96, 96, 3))


@pytest.mark.parametrize("url, build", [
    ("keras-applications/efficientnetb3_notop.h5", lambda: A.EfficientNetB3(include_top=False)),
    ("efficientnet_v2/efficientnetv2-s.h5", lambda: A.EfficientNetV2S()),
    ("convnext/convnext_base_notop.h5", lambda: A.ConvNeXtBase(include_top=False)),
    ("inception_resnet_v2/inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5", lambda: A.InceptionResNetV2()),
    ("nasnet/NASNet-mobile-no-top.h5", lambda: A.NASNetMobile(include_top=False)),
])
def test_imagenet_weights_are_fetched_from_keras_urls(url, build, offline):
    with pytest.raises(Exception, match="URL fetch failure on https://storage.googleapis.com/.*" + url):
        build()


def test_family_preprocessing_and_decoding():
    x = np.random.default_rng(0).uniform(0, 255, (2, 4, 4, 3)).astype(np.float32)
    for module in (A.mobilenet_v3, A.efficientnet, A.efficientnet_v2, A.convnext):
        assert module.preprocess_input(x) is x, module.__name__  # preprocessing lives inside these models
    for module in (A.inception_resnet_v2, A.nasnet):
        np.testing.assert_allclose(module.preprocess_input(x.copy()), x / 127.5 - 1, rtol=1e-6)
    for module in (A.mobilenet_v3, A.efficientnet, A.efficientnet_v2, A.convnext, A.inception_resnet_v2, A.nasnet):
        assert module.decode_predictions is A.imagenet_utils.decode_predictions
        with pytest.raises(ValueError, match="1000"):
            module.decode_predictions(np.zeros((1, 10)))
