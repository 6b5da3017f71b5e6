"""Load test for `python -m swiftdl.serving` (loopback only, bounded).

Starts the server on a free 127.0.0.1 port for a small Dense model, then reports
requests/s and p50/p99 latency at 1, 8 and 64 concurrent clients, with and without
dynamic batching, and the server's resident memory before and after the run.

    PYTHONPATH=python python benchmarks/serving_load.py [--requests 400]
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400, help="requests per (clients, batching) cell")
    args = parser.parse_args()
    from swiftdl import keras
    base = tempfile.mkdtemp()
    os.mkdir(os.path.join(base, "1"))
    model = keras.Sequential([keras.Input((32,)), keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10)])
    model.save(os.path.join(base, "1", "model.keras"))
    body = json.dumps({"instances": np.random.rand(1, 32).tolist()}).encode()
    print(f"{'batching':>8} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'RSS MB':>12}")
    for batching in (False, True):
        process, url = _serve(base, batching)
        try:
            _post(url, body)
            before = _rss_mb(process.pid)
            for clients in (1, 8, 64):
                start = time.perf_counter()
                with concurrent.futures.ThreadPoolExecutor(clients) as pool:
                    latencies = list(pool.map(lambda _: _post(url, body), range(args.requests)))
                elapsed = time.perf_counter() - start
                p50, p99 = np.percentile(latencies, [50, 99]) * 1e3
                print(f"{str(batching):>8} {clients:>7} {args.requests / elapsed:>8.1f} {p50:>8.2f} {p99:>8.2f} "
                      f"{before:>5.0f}->{_rss_mb(process.pid):<5.0f}")
        finally:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
