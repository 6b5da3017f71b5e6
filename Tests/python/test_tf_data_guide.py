"""TensorFlow's guide "tf.data: Build TensorFlow input pipelines", section by section, with
`import swiftdl as tf` (fixtures/tf_data_guide/guide_cases.py holds the guide's code;
TensorFlow 2.21's answers are recorded beside it)."""
import json
import os
import sys

import pytest

import swiftdl as tf

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "tf_data_guide")
sys.path.insert(0, HERE)
from guide_cases import CASES  # noqa: E402

sys.path.remove(HERE)
with open(os.path.join(HERE, "tf_data_guide.json")) as f:
    EXPECTED = json.load(f)["results"]
# The one deliberate difference: swiftdl.data stores float64 data as float32 (Keras's floatx;
# TensorFlow keeps float64 and Keras casts at the model), so a float64 array's slices are
# float32 here. Everything else must equal TensorFlow's answers.
EXPECTED["numpy_arrays"] = dict(EXPECTED["numpy_arrays"], dtype="float32")


@pytest.mark.parametrize("name", sorted(CASES))
def test_guide_section_matches_tensorflow(name, tmp_path):
    tf.random.set_seed(0)
    if name == "text_lines":
        lines = tmp_path / "lines.txt"
        lines.write_text("header\n# a comment\nfirst line\nsecond line\n# another\nthird\n")
        result = CASES[name](tf, str(lines))
    elif name == "checkpointing_iterators":
        result = CASES[name](tf, str(tmp_path / "ckpt"))
    else:
        result = CASES[name](tf)
    assert json.loads(json.dumps(result)) == EXPECTED[name]
