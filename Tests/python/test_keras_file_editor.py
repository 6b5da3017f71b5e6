"""keras.saving.KerasFileEditor on files real Keras 3.15 wrote (fixtures/keras_file_editor/)
and on swiftdl's own: the weights it reads, compare, the edits, and edited files loading
into a changed model."""
import json
import os
import sys

import numpy as np
import pytest

from swiftdl import keras

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "keras_file_editor")
sys.path.insert(0, HERE)
from make_keras_file_editor_fixture import build, flatten  # noqa: E402

sys.path.remove(HERE)
with open(os.path.join(HERE, "keras_file_editor.json")) as f:
    KERAS = json.load(f)
LSTM_CELL = {"layers/lstm/cell/0": [3, 16], "layers/lstm/cell/1": [4, 16], "layers/lstm/cell/2": [16]}


@pytest.mark.parametrize("name", ["model.keras", "model.weights.h5"])
def test_reads_what_keras_reads_plus_the_lstm_cell(name):
    editor = keras.saving.KerasFileEditor(os.path.join(HERE, name))
    # Keras's own editor skips the LSTM, whose weights sit in its `cell` subgroup.
    assert flatten(editor.weights_dict) == {**KERAS[name], **LSTM_CELL}
    if name == "model.keras":
        assert editor.config["class_name"] == "Functional" and editor.metadata["keras_version"] == "3.15.1"


def test_compare_with_the_same_and_a_changed_architecture(capsys):
    editor = keras.saving.KerasFileEditor(os.path.join(HERE, "model.weights.h5"))
    trained = build(keras)
    trained.optimizer.build(trained.trainable_variables)
    assert editor.compare(trained) == {"status": "success", "error_count": 0, "match_count": 25}
    changed = build(keras, extra_layer=True)
    changed.optimizer.build(changed.trainable_variables)
    report = editor.compare(changed)
    assert report["status"] == "error" and report["error_count"] > 0
    assert "Object /layers/dense_1 present in reference model, missing from saved file" in capsys.readouterr().out


def test_edits_adapt_a_file_to_a_changed_model(tmp_path):
    editor = keras.saving.KerasFileEditor(os.path.join(HERE, "model.weights.h5"))
    head = {key: np.array(value) for key, value in editor.weights_dict["layers"]["dense"].items()}
    editor.delete_object("optimizer")
    editor.rename_object("layers/dense", "dense_1")   # the head moves one Dense along
    extra = {"0": np.eye(4, dtype="float32"), "1": np.zeros(4, "float32")}
    editor.add_object("layers/dense", extra)
    path = str(tmp_path / "edited.weights.h5")
    editor.save(path)
    changed = build(keras, extra_layer=True)
    changed.load_weights(path)
    np.testing.assert_array_equal(changed.get_layer("head").get_weights()[0], head["0"])
    np.testing.assert_array_equal(changed.get_layer("extra").get_weights()[0], extra["0"])
    again = keras.saving.KerasFileEditor(path)
    assert flatten(again.weights_dict) == flatten(editor.weights_dict)


def test_weight_level_edits_and_errors(tmp_path, capsys):
    editor = keras.saving.KerasFileEditor(os.path.join(HERE, "model.weights.h5"))
    editor.delete_weight("layers/dense", "1")
    editor.add_weights("layers/dense", {"1": np.ones(2, "float32")})
    np.testing.assert_array_equal(editor.weights_dict["layers"]["dense"]["1"], np.ones(2))
    with pytest.raises(ValueError, match="not found"):
        editor.delete_weight("layers/dense", "7")
    with pytest.raises(ValueError, match="more than once"):
        editor.delete_object("cell")  # only the LSTM has one, but "0" occurs in every object
        editor.delete_object("0")
    with pytest.raises(ValueError, match="does not appear"):
        editor.rename_object("nothing_here", "x")
    with pytest.raises(ValueError, match="leaf name"):
        editor.rename_object("layers/dense", "a/b")
    with pytest.raises(ValueError, match="not found"):
        editor.add_object("nowhere/dense", {"0": np.ones(1)})
    with pytest.raises(ValueError, match="should be a dict"):
        editor.add_weights("layers/dense", [np.ones(1)])
    with pytest.raises(ValueError, match=".weights.h5"):
        editor.save(str(tmp_path / "edited.h5"))
    with pytest.raises(ValueError, match="expected a `.keras` `.weights.h5` extension"):
        keras.saving.KerasFileEditor(str(tmp_path / "model.h5"))
    editor.summary()
    out = capsys.readouterr().out
    assert "├─ layers" in out and "0: shape=(4, 2), dtype=float32" in out


def test_swiftdl_files_read_back_whole(tmp_path):
    model = build(keras)
    model.fit(np.ones((4, 5, 3), "float32"), np.ones((4, 2), "float32"), verbose=0)
    path = str(tmp_path / "ours.keras")
    model.save(path)
    editor = keras.saving.KerasFileEditor(path)
    assert flatten(editor.weights_dict) == {**KERAS["model.keras"], **LSTM_CELL}
