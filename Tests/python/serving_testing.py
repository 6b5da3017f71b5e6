"""Starts `python -m swiftdl.serving` for real on a free loopback port and speaks HTTP to it
with the standard library, as any TF Serving client would."""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


def call(url, body=None, method=None):
    """(HTTP status, body bytes) for a GET, or a POST of `body` (bytes, or JSON-encoded)."""
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method or ("POST" if data is not None else "GET"))
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def start_server(model_name, base, *flags):
    """(process, base URL) of a server that answers; raises with its output if it never does."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    process = subprocess.Popen(
        [sys.executable, "-m", "swiftdl.serving", "--model_name", model_name, "--model_base_path", str(base),
         "--rest_api_port", str(port), *flags], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if call(f"{url}/v1/models/{model_name}")[0] == 200:
                return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start: " + process.stdout.read().decode()[-2000:])


def stop_server(process):
    process.terminate()
    process.wait(timeout=10)
