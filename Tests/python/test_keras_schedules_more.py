"""PolynomialDecay, InverseTimeDecay and CosineDecayRestarts against real Keras 3.15.1 values
(fixtures/keras_optimizers/keras_schedules.json, with its generator), configs and bad input."""
import json
import os

import numpy as np
import pytest

from swiftdl.keras.optimizers import SGD, schedules

with open(os.path.join(os.path.dirname(__file__), "fixtures", "keras_optimizers", "keras_schedules.json")) as _handle:
    CASES = json.load(_handle)


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case['class_name']}-{sorted(case['config'].items())}")
def test_values_and_config_match_keras(case):
    schedule = getattr(schedules, case["class_name"])(**case["config"])
    values = [float(schedule(step)) for step in case["steps"]]
    np.testing.assert_allclose(values, case["values"], rtol=1e-6)  # float32 results
    assert schedule.get_config() == case["full_config"]
    clone = schedules.deserialize(schedules.serialize(schedule))
    assert type(clone) is type(schedule) and clone.get_config() == schedule.get_config()


def test_optimizer_uses_and_serializes_the_schedule():
    optimizer = SGD(learning_rate=schedules.InverseTimeDecay(0.1, 10, 0.5))
    assert optimizer.get_config()["learning_rate"]["class_name"] == "InverseTimeDecay"
    assert type(SGD.from_config(optimizer.get_config())._learning_rate) is schedules.InverseTimeDecay


@pytest.mark.parametrize("cls, args", [(schedules.PolynomialDecay, (0.1, 0)), (schedules.InverseTimeDecay, (0.1, -1, 0.5)),
                                       (schedules.CosineDecayRestarts, (0.1, 0))])
def test_nonpositive_decay_steps_rejected(cls, args):
    with pytest.raises(ValueError, match="decay_steps"):
        cls(*args)
