"""swiftdl.keras.ops against outputs of real Keras 3.15.1 (JAX backend) for the calls in
fixtures/keras_ops/cases.py: values within float32 tolerances and the same result dtypes.
Regenerate the fixture with fixtures/keras_ops/make_keras_ops_fixtures.py."""
import importlib.util
import os

import numpy as np
import pytest

from swiftdl.keras import ops

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "keras_ops")
# By path under its own name: fixtures/tf_sparse_ragged has a cases.py too.
_SPEC = importlib.util.spec_from_file_location("keras_ops_cases", os.path.join(HERE, "cases.py"))
_CASES_MODULE = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(_CASES_MODULE)
CASES = _CASES_MODULE.CASES

FIXTURE = dict(np.load(os.path.join(HERE, "keras_ops.npz")))
INPUTS = {key[3:]: value for key, value in FIXTURE.items() if key.startswith("in_")}

# Where swiftdl's dtype differs from Keras's on purpose.
DTYPE_DIFFERENCES = {
    "sum_u8": "Keras gives uint32, which the engine does not hold; swiftdl sums uint8 in int32",
}

# Where Keras 3.15's values are wrong and swiftdl's are not: its sparsemax sums every
# supported running sum into tau, so its rows do not sum to 1.
VALUE_DIFFERENCES = {"sparsemax"}

# Eigenvectors are defined up to sign: compare |v| (the values are compared as they are).
SIGN_FREE = {"eigh_values"}

# Looser bounds where the two compute in different orders (float32 throughout).
TOLERANCES = {"solve": 2e-5, "inv": 2e-5, "det": 2e-5, "qr": 2e-5, "stft": 2e-5, "rfft": 2e-5, "power": 2e-5,
              "conv_same": 2e-5, "conv_strided": 2e-5, "conv1d": 2e-5, "depthwise_conv": 2e-5,
              "dot_product_attention": 2e-5, "dot_product_attention_causal": 2e-5, "einsum": 2e-5,
              "tensordot": 2e-5, "matmul": 2e-5, "resize_bicubic_antialias": 2e-5, "solve_triangular": 2e-5,
              "cholesky": 2e-5, "eigh_values": 2e-5, "pinv": 2e-5, "svd_values": 2e-5}


def _resolve(value):
    if isinstance(value, str) and value.startswith("$"):
        return INPUTS[value[1:]]
    if isinstance(value, list) and any(isinstance(v, str) and v.startswith("$") for v in value):
        return [_resolve(v) for v in value]
    return value


def test_fixture_is_from_keras_3_15():
    assert str(FIXTURE["keras_version"]).startswith("3.15")
    assert len(CASES) >= 100


@pytest.mark.parametrize("name, path, args, kwargs", CASES, ids=[case[0] for case in CASES])
def test_matches_keras(name, path, args, kwargs):
    function = ops
    for part in path.split("."):
        function = getattr(function, part)
    result = function(*[_resolve(a) for a in args], **{k: _resolve(v) for k, v in kwargs.items()})
    count = int(FIXTURE[f"count_{name}"])
    parts = list(result) if count else [result]
    assert len(parts) == max(count, 1)
    tolerance = TOLERANCES.get(name, 1e-5)
    if name in VALUE_DIFFERENCES:
        assert not np.allclose(FIXTURE[f"out_{name}_0"].sum(-1), 1.0)
        np.testing.assert_allclose(np.asarray(parts[0]).sum(-1), 1.0, rtol=1e-6)
        return
    for i, part in enumerate(parts):
        expected = FIXTURE[f"out_{name}_{i}"]
        actual = np.asarray(part)
        if name in SIGN_FREE and i == 1:
            expected, actual = np.abs(expected), np.abs(actual)
        assert actual.shape == expected.shape, f"{name}[{i}] shape"
        np.testing.assert_allclose(actual.astype(np.float64), expected.astype(np.float64), rtol=tolerance,
                                   atol=tolerance, err_msg=f"{name}[{i}]")
        if name not in DTYPE_DIFFERENCES:
            assert ops.dtype(part) == str(FIXTURE[f"dtype_{name}_{i}"]), f"{name}[{i}] dtype"
