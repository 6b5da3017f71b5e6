"""keras.utils.FeatureSpace against real Keras 3.15 (fixtures/keras_feature_space/): keras.io's
"Structured data classification with FeatureSpace" ported on a small synthetic copy of its
table (the same feature types and crosses) gives Keras's encoded rows, single-row encoding
and inference-model predictions; a dict-mode FeatureSpace using every helper gives Keras's
encoded features, dtypes and config; type names take the FeatureSpace's default sizes;
`FeatureSpace.save` files load both ways; plus Dataset.map, training, Keras's own unit
test cases (output sizes, custom layers, no adapt) and its errors."""
import json
import os
import sys

import numpy as np
import pytest

from swiftdl import keras
from swiftdl.data import Dataset
from swiftdl.keras.utils import FeatureSpace

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "keras_feature_space")
sys.path.insert(0, HERE)
from make_keras_feature_space_fixture import (SAMPLE, every_helper_feature_space, heart_columns,  # noqa: E402
                                              heart_feature_space, inference_model, type_name_feature_space)

sys.path.remove(HERE)
KERAS = np.load(os.path.join(HERE, "feature_space.npz"))
with open(os.path.join(HERE, "feature_space.json")) as _file:
    META = json.load(_file)
COLUMNS, TARGET = heart_columns()


def _adapted_heart():
    keras.backend.clear_session()
    feature_space = heart_feature_space(FeatureSpace)
    # As the example: a labelled Dataset of batches, adapted on its features only.
    feature_space.adapt(Dataset.from_tensor_slices((COLUMNS, TARGET)).batch(32).map(lambda x, _: x))
    return feature_space


def _every_helper():
    keras.backend.clear_session()
    feature_space = every_helper_feature_space(FeatureSpace)
    feature_space.adapt(Dataset.from_tensor_slices(COLUMNS))  # single rows: adapt batches them
    return feature_space


def _only_features(feature_space, values):
    return {key: value for key, value in values.items() if key in feature_space.features}


def test_example_encoding_matches_keras():
    feature_space = _adapted_heart()
    encoded = feature_space(COLUMNS)
    assert tuple(encoded.shape) == (48, 136) and str(encoded.dtype) == "float32"
    np.testing.assert_allclose(np.asarray(encoded), KERAS["heart/encoded"], atol=1e-6)
    batch_of_one = {key: [value] for key, value in SAMPLE.items()}
    np.testing.assert_allclose(np.asarray(feature_space(batch_of_one)), KERAS["heart/sample"], atol=1e-6)
    # A row of scalars comes back without its batch axis, as in Keras.
    np.testing.assert_allclose(np.asarray(feature_space(dict(SAMPLE))), KERAS["heart/unbatched"], atol=1e-6)
    assert list(feature_space.get_encoded_features().shape) == META["heart_encoded_shape"]


def test_example_inference_model_matches_keras():
    feature_space = _adapted_heart()
    training_model, model = inference_model(keras, feature_space)
    training_model.set_weights([KERAS[f"heart/weight_{i}"] for i in range(4)])
    np.testing.assert_allclose(model.predict(COLUMNS, verbose=0), KERAS["heart/predictions"], rtol=1e-5, atol=1e-6)
    inputs = feature_space.get_inputs()
    assert sorted(inputs) == sorted(COLUMNS)
    assert str(inputs["thal"].dtype) == "string" and str(inputs["sex"].dtype) == "int32"
    assert str(inputs["age"].dtype) == "float32" and tuple(inputs["age"].shape) == (None, 1)


def test_example_trains_on_mapped_dataset_and_the_inference_model_saves(tmp_path):
    feature_space = _adapted_heart()
    training_model, model = inference_model(keras, feature_space)
    training_model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    labelled = Dataset.from_tensor_slices((COLUMNS, TARGET)).batch(16)
    preprocessed = labelled.map(lambda x, y: (feature_space(x), y))
    history = training_model.fit(preprocessed, epochs=15, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    expected = model.predict(COLUMNS, verbose=0)
    np.testing.assert_allclose(training_model.predict(preprocessed.map(lambda x, y: x), verbose=0), expected,
                               rtol=1e-5, atol=1e-6)
    path = str(tmp_path / "inference.keras")
    model.save(path)
    np.testing.assert_allclose(keras.models.load_model(path).predict(COLUMNS, verbose=0), expected, rtol=1e-5,
                               atol=1e-6)


def test_mapping_single_rows_then_batching():
    feature_space = _adapted_heart()
    rows = Dataset.from_tensor_slices(COLUMNS).map(feature_space).batch(20)
    np.testing.assert_allclose(np.concatenate([np.asarray(batch) for batch in rows]), KERAS["heart/encoded"],
                               atol=1e-6)


def test_every_helper_in_dict_mode_matches_keras():
    feature_space = _every_helper()
    batched = feature_space(_only_features(feature_space, COLUMNS))
    single = feature_space(_only_features(feature_space, SAMPLE))
    assert list(batched) == sorted(feature_space.features) + ["ca_X_slope", "thal_X_cp"]
    for name, value in batched.items():
        assert str(value.dtype) == META["every_helper_dtypes"][name], name
        np.testing.assert_allclose(np.asarray(value), KERAS[f"every_helper/{name}"], atol=1e-6, err_msg=name)
        np.testing.assert_allclose(np.asarray(single[name]), KERAS[f"every_helper_single/{name}"], atol=1e-6,
                                   err_msg=name)
    encoded = feature_space.get_encoded_features()
    assert tuple(encoded["cp"].shape) == (None, 4) and tuple(encoded["ca_X_slope"].shape) == (None, 1)


def _comparable(value):
    """A config without what swiftdl writes differently on purpose: a layer's dtype as a
    name rather than a DTypePolicy entry, an adapted lookup's vocabulary (Keras keeps it only
    in the file's assets) and build configs (Keras records no batch size)."""
    if isinstance(value, dict):
        if value.get("class_name") == "DTypePolicy":
            return value["config"]["name"]
        return {k: _comparable(v) for k, v in value.items() if k not in ("vocabulary", "build_config")}
    if isinstance(value, (list, tuple)):
        return [_comparable(v) for v in value]
    return value


@pytest.mark.parametrize("case", ["every_helper", "type_names"])
def test_config_matches_keras_and_round_trips(case):
    if case == "every_helper":
        feature_space = _every_helper()
    else:
        keras.backend.clear_session()
        feature_space = type_name_feature_space(FeatureSpace)
        feature_space.adapt(dict(COLUMNS))
    config = json.loads(json.dumps(feature_space.get_config()))
    assert _comparable(config) == _comparable(META[f"{case}_config"])
    again = FeatureSpace.from_config(config)
    assert again.get_config()["features"].keys() == config["features"].keys()
    assert [cross.name for cross in again.crosses] == [cross.name for cross in feature_space.crosses]
    assert {k: type(f.preprocessor) for k, f in again.features.items()} == \
        {k: type(f.preprocessor) for k, f in feature_space.features.items()}


def test_type_names_take_the_default_sizes_and_match_keras():
    keras.backend.clear_session()
    feature_space = type_name_feature_space(FeatureSpace)
    feature_space.adapt(dict(COLUMNS))  # a dict of columns is adapted as Dataset.from_tensor_slices of it
    assert feature_space.preprocessors["age"].num_bins == 5 and feature_space.preprocessors["cp"].num_bins == 6
    assert feature_space.preprocessors["age"].name == "age_preprocessor"
    encoded = feature_space(_only_features(feature_space, COLUMNS))
    np.testing.assert_allclose(np.asarray(encoded), KERAS["type_names/encoded"], atol=1e-6)


def test_a_keras_saved_feature_space_loads():
    loaded = keras.models.load_model(os.path.join(HERE, "heart_feature_space.keras"))
    assert isinstance(loaded, FeatureSpace)
    np.testing.assert_allclose(np.asarray(loaded(COLUMNS)), KERAS["heart/encoded"], atol=1e-6)
    np.testing.assert_allclose(np.asarray(loaded(dict(SAMPLE))), KERAS["heart/unbatched"], atol=1e-6)


def test_a_keras_saved_model_built_on_a_feature_space_loads():
    # The example's inference model: raw feature dict in, prediction out, with the
    # FeatureSpace's lookups, encoders and concat layer inside.
    loaded = keras.models.load_model(os.path.join(HERE, "heart_inference_model.keras"))
    np.testing.assert_allclose(loaded.predict(COLUMNS, verbose=0), KERAS["heart/predictions"], rtol=1e-5, atol=1e-6)


def test_save_writes_keras_layout_and_reloads(tmp_path):
    import zipfile
    feature_space = _adapted_heart()
    path = str(tmp_path / "feature_space.keras")
    feature_space.save(path)
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
        names = archive.namelist()
    assert (config["module"], config["class_name"]) == ("keras.utils", "FeatureSpace")
    assert "assets/preprocessors/string_lookup/vocabulary.txt" in names
    assert "assets/preprocessors/integer_lookup_5/vocabulary.txt" in names
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(np.asarray(loaded(COLUMNS)), KERAS["heart/encoded"], atol=1e-6)
    loaded.save(str(tmp_path / "again.keras"))  # saving a loaded FeatureSpace again, as Keras's test does
    again = keras.models.load_model(str(tmp_path / "again.keras"))
    np.testing.assert_allclose(np.asarray(again(COLUMNS)), KERAS["heart/encoded"], atol=1e-6)


# Keras's own unit test data (feature_space_test.py) and the sizes it asserts.
TRAIN = {"float_1": [i / 10 for i in range(10)], "float_2": [i / 10 for i in range(10)],
         "float_3": [i / 10 for i in range(10)], "int_1": list(range(10)), "int_2": list(range(10)),
         "int_3": list(range(10)), "string_1": [str(i) for i in range(10)], "string_2": [str(i) for i in range(10)]}
ALL_TYPES = {"float_1": "float", "float_2": "float_normalized", "float_3": "float_discretized",
             "string_1": "string_categorical", "string_2": "string_hashed", "int_1": "integer_categorical",
             "int_2": "integer_hashed", "int_3": "integer_categorical"}


def test_keras_unit_test_output_sizes():
    no_strings = {k: v for k, v in ALL_TYPES.items() if not k.startswith("string")}
    feature_space = FeatureSpace(no_strings, crosses=[("int_1", "int_2"), ("int_2", "int_3")])
    data = {k: v for k, v in TRAIN.items() if k in no_strings}
    feature_space.adapt(Dataset.from_tensor_slices(data))
    feature_space.adapt(Dataset.from_tensor_slices(data).batch(4))
    assert tuple(feature_space({k: v[0] for k, v in data.items()}).shape) == (152,)
    assert tuple(feature_space(data).shape) == (10, 152)
    feature_space = FeatureSpace(ALL_TYPES, crosses=[("float_3", "string_1"), ("string_2", "int_2")])
    feature_space.adapt(TRAIN)
    assert tuple(feature_space({k: v[0] for k, v in TRAIN.items()}).shape) == (195,)
    advanced = FeatureSpace({
        "float_1": FeatureSpace.float(), "float_2": FeatureSpace.float_normalized(),
        "float_3": FeatureSpace.float_discretized(num_bins=3),
        "string_1": FeatureSpace.string_categorical(max_tokens=5), "string_2": FeatureSpace.string_hashed(num_bins=32),
        "int_1": FeatureSpace.integer_categorical(max_tokens=5, num_oov_indices=2),
        "int_2": FeatureSpace.integer_hashed(num_bins=32), "int_3": FeatureSpace.integer_categorical(max_tokens=5)},
        crosses=[FeatureSpace.cross(("float_3", "string_1"), crossing_dim=32),
                 FeatureSpace.cross(("string_2", "int_2"), crossing_dim=32)])
    advanced.adapt(Dataset.from_tensor_slices(TRAIN))
    assert tuple(advanced({k: v[0] for k, v in TRAIN.items()}).shape) == (148,)


def test_custom_preprocessors_and_no_adapt():
    text = {"text": ["1st string", "2nd string", "3rd string"]}
    tf_idf = FeatureSpace({"text": FeatureSpace.feature(preprocessor=keras.layers.TextVectorization(
        output_mode="tf_idf"), dtype="string", output_mode="float")})
    tf_idf.adapt(Dataset.from_tensor_slices(text))
    assert list(tf_idf(text).shape) == [3, 5]
    # A vocabulary and a mean given up front leave nothing to adapt: usable at once.
    data = {"int_1": list(range(10)), "text_1": ["This is", "not just", "an example", "of random words.", "these are",
                                                 "some words", "in", "a random", "example.", "Bye!"],
            "float_1": [-1.2, 0.0, 2.4, 1.2, 15.0, -100.0, 23.1, 3.12, 0.1, -0.01]}
    vocabulary = ["this", "is", "just", "an", "example", "with", "some", "words"]
    feature_space = FeatureSpace({
        "int_1": "integer_hashed",
        "text_1": FeatureSpace.feature(dtype="string", preprocessor=keras.layers.TextVectorization(
            vocabulary=vocabulary, output_mode="int", output_sequence_length=3), output_mode="int"),
        "float_1": FeatureSpace.feature(dtype="float32", preprocessor=keras.layers.Normalization(mean=12.0,
                                                                                                   variance=5.0),
                                        output_mode="float")}, output_mode="dict")
    out = feature_space(data)
    assert tuple(out["int_1"].shape) == (10, 32) and tuple(out["text_1"].shape) == (10, 3)
    expected = (np.asarray(data["float_1"], dtype="float32") - 12.0) / np.sqrt(5.0)
    np.testing.assert_allclose(np.asarray(out["float_1"]), expected.reshape(10, 1), atol=1e-3)


def test_errors():
    with pytest.raises(ValueError, match="cannot be None or empty"):
        FeatureSpace(features={})
    two = {"f1": "integer_categorical", "f2": "integer_categorical"}
    with pytest.raises(ValueError, match="`crossing_dim`"):
        FeatureSpace(two, crosses=[("f1", "f2")], crossing_dim=None)
    with pytest.raises(ValueError, match="should be present in "):
        FeatureSpace(two, crosses=[("f1", "unknown")], crossing_dim=32)
    with pytest.raises(ValueError, match="for argument `output_mode`"):
        FeatureSpace(two, output_mode="unknown")
    with pytest.raises(ValueError, match="Invalid feature type: integer"):
        FeatureSpace({"f1": "integer"})
    with pytest.raises(ValueError, match="Expected one of {'int', 'one_hot', 'float'}"):
        FeatureSpace.integer_categorical(output_mode="multi_hot")
    with pytest.raises(ValueError, match="Expected one of {'int', 'one_hot'}"):
        FeatureSpace.cross(("f1", "f2"), crossing_dim=4, output_mode="float")
    with pytest.raises(ValueError, match="You need to call `.adapt"):
        FeatureSpace(two)({"f1": [0], "f2": [0]})
    with pytest.raises(ValueError, match="You need to call `.adapt"):
        FeatureSpace(two).get_encoded_features()
    with pytest.raises(ValueError, match="can only be called on a tf.data.Dataset or a dict"):
        FeatureSpace(two).adapt([[0, 1]])
    feature_space = FeatureSpace({"f1": "float"})  # nothing to adapt
    with pytest.raises(ValueError, match="can only be called with a dict"):
        feature_space([1.0])
    with pytest.raises(KeyError):  # as in Keras: every key must name a feature
        feature_space({"f1": [1.0], "other": [2.0]})
    with pytest.raises(ValueError, match="has not been encoded"):
        FeatureSpace({"f1": FeatureSpace.integer_categorical(output_mode="int")}).adapt({"f1": [1, 2]})
    with pytest.raises(ValueError, match="initialized with `bin_boundaries`"):  # Keras adapts it all the same
        FeatureSpace({"f1": FeatureSpace.float_discretized(num_bins=None, bin_boundaries=[0.5])}).adapt({"f1": [0.2]})
    with pytest.raises(ValueError, match="should return an integer dtype"):
        FeatureSpace({"f1": FeatureSpace.feature("float32", keras.layers.Rescaling(2.0), "one_hot")})({"f1": [1.0]})
