"""Regression tests for what the fuzz harness (Tests/fuzz/, scripts/fuzz.sh) found: each
input that broke the contract (only ValueError, TypeError, IndexError, MemoryError or
OSError; never a crash, a SystemError or another exception) is replayed here."""
import h5py
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import _C, keras
from swiftdl.keras import layers


def test_optimizer_options_that_are_not_a_tuple_are_a_type_error():
    # Was a SystemError: PyArg_ParseTuple ran on the options list itself (fuzz_c_api).
    variable, gradient = sd.Variable(np.ones(3, np.float32)), sd.asarray(np.ones(3, np.float32))
    for options in ([0.1, 0.0, 0.0, 0.0, 0.0], None, 0.1, "adam"):
        with pytest.raises(TypeError, match="options must be a tuple"):
            _C.optimizer_sgd(options, [variable], [gradient], None, 0.0, False)
    np.testing.assert_array_equal(np.asarray(variable), np.ones(3, np.float32))


def test_zero_stride_view_with_more_bytes_than_int64_is_refused():
    # Was accepted: every element is the same one, inside the storage, but numpy cannot
    # view (1, 2**62, 1) int64 ("array is too big") (fuzz_c_api).
    base = sd.asarray(np.arange(3, dtype=np.int64))
    with pytest.raises(MemoryError):
        _C.view(base, 0, [1, 2 ** 62, 1], [4, 0, 0])
    wide = _C.view(base, 0, [1, 2 ** 40, 1], [4, 0, 0])  # 2**43 bytes: numpy views it
    assert np.asarray(wide).shape == (1, 2 ** 40, 1)


def _small_model():
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2)])
    model.build((None, 3))
    return model


@pytest.mark.parametrize("damage", ["self link", "dangling link"])
def test_weights_file_with_a_broken_link_is_a_value_error(tmp_path, damage):
    # Was a RuntimeError / KeyError from h5py ("too many links") (fuzz_keras_files).
    model = _small_model()
    path = str(tmp_path / "m.weights.h5")
    model.save_weights(path)
    with h5py.File(path, "r+") as handle:
        datasets = []
        handle.visititems(lambda key, item: datasets.append(key) if isinstance(item, h5py.Dataset) else None)
        key = datasets[0]
        del handle[key]
        handle[key] = h5py.SoftLink("/" + key if damage == "self link" else "/nowhere")
    before = model.get_weights()
    with pytest.raises(ValueError, match="could not be read|should be a dataset"):
        model.load_weights(path)
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)


def test_an_empty_draw_with_a_huge_size_is_refused():
    """Fuzz finding (c_api, seed 1): random_normal([2**62, 0, 0]) made an empty float32 tensor
    that numpy cannot view; the draws now check numpy's byte-size rule, and every tensor
    handed to Python is checked for it."""
    with pytest.raises(MemoryError):
        _C.random_normal([2 ** 62, 0, 0], 0.0, 0.0, 0)
    with pytest.raises(MemoryError):
        _C.random_uniform_seeded([0, 2 ** 62], 0.0, 1.0, 1, 3, 0)
    with pytest.raises(MemoryError):
        sd.broadcast_to(sd.zeros((0, 1), dtype="float64"), (0, 2 ** 61))
    assert np.asarray(_C.random_normal([2 ** 40, 0], 0.0, 1.0, 0)).shape == (2 ** 40, 0)


@pytest.mark.parametrize("missing", ["input_layers", "output_layers", "layers"])
def test_a_functional_config_missing_an_entry_is_a_value_error(tmp_path, missing):
    """Fuzz finding (keras_files, seed 1): a .keras file whose functional config lacked
    'input_layers' raised KeyError from load_model."""
    import json
    import zipfile
    x = keras.Input((3,))
    keras.Model(x, layers.Dense(2)(x)).save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(files["config.json"])
    del config["config"][missing]
    files["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(tmp_path / "bad.keras", "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    with pytest.raises(ValueError, match=missing):
        keras.models.load_model(tmp_path / "bad.keras")


def test_a_keras_file_with_a_broken_deflate_stream_is_a_value_error(tmp_path):
    # Was zlib.error ("invalid distance too far back") out of load_model: a byte-mutated
    # config.json compressed with deflate (fuzz_keras_files, the 10-minute run).
    import zipfile
    import zlib
    source = tmp_path / "model.keras"
    _small_model().save(source)
    with zipfile.ZipFile(source) as archive:
        members = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    damaged = tmp_path / "damaged.keras"
    with zipfile.ZipFile(damaged, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    raw = bytearray(damaged.read_bytes())
    with zipfile.ZipFile(damaged) as archive:
        info = archive.getinfo("config.json")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    compressed = bytes(raw[start:start + info.compress_size])
    for position in range(2, len(compressed)):  # the first damage that zlib itself rejects
        mutated = bytearray(compressed)
        mutated[position] ^= 0xFF
        try:
            zlib.decompress(bytes(mutated), -15)
        except zlib.error:
            raw[start:start + info.compress_size] = mutated
            break
    else:
        pytest.fail("no single-byte damage broke the deflate stream")
    damaged.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="could not read 'config.json'"):
        keras.models.load_model(damaged)


@pytest.mark.parametrize("inputs, error", [({"a": None}, TypeError), ([None], TypeError),
                                           ({"text": "a string"}, ValueError)])
def test_a_layer_called_on_something_without_a_shape_is_refused_clearly(inputs, error):
    # Was AttributeError ("'str' object has no attribute 'shape'") out of load_model: a
    # functional config whose node arguments were mutated into a string (fuzz_keras_files,
    # the 10-minute run).
    with pytest.raises(error):
        layers.Dense(2)(inputs)


@pytest.mark.parametrize("config", [{"class_name": 3, "config": {}}, {"config": {}}, ["adam"]])
def test_an_optimizer_config_without_a_class_name_string_is_a_value_error(config):
    # Was AttributeError ("'int' object has no attribute 'lower'") out of load_model, from a
    # compile_config whose optimizer class_name was mutated (fuzz_keras_files, 10-minute run).
    from swiftdl import optimizers
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier"):
        optimizers.deserialize(config)


def test_a_keras_file_needing_a_newer_zip_version_is_a_value_error(tmp_path):
    # Was NotImplementedError ("zip file version 25.5") out of load_model: a mutated
    # "version needed to extract" field (fuzz_keras_files, the 10-minute run).
    source = tmp_path / "model.keras"
    _small_model().save(source)
    raw = bytearray(source.read_bytes())
    central = raw.rfind(b"PK\x01\x02")  # the last central directory entry
    raw[central + 6] = 255  # version needed to extract: 25.5
    damaged = tmp_path / "damaged.keras"
    damaged.write_bytes(bytes(raw))
    with pytest.raises(ValueError):
        keras.models.load_model(damaged)
