"""Load test for `python -m swiftdl.serving` (loopback only, bounded).

Starts the server on a free 127.0.0.1 port for a small Dense model or the document's CNN,
then reports requests/s and p50/p99 latency at 1, 8 and 64 concurrent clients, with and
without dynamic batching, and the server's resident memory over a long run (100,000
requests by default) to show that it stays flat.

    PYTHONPATH=python python benchmarks/serving_load.py [--model mlp|cnn] [--requests 400]
        [--memory-requests 100000]
"""
import argparse
import concurrent.futures
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import numpy as np


def _rss_mb(pid):
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _post(url, data):
    start = time.perf_counter()
    request = urllib.request.Request(url, data=data, method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
        assert response.status == 200
    return time.perf_counter() - start


def _serve(base, batching):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "swiftdl.serving", "--model_name", "m", "--model_base_path",
                                base, "--rest_api_port", str(port), "--enable_batching", str(batching)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1/models/m"
    for _ in range(600):
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return process, url + ":predict"
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start")


def _model(name):
    from swiftdl import keras
    layers = keras.layers
    if name == "cnn":  # the source document's CNN
        return keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(),
                                 layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(),
                                 layers.Conv2D(64, 3, activation="relu"), layers.Flatten(),
                                 layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
    return keras.Sequential([keras.Input((32,)), layers.Dense(64, activation="relu"), layers.Dense(10)])


def _memory_run(url, body, total, clients=8):
    """RSS of the server every fifth of `total` requests, from `clients` concurrent clients."""
    pid = _SERVERS[url]
    step = max(total // 5, 1)
    readings = [_rss_mb(pid)]
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        for done in range(0, total, step):
            list(pool.map(lambda _: _post(url, body), range(min(step, total - done))))
            readings.append(_rss_mb(pid))
    rate = total / (time.perf_counter() - start)
    return readings, rate


_SERVERS: dict = {}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=["mlp", "cnn"], default="mlp")
    parser.add_argument("--requests", type=int, default=400, help="requests per (clients, batching) cell")
    parser.add_argument("--memory-requests", type=int, default=100_000, help="requests in the memory run (0: none)")
    args = parser.parse_args()
    base = tempfile.mkdtemp()
    os.mkdir(os.path.join(base, "1"))
    model = _model(args.model)
    model.save(os.path.join(base, "1", "model.keras"))
    example = np.random.rand(1, *model.inputs[0].shape[1:]).astype("float32")
    body = json.dumps({"instances": example.tolist()}).encode()
    print(f"model {args.model}: one example per request, {len(body)} bytes")
    print(f"{'batching':>8} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for batching in (False, True):
        process, url = _serve(base, batching)
        _SERVERS[url] = process.pid
        try:
            _post(url, body)
            for clients in (1, 8, 64):
                start = time.perf_counter()
                with concurrent.futures.ThreadPoolExecutor(clients) as pool:
                    latencies = list(pool.map(lambda _: _post(url, body), range(args.requests)))
                elapsed = time.perf_counter() - start
                p50, p99 = np.percentile(latencies, [50, 99]) * 1e3
                print(f"{str(batching):>8} {clients:>7} {args.requests / elapsed:>8.1f} {p50:>8.2f} {p99:>8.2f}")
            if batching and args.memory_requests:
                readings, rate = _memory_run(url, body, args.memory_requests)
                print(f"memory over {args.memory_requests:,} requests (8 clients, batching, {rate:.0f} req/s): "
                      "RSS MB " + " -> ".join(f"{r:.0f}" for r in readings))
        finally:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
