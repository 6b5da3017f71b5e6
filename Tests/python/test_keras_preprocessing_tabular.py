"""Keras 3's tabular preprocessing layers (Normalization, Discretization, CategoryEncoding,
StringLookup, IntegerLookup, Hashing, HashedCrossing) against outputs of real Keras 3.15.1
(fixtures/keras_preprocessing/keras_preprocessing.npz, made by make_keras_preprocessing_fixture.py
with Keras's TensorFlow backend), plus adapt on datasets, models trained with fit, Dataset.map,
config and .keras round trips, and hostile arguments."""
import json
import os

import numpy as np
import pytest

import swiftdl
from swiftdl import keras
from swiftdl.keras import layers

from keras_testing import run_layer_test

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "keras_preprocessing", "keras_preprocessing.npz")
with np.load(FIXTURE) as _data:
    KERAS = {key: _data[key] for key in _data.files}
CASES = sorted(key[:-len("__kwargs")] for key in KERAS if key.endswith("__kwargs"))


def batches_of(data, size):
    return (data[i:i + size] for i in range(0, len(data), size))


def make_layer(name, tmp_path, adapt_with=None):
    """The case's layer, built (and adapted) as the generator built it in real Keras."""
    kwargs = json.loads(str(KERAS[f"{name}__kwargs"]))
    cls = getattr(layers, kwargs.pop("class"))
    if f"{name}__vocabulary_file" in KERAS:
        path = tmp_path / f"{name}.txt"
        path.write_text("\n".join(KERAS[f"{name}__vocabulary_file"].tolist()) + "\n")
        kwargs["vocabulary"] = str(path)
    layer = cls(**kwargs)
    if f"{name}__adapt" in KERAS:
        data = KERAS[f"{name}__adapt"]
        if f"{name}__adapt_batch" in KERAS:
            size = int(KERAS[f"{name}__adapt_batch"])
            if data.dtype.kind == "U":  # swiftdl.data holds numbers only: strings come as a generator of batches
                data = batches_of(data, size)
            else:
                data = swiftdl.data.Dataset.from_tensor_slices(data).batch(size)
        layer.adapt(data if adapt_with is None else adapt_with(data))
    return layer


def case_input(name):
    if f"{name}__input" in KERAS:
        return KERAS[f"{name}__input"]
    return tuple(KERAS[f"{name}__input{i}"] for i in range(3) if f"{name}__input{i}" in KERAS)


def call(layer, name):
    extra = {"count_weights": KERAS[f"{name}__count_weights"]} if f"{name}__count_weights" in KERAS else {}
    return np.asarray(layer(case_input(name), **extra))


def assert_same(actual, expected, name):
    actual = np.asarray(actual)
    assert actual.shape == expected.shape, name
    if expected.dtype.kind == "f":
        assert actual.dtype == expected.dtype, name
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=2e-6, err_msg=name)
    elif expected.dtype.kind == "U":
        assert actual.tolist() == expected.tolist(), name
    else:
        assert actual.dtype == expected.dtype, name
        np.testing.assert_array_equal(actual, expected, err_msg=name)


@pytest.mark.parametrize("name", CASES)
def test_outputs_equal_real_keras(name, tmp_path):
    layer = make_layer(name, tmp_path)
    assert_same(call(layer, name), KERAS[f"{name}__output"], name)
    if f"{name}__vocabulary" in KERAS:
        assert layer.get_vocabulary() == KERAS[f"{name}__vocabulary"].tolist()
        assert layer.vocabulary_size() == len(KERAS[f"{name}__vocabulary"])
    if f"{name}__mean" in KERAS:
        np.testing.assert_allclose(layer.adapt_mean.numpy(), KERAS[f"{name}__mean"], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(layer.adapt_variance.numpy(), KERAS[f"{name}__variance"], rtol=1e-5, atol=1e-6)
    if f"{name}__bin_boundaries" in KERAS:
        np.testing.assert_allclose(layer.bin_boundaries, KERAS[f"{name}__bin_boundaries"], rtol=1e-6)


@pytest.mark.parametrize("name", CASES)
def test_config_round_trip(name, tmp_path):
    layer = make_layer(name, tmp_path)
    config = layer.get_config()
    json.dumps(config)  # a config must serialise as JSON
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    if layer.weights:  # adapted statistics travel as weights, as Keras loads them
        clone.build_from_config(layer.get_build_config())
        clone.set_weights(layer.get_weights())
    assert_same(call(clone, name), KERAS[f"{name}__output"], name)


def _exact_adapt_cases():
    """Adapted cases whose statistics do not depend on how the data is batched (not
    Discretization's approximate quantiles), adapted on a whole array in the fixture."""
    return [n for n in CASES if f"{n}__adapt" in KERAS and f"{n}__adapt_batch" not in KERAS
            and json.loads(str(KERAS[f"{n}__kwargs"]))["class"] != "Discretization"]


@pytest.mark.parametrize("name", _exact_adapt_cases())
def test_adapt_on_batches_learns_what_adapt_on_the_array_learns(name, tmp_path):
    expected = KERAS[f"{name}__output"]
    generator = make_layer(name, tmp_path, adapt_with=lambda data: batches_of(data, 4))
    assert_same(call(generator, name), expected, name)
    if KERAS[f"{name}__adapt"].dtype.kind != "U":  # swiftdl.data holds numbers only
        dataset = make_layer(name, tmp_path, adapt_with=lambda data: swiftdl.data.Dataset.from_tensor_slices(data).batch(4))
        assert_same(call(dataset, name), expected, name)
    if json.loads(str(KERAS[f"{name}__kwargs"]))["class"] == "Normalization":
        on_tensor = make_layer(name, tmp_path, adapt_with=swiftdl.asarray)
        assert_same(call(on_tensor, name), expected, name)


def test_normalization_unbatched_dataset_is_batched_like_keras():
    x = KERAS["norm_adapt__adapt"]
    layer = layers.Normalization()
    layer.adapt(swiftdl.data.Dataset.from_tensor_slices(x))  # elements are single feature rows
    np.testing.assert_allclose(layer.adapt_mean.numpy(), x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(layer.adapt_variance.numpy(), x.var(0), rtol=1e-5)


def test_normalization_matches_numpy_formula_and_inverts():
    x = KERAS["norm_adapt__adapt"]
    layer = layers.Normalization()
    layer.adapt(x)
    expected = (x - x.mean(0)) / np.maximum(np.sqrt(x.var(0)), keras.config.epsilon())
    np.testing.assert_allclose(np.asarray(layer(x)), expected, rtol=1e-5, atol=1e-5)
    inverse = layers.Normalization(mean=x.mean(0), variance=x.var(0), invert=True)
    np.testing.assert_allclose(np.asarray(inverse(layer(x))), x, rtol=1e-5, atol=1e-5)


def test_normalization_gradient_flows():
    layer = layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 16.0])
    x = swiftdl.Variable(np.array([[3.0, 6.0]], "float32"))
    with swiftdl.GradientTape() as tape:
        y = swiftdl.sum(layer(x))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [[0.5, 0.25]])


@pytest.mark.parametrize("cls, kwargs, shape, dtype", [
    (layers.Normalization, {"mean": [0.5, 1.0, 2.0], "variance": [1.0, 4.0, 9.0]}, (4, 3), "float32"),
    (layers.Discretization, {"bin_boundaries": [-0.5, 0.0, 0.5]}, (4, 3), "float32"),
    (layers.Discretization, {"bin_boundaries": [-0.5, 0.5], "output_mode": "one_hot"}, (4, 1), "float32"),
    (layers.CategoryEncoding, {"num_tokens": 5, "output_mode": "count"}, (4, 3), "int32"),
    (layers.CategoryEncoding, {"num_tokens": 5, "output_mode": "one_hot"}, (4, 1), "int32"),
    (layers.Hashing, {"num_bins": 4}, (4, 2), "int64"),
    (layers.Hashing, {"num_bins": 4, "output_mode": "multi_hot"}, (4, 2), "int64"),
    (layers.IntegerLookup, {"vocabulary": [1, 2, 3]}, (4, 2), "int64"),
    (layers.IntegerLookup, {"vocabulary": [1, 2, 3], "output_mode": "multi_hot"}, (4, 2), "int64"),
])
def test_layer_contract(cls, kwargs, shape, dtype):
    run_layer_test(cls, kwargs, shape, input_dtype=dtype, expected_num_non_trainable_weights=0)


# ---- inside models: fit, and .keras round trips -----------------------------------------------
def fit_save_load(model, x, y, tmp_path, name):
    model.compile(optimizer="sgd", loss="mse")
    model(x)  # builds a Sequential model given no Input
    before = [w.copy() for w in model.get_weights()]
    assert before
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert any(not np.array_equal(b, a) for b, a in zip(before, model.get_weights()) if b.dtype.kind == "f")
    path = str(tmp_path / f"{name}.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(np.asarray(loaded(x)), np.asarray(model(x)), rtol=1e-6, atol=1e-6)
    return loaded


def test_normalization_in_a_trained_model_survives_saving(tmp_path):
    rng = np.random.default_rng(1)
    x = (rng.normal(size=(32, 3)) * 5 + 10).astype("float32")
    norm = layers.Normalization()
    norm.adapt(x)
    model = keras.Sequential([keras.Input((3,)), norm, layers.Dense(1)])
    loaded = fit_save_load(model, x, x[:, :1] - 10, tmp_path, "norm")
    np.testing.assert_allclose(loaded.layers[0].adapt_mean.numpy(), x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(loaded.layers[0].adapt_variance.numpy(), x.var(0), rtol=1e-5)


def test_discretization_and_category_encoding_in_a_functional_model(tmp_path):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(32, 1)).astype("float32")
    disc = layers.Discretization(num_bins=4)
    disc.adapt(x)
    inputs = keras.Input((1,))
    encoded = layers.CategoryEncoding(4, output_mode="one_hot")(disc(inputs))
    model = keras.Model(inputs, layers.Dense(1)(encoded))
    loaded = fit_save_load(model, x, (x > 0).astype("float32"), tmp_path, "disc")
    assert loaded.layers[1].bin_boundaries == disc.bin_boundaries


def test_integer_lookup_and_hashing_in_trained_models(tmp_path):
    rng = np.random.default_rng(3)
    ids = rng.choice([3, 17, 42, 99, 1000], size=(32, 1))
    lookup = layers.IntegerLookup(output_mode="one_hot")
    lookup.adapt(ids)
    model = keras.Sequential([keras.Input((1,), dtype="int64"), lookup, layers.Dense(1)])
    loaded = fit_save_load(model, ids, (ids == 42).astype("float32"), tmp_path, "lookup")
    assert loaded.layers[0].get_vocabulary() == lookup.get_vocabulary()

    inputs = keras.Input((2,), dtype="int64")
    hashed = layers.Embedding(8, 4)(layers.Hashing(num_bins=8, salt=[3, 5])(inputs))
    model = keras.Model(inputs, layers.Dense(1)(layers.Flatten()(hashed)))
    pairs = rng.integers(0, 100, size=(32, 2))
    fit_save_load(model, pairs, rng.normal(size=(32, 1)).astype("float32"), tmp_path, "hashing")


def test_string_lookup_tf_idf_in_a_trained_model(tmp_path):
    words = KERAS["sl_tf_idf_adapt__adapt"]
    lookup = layers.StringLookup(output_mode="tf_idf")
    lookup.adapt(words)
    model = keras.Sequential([lookup, layers.Dense(1)])
    loaded = fit_save_load(model, words, np.ones((len(words), 1), "float32"), tmp_path, "tfidf")
    assert loaded.layers[0].get_vocabulary() == KERAS["sl_tf_idf_adapt__vocabulary"].tolist()
    assert_same(loaded.layers[0](case_input("sl_tf_idf_adapt")), KERAS["sl_tf_idf_adapt__output"], "tf_idf loaded")


def test_layers_inside_dataset_map():
    norm = layers.Normalization(mean=[1.0, 2.0], variance=[1.0, 4.0])
    batches = swiftdl.data.Dataset.from_tensor_slices(np.array([[1.0, 2.0], [3.0, 4.0]], "float32")).batch(2)
    np.testing.assert_allclose(np.asarray(next(iter(batches.map(norm)))), [[0.0, 0.0], [2.0, 1.0]])
    lookup = layers.IntegerLookup(vocabulary=[3, 17], output_mode="one_hot")
    pairs = swiftdl.data.Dataset.from_tensor_slices((np.array([[3], [17], [5]]), np.array([0.0, 1.0, 0.0], "float32")))
    x, y = next(iter(pairs.batch(3).map(lambda x, y: (lookup(x), y))))
    np.testing.assert_array_equal(np.asarray(x), [[0, 1, 0], [0, 0, 1], [1, 0, 0]])
    hashing = layers.Hashing(num_bins=5)
    ints = swiftdl.data.Dataset.from_tensor_slices(KERAS["hash_ints__input"]).batch(8)
    assert_same(next(iter(ints.map(hashing))), KERAS["hash_ints__output"] % 5, "hashing in map")


def test_string_lookup_reads_vocabulary_files_and_inverts(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("a\nb\nc\n\n")
    lookup = layers.StringLookup(vocabulary=str(path))
    assert lookup.get_vocabulary() == ["[UNK]", "a", "b", "c"]
    inverse = layers.StringLookup(vocabulary=lookup.get_vocabulary(include_special_tokens=False), invert=True)
    strings = np.array([["c", "a", "q"]])
    assert inverse(lookup(strings)).tolist() == [["c", "a", "[UNK]"]]
    assert lookup(np.array([b"b"])).numpy().tolist() == [2]  # bytes are decoded


# ---- hostile arguments and inputs ------------------------------------------------------------
@pytest.mark.parametrize("make, error, message", [
    (lambda: layers.Normalization(mean=[1.0]), ValueError, "both `mean` and `variance`"),
    (lambda: layers.Normalization(mean=[1.0, 2.0], variance=[1.0]), ValueError, "same shape"),
    (lambda: layers.Normalization(axis=-1, mean=[[1.0]], variance=[[1.0]]), ValueError, "rank of `mean`"),
    (lambda: layers.Discretization(), ValueError, "either `num_bins` or `bin_boundaries`"),
    (lambda: layers.Discretization(num_bins=3, bin_boundaries=[0.0]), ValueError, "Both"),
    (lambda: layers.Discretization(num_bins=-1), ValueError, "num_bins"),
    (lambda: layers.Discretization(bin_boundaries=[1.0, 0.0]), ValueError, "sorted"),
    (lambda: layers.Discretization(bin_boundaries=[0.0], output_mode="tf_idf"), ValueError, "output_mode"),
    (lambda: layers.CategoryEncoding(), ValueError, "num_tokens must be set"),
    (lambda: layers.CategoryEncoding(0), ValueError, "num_tokens"),
    (lambda: layers.CategoryEncoding(3, output_mode="int"), ValueError, "output_mode"),
    (lambda: layers.Hashing(3, sparse=True), ValueError, "sparse"),  # "int" mode, as Keras
    (lambda: layers.StringLookup(max_tokens=1), ValueError, "max_tokens"),
    (lambda: layers.StringLookup(num_oov_indices=-1), ValueError, "num_oov_indices"),
    (lambda: layers.StringLookup(output_mode="bag"), ValueError, "output_mode"),
    (lambda: layers.StringLookup(invert=True, output_mode="one_hot"), ValueError, "invert"),
    (lambda: layers.StringLookup(vocabulary=["a", "a"]), ValueError, "repeated"),
    (lambda: layers.StringLookup(vocabulary=[]), ValueError, "empty vocabulary"),
    (lambda: layers.StringLookup(vocabulary=["a", ""], mask_token=""), ValueError, "reserved mask token"),
    (lambda: layers.StringLookup(vocabulary=["a", "b", "c"], max_tokens=3), ValueError, "larger than"),
    (lambda: layers.StringLookup(vocabulary="/nonexistent/vocab.txt"), ValueError, "does not exist"),
    (lambda: layers.StringLookup(output_mode="tf_idf", vocabulary=["a"]), ValueError, "idf_weights"),
    (lambda: layers.StringLookup(vocabulary=["a"], idf_weights=[1.0]), ValueError, "idf_weights"),
    (lambda: layers.StringLookup(salt="pepper"), ValueError, "salt"),
    (lambda: layers.StringLookup(pad_to_max_tokens=True), ValueError, "max_tokens"),
    (lambda: layers.IntegerLookup(vocabulary_dtype="int32"), ValueError, "int64"),
    (lambda: layers.IntegerLookup(salt=3), ValueError, "farmhash"),
    (lambda: layers.IntegerLookup(oov_method="md5"), ValueError, "oov_method"),
    (lambda: layers.Hashing(num_bins=0), ValueError, "num_bins"),
    (lambda: layers.Hashing(num_bins=None), ValueError, "num_bins"),
    (lambda: layers.Hashing(num_bins=3, salt=[1, 2, 3]), ValueError, "salt"),
    (lambda: layers.Hashing(num_bins=3, dtype="float32"), ValueError, "dtype"),
    (lambda: layers.Hashing(num_bins=3, output_mode="tf_idf"), ValueError, "output_mode"),
    (lambda: layers.HashedCrossing(num_bins=0), ValueError, "num_bins"),
    (lambda: layers.HashedCrossing(num_bins=3, output_mode="count"), ValueError, "output_mode"),
])
def test_bad_arguments(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_hostile_calls_raise_clear_errors():
    with pytest.raises(ValueError, match="build"):
        layers.Normalization().call(np.ones((2, 3), "float32"))
    norm = layers.Normalization(axis=5)
    with pytest.raises(ValueError, match="axis"):
        norm.adapt(np.ones((4, 3), "float32"))
    adapted = layers.Normalization()
    adapted.adapt(np.ones((4, 3), "float32"))
    with pytest.raises(ValueError, match="incompatible shape"):
        adapted.adapt(np.ones((4, 5), "float32"))
    with pytest.raises(ValueError, match="empty iterable"):
        layers.Normalization().adapt(iter([]))
    with pytest.raises(TypeError, match="Unsupported data type"):
        layers.Normalization().adapt(3.0)
    with pytest.raises(ValueError, match="bin_boundaries"):
        layers.Discretization(num_bins=3)(np.ones((2, 1), "float32"))
    with pytest.raises(ValueError, match="Cannot adapt"):
        layers.Discretization(bin_boundaries=[0.0]).adapt(np.ones(4))
    with pytest.raises(ValueError, match="0 <= values < num_tokens"):
        layers.CategoryEncoding(3)(np.array([[0, 3]]))
    with pytest.raises(ValueError, match="0 <= values < num_tokens"):
        layers.CategoryEncoding(3)(np.array([[-1, 0]]))
    with pytest.raises(ValueError, match="count_weights"):
        layers.CategoryEncoding(3)(np.array([[0, 1]]), count_weights=np.ones((1, 2)))
    with pytest.raises(TypeError, match="expects strings"):
        layers.StringLookup(vocabulary=["a"])(np.array([[1, 2]]))
    with pytest.raises(TypeError, match="expects integers"):
        layers.IntegerLookup(vocabulary=[1])(np.array([["a"]]))
    with pytest.raises(TypeError, match="expects integers"):
        layers.IntegerLookup(vocabulary=[1])(np.array([[1.5]]))
    with pytest.raises(ValueError, match="all inputs should be in vocabulary"):
        layers.StringLookup(vocabulary=["a"], num_oov_indices=0)(np.array(["a", "b"]))
    with pytest.raises(RuntimeError, match="set the layer's vocabulary"):
        layers.StringLookup(output_mode="multi_hot")(np.array(["a"]))
    with pytest.raises(ValueError, match="Cannot adapt"):
        layers.StringLookup(vocabulary=["a"]).adapt(np.array(["a", "b"]))
    with pytest.raises(ValueError, match="idf_weights"):
        layers.StringLookup(output_mode="tf_idf", max_tokens=4, pad_to_max_tokens=True)(np.array([["a"]]))
    with pytest.raises(TypeError, match="strings or integers"):
        layers.Hashing(num_bins=3)(np.array([[object()]], dtype=object))
    with pytest.raises(ValueError, match="non-finite"):
        layers.Hashing(num_bins=3)(np.array([np.nan], "float32"))
    with pytest.raises(ValueError, match="list or tuple"):
        layers.HashedCrossing(num_bins=3)(np.array([1, 2]))
    with pytest.raises(ValueError, match="at least two"):
        layers.HashedCrossing(num_bins=3)([np.array([1, 2])])
    with pytest.raises(ValueError, match="equal shape"):
        layers.HashedCrossing(num_bins=3)([np.array([1, 2]), np.array([1, 2, 3])])
    with pytest.raises(ValueError, match="integer or string dtype"):
        layers.HashedCrossing(num_bins=3)([np.array([1.5, 2.0]), np.array([1, 2])])
    with pytest.raises(ValueError, match="should have shape"):
        layers.HashedCrossing(num_bins=3)([np.ones((2, 2), "int64"), np.ones((2, 2), "int64")])


def test_lookup_assets_and_idf_variables_use_keras_layout(tmp_path):
    lookup = layers.StringLookup(output_mode="tf_idf")
    lookup.adapt(KERAS["sl_tf_idf_adapt__adapt"])
    store = {}
    lookup.save_own_variables(store)
    assert list(store) == ["idf_weights"]
    lookup.save_assets(str(tmp_path))
    assert (tmp_path / "vocabulary.txt").read_text().splitlines() == lookup.get_vocabulary()
    # A layer rebuilt from a config without the vocabulary, as Keras writes it, then loaded.
    config = {**lookup.get_config(), "vocabulary": None, "idf_weights": None, "vocabulary_size": None}
    fresh = layers.StringLookup.from_config(config)
    fresh.load_own_variables(store)
    fresh.load_assets(str(tmp_path))
    assert fresh.get_vocabulary() == KERAS["sl_tf_idf_adapt__vocabulary"].tolist()
    assert_same(fresh(case_input("sl_tf_idf_adapt")), KERAS["sl_tf_idf_adapt__output"], "assets")
    ints = layers.IntegerLookup()
    ints.adapt(KERAS["il_adapt__adapt"])
    ints.save_assets(str(tmp_path))
    again = layers.IntegerLookup()
    again.load_assets(str(tmp_path))
    assert again.get_vocabulary() == KERAS["il_adapt__vocabulary"].tolist()


def test_real_keras_loads_the_saved_preprocessing_models(tmp_path):
    """Set SWIFTDL_KERAS_TF_PYTHON to a Python with Keras 3 and TensorFlow (outside swiftdl's
    environment) to have Keras itself load these files and reproduce their outputs."""
    import subprocess
    python = os.environ.get("SWIFTDL_KERAS_TF_PYTHON")
    if not python:
        pytest.skip("SWIFTDL_KERAS_TF_PYTHON is not set")
    rng = np.random.default_rng(5)
    floats = (rng.normal(size=(16, 3)) * 4 + 2).astype("float32")
    ids = rng.choice([3, 17, 42, 99], size=(16, 1))
    words = KERAS["sl_adapt__adapt"]
    norm = layers.Normalization()
    norm.adapt(floats)
    disc = layers.Discretization(num_bins=3)
    disc.adapt(floats[:, :1])
    ilook = layers.IntegerLookup(output_mode="multi_hot", num_oov_indices=2)
    ilook.adapt(ids)
    slook = layers.StringLookup(output_mode="tf_idf", mask_token="")
    slook.adapt(words)
    text = layers.TextVectorization(output_mode="tf_idf", max_tokens=6)
    text.adapt([" ".join(row) for row in words])
    models = {
        "normalization": (keras.Sequential([keras.Input((3,)), norm, layers.Dense(2)]), floats),
        "discretization": (keras.Sequential([keras.Input((1,)), disc, layers.CategoryEncoding(3, output_mode="one_hot"),
                                             layers.Dense(1)]), floats[:, :1]),
        "integer_lookup": (keras.Sequential([keras.Input((1,), dtype="int64"), ilook, layers.Dense(1)]), ids),
        "hashing": (keras.Sequential([keras.Input((1,), dtype="int64"), layers.Hashing(5, salt=7, output_mode="one_hot"),
                                      layers.Dense(1)]), ids),
        "string_lookup": (keras.Sequential([slook, layers.Dense(1)]), words),
        "text_vectorization": (keras.Sequential([text, layers.Dense(1)]), np.array([" ".join(r) for r in words])),
    }
    for name, (model, inputs) in models.items():
        expected = np.asarray(model(inputs))  # first: it builds the models given no Input
        model.save(str(tmp_path / f"{name}.keras"))
        np.savez(tmp_path / f"{name}.npz", input=inputs, expected=expected)
    script = os.path.join(os.path.dirname(FIXTURE), "verify_preprocessing_in_keras.py")
    result = subprocess.run([python, script, str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert result.stdout.count("ok ") == len(models)


@pytest.mark.parametrize("name", ["keras_string_lookup", "keras_integer_lookup", "keras_text_tf_idf",
                                  "keras_normalization", "keras_discretization"])
def test_loads_keras_saved_preprocessing_models(name, tmp_path):
    folder = os.path.dirname(FIXTURE)
    model = keras.models.load_model(os.path.join(folder, f"{name}.keras"))
    with np.load(os.path.join(folder, f"{name}.npz")) as data:
        inputs, expected = data["input"], data["expected"]
    np.testing.assert_allclose(np.asarray(model(inputs)), expected, rtol=1e-5, atol=1e-6)
    # Saved again by swiftdl (a vocabulary in the config and in the assets), then reloaded.
    model.save(str(tmp_path / "again.keras"))
    import zipfile
    if "lookup" in name or "text" in name:
        assert any(n.startswith("assets/layers/") for n in zipfile.ZipFile(tmp_path / "again.keras").namelist())
    again = keras.models.load_model(str(tmp_path / "again.keras"))
    np.testing.assert_allclose(np.asarray(again(inputs)), expected, rtol=1e-5, atol=1e-6)


def test_symbolic_hashed_crossing_and_lookups_in_a_functional_model():
    first, second = keras.Input((1,), dtype="string"), keras.Input((1,), dtype="int64")
    crossed = layers.HashedCrossing(num_bins=5, output_mode="one_hot")((first, second))
    assert tuple(crossed.shape) == (None, 5)
    model = keras.Model([first, second], layers.Dense(1)(crossed))
    a, b = KERAS["cross_one_hot__input0"][:, None], KERAS["cross_one_hot__input1"][:, None]
    expected = np.asarray(layers.HashedCrossing(num_bins=5, output_mode="one_hot")((a, b)))
    np.testing.assert_array_equal(expected, KERAS["cross_one_hot__output"])
    dense = model.layers[-1]
    kernel, bias = dense.get_weights()
    np.testing.assert_allclose(np.asarray(model([a, b])), expected @ kernel + bias, rtol=1e-6)


def test_an_archive_cannot_place_assets_outside_the_layer_directory(tmp_path):
    import zipfile
    source = os.path.join(os.path.dirname(FIXTURE), "keras_string_lookup.keras")
    hostile = tmp_path / "hostile.keras"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(hostile, "w") as copy:
        for name in original.namelist():
            copy.writestr(name, original.read(name))
        copy.writestr("assets/layers/string_lookup/..", b"x")
    with pytest.raises(ValueError, match="refusing the asset member"):
        keras.models.load_model(str(hostile))
