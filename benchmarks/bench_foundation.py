"""Foundation benchmark: swiftdl against numpy, side by side in one run.

Prints a table of
  - matmul GFLOP/s at 1024x1024x1024 and at the document CNN's GEMM shapes,
  - elementwise add and exp throughput (elements/s) on float32 arrays of 1e6 and 1e7,
  - `import swiftdl` time against `import numpy` (fresh interpreters, median of several),
with the ratio swiftdl/numpy for each (above 1 means swiftdl is faster; for import times,
below 1 means swiftdl imports faster), at 1 and 2 threads.

Usage:
    python benchmarks/bench_foundation.py [--threads 1,2] [--quick] [--keep-env]

Each library is measured in its own fresh subprocess so neither sees the other's thread
pools, alternating numpy and swiftdl for --rounds rounds; each figure is the best round
(throughputs from the fastest call: the machine is shared, and the minimum is the figure
least disturbed by other work). OpenBLAS reads OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE; when they are set they can
pin it to a slower kernel, so by default both subprocesses run with those two variables
removed (the table says which BLAS kernel each side actually ran). Pass --keep-env to
measure with the environment as it is.

This is a benchmark, not a test: it asserts nothing.
"""
import argparse
import ctypes
import glob
import json
import os
import statistics
import subprocess
import sys
import time

BLAS_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
# (m, k, n): C[m, n] = A[m, k] @ B[k, n]
MATMUL_SHAPES = [
    (1024, 1024, 1024),
    (7744, 288, 64),    # CNN conv2 as im2col GEMM
    (43264, 9, 32),     # CNN conv1 (one input channel: K = 9)
    (64, 576, 64),      # CNN dense-sized product
]
ELEMENTWISE_SIZES = [1_000_000, 10_000_000]


# ---- timing ----------------------------------------------------------------------------

def time_call(function, min_time, max_repeats=1000):
    """Fastest seconds per call of `function()`, after a warm-up, over at least `min_time`."""
    function()
    function()
    samples = []
    started = time.perf_counter()
    while len(samples) < 5 or (time.perf_counter() - started < min_time and len(samples) < max_repeats):
        t0 = time.perf_counter()
        function()
        samples.append(time.perf_counter() - t0)
    return min(samples)


# ---- which BLAS each side runs -----------------------------------------------------------

def numpy_blas_description():
    """The OpenBLAS build and kernel numpy runs, read from the library itself."""
    import numpy as np
    try:
        from threadpoolctl import threadpool_info  # optional
        for entry in threadpool_info():
            if entry.get("internal_api") == "openblas":
                return f"{entry.get('version')} {entry.get('architecture')} ({entry.get('num_threads')} threads)"
    except ImportError:
        pass
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs", "*openblas*"))
    for path in libs:
        lib = ctypes.CDLL(path)
        for prefix, suffix in (("scipy_openblas_", "64_"), ("scipy_openblas_", ""), ("openblas_", "")):
            try:
                corename = getattr(lib, f"{prefix}get_corename{suffix}")
                config = getattr(lib, f"{prefix}get_config{suffix}")
                threads = getattr(lib, f"{prefix}get_num_threads{suffix}")
            except AttributeError:
                continue
            corename.restype = config.restype = ctypes.c_char_p
            return f"{config().decode().split()[1]} {corename().decode()} ({threads()} threads)"
    return "unknown (not a bundled OpenBLAS)"


def swiftdl_blas_description():
    """The BLAS libswiftdl links, found among the libraries this process has loaded."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    for path in sorted(paths):
        if "numpy.libs" in path:
            continue
        try:
            lib = ctypes.CDLL(path)
            corename, config, threads = lib.openblas_get_corename, lib.openblas_get_config, lib.openblas_get_num_threads
        except (OSError, AttributeError):
            continue
        corename.restype = config.restype = ctypes.c_char_p
        return f"{config().decode().split()[1]} {corename().decode()} ({threads()} threads) [{os.path.basename(path)}]"
    return "unknown (Accelerate or a non-OpenBLAS BLAS)"


# ---- the two workers ---------------------------------------------------------------------

def run_worker(library, threads, quick):
    import numpy as np
    min_time = 0.15 if quick else 0.6
    rng = np.random.default_rng(0)
    results = {"matmul": {}, "add": {}, "exp": {}}

    if library == "swiftdl":
        import swiftdl as sd
        sd.config.set_num_threads(threads)
        convert, matmul, add, exp = sd.asarray, sd.matmul, sd.add, sd.exp
    else:
        try:
            from threadpoolctl import threadpool_limits
            threadpool_limits(threads)
        except ImportError:
            pass  # OPENBLAS_NUM_THREADS was set before numpy loaded
        convert, matmul, add, exp = (lambda a: a), np.matmul, np.add, np.exp
        results["blas"] = numpy_blas_description()

    for m, k, n in MATMUL_SHAPES:
        a = convert(rng.standard_normal((m, k), dtype=np.float32))
        b = convert(rng.standard_normal((k, n), dtype=np.float32))
        seconds = time_call(lambda: matmul(a, b), min_time)
        results["matmul"][f"{m}x{k}x{n}"] = 2.0 * m * k * n / seconds / 1e9
    if library == "swiftdl":
        results["blas"] = swiftdl_blas_description()  # swiftdl opens its BLAS on first use
    for size in ELEMENTWISE_SIZES:
        x = convert(rng.standard_normal(size, dtype=np.float32))
        y = convert(rng.standard_normal(size, dtype=np.float32))
        results["add"][size] = size / time_call(lambda: add(x, y), min_time)
        results["exp"][size] = size / time_call(lambda: exp(x), min_time)
    print(json.dumps(results))


def measure(library, threads, quick, env):
    env = dict(env)
    # numpy's OpenBLAS takes its thread count at load time (threadpoolctl is optional).
    env["OPENBLAS_NUM_THREADS"] = str(threads)
    env["SWIFTDL_NUM_THREADS"] = str(threads)
    command = [sys.executable, os.path.abspath(__file__), "--worker", library, "--threads", str(threads)]
    if quick:
        command.append("--quick")
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def import_times(modules, env, runs):
    """Median seconds to import each module in a fresh interpreter (interpreter start
    excluded), alternating between the modules so both see the same machine load."""
    samples = {module: [] for module in modules}
    for _ in range(runs):
        for module in modules:
            code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
            output = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True,
                                    text=True, cwd=os.path.expanduser("~")).stdout
            samples[module].append(float(output.strip()))
    return [statistics.median(samples[module]) for module in modules]


def best_of(runs):
    """Merges worker results: the highest throughput of each benchmark over the runs."""
    merged = runs[0]
    for run in runs[1:]:
        for kind in ("matmul", "add", "exp"):
            for key, value in run[kind].items():
                merged[kind][key] = max(merged[kind][key], value)
    return merged


# ---- the table -----------------------------------------------------------------------------

def format_rate(value, unit):
    if unit == "GFLOP/s":
        return f"{value:8.1f}"
    return f"{value / 1e9:8.3f}"  # elements/s, in billions


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts (default 1,2)")
    parser.add_argument("--quick", action="store_true", help="shorter timings")
    parser.add_argument("--keep-env", action="store_true",
                        help="keep OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE if set (default: remove them)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds per library (default 2)")
    parser.add_argument("--import-runs", type=int, default=9)
    parser.add_argument("--worker", choices=("numpy", "swiftdl"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    thread_counts = [int(t) for t in args.threads.split(",")]

    if args.worker:
        run_worker(args.worker, thread_counts[0], args.quick)
        return

    env = dict(os.environ)
    found = {name: env[name] for name in BLAS_ENV if name in env}
    if not args.keep_env:
        for name in BLAS_ENV:
            env.pop(name, None)
    print(f"python {sys.version.split()[0]} on {os.cpu_count()} cores; load average before: "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if found:
        print(f"environment: {found} -> {'kept' if args.keep_env else 'removed for both subprocesses'}")
    else:
        print("environment: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE not set")

    rows = []
    for threads in thread_counts:
        numpy_runs, swiftdl_runs = [], []
        for _ in range(args.rounds):
            numpy_runs.append(measure("numpy", threads, args.quick, env))
            swiftdl_runs.append(measure("swiftdl", threads, args.quick, env))
        theirs, ours = best_of(numpy_runs), best_of(swiftdl_runs)
        print(f"\n[{threads} thread{'s' if threads > 1 else ''}]  numpy BLAS: {theirs['blas']}")
        print(f"{' ' * (len(str(threads)) + 13)}swiftdl BLAS: {ours['blas']}")
        for shape in ours["matmul"]:
            rows.append((threads, f"matmul {shape}", "GFLOP/s", theirs["matmul"][shape], ours["matmul"][shape]))
        for op in ("add", "exp"):
            for size in ours[op]:
                rows.append((threads, f"{op} float32 n={int(size):.0e}".replace("+0", ""), "Gelem/s",
                             theirs[op][size], ours[op][size]))

    print(f"\n{'threads':>7}  {'benchmark':<26} {'unit':<8} {'numpy':>8} {'swiftdl':>8} {'ratio':>6}")
    for threads, name, unit, numpy_value, swiftdl_value in rows:
        print(f"{threads:>7}  {name:<26} {unit:<8} {format_rate(numpy_value, unit)} {format_rate(swiftdl_value, unit)}"
              f" {swiftdl_value / numpy_value:6.2f}")

    numpy_import, swiftdl_import = import_times(["numpy", "swiftdl"], env, args.import_runs)
    print(f"\n{'import':>7}  {'import time (median of ' + str(args.import_runs) + ')':<26} {'ms':<8}"
          f" {numpy_import * 1e3:8.1f} {swiftdl_import * 1e3:8.1f} {swiftdl_import / numpy_import:6.2f}")
    print("\nratio = swiftdl / numpy: above 1 is faster for throughput; for import time, lower is better.")
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
