"""Forward and backward timings of the document's CNN convolutions and pools at batch 64.

    .venv/bin/python benchmarks/bench_conv.py [--repeats 30] [--float64]

Each convolution is Keras's Conv2D(relu) as swiftdl computes it: one fused
conv2d_bias_activation call forward; backward gives the filter and bias gradients and,
except for the first layer (whose input is the data), the input gradient. Effective
GFLOP/s counts 2·N·OH·OW·KH·KW·C·O per convolution (forward, and again for each backward
product). Then the first two convolutions fused with their pools (nn.conv2d_pool, as a
Sequential model runs them; compare with the two rows each replaces). For context, the
table ends with numpy's matmul on the GEMM that an im2col convolution of the middle layer
would run.

The development machine is shared: wall-clock times swing with other people's load, so
the table also gives the process CPU time per call (summed over threads), which does not.
NOTE: the engine multiplies with the OpenBLAS of the scipy-openblas32 wheel, as numpy does;
a system OpenBLAS chosen with SWIFTDL_BLAS may not recognise a recent CPU (OPENBLAS_VERBOSE=2
prints the core in use, OPENBLAS_CORETYPE overrides it).
"""
import argparse
import statistics
import time

import numpy as np

import swiftdl as sd

BATCH = 64
# name, input (H, W, C), filters (KH, KW, C, O), whether the input gradient is needed
CONVOLUTIONS = [
    ("conv 3x3 1->32, 28x28", (28, 28, 1), (3, 3, 1, 32), False),
    ("conv 3x3 32->64, 13x13", (13, 13, 32), (3, 3, 32, 64), True),
    ("conv 3x3 64->64, 5x5", (5, 5, 64), (3, 3, 64, 64), True),
]
POOLS = [("max pool 2x2, 26x26x32", (26, 26, 32)), ("max pool 2x2, 11x11x64", (11, 11, 64))]


CPU_TIMES = {}


def median_ms(function, repeats, label=None):
    """Median wall-clock milliseconds per call; the median CPU time goes to CPU_TIMES[label]."""
    function()  # warm-up: thread pools, page faults
    times, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    if label is not None:
        CPU_TIMES[label] = 1e3 * statistics.median(cpu)
    return 1e3 * statistics.median(times)


def bench_convolution(shape, filter_shape, input_gradient, dtype, repeats):
    rng = np.random.default_rng(0)
    x = sd.asarray(rng.standard_normal((BATCH,) + shape).astype(dtype))
    w = sd.Variable(rng.standard_normal(filter_shape).astype(dtype) * 0.1)
    b = sd.Variable(np.zeros(filter_shape[3], dtype))
    y = sd.nn.conv2d_bias_activation(x, w, b, 1, "VALID", activation="relu")
    upstream = sd.asarray(rng.standard_normal(tuple(y.shape)).astype(dtype))

    def forward():
        sd.nn.conv2d_bias_activation(x, w, b, 1, "VALID", activation="relu")

    def forward_backward():
        with sd.GradientTape() as tape:
            if input_gradient:
                tape.watch(x)
            out = sd.nn.conv2d_bias_activation(x, w, b, 1, "VALID", activation="relu")
        tape.gradient(out, [x, w, b] if input_gradient else [w, b], output_gradients=upstream)

    kh, kw, c, o = filter_shape
    flops = 2 * BATCH * y.shape[1] * y.shape[2] * kh * kw * c * o
    backward_flops = flops * (2 if input_gradient else 1)
    forward_time = median_ms(forward, repeats, "forward")
    total_time = median_ms(forward_backward, repeats, "step")
    return forward_time, total_time, flops, flops + backward_flops


def bench_pool(shape, dtype, repeats):
    rng = np.random.default_rng(0)
    x = sd.asarray(rng.standard_normal((BATCH,) + shape).astype(dtype))
    y = sd.nn.max_pool2d(x, 2, 2, "VALID")
    upstream = sd.asarray(rng.standard_normal(tuple(y.shape)).astype(dtype))

    def forward_backward():
        with sd.GradientTape() as tape:
            tape.watch(x)
            out = sd.nn.max_pool2d(x, 2, 2, "VALID")
        tape.gradient(out, x, output_gradients=upstream)

    return (median_ms(lambda: sd.nn.max_pool2d(x, 2, 2, "VALID"), repeats, "forward"),
            median_ms(forward_backward, repeats, "step"))


def bench_fused(shape, filter_shape, input_gradient, dtype, repeats):
    """Conv2D(relu) + MaxPooling2D as a Sequential model runs the pair: one nn.conv2d_pool
    call (the convolution's output never written whole), forward and backward."""
    rng = np.random.default_rng(0)
    x = sd.asarray(rng.standard_normal((BATCH,) + shape).astype(dtype))
    w = sd.Variable(rng.standard_normal(filter_shape).astype(dtype) * 0.1)
    b = sd.Variable(np.zeros(filter_shape[3], dtype))

    def forward():
        return sd.nn.conv2d_pool(x, w, b, 1, "VALID", 1, "relu", "max", 2, 2, "VALID")

    upstream = sd.asarray(rng.standard_normal(tuple(forward().shape)).astype(dtype))

    def forward_backward():
        with sd.GradientTape() as tape:
            if input_gradient:
                tape.watch(x)
            out = forward()
        tape.gradient(out, [x, w, b] if input_gradient else [w, b], output_gradients=upstream)

    return median_ms(forward, repeats, "forward"), median_ms(forward_backward, repeats, "step")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--float64", action="store_true", help="time float64 instead of float32")
    args = parser.parse_args()
    dtype = np.float64 if args.float64 else np.float32

    print(f"swiftdl conv/pool benchmark: batch {BATCH}, {np.dtype(dtype).name}, {sd.config.get_num_threads()} threads, median "
          f"of {args.repeats}")
    print(f"{'op':<26}{'fwd ms':>9}{'fwd GFLOP/s':>13}{'fwd+bwd ms':>12}{'fwd+bwd GFLOP/s':>17}"
          f"{'fwd cpu ms':>12}{'fwd+bwd cpu ms':>16}")
    cpu_forward = cpu_step = 0.0
    total_forward = total_step = 0.0
    for name, shape, filter_shape, input_gradient in CONVOLUTIONS:
        forward_time, total_time, flops, all_flops = bench_convolution(shape, filter_shape, input_gradient, dtype, args.repeats)
        total_forward += forward_time
        total_step += total_time
        cpu_forward += CPU_TIMES["forward"]
        cpu_step += CPU_TIMES["step"]
        print(f"{name:<26}{forward_time:>9.3f}{flops / forward_time / 1e6:>13.1f}{total_time:>12.3f}"
              f"{all_flops / total_time / 1e6:>17.1f}"
              f"{CPU_TIMES['forward']:>12.3f}{CPU_TIMES['step']:>16.3f}")
    for name, shape in POOLS:
        forward_time, total_time = bench_pool(shape, dtype, args.repeats)
        total_forward += forward_time
        total_step += total_time
        cpu_forward += CPU_TIMES["forward"]
        cpu_step += CPU_TIMES["step"]
        print(f"{name:<26}{forward_time:>9.3f}{'':>13}{total_time:>12.3f}{'':>17}{CPU_TIMES['forward']:>12.3f}{CPU_TIMES['step']:>16.3f}")
    print(f"{'total':<26}{total_forward:>9.3f}{'':>13}{total_step:>12.3f}{'':>17}{cpu_forward:>12.3f}{cpu_step:>16.3f}")
    # The first two convolutions and their pools, fused as Sequential runs them.
    for (name, shape, filter_shape, input_gradient), (pool_name, _) in zip(CONVOLUTIONS, POOLS):
        forward_time, total_time = bench_fused(shape, filter_shape, input_gradient, dtype, args.repeats)
        label = name.split(",")[0] + " + pool, fused"
        print(f"{label:<26}{forward_time:>9.3f}{'':>13}{total_time:>12.3f}{'':>17}{CPU_TIMES['forward']:>12.3f}{CPU_TIMES['step']:>16.3f}")

    # Context: numpy's BLAS on the middle layer's im2col GEMM (7744 x 288 times 288 x 64).
    rng = np.random.default_rng(0)
    a = rng.standard_normal((BATCH * 11 * 11, 288)).astype(dtype)
    b = rng.standard_normal((288, 64)).astype(dtype)
    gemm_time = median_ms(lambda: a @ b, args.repeats)
    print(f"numpy matmul (7744x288)@(288x64): {gemm_time:.3f} ms, {2 * a.shape[0] * 288 * 64 / gemm_time / 1e6:.1f} GFLOP/s")


if __name__ == "__main__":
    main()
