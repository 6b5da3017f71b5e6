"""The Python side's own time in the document models' fit, predict and model(x) calls.

    .venv/bin/python benchmarks/python_overhead.py [--models cnn,lstm] [--steps 40] [--threads N]

Every function of the extension module `swiftdl._C` is wrapped with a timer, so a run's
wall time splits into time inside the engine and everything else: the Keras layer and
trainer code, argument checks, numpy conversions, Python-object churn (and freeing
tensors, which happens when Python drops them). The timer's own cost per call is measured
and subtracted. Each figure is the best of three runs, because other processes on the
machine only ever add time. A benchmark, never a test.

Reported per model: milliseconds per training step at batch 64 and at batch 1 (where the
engine's share is small), per predict batch of 256, and per `predict(one_sample)` and
`model(one_sample)` call; each as wall time and as the part spent outside the engine.
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import doc_models  # noqa: E402  (the document's model definitions)

import swiftdl  # noqa: E402
from swiftdl import _C  # noqa: E402
from swiftdl.keras import layers, models  # noqa: E402


class EngineClock:
    """Accumulates the time spent inside swiftdl._C functions (wrapped in place)."""

    def __init__(self):
        self.seconds = 0.0
        self.calls = 0
        for name in dir(_C):
            function = getattr(_C, name)
            if callable(function) and not isinstance(function, type) and not name.startswith("__"):
                setattr(_C, name, self._timed(function))
        self.cost_per_call = self._measure_own_cost()

    def _timed(self, function):
        clock = time.perf_counter

        def timed(*args, **kwargs):
            start = clock()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += clock() - start
                self.calls += 1
        return timed

    def _measure_own_cost(self, repeats=100_000):
        empty = self._timed(lambda: None)
        start = time.perf_counter()
        for _ in range(repeats):
            empty()
        cost = (time.perf_counter() - start) / repeats
        self.seconds, self.calls = 0.0, 0
        return cost

    def split(self, function):
        """Runs `function`; returns (wall seconds, seconds outside the engine, engine calls)."""
        self.seconds, self.calls = 0.0, 0
        start = time.perf_counter()
        function()
        wall = time.perf_counter() - start
        return wall, wall - self.seconds - self.calls * self.cost_per_call, self.calls


def build(which, samples):
    swiftdl.keras.utils.set_random_seed(42)
    if which == "cnn":
        model, _, _ = doc_models._cnn(swiftdl, layers, models)
        rng = np.random.default_rng(0)  # random images: the timing does not depend on the data
        x = rng.random((samples, 28, 28, 1), dtype=np.float32)
        y = rng.integers(0, 10, samples)
    else:
        model, x, y = doc_models._lstm(swiftdl, layers, models, samples)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model, x, y


def report(clock, label, function, count, repeats=3):
    wall, python, calls = min(clock.split(function) for _ in range(repeats))
    print(f"  {label:22}{wall / count * 1e3:>10.3f} ms{python / count * 1e3:>10.3f} ms{100 * python / wall:>7.1f}%"
          f"{calls / count:>14.0f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="cnn,lstm")
    parser.add_argument("--steps", type=int, default=40, help="training steps of 64 per timed epoch (default 40)")
    parser.add_argument("--threads", type=int, default=None, help="engine threads (default: all cores)")
    args = parser.parse_args()
    if args.threads:
        swiftdl.config.set_num_threads(args.threads)
    clock = EngineClock()
    print(f"{'':24}{'wall':>13}{'Python':>13}{'share':>8}{'engine calls':>14}")
    for which in args.models.split(","):
        model, x, y = build(which, 64 * args.steps)
        model.fit(x[:640], y[:640], epochs=1, batch_size=64, verbose=0)  # warm-up: build, slots, caches
        print(which.upper())
        report(clock, "fit step, batch 64", lambda: model.fit(x, y, epochs=1, batch_size=64, verbose=0), args.steps)
        report(clock, "fit step, batch 1", lambda: model.fit(x[:200], y[:200], epochs=1, batch_size=1, verbose=0), 200)
        batches = min(len(x) // 256, 10)
        report(clock, "predict, batch 256", lambda: model.predict(x[:256 * batches], batch_size=256, verbose=0), batches)
        one = x[:1]
        report(clock, "predict(one sample)", lambda: [model.predict(one, verbose=0) for _ in range(200)], 200)
        report(clock, "model(one sample)", lambda: [model(one) for _ in range(200)], 200)


if __name__ == "__main__":
    main()
