"""keras.utils.FeatureSpace: one object that preprocesses and encodes a table's columns
(floats rescaled, normalized or discretized; integers and strings indexed or hashed;
pairs of columns crossed) into one vector or a dict of encoded features, for a model's
inputs or a Dataset.map. Keras 3.15's arguments, errors and saved files."""
import numpy as np

import swiftdl as _sd

from ..backend import unique_name
from ..layers.layer import Layer
from .feature_space_parts import Cross, Feature, TFDConcat, TFDIdentity, deserialize_part

# A feature given by its type's name gets the helper of that name, with the FeatureSpace's sizes.
_TYPE_NAMES = ("float", "float_normalized", "float_rescaled", "float_discretized", "integer_categorical",
               "string_categorical", "integer_hashed", "string_hashed")


def _layers():
    from .. import layers
    return layers


def _as_input_column(value):
    """A value as Keras's FeatureSpace converts it (tf.convert_to_tensor): Python floats
    become float32 and ints int32, text an object array; tensors and arrays keep their dtype."""
    if isinstance(value, _sd.Tensor):
        return value
    python_value = isinstance(value, (list, tuple, int, float, str, bytes))
    array = np.asarray(value.numpy() if hasattr(value, "numpy") and not isinstance(value, np.ndarray) else value)
    if array.dtype.kind in "USO":
        return array.astype(object)
    if python_value and array.dtype.kind == "f":
        array = array.astype("float32")
    elif python_value and array.dtype.kind in "iu":
        array = array.astype("int32")
    return _sd.asarray(array)


def _expand_last(value):
    return np.expand_dims(value, -1) if isinstance(value, np.ndarray) else _sd.expand_dims(value, -1)


class FeatureSpace(Layer):
    """One-stop preprocessing and encoding of structured data (Keras's FeatureSpace).

    Args:
        features: {name: type name or `FeatureSpace.<helper>(...)`}; type names are
            "float", "float_rescaled", "float_normalized", "float_discretized",
            "integer_categorical", "string_categorical", "integer_hashed" and
            "string_hashed", with this FeatureSpace's default sizes.
        output_mode: "concat" (one float vector) or "dict" (each feature encoded alone).
        crosses: pairs of feature names, or `FeatureSpace.cross(...)`, hashed together.
        crossing_dim: the bins of a cross given as names. Defaults to 32.
        hashing_dim: the bins of "integer_hashed" and "string_hashed". Defaults to 32.
        num_discretization_bins: the bins of "float_discretized". Defaults to 32.

    Call `adapt(dataset)` first (a Dataset of dicts, batched or not, or a dict of
    columns); then call it on a dict of values or batches, use it in `Dataset.map`, or
    build a model from `get_inputs()` and `get_encoded_features()`.

    Raises:
        ValueError: for empty `features`, an unknown type name or `output_mode`, a cross
            of unknown features, crosses without `crossing_dim`, or use before `adapt`.
    """

    # The module Keras exports it from: the "module" of its entry in a `.keras` file.
    _keras_export_module = "keras.utils"

    @classmethod
    def cross(cls, feature_names, crossing_dim, output_mode="one_hot"):
        return Cross(feature_names, crossing_dim, output_mode=output_mode)

    @classmethod
    def feature(cls, dtype, preprocessor, output_mode):
        return Feature(dtype, preprocessor, output_mode)

    @classmethod
    def float(cls, name=None):
        name = name or unique_name("float")
        return Feature("float32", TFDIdentity(dtype="float32", name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_rescaled(cls, scale=1.0, offset=0.0, name=None):
        name = name or unique_name("float_rescaled")
        preprocessor = _layers().Rescaling(scale=scale, offset=offset, name=f"{name}_preprocessor")
        return Feature("float32", preprocessor, "float")

    @classmethod
    def float_normalized(cls, name=None):
        name = name or unique_name("float_normalized")
        return Feature("float32", _layers().Normalization(axis=-1, name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_discretized(cls, num_bins, bin_boundaries=None, output_mode="one_hot", name=None):
        name = name or unique_name("float_discretized")
        preprocessor = _layers().Discretization(num_bins=num_bins, bin_boundaries=bin_boundaries,
                                                name=f"{name}_preprocessor")
        return Feature("float32", preprocessor, output_mode)

    @classmethod
    def integer_categorical(cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot", name=None):
        name = name or unique_name("integer_categorical")
        preprocessor = _layers().IntegerLookup(name=f"{name}_preprocessor", max_tokens=max_tokens,
                                               num_oov_indices=num_oov_indices)
        return Feature("int32", preprocessor, output_mode)

    @classmethod
    def string_categorical(cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot", name=None):
        name = name or unique_name("string_categorical")
        preprocessor = _layers().StringLookup(name=f"{name}_preprocessor", max_tokens=max_tokens,
                                              num_oov_indices=num_oov_indices)
        return Feature("string", preprocessor, output_mode)

    @classmethod
    def string_hashed(cls, num_bins, output_mode="one_hot", name=None):
        name = name or unique_name("string_hashed")
        return Feature("string", _layers().Hashing(name=f"{name}_preprocessor", num_bins=num_bins), output_mode)

    @classmethod
    def integer_hashed(cls, num_bins, output_mode="one_hot", name=None):
        name = name or unique_name("integer_hashed")
        return Feature("int32", _layers().Hashing(name=f"{name}_preprocessor", num_bins=num_bins), output_mode)

    def __init__(self, features, output_mode="concat", crosses=None, crossing_dim=32, hashing_dim=32,
                 num_discretization_bins=32, name=None):
        super().__init__(name=name)
        if not features:
            raise ValueError("The `features` argument cannot be None or empty.")
        self.crossing_dim = crossing_dim
        self.hashing_dim = hashing_dim
        self.num_discretization_bins = num_discretization_bins
        self.features = {key: self._standardize_feature(key, value) for key, value in features.items()}
        self.crosses = [self._standardize_cross(cross, set(features), crossing_dim) for cross in crosses or ()]
        self.crosses_by_name = {cross.name: cross for cross in self.crosses}
        if output_mode not in {"dict", "concat"}:
            raise ValueError("Invalid value for argument `output_mode`. Expected one of {'dict', 'concat'}. "
                             f"Received: output_mode={output_mode}")
        self.output_mode = output_mode
        layers = _layers()
        self.inputs = {key: layers.Input(shape=(1,), dtype=feature.dtype, name=key)
                       for key, feature in self.features.items()}
        self.preprocessors = {key: self._track_layer(feature.preprocessor) for key, feature in self.features.items()}
        self.encoded_features = None
        self.crossers = {cross.name: self._track_layer(layers.HashedCrossing(cross.crossing_dim, name=cross.name))
                         for cross in self.crosses}
        self.one_hot_encoders = {}
        self._is_adapted = False
        self.concat = None
        self._preprocessed_features_names = None
        self._crossed_features_names = None
        self._sublayers_built = False

    def _standardize_feature(self, name, feature):
        if isinstance(feature, Feature):
            return feature
        if isinstance(feature, dict):
            return deserialize_part(feature)
        if feature not in _TYPE_NAMES:
            raise ValueError(f"Invalid feature type: {feature}")
        if feature == "float_discretized":
            return self.float_discretized(name=name, num_bins=self.num_discretization_bins)
        if feature in ("integer_hashed", "string_hashed"):
            return getattr(self, feature)(self.hashing_dim, name=name)
        return getattr(self, feature)(name=name)

    @staticmethod
    def _standardize_cross(cross, feature_names, crossing_dim):
        if isinstance(cross, dict):
            cross = deserialize_part(cross)
        if isinstance(cross, Cross):
            return cross
        if not crossing_dim:
            raise ValueError("When specifying `crosses`, the argument `crossing_dim` (dimensionality of the crossing "
                             "space) should be specified as well.")
        for key in cross:
            if key not in feature_names:
                raise ValueError("All features referenced in the `crosses` argument should be present in the "
                                 f"`features` dict. Received unknown features: {cross}")
        return Cross(cross, crossing_dim=crossing_dim)

    # ---- adapting ---------------------------------------------------------------------
    def _list_adaptable_preprocessors(self):
        """Features whose preprocessor learns from data; a Normalization given its mean
        and a lookup or TextVectorization given its vocabulary have nothing to learn."""
        layers = _layers()
        names = []
        for name in self.features:
            preprocessor = self.preprocessors[name]
            if isinstance(preprocessor, layers.Normalization) and preprocessor.input_mean is not None:
                continue
            if isinstance(preprocessor, layers.TextVectorization) and preprocessor._has_input_vocabulary:
                continue
            if hasattr(preprocessor, "adapt"):
                names.append(name)
        return names

    def adapt(self, dataset):
        """Adapts every preprocessor that learns from data (one pass each over its column).

        Args:
            dataset: a swiftdl.data.Dataset of dicts (of single values or of batches), or
                a dict of columns.

        Raises:
            ValueError: for anything else.
        """
        from ...data import Dataset
        if not isinstance(dataset, Dataset):
            if not isinstance(dataset, dict):
                raise ValueError("`adapt()` can only be called on a tf.data.Dataset or a dict of arrays/lists. "
                                 f"Received instead: {dataset} (of type {type(dataset)})")
            dataset = Dataset.from_tensor_slices(dataset)
        for name in self._list_adaptable_preprocessors():
            column = dataset.map(lambda x, name=name: x[name])
            rank = len(np.shape(next(iter(column))))
            if rank == 0:  # single values: adapt in batches
                column = column.batch(32)
            if rank in (0, 1):  # a trailing axis of 1, the shape the preprocessors are called with
                column = column.map(_expand_last)
            self.preprocessors[name].adapt(column)
        self._is_adapted = True
        self.get_encoded_features()  # finishes building: the encoders and the concat layer
        self.built = True
        self._sublayers_built = True

    def _check_if_adapted(self):
        if not self._is_adapted:
            if self._list_adaptable_preprocessors():
                raise ValueError("You need to call `.adapt(dataset)` on the FeatureSpace before you can start "
                                 "using it.")
            self._is_adapted = True

    def _check_if_built(self):
        if not self._sublayers_built:
            self._check_if_adapted()
            self.get_encoded_features()
            self._sublayers_built = True

    # ---- the functional API -----------------------------------------------------------
    def get_inputs(self):
        """{feature name: keras.Input of shape (1,) and the feature's dtype}."""
        self._check_if_built()
        return self.inputs

    def get_encoded_features(self):
        """The encoded features of `get_inputs()`: one KerasTensor ("concat") or a dict."""
        self._check_if_adapted()
        if self.encoded_features is None:
            preprocessed = self._preprocess_features(self.inputs)
            crossed = self._cross_features(preprocessed)
            self._make_encoders(preprocessed, crossed)
            self.encoded_features = self._merge_features(preprocessed, crossed)
        return self.encoded_features

    # ---- encoding ---------------------------------------------------------------------
    def _preprocess_features(self, features):
        return {name: self.preprocessors[name](features[name]) for name in features}

    def _cross_features(self, features):
        return {cross.name: self.crossers[cross.name]([features[name] for name in cross.feature_names])
                for cross in self.crosses}

    def _make_encoders(self, preprocessed, crossed):
        """Creates the multi-hot encoder of each one-hot feature and the concat layer, from
        the symbolic outputs' dtypes (Keras does this on the first merge)."""
        self._preprocessed_features_names = sorted(preprocessed)
        self._crossed_features_names = sorted(crossed)
        layers = _layers()
        specs = {**self.features, **self.crosses_by_name}
        for name, feature in {**preprocessed, **crossed}.items():
            if specs[name].output_mode == "one_hot":
                dtype = str(feature.dtype)
                if not dtype.startswith("int"):
                    raise ValueError(f"Feature '{name}' has `output_mode='one_hot'`. Thus its preprocessor should "
                                     f"return an integer dtype. Instead it returns a {dtype} dtype.")
                self.one_hot_encoders[name] = self._track_layer(
                    layers.CategoryEncoding(num_tokens=self._cardinality(name), output_mode="multi_hot"))
        if self.output_mode == "concat":
            for name in self._preprocessed_features_names + self._crossed_features_names:
                encoder = self.one_hot_encoders.get(name)
                dtype = "float32" if encoder else str({**preprocessed, **crossed}[name].dtype)
                if dtype.startswith("int") or dtype == "string":
                    raise ValueError(f"Cannot concatenate features because feature '{name}' has not been encoded "
                                     f"(it has dtype {dtype}). Consider using `output_mode='dict'`.")
            self.concat = self._track_layer(TFDConcat(axis=-1))

    def _cardinality(self, name):
        layers = _layers()
        preprocessor = self.preprocessors.get(name) or self.crossers.get(name)
        if isinstance(preprocessor, (layers.IntegerLookup, layers.StringLookup)):
            return preprocessor.vocabulary_size()
        if isinstance(preprocessor, layers.CategoryEncoding):
            return preprocessor.num_tokens
        if isinstance(preprocessor, (layers.Discretization, layers.HashedCrossing, layers.Hashing)):
            return preprocessor.num_bins
        raise ValueError(f"Feature '{name}' has `output_mode='one_hot'`. However it isn't a standard feature and the "
                         "dimensionality of its output space is not known, thus it cannot be one-hot encoded. Try "
                         "using `output_mode='int'`.")

    def _merge_features(self, preprocessed, crossed):
        merged = {}
        for name in self._preprocessed_features_names + self._crossed_features_names:
            feature = preprocessed[name] if name in preprocessed else crossed[name]
            encoder = self.one_hot_encoders.get(name)
            merged[name] = encoder(feature) if encoder else feature
        if self.output_mode == "dict":
            return merged
        return self.concat(list(merged.values()))

    def __call__(self, data):
        """Encodes a dict of values (one row) or batches, as Keras's FeatureSpace does: a
        row's scalars come back without a batch axis.

        Raises:
            ValueError: for data that is not a dict, or before `adapt`.
            KeyError: for a key that names no feature.
        """
        self._check_if_built()
        if not isinstance(data, dict):
            raise ValueError(f"A FeatureSpace can only be called with a dict. Received: data={data} "
                             f"(of type {type(data)}")
        columns, rebatched = {}, False
        for name, value in data.items():
            value = _as_input_column(value)
            if value.ndim == 0:
                value = value.reshape((1, 1))
                rebatched = True
            elif value.ndim == 1:
                value = _expand_last(value)
            columns[name] = value
        preprocessed = self._preprocess_features(columns)
        merged = self._merge_features(preprocessed, self._cross_features(preprocessed))
        if self.output_mode == "concat":
            merged = _sd.asarray(merged)
            if rebatched:
                if merged.shape[0] != 1:
                    raise ValueError(f"Expected rebatched data to have batch size 1. Received: shape={merged.shape}")
                merged = _sd.squeeze(merged, axis=0)
            return merged
        merged = {name: _sd.asarray(value) for name, value in merged.items()}
        if rebatched:
            merged = {name: _sd.squeeze(x, axis=0) if x.ndim == 2 and x.shape[0] == 1 else x
                      for name, x in merged.items()}
        return merged

    # ---- configs and files ------------------------------------------------------------
    def get_config(self):
        return {"features": {name: feature.serialize() for name, feature in self.features.items()},
                "output_mode": self.output_mode, "crosses": [cross.serialize() for cross in self.crosses],
                "crossing_dim": self.crossing_dim, "hashing_dim": self.hashing_dim,
                "num_discretization_bins": self.num_discretization_bins}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_build_config(self):
        return {name: feature.preprocessor.get_build_config() or {} for name, feature in self.features.items()}

    def build_from_config(self, config):
        for name in config:
            preprocessor = self.features[name].preprocessor
            if not preprocessor.built:
                preprocessor.build_from_config(config[name])
        self._is_adapted = True

    def save(self, filepath):
        """Saves the FeatureSpace as a `.keras` file; `keras.models.load_model` reloads it."""
        from ..saving import save_model
        save_model(self, filepath)
