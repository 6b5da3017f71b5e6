"""Fuzz target: `load_model` and `load_weights` on mutated Keras files.

Seeds are the committed fixtures (Tests/python/fixtures/keras/: files from real Keras 3 and
from swiftdl). Each input picks a fixture and one way to damage it:

- a `.keras` archive whose config.json or metadata.json has a value replaced (a huge or
  negative size, a wrong type, NaN, a deep nesting, a missing key) or whose members are
  byte-mutated, truncated, dropped or duplicated; it goes to `load_model` (compile or not),
  and a model that loads must predict on a batch of its fixture's inputs;
- a `.weights.h5` file, byte-mutated, or rewritten through h5py with one dataset replaced by
  an array of another shape or dtype (zero-size, strings, huge declared shapes) or by a
  group; it goes to `model.load_weights` of the fixture's model.

The contract: the documented exceptions (ValueError, TypeError, IndexError, MemoryError,
OSError), never a crash, a SystemError or any other exception.

Run: python Tests/fuzz/fuzz_keras_files.py -max_total_time=60 [corpus_dir]
"""
import copy
import io
import json
import os
import sys
import tempfile
import zipfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _harness import HOSTILE_INTS, Draw, attempt, check, run  # noqa: E402

import h5py  # noqa: E402

from swiftdl import keras  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python", "fixtures", "keras")
# Plain .keras archives only: the protected fixture (swiftdl_protected_cnn.keras) is an
# encrypted, signed container, which test_protect.py and the serving tests exercise.
NAMES = sorted(n[:-len(".keras")] for n in os.listdir(FIXTURES)
               if n.endswith(".keras") and zipfile.is_zipfile(os.path.join(FIXTURES, n)))
WORK = tempfile.mkdtemp(prefix="swiftdl-fuzz-keras-")
_models = {}
_members = {}


def members(name):
    if name not in _members:
        with zipfile.ZipFile(os.path.join(FIXTURES, name + ".keras")) as archive:
            _members[name] = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    return _members[name]


def fixture_model(name):
    if name not in _models:
        _models[name] = keras.models.load_model(os.path.join(FIXTURES, name + ".keras"), compile=False)
    return _models[name]


def fixture_inputs(name):
    with np.load(os.path.join(FIXTURES, name + ".npz")) as data:
        return {k: data[k] for k in data.files}


REPLACEMENTS = [None, True, 0, -1, 1, 2 ** 31, 2 ** 62, 2 ** 63, -(2 ** 63), 10 ** 30, 1.5, float("nan"), float("inf"),
                "", "x", "relu", "float16", "same", "valid", "channels_first", [], [None], [0, 0], [-1, 2], [2 ** 40, 3],
                {}, {"class_name": "Dense", "config": {}}, {"module": "os", "class_name": "system", "config": {}},
                [[[[[[[[[[]]]]]]]]]], "A" * 300]


def _replacement(draw):
    """A fresh copy of one hostile value: a shared list or dict mutated in place later would
    change REPLACEMENTS itself (and could end up containing itself)."""
    return copy.deepcopy(draw.pick(REPLACEMENTS))


def mutate_json(draw, text):
    try:
        value = json.loads(text)
    except ValueError:
        return text[: draw.int(0, len(text))]
    for _ in range(draw.int(1, 3)):
        value = mutate_value(draw, value, depth=0)
    return json.dumps(value, allow_nan=True)


def mutate_value(draw, value, depth):
    """Replaces, deletes or descends into one node."""
    if isinstance(value, dict) and value and depth < 40 and not draw.bool(0.15):
        key = draw.pick(sorted(value, key=str))
        action = draw.int(0, 9)
        if action == 0:
            del value[key]
        elif action == 1:
            value[key] = _replacement(draw)
        else:
            value[key] = mutate_value(draw, value[key], depth + 1)
        return value
    if isinstance(value, list) and value and depth < 40 and not draw.bool(0.15):
        index = draw.int(0, len(value) - 1)
        action = draw.int(0, 9)
        if action == 0:
            del value[index]
        elif action == 1:
            value.append(_replacement(draw))
        else:
            value[index] = mutate_value(draw, value[index], depth + 1)
        return value
    if isinstance(value, int) and not isinstance(value, bool) and draw.bool(0.6):
        return draw.pick([value + 1, value - 1, -value, value * 1000, 0] + HOSTILE_INTS)
    return _replacement(draw)


def mutate_bytes(draw, data):
    data = bytearray(data)
    for _ in range(draw.int(1, 6)):
        if not data:
            break
        action = draw.int(0, 4)
        at = draw.int(0, len(data) - 1)
        if action == 0:
            data[at] ^= 1 << draw.int(0, 7)
        elif action == 1:
            data[at:at + 8] = draw.pick([b"\xff" * 8, b"\x00" * 8, b"\x7f\xff\xff\xff\xff\xff\xff\xff"])
        elif action == 2:
            del data[at:]
        elif action == 3:
            data[at] = draw.int(0, 255)
        else:
            data[at:at] = draw.bytes(draw.int(1, 16))
    return bytes(data)


def archive_bytes(draw, name):
    files = dict(members(name))
    for _ in range(draw.int(1, 2)):
        member = draw.pick(sorted(files) + ["config.json", "config.json"])
        action = draw.int(0, 9)
        if action == 0:
            files.pop(member, None)
        elif action == 1:
            files["assets/" + member] = files.get(member, b"")
        elif member.endswith(".json") and action < 8 and member in files:
            files[member] = mutate_json(draw, files[member].decode("utf-8", "replace")).encode()
        elif member in files:
            files[member] = mutate_bytes(draw, files[member])
    buffer = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if draw.bool(0.3) else zipfile.ZIP_STORED
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for member, data in files.items():
            archive.writestr(member, data)
    data = buffer.getvalue()
    return mutate_bytes(draw, data) if draw.bool(0.1) else data


def rewritten_weights(draw, name, path):
    """The fixture's weights with one dataset replaced by a hostile one (through h5py)."""
    with open(path, "wb") as f:
        f.write(members(name)["model.weights.h5"])
    with h5py.File(path, "r+") as handle:
        datasets = []
        handle.visititems(lambda key, item: datasets.append(key) if isinstance(item, h5py.Dataset) else None)
        if not datasets:
            return
        for _ in range(draw.int(1, 2)):
            key = draw.pick(sorted(datasets))
            if not isinstance(handle.get(key, getlink=True), h5py.HardLink) or not isinstance(handle[key], h5py.Dataset):
                continue  # already replaced by a group or a link
            old = handle[key]
            shape, dtype = old.shape, old.dtype
            del handle[key]
            action = draw.int(0, 7)
            if action in (4, 5) and np.prod(shape, dtype=np.float64) > 1 << 24:
                action = 2  # a dataset declared huge earlier in this input: do not write its values here
            if action == 0:
                handle.create_group(key)
            elif action == 1:
                handle.create_dataset(key, data=np.array([b"ab", b"c"]))
            elif action == 2:
                handle.create_dataset(key, shape=(0,) + tuple(shape), dtype=dtype)
            elif action == 3:
                # Declared huge but never written: chunked, so the file stays small.
                handle.create_dataset(key, shape=(2 ** 31,) + tuple(shape)[1:], dtype=dtype, chunks=True)
            elif action == 4:
                handle.create_dataset(key, data=np.zeros(shape, draw.pick([np.float16, np.int8, np.complex64, np.bool_])))
            elif action == 5:
                handle.create_dataset(key, data=np.full(tuple(reversed(shape)), draw.float(), np.float32))
            elif action == 6:
                handle.create_dataset(key, data=np.float32(draw.float()))
            else:
                handle[key] = h5py.SoftLink("/" + key)  # a link to itself


def one_input(data):
    draw = Draw(data)
    name = draw.pick(NAMES)
    mode = draw.int(0, 3)
    if mode <= 1:
        path = os.path.join(WORK, "model.keras")
        with open(path, "wb") as f:
            f.write(archive_bytes(draw, name))
        model = check(keras.models.load_model, path, compile=draw.bool())
        if model is not None and draw.bool(0.5):
            inputs = fixture_inputs(name).get("x")
            if inputs is not None:
                check(model.predict, inputs[:2], verbose=0)
        return
    path = os.path.join(WORK, "model.weights.h5")
    if mode == 2:
        with open(path, "wb") as f:
            f.write(mutate_bytes(draw, members(name)["model.weights.h5"]))
    else:
        rewritten_weights(draw, name, path)
    model = fixture_model(name)
    before = [np.array(w) for w in model.get_weights()]
    loaded, _ = attempt(model.load_weights, path)
    if not loaded:
        # A refused file must leave the model as it was (the loader reads everything first).
        after = model.get_weights()
        if not all(np.array_equal(a, b, equal_nan=True) for a, b in zip(before, after)):
            _models.pop(name)
            raise AssertionError("a refused weights file changed the model")
    else:
        _models.pop(name)


SEEDS = [bytes([i, m]) + bytes(32) for i in range(len(NAMES)) for m in range(4)]

if __name__ == "__main__":
    run(one_input, SEEDS)
