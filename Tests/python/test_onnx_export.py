"""Model.export(format="onnx"): every exported file is checked, then run by onnx's pure-Python
ReferenceEvaluator (and onnxruntime when importable) and compared with model.predict."""

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx.reference import ReferenceEvaluator  # noqa: E402

import swiftdl.keras as keras  # noqa: E402
from swiftdl.keras import layers  # noqa: E402

try:
    import onnxruntime
except ImportError:  # the reference evaluator still covers every case
    onnxruntime = None


def _models():
    img = (9, 9, 2)
    yield "doc_cnn", [keras.Input((28, 28, 1)), layers.Conv2D(8, (3, 3), activation="relu"),
                      layers.MaxPooling2D((2, 2)), layers.Conv2D(6, (3, 3), activation="relu"),
                      layers.MaxPooling2D((2, 2)), layers.Conv2D(6, (3, 3), activation="relu"), layers.Flatten(),
                      layers.Dense(16, activation="relu"), layers.Dropout(0.5),
                      layers.Dense(10, activation="softmax")], (28, 28, 1), 1e-5
    yield "conv2d_same_strided", [keras.Input(img), layers.Conv2D(4, 3, strides=2, padding="same"),
                                  layers.BatchNormalization(), layers.Activation("tanh"), layers.Flatten(),
                                  layers.Dense(3)], img, 1e-5
    yield "conv2d_dilated", [keras.Input(img), layers.Conv2D(3, 3, dilation_rate=2, activation="sigmoid"),
                             layers.AveragePooling2D(2, padding="same"), layers.Flatten(), layers.Dense(2)], img, 1e-5
    yield "global_pools", [keras.Input(img), layers.Conv2D(3, 2, use_bias=False, activation="elu"),
                           layers.GlobalAveragePooling2D(), layers.ReLU(), layers.Softmax()], img, 1e-5
    yield "global_max", [keras.Input(img), layers.Conv2D(3, 2, activation="swish"), layers.GlobalMaxPooling2D(),
                         layers.Dense(2, activation="softplus")], img, 1e-5
    seq = (11, 3)
    yield "conv1d", [keras.Input(seq), layers.Conv1D(4, 3, padding="same", strides=2, activation="relu"),
                     layers.MaxPooling1D(2), layers.Conv1D(2, 2, dilation_rate=2), layers.GlobalAveragePooling1D()], \
        seq, 1e-5
    for rnn in (layers.LSTM, layers.GRU, layers.SimpleRNN):
        name = rnn.__name__
        yield f"{name}_embedding", [keras.Input((6,)), layers.Embedding(30, 5), rnn(4),
                                    layers.Dense(3, activation="softmax")], (6,), 1e-4
        yield f"{name}_backwards_sequences", [keras.Input((6, 3)), rnn(4, return_sequences=True, go_backwards=True),
                                              rnn(3, go_backwards=True)], (6, 3), 1e-4
        yield f"{name}_bidirectional", [keras.Input((6, 3)), layers.Bidirectional(rnn(4, return_sequences=True)),
                                        layers.Bidirectional(rnn(2))], (6, 3), 1e-4
    yield "gelu_layer_norm_reshape", [keras.Input((5, 6)), layers.Dense(8, activation="gelu"),
                                      layers.LayerNormalization(epsilon=1e-5), layers.Reshape((10, -1)),
                                      layers.LeakyReLU(0.1), layers.Dense(3, activation="leaky_relu"),
                                      layers.LayerNormalization(axis=[-2, -1], center=False)], (5, 6), 1e-5
    augment = keras.Sequential([layers.RandomFlip(), layers.RandomTranslation(0.1, 0.1)])
    yield "preprocessing_and_nested_sequential", [
        keras.Input(img), layers.Rescaling(1 / 255.0, offset=-0.5), augment,
        layers.Normalization(mean=[1.0, -2.0], variance=[4.0, 0.0]), layers.RandomRotation(0.2),
        layers.RandomZoom(0.1), layers.RandomContrast(0.3), layers.Conv2D(3, 3, activation="relu"),
        layers.Normalization(axis=-1, mean=[0.5, 1.0, 2.0], variance=[1.0, 4.0, 9.0], invert=True),
        layers.Flatten(), layers.Dense(2)], img, 1e-5
    yield "conv2d_transpose_same_and_valid", [
        keras.Input((5, 4, 3)), layers.Conv2DTranspose(4, 3, strides=2, padding="same", activation="relu"),
        layers.Conv2DTranspose(3, 4, strides=2, padding="same"), layers.Conv2DTranspose(2, (2, 3), strides=(3, 1)),
        layers.Conv2DTranspose(2, 3, padding="same", dilation_rate=2, use_bias=False),
        layers.Conv2DTranspose(2, 2, strides=3, padding="same")], (5, 4, 3), 1e-5
    yield "conv1d_transpose", [keras.Input((6, 2)), layers.Conv1DTranspose(3, 5, strides=2, padding="same"),
                               layers.Conv1DTranspose(2, 3, strides=2)], (6, 2), 1e-5
    yield "depthwise_separable_grouped", [
        keras.Input((10, 10, 4)), layers.ZeroPadding2D(((1, 0), (0, 2))),
        layers.DepthwiseConv2D(3, strides=2, depth_multiplier=2, activation="relu"),
        layers.SeparableConv2D(6, 3, padding="same", depth_multiplier=2), layers.ReLU(max_value=6.0),
        layers.Conv2D(4, 3, groups=2, padding="same"), layers.Cropping2D(((1, 0), (0, 1))),
        layers.UpSampling2D((2, 3)), layers.DepthwiseConv2D(2, use_bias=False),
        layers.ReLU(negative_slope=0.2, threshold=0.1, max_value=2.0)], (10, 10, 4), 1e-5
    yield "depthwise_separable_1d", [keras.Input((9, 3)), layers.ZeroPadding1D((2, 1)),
                                     layers.DepthwiseConv1D(3, depth_multiplier=3, padding="same"),
                                     layers.SeparableConv1D(4, 3, strides=2, activation="tanh"),
                                     layers.Cropping1D((1, 1)), layers.UpSampling1D(3),
                                     layers.ReLU(negative_slope=0.5)], (9, 3), 1e-5
    yield "gru_reset_before", [keras.Input((6, 3)), layers.GRU(4, reset_after=False, return_sequences=True)], \
        (6, 3), 1e-4


CASES = list(_models())


def _input(shape, batch, rng, model_layers):
    if isinstance(model_layers[1], layers.Embedding):
        return rng.integers(0, 30, size=(batch, *shape)).astype(np.int64)
    return rng.standard_normal((batch, *shape)).astype(np.float32)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_exported_model_matches_predict(case, tmp_path):
    name, model_layers, shape, tol = case
    keras.utils.set_random_seed(3)
    model = keras.Sequential(model_layers)
    rng = np.random.default_rng(0)
    # Non-trivial BatchNormalization statistics, so the folded affine map is really tested.
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            layer.set_weights([rng.uniform(0.5, 2, w.shape).astype(np.float32) for w in layer.get_weights()])
    path = str(tmp_path / f"{name}.onnx")
    model.export(path, format="onnx")
    proto = onnx.load(path)
    onnx.checker.check_model(proto, full_check=True)
    reference = ReferenceEvaluator(proto)
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"]) if onnxruntime else None
    for batch in (1, 7):  # one file serves every batch size
        x = _input(shape, batch, rng, model_layers)
        want = np.asarray(model.predict(x, verbose=0))
        np.testing.assert_allclose(reference.run(None, {"input": x})[0], want, atol=tol, rtol=tol)
        if session is not None:
            np.testing.assert_allclose(session.run(None, {"input": x})[0], want, atol=tol, rtol=tol)


def test_unsupported_layer_is_named_and_nothing_written(tmp_path):
    model = keras.Sequential([keras.Input((4, 4, 1)), layers.UnitNormalization(), layers.Flatten()])
    path = tmp_path / "m.onnx"
    with pytest.raises(ValueError, match="unit_normalization.*UnitNormalization"):
        model.export(str(path), format="onnx")
    assert not path.exists()


@pytest.mark.parametrize("layer, message", [
    (layers.Embedding(5, 2, mask_zero=True), "mask_zero"),
    (layers.Bidirectional(layers.LSTM(2), merge_mode="sum"), "merge_mode"),
    (layers.Dense(2, activation="hard_silu"), "hard_silu"),
    (layers.LayerNormalization(axis=1), r"LayerNormalization over axes \[1\]"),
    (layers.Conv1DTranspose(2, 3, strides=2, output_padding=1), "output_padding"),
])
def test_inexpressible_options_are_refused(layer, message, tmp_path):
    shape = (3,) if isinstance(layer, layers.Embedding) else (3, 2)
    model = keras.Sequential([keras.Input(shape), layer])
    with pytest.raises(ValueError, match=message):
        model.export(str(tmp_path / "m.onnx"), format="onnx")


def test_export_arguments(tmp_path):
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    with pytest.raises(ValueError, match="Unsupported export format 'tf_saved_model'"):
        model.export(str(tmp_path / "m"), format="tf_saved_model")
    with pytest.raises(ValueError, match="opset_version"):
        model.export(str(tmp_path / "m.onnx"), format="onnx", opset_version=9)
    with pytest.raises(ValueError, match="opset_version"):
        model.export(str(tmp_path / "m.onnx"), format="onnx", opset_version="18")
    with pytest.raises(TypeError, match="filepath"):
        model.export(3, format="onnx")
    model.export(str(tmp_path / "m.onnx"), format="onnx", opset_version=20)
    assert onnx.load(str(tmp_path / "m.onnx")).opset_import[0].version == 20


def _functional_cases():
    inputs = keras.Input((8, 8, 3))
    a = layers.Conv2D(4, 3, padding="same", activation="relu")(inputs)
    b = layers.Conv2D(4, 1)(inputs)
    merged = layers.Add()([a, b])
    product = layers.Multiply()([merged, layers.Conv2D(4, 3, padding="same", activation="sigmoid")(merged)])
    joined = layers.Concatenate()([product, layers.MaxPooling2D(1)(merged), layers.Subtract()([a, b])])
    pooled = layers.Average()([layers.GlobalAveragePooling2D()(joined), layers.GlobalMaxPooling2D()(joined)])
    yield "residual_cnn", inputs, layers.Dense(5, activation="softmax")(pooled), (8, 8, 3)
    tokens = keras.Input((7,))
    embedded = layers.Embedding(30, 6)(tokens)
    both = layers.Concatenate(axis=1)([layers.LSTM(3)(embedded), layers.GRU(3, go_backwards=True)(embedded)])
    yield "two_rnns", tokens, layers.Maximum()([both, layers.Dense(6)(both)]), (7,)


FUNCTIONAL = list(_functional_cases())


@pytest.mark.parametrize("case", FUNCTIONAL, ids=[c[0] for c in FUNCTIONAL])
def test_functional_model_matches_predict(case, tmp_path):
    name, inputs, outputs, shape = case
    model = keras.Model(inputs, outputs)
    path = str(tmp_path / f"{name}.onnx")
    model.export(path, format="onnx")
    onnx.checker.check_model(onnx.load(path), full_check=True)
    rng = np.random.default_rng(1)
    for batch in (1, 7):
        if name == "two_rnns":
            x = rng.integers(0, 30, size=(batch, *shape)).astype(np.int64)
        else:
            x = rng.standard_normal((batch, *shape)).astype(np.float32)
        want = np.asarray(model.predict(x, verbose=0))
        np.testing.assert_allclose(ReferenceEvaluator(path).run(None, {"input": x})[0], want, atol=1e-4, rtol=1e-4)
        if onnxruntime is not None:
            session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
            np.testing.assert_allclose(session.run(None, {"input": x})[0], want, atol=1e-4, rtol=1e-4)


def _two_headed(outputs_as):
    keras.utils.set_random_seed(11)
    image = keras.Input((6, 6, 2), name="image")
    tokens = keras.Input((5,), name="tokens")
    seen = layers.GlobalAveragePooling2D()(layers.Conv2D(3, 3, padding="same", activation="relu")(image))
    read = layers.LSTM(4)(layers.Embedding(12, 3)(tokens))
    joined = layers.Concatenate()([seen, read])
    score, probs = layers.Dense(1, name="score")(joined), layers.Dense(3, activation="softmax", name="probs")(joined)
    heads = {"score": score, "probs": probs} if outputs_as == "dict" else [score, probs]
    return keras.Model([image, tokens], heads)


@pytest.mark.parametrize("outputs_as", ["dict", "list"])
def test_several_inputs_and_outputs_keep_their_names(outputs_as, tmp_path):
    model = _two_headed(outputs_as)
    path = str(tmp_path / "two.onnx")
    model.export(path, format="onnx")
    graph = onnx.load(path).graph
    output_names = ["probs", "score"] if outputs_as == "dict" else ["output_0", "output_1"]
    assert [i.name for i in graph.input] == ["image", "tokens"] and [o.name for o in graph.output] == output_names
    assert [i.type.tensor_type.elem_type for i in graph.input] == [onnx.TensorProto.FLOAT, onnx.TensorProto.INT64]
    rng = np.random.default_rng(2)
    for batch in (1, 7):
        feeds = {"image": rng.standard_normal((batch, 6, 6, 2)).astype(np.float32),
                 "tokens": rng.integers(0, 12, size=(batch, 5)).astype(np.int64)}
        predicted = model.predict([feeds["image"], feeds["tokens"]], verbose=0)
        want = [predicted[n] for n in output_names] if outputs_as == "dict" else list(predicted)
        runners = [ReferenceEvaluator(path).run]
        if onnxruntime is not None:
            runners.append(onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"]).run)
        for run in runners:
            for got, expected in zip(run(None, feeds), want):
                np.testing.assert_allclose(got, expected, atol=1e-4, rtol=1e-4)


def test_unbuilt_models_and_clashing_names_are_refused(tmp_path):
    with pytest.raises(ValueError, match="built"):
        keras.Sequential([layers.Dense(2)]).export(str(tmp_path / "u.onnx"), format="onnx")
    first, second = keras.Input((3,), name="score"), keras.Input((3,), name="b")
    clash = keras.Model([first, second], {"score": layers.Add()([first, second])})
    with pytest.raises(ValueError, match="'score' has the name of an input"):
        clash.export(str(tmp_path / "c.onnx"), format="onnx")
    assert not (tmp_path / "c.onnx").exists()


def test_augmentations_exported_as_the_identity_pass_inputs_through_at_inference():
    from swiftdl.keras.export.onnx.preprocessing_layers import _INFERENCE_IDENTITY
    arguments = {"RandomRotation": (0.3,), "RandomZoom": (0.3,), "RandomTranslation": (0.2, 0.2),
                 "RandomContrast": (0.5,), "RandomBrightness": (0.5,), "RandomShear": (0.3, 0.3),
                 "RandomHue": (0.5,), "RandomSaturation": (0.5,), "RandomSharpness": (0.5,),
                 "RandomPosterization": (4,), "RandomColorDegeneration": (0.5,),
                 "RandomElasticTransform": (), "RandomInvert": (1.0,)}
    images = np.random.default_rng(4).uniform(0, 255, (2, 12, 12, 3)).astype(np.float32)
    for name in _INFERENCE_IDENTITY:
        layer = getattr(layers, name)(*arguments.get(name, ()))
        np.testing.assert_array_equal(np.asarray(layer(images, training=False)), images, err_msg=name)


@pytest.mark.parametrize("name, arguments", [("MobileNetV2", {"alpha": 0.35}), ("MobileNet", {"alpha": 0.25})])
def test_mobile_applications_export(name, arguments, tmp_path):
    """keras.applications' mobile CNNs (ZeroPadding2D, DepthwiseConv2D, ReLU6, batch norms
    with non-trivial statistics, residual adds) export whole."""
    keras.utils.set_random_seed(1)
    model = getattr(keras.applications, name)(weights=None, input_shape=(64, 64, 3), include_top=False, pooling="avg",
                                              **arguments)
    rng = np.random.default_rng(5)
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            gamma, beta, mean, variance = layer.get_weights()
            layer.set_weights([rng.uniform(0.5, 1.5, gamma.shape), rng.normal(0, 0.1, beta.shape),
                               rng.normal(0, 0.1, mean.shape), rng.uniform(0.5, 1.5, variance.shape)])
    path = str(tmp_path / f"{name}.onnx")
    model.export(path, format="onnx")
    proto = onnx.load(path)
    x = rng.normal(size=(2, 64, 64, 3)).astype(np.float32)
    want = np.asarray(model.predict(x, verbose=0))
    assert want.std() > 1e-3  # the statistics above keep the features from vanishing
    got = ReferenceEvaluator(proto).run(None, {proto.graph.input[0].name: x})[0]
    np.testing.assert_allclose(got, want, atol=1e-5 * np.abs(want).max(), rtol=1e-4)
