"""The TF Serving-compatible REST server, started for real on a loopback port in a
subprocess and spoken to over HTTP; predictions are compared with `model.predict`."""
import base64
import json
import os
import time

import numpy as np
import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
pytest.importorskip("cryptography")
from serving_testing import call, start_server, stop_server  # noqa: E402
from swiftdl import keras  # noqa: E402

KEY = bytes(range(32))
X = np.linspace(-1, 1, 20, dtype="float32").reshape(5, 4)


def _model(seed):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="tanh"), keras.layers.Dense(2)])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    base = tmp_path_factory.mktemp("models")
    first = _model(1)
    (base / "1").mkdir()
    first.save(str(base / "1" / "model.keras"), encryption_key=KEY)
    key_file = base.parent / "serving.key"
    key_file.write_bytes(base64.b64encode(KEY))
    os.chmod(key_file, 0o600)
    process, url = start_server("cnn", base, "--model_key_file", str(key_file), "--max_body_bytes", "100000",
                                "--file_system_poll_wait_seconds", "0.2")
    yield url, base, first, process
    stop_server(process)


def test_predict_row_and_columnar_formats_match_model_predict(server):
    url, _, model, _ = server
    expected = model.predict(X, verbose=0)
    status, body = call(url + "/v1/models/cnn:predict", {"instances": X.tolist()})
    assert status == 200
    np.testing.assert_allclose(json.loads(body)["predictions"], expected, rtol=1e-5, atol=1e-6)
    status, body = call(url + "/v1/models/cnn/versions/1:predict", {"inputs": X.tolist()})
    assert status == 200
    np.testing.assert_allclose(json.loads(body)["outputs"], expected, rtol=1e-5, atol=1e-6)


def test_status_and_metadata(server):
    url = server[0]
    status, body = call(url + "/v1/models/cnn")
    assert status == 200 and json.loads(body)["model_version_status"][0]["state"] == "AVAILABLE"
    status, body = call(url + "/v1/models/cnn/metadata")
    signature = json.loads(body)["metadata"]["signature_def"]["signature_def"]["serving_default"]
    assert status == 200 and signature["method_name"] == "tensorflow/serving/predict"
    (spec,) = signature["inputs"].values()
    assert [d["size"] for d in spec["tensor_shape"]["dim"]] == ["-1", "4"]


@pytest.mark.parametrize("body, code", [
    (b"{not json", 400), ({"instances": [[1, 2, 3]]}, 400), ({"instances": [[1, 2], [1]]}, 400),
    ({"instances": [["a", "b", "c", "d"]]}, 400), ({"neither": 1}, 400), ([1, 2], 400),
    ({"instances": []}, 400), (b"x" * 200000, 413)])
def test_bad_requests_get_json_errors_and_the_server_lives(server, body, code):
    url = server[0]
    status, payload = call(url + "/v1/models/cnn:predict", body)
    assert status == code and "error" in json.loads(payload)
    assert call(url + "/v1/models/other:predict", {"instances": X.tolist()})[0] == 404
    assert call(url + "/v1/models/cnn/versions/9:predict", {"instances": X.tolist()})[0] == 404
    assert call(url + "/v1/models/cnn:predict", {"instances": X.tolist()})[0] == 200


def test_concurrent_requests_are_batched_correctly(server):
    import concurrent.futures
    url, _, model, _ = server
    expected = model.predict(X, verbose=0)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda i: call(url + "/v1/models/cnn:predict", {"instances": X[i:i + 1].tolist()}),
                                [i % 5 for i in range(40)]))
    for i, (status, body) in enumerate(results):
        assert status == 200
        np.testing.assert_allclose(json.loads(body)["predictions"], expected[i % 5:i % 5 + 1], rtol=1e-5, atol=1e-6)


def test_metrics_then_new_version_is_picked_up_without_restart(server):
    url, base, _, _ = server
    status, body = call(url + "/monitoring/prometheus/metrics")
    assert status == 200 and b'swiftdl_serving_requests_total{endpoint="predict",status="200"}' in body
    assert b'swiftdl_serving_errors_total{endpoint="predict",status="400"}' in body
    assert b'swiftdl_serving_batch_examples_bucket{le="+Inf"}' in body
    second = _model(2)
    (base / "staging").mkdir()  # published by renaming the whole folder, as with TF Serving
    second.save(str(base / "staging" / "model.keras"), encryption_key=KEY)
    os.rename(base / "staging", base / "2")
    expected = second.predict(X, verbose=0)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        status, body = call(url + "/v1/models/cnn:predict", {"instances": X.tolist()})
        if status == 200 and np.allclose(json.loads(body)["predictions"], expected, rtol=1e-5, atol=1e-6):
            break
        time.sleep(0.2)
    else:
        pytest.fail("version 2 was not picked up")
    assert json.loads(call(url + "/v1/models/cnn")[1])["model_version_status"][0]["version"] == "2"
    # TF Serving's default policy serves the latest version only: version 1 is unloaded.
    status, body = call(url + "/v1/models/cnn/versions/1:predict", {"instances": X.tolist()})
    assert status == 404 and json.loads(body)["error"] == "Servable not found for request: Specific(cnn, 1)"
