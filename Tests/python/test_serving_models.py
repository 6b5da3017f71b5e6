"""The model server end to end on real models: the document's CNN trained on MNIST, saved
encrypted and signed, served only when its signature verifies; a two-input, two-output
model in both of TF Serving's body forms; versions that must be refused."""
import base64
import concurrent.futures
import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
pytest.importorskip("cryptography")
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from serving_testing import call, start_server, stop_server  # noqa: E402
from swiftdl import keras  # noqa: E402
from swiftdl.keras import layers  # noqa: E402

KEY = bytes(range(1, 33))


def _document_cnn():
    model = keras.models.Sequential()
    model.add(layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)))
    model.add(layers.MaxPooling2D((2, 2)))
    model.add(layers.Conv2D(64, (3, 3), activation="relu"))
    model.add(layers.MaxPooling2D((2, 2)))
    model.add(layers.Conv2D(64, (3, 3), activation="relu"))
    model.add(layers.Flatten())
    model.add(layers.Dense(64, activation="relu"))
    model.add(layers.Dense(10, activation="softmax"))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _wait_for(predicate, what, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting until {what}")


@pytest.fixture(scope="module")
def cnn_server(tmp_path_factory, shared_data):
    (x_train, y_train), (x_test, _) = keras.datasets.mnist.load_data(path=os.path.join(shared_data, "mnist"))
    keras.utils.set_random_seed(3)
    model = _document_cnn()
    model.fit(x_train[:2000, ..., None] / 255.0, y_train[:2000], epochs=1, batch_size=64, verbose=0)
    signer = Ed25519PrivateKey.generate()
    base = tmp_path_factory.mktemp("cnn")
    (base / "1").mkdir()
    model.save(str(base / "1" / "cnn.keras"), encryption_key=KEY, signing_key=signer)
    key_file, verify_file = base.parent / "cnn.key", base.parent / "cnn.pub"
    key_file.write_bytes(base64.b64encode(KEY))
    os.chmod(key_file, 0o600)
    verify_file.write_bytes(signer.public_key().public_bytes(serialization.Encoding.PEM,
                                                             serialization.PublicFormat.SubjectPublicKeyInfo))
    process, url = start_server("cnn", base, "--model_key_file", str(key_file), "--model_verify_key_file",
                                str(verify_file), "--file_system_poll_wait_seconds", "0.2")
    yield url, base, model, x_test[:16, ..., None] / 255.0, signer
    stop_server(process)


def test_the_document_cnn_is_served_as_tf_serving_answers(cnn_server):
    url, _, model, images, _ = cnn_server
    expected = model.predict(images, verbose=0)
    status, body = call(url + "/v1/models/cnn:predict", {"instances": images.tolist()})
    assert status == 200 and list(json.loads(body)) == ["predictions"]
    np.testing.assert_allclose(json.loads(body)["predictions"], expected, rtol=1e-5, atol=1e-6)
    status, body = call(url + "/v1/models/cnn:predict", {"signature_name": "serving_default",
                                                         "inputs": images[:3].tolist()})
    assert status == 200
    np.testing.assert_allclose(json.loads(body)["outputs"], expected[:3], rtol=1e-5, atol=1e-6)
    metadata = json.loads(call(url + "/v1/models/cnn/metadata")[1])
    signature = metadata["metadata"]["signature_def"]["signature_def"]["serving_default"]
    (spec,) = signature["inputs"].values()
    assert spec["dtype"] == "DT_FLOAT" and [d["size"] for d in spec["tensor_shape"]["dim"]] == ["-1", "28", "28", "1"]
    assert [d["size"] for d in signature["outputs"]["output_0"]["tensor_shape"]["dim"]] == ["-1", "10"]
    assert metadata["model_spec"] == {"name": "cnn", "signature_name": "", "version": "1"}


def test_a_tampered_or_foreign_version_is_refused_and_the_served_one_keeps_serving(cnn_server):
    url, base, model, images, signer = cnn_server
    expected = model.predict(images[:2], verbose=0)
    damaged = bytearray((base / "1" / "cnn.keras").read_bytes())
    damaged[len(damaged) // 2] ^= 0x01
    (base / "2").mkdir()
    (base / "2" / "cnn.keras").write_bytes(bytes(damaged))

    def status_of(version):
        entries = json.loads(call(url + "/v1/models/cnn")[1])["model_version_status"]
        return {entry["version"]: entry for entry in entries}.get(str(version))

    _wait_for(lambda: status_of(2) is not None, "version 2 was tried")
    assert status_of(2)["state"] == "END" and "signature" in status_of(2)["status"]["error_message"]
    (base / "3").mkdir()
    keras.utils.set_random_seed(4)
    _document_cnn().save(str(base / "3" / "cnn.keras"), encryption_key=KEY, signing_key=Ed25519PrivateKey.generate())
    _wait_for(lambda: status_of(3) is not None, "version 3 was tried")
    assert status_of(3)["state"] == "END" and "verify_key" in status_of(3)["status"]["error_message"]
    assert status_of(1)["state"] == "AVAILABLE"
    status, body = call(url + "/v1/models/cnn:predict", {"instances": images[:2].tolist()})
    assert status == 200
    np.testing.assert_allclose(json.loads(body)["predictions"], expected, rtol=1e-5, atol=1e-6)
    # A version signed by the right key replaces version 1, which is unloaded.
    keras.utils.set_random_seed(5)
    replacement = _document_cnn()
    (base / "staging").mkdir()
    replacement.save(str(base / "staging" / "cnn.keras"), encryption_key=KEY, signing_key=signer)
    os.rename(base / "staging", base / "4")
    _wait_for(lambda: (status_of(4) or {}).get("state") == "AVAILABLE", "version 4 is served")
    status, body = call(url + "/v1/models/cnn:predict", {"instances": images[:2].tolist()})
    np.testing.assert_allclose(json.loads(body)["predictions"], replacement.predict(images[:2], verbose=0),
                               rtol=1e-5, atol=1e-6)
    assert status_of(1) is None and call(url + "/v1/models/cnn/versions/1:predict",
                                         {"instances": images[:2].tolist()})[0] == 404


def _two_headed_model():
    keras.utils.set_random_seed(7)
    features = keras.Input((4,), name="features")
    tokens = keras.Input((3,), name="tokens", dtype="int32")
    embedded = layers.Flatten()(layers.Embedding(20, 2)(tokens))
    joined = layers.Concatenate()([features, embedded])
    return keras.Model([features, tokens], {"score": layers.Dense(1, name="score")(joined),
                                            "probs": layers.Dense(3, activation="softmax", name="probs")(joined)})


@pytest.fixture(scope="module")
def two_headed_server(tmp_path_factory):
    model = _two_headed_model()
    base = tmp_path_factory.mktemp("two_headed")
    (base / "7").mkdir()
    model.save(str(base / "7" / "model.keras"))
    process, url = start_server("two", base, "--batch_timeout_micros", "5000")
    features = np.linspace(-1, 1, 24, dtype="float32").reshape(6, 4)
    tokens = (np.arange(18).reshape(6, 3) % 20).astype("int32")
    yield url, model.predict([features, tokens], verbose=0), features, tokens
    stop_server(process)


def test_named_inputs_and_outputs_in_both_body_forms(two_headed_server):
    url, expected, features, tokens = two_headed_server
    instances = [{"features": f.tolist(), "tokens": t.tolist()} for f, t in zip(features, tokens)]
    status, body = call(url + "/v1/models/two:predict", {"instances": instances})
    assert status == 200
    predictions = json.loads(body)["predictions"]
    assert [sorted(row) for row in predictions] == [["probs", "score"]] * 6
    for name in ("probs", "score"):
        np.testing.assert_allclose([row[name] for row in predictions], expected[name], rtol=1e-5, atol=1e-6)
    status, body = call(url + "/v1/models/two/versions/7:predict",
                        {"inputs": {"tokens": tokens.tolist(), "features": features.tolist()}})
    outputs = json.loads(body)["outputs"]
    assert status == 200 and sorted(outputs) == ["probs", "score"]
    for name in ("probs", "score"):
        np.testing.assert_allclose(outputs[name], expected[name], rtol=1e-5, atol=1e-6)
    signature = json.loads(call(url + "/v1/models/two/metadata")[1])["metadata"]["signature_def"]["signature_def"]
    specs = signature["serving_default"]
    assert {n: s["dtype"] for n, s in specs["inputs"].items()} == {"features": "DT_FLOAT", "tokens": "DT_INT32"}
    assert sorted(specs["outputs"]) == ["probs", "score"]


def test_concurrent_two_input_requests_are_batched_and_answered_each_with_its_own_rows(two_headed_server):
    url, expected, features, tokens = two_headed_server

    def one(i):
        return call(url + "/v1/models/two:predict",
                    {"inputs": {"features": features[i:i + 1].tolist(), "tokens": tokens[i:i + 1].tolist()}})
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(one, [i % 6 for i in range(36)]))
    for i, (status, body) in enumerate(results):
        assert status == 200
        np.testing.assert_allclose(json.loads(body)["outputs"]["probs"], expected["probs"][i % 6:i % 6 + 1],
                                   rtol=1e-5, atol=1e-6)
    metrics = call(url + "/monitoring/prometheus/metrics")[1].decode()
    batches = int(metrics.split('swiftdl_serving_batch_examples_count ')[1].split()[0])
    assert batches < 36  # at least two requests shared a predict


@pytest.mark.parametrize("body, message", [
    ({"instances": [[0.0] * 4]}, "keyed by input name"),
    ({"instances": [{"features": [0.0] * 4}]}, "inputs are named"),
    ({"inputs": {"features": [[0.0] * 4], "tokens": [[1.5, 2, 3]]}}, "int32"),
    ({"inputs": {"features": [[0.0] * 4], "tokens": [[1, 2, 3], [1, 2, 3]]}}, "different numbers"),
    ({"inputs": {"features": [[0.0] * 5], "tokens": [[1, 2, 3]]}}, "'features' has shape [1, 5]"),
    ({"inputs": [[0.0] * 4]}, "keyed by input name"),
])
def test_bad_multi_input_requests_get_400_with_what_was_wrong(two_headed_server, body, message):
    url = two_headed_server[0]
    status, payload = call(url + "/v1/models/two:predict", body)
    assert status == 400 and message in json.loads(payload)["error"]
    assert call(url + "/v1/models/two/versions/6:predict", {"inputs": [[0.0] * 4]})[0] == 404


def test_a_server_whose_only_model_cannot_be_loaded_does_not_start(tmp_path):
    (tmp_path / "1").mkdir()
    (tmp_path / "1" / "model.keras").write_bytes(b"not a zip file")
    result = subprocess.run([sys.executable, "-m", "swiftdl.serving", "--model_name", "m", "--model_base_path",
                             str(tmp_path), "--rest_api_port", "1"], capture_output=True, text=True, timeout=120,
                            env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert result.returncode != 0 and "Failed to start server" in result.stderr and "version 1" in result.stderr
