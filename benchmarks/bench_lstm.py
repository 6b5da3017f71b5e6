"""Times swiftdl.nn.lstm at the document's LSTM shapes (batch 64, length 200, 64 units,
64-dim embeddings): forward alone, and forward + backward (BPTT) under a GradientTape,
with the effective GFLOP/s of the GEMM work. A benchmark, not a test.

    .venv/bin/python benchmarks/bench_lstm.py [--repeats 10] [--threads N] [--dtype float32]

FLOPs counted (multiply-add = 2): forward = 2·B·T·(F + U)·4U (input projection and
recurrent GEMMs); backward = 2 × forward (dX and dKernel; dRecurrentKernel and dh).
Gate math is not counted. GFLOP/s and samples/s use the median wall time.

NOTE: the engine multiplies with the OpenBLAS of the scipy-openblas32 wheel
(`swiftdl.config.blas_library()` names it). A system OpenBLAS chosen with SWIFTDL_BLAS may
not recognise a recent CPU and fall back to slower kernels; `OPENBLAS_VERBOSE=2` prints the
core in use and `OPENBLAS_CORETYPE` overrides it.
"""
import argparse
import statistics
import time

import numpy as np

import swiftdl as sd


def timed(function, repeats):
    """Median and best wall time, and the median CPU time of all threads (which a machine
    shared with other work inflates far less than wall time)."""
    function()  # warm-up: first-touch allocation, BLAS thread start
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), min(walls), statistics.median(cpus)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--time", type=int, default=200)
    parser.add_argument("--features", type=int, default=64)
    parser.add_argument("--units", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--threads", type=int, default=None,
                        help="engine threads (default: all cores; BLAS runs single-threaded)")
    parser.add_argument("--dtype", default="float32,float64", help="comma-separated dtypes to time")
    args = parser.parse_args()
    if args.threads:
        sd.config.set_num_threads(args.threads)

    b, t, f, u = args.batch, args.time, args.features, args.units
    forward_flops = 2.0 * b * t * (f + u) * 4 * u
    rng = np.random.default_rng(0)
    print(f"swiftdl.nn.lstm  batch={b} time={t} features={f} units={u}  threads={sd.config.get_num_threads()}  "
          f"median of {args.repeats} (best in brackets)")
    print(f"{'dtype':8} {'pass':20} {'wall ms (best)':>17} {'cpu ms':>8} {'GFLOP/s':>8} {'samples/s':>10}")
    for name in args.dtype.split(","):
        dtype = np.dtype(name)
        x = sd.asarray(rng.standard_normal((b, t, f)).astype(dtype) * 0.5)
        weights = [sd.Variable((rng.standard_normal(shape) * 0.1).astype(dtype))
                   for shape in [(f, 4 * u), (u, 4 * u), (4 * u,)]]

        def forward():
            sd.nn.lstm(x, *weights)

        def forward_backward():
            with sd.GradientTape() as tape:
                tape.watch(x)
                outputs, _, _ = sd.nn.lstm(x, *weights)
                loss = outputs.sum()
            tape.gradient(loss, [x] + weights)

        for label, function, flops in [("forward", forward, forward_flops),
                                       ("forward + backward", forward_backward, 3 * forward_flops)]:
            median, best, cpu = timed(function, args.repeats)
            print(f"{name:8} {label:20} {median * 1e3:8.1f} ({best * 1e3:6.1f}) {cpu * 1e3:8.1f} "
                  f"{flops / median / 1e9:8.1f} {b / median:10.0f}")


if __name__ == "__main__":
    main()
