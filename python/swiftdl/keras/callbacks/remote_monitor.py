"""RemoteMonitor: posts each epoch's logs to an HTTP server, as Keras's callback does.

Keras sends with the `requests` library; swiftdl uses the standard library's HTTP client
(urllib), so the callback needs no extra package. The requests are the same: a form field
holding the JSON (`send_as_json=False`) or a JSON body."""
import json
import urllib.error
import urllib.parse
import urllib.request
import warnings

import numpy as np

from .callback import Callback

# Keras waits without limit; a server that accepts and never answers would then stop
# training for good, so a post gives up (with Keras's warning) after this long.
_TIMEOUT_SECONDS = 30


class RemoteMonitor(Callback):
    """Streams `{"epoch": epoch, **logs}` to `root + path` with an HTTP POST at each
    epoch's end.

    Args:
        root: the server's root URL.
        path: the path under `root` the events go to.
        field: the form field holding the JSON (only when `send_as_json=False`).
        headers: extra HTTP headers (a dict).
        send_as_json: send the data as an `application/json` body instead of a form.

    A server that cannot be reached gives a warning, not an error, as in Keras.
    """

    def __init__(self, root="http://localhost:9000", path="/publish/epoch/end/", field="data", headers=None,
                 send_as_json=False):
        super().__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json

    def on_epoch_end(self, epoch, logs=None):
        send = {"epoch": epoch}
        for key, value in (logs or {}).items():
            send[key] = value.item() if isinstance(value, (np.ndarray, np.generic)) else _plain(value)
        if self.send_as_json:
            body, content_type = json.dumps(send).encode(), "application/json"
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode()
            content_type = "application/x-www-form-urlencoded"
        headers = {"Content-Type": content_type, **(self.headers or {})}
        request = urllib.request.Request(self.root + self.path, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as response:
                response.read()
        except urllib.error.HTTPError:
            pass  # the server answered; like requests, an error status is not a failure to reach it
        except (urllib.error.URLError, OSError, ValueError):
            warnings.warn(f"Could not reach RemoteMonitor root server at {self.root}", stacklevel=2)


def _plain(value):
    """A swiftdl scalar tensor as a Python number; anything else unchanged."""
    if hasattr(value, "numpy") and getattr(value, "shape", None) == ():
        return value.numpy().item()
    return value
