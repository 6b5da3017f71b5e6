"""keras.callbacks.RemoteMonitor: each epoch's logs reach a local HTTP server as Keras sends
them (a form field holding JSON, or a JSON body), with the caller's headers; an unreachable
server is a warning, not an error."""
import http.server
import json
import threading
import urllib.parse

import numpy as np
import pytest

from swiftdl import keras


class _Recorder(http.server.BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802  (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self.received.append((self.path, dict(self.headers), body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Recorder.received = []
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", _Recorder.received
    httpd.shutdown()
    httpd.server_close()


def _fit(callback):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse", metrics=["mae"])
    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    return model.fit(x, x[:, :1], epochs=2, batch_size=8, verbose=0, callbacks=[callback])


def test_each_epoch_is_posted_as_a_form_field_holding_json(server):
    root, received = server
    history = _fit(keras.callbacks.RemoteMonitor(root=root, headers={"X-Run": "7"}))
    assert [path for path, _, _ in received] == ["/publish/epoch/end/"] * 2
    for epoch, (_, headers, body) in enumerate(received):
        assert headers["Content-Type"] == "application/x-www-form-urlencoded" and headers["X-Run"] == "7"
        sent = json.loads(urllib.parse.parse_qs(body)["data"][0])
        assert sent["epoch"] == epoch
        assert sent["loss"] == pytest.approx(history.history["loss"][epoch])
        assert sent["mae"] == pytest.approx(history.history["mae"][epoch])


def test_send_as_json_posts_a_json_body_to_the_given_path(server):
    root, received = server
    _fit(keras.callbacks.RemoteMonitor(root=root, path="/events", send_as_json=True))
    (path, headers, body), _ = received
    assert path == "/events" and headers["Content-Type"] == "application/json"
    assert set(json.loads(body)) == {"epoch", "loss", "mae"}


def test_an_unreachable_server_warns_and_training_goes_on():
    with pytest.warns(UserWarning, match="Could not reach RemoteMonitor root server"):
        history = _fit(keras.callbacks.RemoteMonitor(root="http://127.0.0.1:9"))
    assert len(history.history["loss"]) == 2
