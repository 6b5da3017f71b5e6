"""tf.RaggedTensor and tf.ragged against TensorFlow 2.21's results (fixtures/tf_sparse_ragged/,
the calls in cases.py), its errors for bad row partitions, and the dense path untouched."""
import pytest
from tf_composite_testing import assert_matches, cases, describe, environment, expected_error, load


FIXTURE = load("ragged")
ENV = environment()


@pytest.mark.parametrize("name", sorted(cases.RAGGED))
def test_matches_tensorflow(name):
    assert_matches(describe(eval(cases.RAGGED[name], dict(ENV))), FIXTURE["results"][name], name)  # noqa: S307


@pytest.mark.parametrize("name", sorted(cases.RAGGED_ERRORS))
def test_errors_match_tensorflow(name):
    with pytest.raises(expected_error(FIXTURE["errors"][name])):
        eval(cases.RAGGED_ERRORS[name], dict(ENV))  # noqa: S307


def test_every_case_has_a_recorded_result():
    assert set(FIXTURE["results"]) == set(cases.RAGGED) and set(FIXTURE["errors"]) == set(cases.RAGGED_ERRORS)
