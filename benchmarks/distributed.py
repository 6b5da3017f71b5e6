"""Data-parallel training over MPI on one host: what it costs and what it would give on many.

    .venv/bin/python benchmarks/distributed.py [--models cnn,lstm] [--epochs 1] [--lstm-samples 2048] [--repeats 2]

Runs children (each a fresh process, the MPI ones under `mpirun -np 2` from this
environment) and prints:

1. Allreduce latency and bandwidth over loopback with mpi4py (the numbers the scaling model
   needs): MPI's blocking Allreduce, the nonblocking Iallreduce polled with Test, and
   swiftdl's Communicator.allreduce_ (the watchdog's path: Iallreduce below 64 KiB, a
   nonblocking barrier then the blocking call above), plus the per-step extras: fit's
   counters exchange (gather_rows) and the Horovod face's announcement header.
2. The document's CNN (8,000 MNIST images, ../shared/data) and LSTM (synthetic ids, length
   200), Adam, global batch 64: samples/s for 1 rank x 2 threads (plain fit) against 2 ranks x
   1 thread (DataParallel), the latter with the gradient allreduce overlapped with the
   backward pass and without (SWIFTDL_MPI_OVERLAP=1/0, runs alternated), and per step: the
   backward pass (tape.gradient, including the time the overlap spends in it packing buckets
   and starting and progressing their allreduces), the communication exposed after it (the
   optimizer's _reduce_gradients: the whole reduction without overlap; completing the started
   buckets and reducing the last one with it), the bare transfer of the gradients with both
   ranks already there (the rest of the exposed time is waiting for the other rank), and the
   step agreement.
3. A scaling model for many hosts (one rank per host, batch 64 per host), from the measured
   compute time per step, the models' gradient sizes and a ring allreduce on 10 and 25 Gbit/s
   networks: efficiency at 2, 8 and 32 hosts, fused, one allreduce per tensor, and with the
   overlap as implemented (every bucket but the last hidden behind the backward pass as long
   as the pass outlasts them; the last, the first layers, reduced after it).

A benchmark, never a test. The machine is shared: figures move by 10-20 % between runs.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
MPIRUN = shutil.which("mpirun", path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
SIZES = [8, 1024, 64 * 1024, 512 * 1024, 4 * 1024 * 1024, 16 * 1024 * 1024]  # bytes


# ---- children -----------------------------------------------------------------------------
def _timed(function, repeats, rounds=5):
    """Median over `rounds` of the mean time of `repeats` calls (the machine is shared)."""
    function()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeats):
            function()
        times.append((time.perf_counter() - start) / repeats)
    return sorted(times)[len(times) // 2]


def child_allreduce():
    """Seconds per allreduce for each size and path (rank 0 reports)."""
    import numpy as np
    from mpi4py import MPI

    from swiftdl.distributed import world
    from swiftdl.distributed.join import ALLREDUCE, negotiator
    communicator = world()
    comm = communicator.comm

    def blocking(a):
        comm.Allreduce(MPI.IN_PLACE, a)

    def nonblocking(a):
        request = comm.Iallreduce(MPI.IN_PLACE, a)
        while not request.Test():
            pass

    results = {}
    for nbytes in SIZES:
        array = np.ones(nbytes // 4, np.float32)
        repeats = 200 if nbytes <= 64 * 1024 else 10
        for name, function in (("blocking", blocking), ("nonblocking", nonblocking),
                               ("swiftdl", communicator.allreduce_)):
            communicator.barrier()
            results[f"{name}_{nbytes}"] = _timed(lambda: function(array), repeats)
    counters = np.zeros(5, np.int64)
    results["gather_rows"] = _timed(lambda: communicator.gather_rows(counters), 300)
    header = [np.zeros(1, np.float32)]
    results["announce"] = _timed(lambda: negotiator(communicator).announce(ALLREDUCE, header), 300)
    return results if communicator.rank == 0 else None


def _median_ms(times):
    return sorted(times)[len(times) // 2] * 1e3 if times else 0.0


class _StepTimes:
    """Each training step's wall time (a Keras callback)."""

    def __init__(self, tf):
        times = self.times = []

        class Callback(tf.keras.callbacks.Callback):
            def on_train_batch_begin(self, batch, logs=None):
                self.start = time.perf_counter()

            def on_train_batch_end(self, batch, logs=None):
                times.append(time.perf_counter() - self.start)

        self.callback = Callback()


class _Clock:
    """Seconds spent in a function, summed (wrapping it in place)."""

    def __init__(self, owner, name):
        self.seconds, self.calls, self.times = 0.0, 0, []
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.times.append(time.perf_counter() - start)
                self.seconds += self.times[-1]
                self.calls += 1
        setattr(owner, name, timed)


def child_train(which, epochs, lstm_samples, threads, parallel):
    import swiftdl as tf
    from doc_models import _cnn, _lstm
    from swiftdl.keras import layers, models
    from swiftdl.optimizers.base_optimizer import Optimizer
    tf.config.set_num_threads(threads)
    communicator = None
    if parallel:
        tf.keras.distribution.initialize()
        tf.keras.distribution.set_distribution(tf.keras.distribution.DataParallel())
        from swiftdl.distributed import world
        communicator = world()
    tf.keras.utils.set_random_seed(42)
    model, x, y = _cnn(tf, layers, models) if which == "cnn" else _lstm(tf, layers, models, lstm_samples)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=1, batch_size=64, verbose=0)  # warm-up
    from swiftdl.distributed import overlap
    backward = _Clock(tf.GradientTape, "gradient")
    # After the backward pass: the whole reduction (pack, allreduce, unpack; with overlap,
    # completing what the pass started), i.e. the communication the step waits for.
    exposed = _Clock(Optimizer, "_reduce_gradients")
    # During it: packing buckets, starting and progressing their allreduces.
    during = _Clock(overlap.OverlappedReduction, "on_ready")
    agree = _Clock(communicator, "gather_rows") if communicator else None
    step_times = _StepTimes(tf)
    start = time.perf_counter()
    model.fit(x, y, epochs=epochs, batch_size=64, verbose=0, callbacks=[step_times.callback])
    seconds = time.perf_counter() - start
    steps = epochs * -(-len(x) // 64)
    variables = model.trainable_weights
    buckets = overlap.plan_overlap_buckets(variables, overlap.bucket_bytes(), overlap.layer_order(variables))
    sizes = [sum(int(variables[i].size) * 4 for i in bucket) for bucket in buckets]
    result = {"samples_per_s": epochs * len(x) / seconds, "step_ms": seconds / steps * 1e3,
              "backward_ms": backward.seconds / steps * 1e3, "step_median_ms": _median_ms(step_times.times),
              "backward_median_ms": _median_ms(backward.times),
              "gradient_bytes": sum(int(w.size) * 4 for w in variables),
              "gradient_tensors": len(variables), "bucket_bytes": sizes}
    if communicator is not None:
        overlapped = overlap.overlap_enabled() and len(buckets) > 1
        result.update(overlap=overlapped, exposed_ms=exposed.seconds / steps * 1e3,
                      exposed_median_ms=_median_ms(exposed.times),
                      during_ms=during.seconds / steps * 1e3, agree_ms=agree.seconds / steps * 1e3)
        # The same buckets reduced with both ranks already there: the transfer alone. The
        # rest of the step's exposed time is waiting for the slower rank.
        import numpy as np
        flats = [np.zeros(result["gradient_bytes"] // 4, np.float32)]
        communicator.barrier()
        result["transfer_ms"] = _timed(lambda: communicator.allreduce_many_(flats), 20) * 1e3
    return result if communicator is None or communicator.rank == 0 else None


# ---- the parent -----------------------------------------------------------------------------
def run_child(arguments, ranks=None, **extra_environment):
    environment = dict(os.environ, OMPI_MCA_rmaps_base_oversubscribe="1", **extra_environment)
    command = ([MPIRUN, "-np", str(ranks)] if ranks else []) + [sys.executable, os.path.abspath(__file__), "--child"]
    result = subprocess.run(command + arguments, capture_output=True, text=True, env=environment)
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    if result.returncode != 0 or not lines:
        raise SystemExit(f"child {' '.join(arguments)} failed (exit {result.returncode}):\n{result.stderr[-3000:]}")
    return json.loads(lines[-1][len("RESULT "):])


def ring_allreduce_seconds(nbytes, hosts, bandwidth, latency, messages=1):
    """A ring allreduce of `nbytes` in `messages` allreduces: 2(N-1)/N of the data crosses each
    link, in 2(N-1) latency-bound steps per allreduce."""
    return 2 * (hosts - 1) / hosts * nbytes / bandwidth + messages * 2 * (hosts - 1) * latency


def print_allreduce(results):
    print("\nallreduce over loopback, 2 ranks (mpi4py; microseconds per call, GB/s of buffer)")
    print(f"{'bytes':>10} {'blocking':>16} {'Iallreduce+Test':>18} {'swiftdl (watchdog)':>20}")
    for nbytes in SIZES:
        cells = []
        for name in ("blocking", "nonblocking", "swiftdl"):
            seconds = results[f"{name}_{nbytes}"]
            cells.append(f"{seconds * 1e6:8.1f} {nbytes / seconds / 1e9:6.2f}")
        print(f"{nbytes:>10} {cells[0]:>16} {cells[1]:>18} {cells[2]:>20}")
    print(f"per-step extras: fit's counters exchange {results['gather_rows'] * 1e6:.1f} us, "
          f"Horovod announcement header {results['announce'] * 1e6:.1f} us")


def print_training(name, alone, runs):
    print(f"\n{name}: gradients {alone['gradient_bytes'] / 1e6:.2f} MB in {alone['gradient_tensors']} tensors; "
          f"overlap buckets (KB, in the order reduced): {[round(b / 1e3, 1) for b in alone['bucket_bytes']]}")
    print("  ms per step: mean (median over steps); the medians leave out steps in which the shared host "
          "descheduled a rank")
    print(f"  1 rank x 2 threads            {alone['samples_per_s']:8,.0f} samples/s  step {alone['step_ms']:6.2f} "
          f"({alone['step_median_ms']:.2f})  backward {alone['backward_ms']:.2f} ({alone['backward_median_ms']:.2f})")
    for ranks in runs:
        label = "2 ranks x 1 thread, " + ("overlap" if ranks["overlap"] else "no overlap")
        print(f"  {label:<29} {ranks['samples_per_s']:8,.0f} samples/s  step {ranks['step_ms']:6.2f} "
              f"({ranks['step_median_ms']:.2f})  backward {ranks['backward_ms']:.2f} ({ranks['backward_median_ms']:.2f})"
              f", of which starting buckets {ranks['during_ms']:.2f}  communication exposed after the backward "
              f"pass {ranks['exposed_ms']:.2f} ({ranks['exposed_median_ms']:.2f})  bare transfer "
              f"{ranks['transfer_ms']:.2f}  step agreement {ranks['agree_ms']:.2f}")
    for overlapped in (False, True):
        chosen = [r for r in runs if r["overlap"] == overlapped]
        if chosen:
            exposed = sorted(r["exposed_median_ms"] for r in chosen)
            steps = sorted(r["step_median_ms"] for r in chosen)
            print(f"  {'with' if overlapped else 'without'} overlap over {len(chosen)} runs: communication exposed "
                  f"{exposed[0]:.2f}-{exposed[-1]:.2f} ms/step, step {steps[0]:.2f}-{steps[-1]:.2f} ms (medians)")


def print_scaling(name, alone, allreduce):
    # Latency per message: loopback's measured small-allreduce time is a floor; a TCP network
    # hop is ~25 us, so each ring step is taken as the larger of the two.
    latency = max(allreduce["blocking_8"] / 2, 25e-6)
    compute = alone["step_ms"] / 1e3
    nbytes, tensors = alone["gradient_bytes"], alone["gradient_tensors"]
    buckets = alone["bucket_bytes"]
    print(f"\n{name}: modelled efficiency (compute {compute * 1e3:.1f} ms/step/host, gradients "
          f"{nbytes / 1e6:.2f} MB, {latency * 1e6:.0f} us per ring step)")
    print(f"  {'network':>9} {'hosts':>5} {'fused':>7} {'per tensor':>11} {'overlap':>8}")
    for gbits in (10, 25):
        bandwidth = gbits * 1e9 / 8
        for hosts in (2, 8, 32):
            fused = ring_allreduce_seconds(nbytes, hosts, bandwidth, latency)
            unfused = ring_allreduce_seconds(nbytes, hosts, bandwidth, latency, tensors)
            # Overlap as implemented: every bucket but the last goes out during the backward
            # pass (hidden while the pass outlasts it); the last (the first layers, final
            # only at the end of the pass) is reduced after it.
            early = ring_allreduce_seconds(sum(buckets[:-1]), hosts, bandwidth, latency, len(buckets) - 1)
            last = ring_allreduce_seconds(buckets[-1], hosts, bandwidth, latency)
            exposed = max(0.0, early - alone["backward_ms"] / 1e3) + last if len(buckets) > 1 else fused
            cells = [compute / (compute + t) for t in (fused, unfused, exposed)]
            print(f"  {gbits:>6} Gb {hosts:>5} {cells[0]:>7.1%} {cells[1]:>11.1%} {cells[2]:>8.1%}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", default="cnn,lstm")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--lstm-samples", type=int, default=2048)
    parser.add_argument("--repeats", type=int, default=2, help="2-rank runs with and without overlap, alternated")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("job", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind = args.job[0]
        if kind == "allreduce":
            result = child_allreduce()
        else:
            which, threads, parallel = args.job[1], int(args.job[2]), args.job[3] == "1"
            result = child_train(which, args.epochs, args.lstm_samples, threads, parallel)
        if result is not None:
            print("RESULT " + json.dumps(result))
        return
    if MPIRUN is None:
        raise SystemExit("needs mpirun and mpi4py: pip install 'swiftdl[mpi]'")
    common = ["--epochs", str(args.epochs), "--lstm-samples", str(args.lstm_samples)]
    allreduce = run_child(common + ["allreduce"], ranks=2)
    print_allreduce(allreduce)
    for which in args.models.split(","):
        alone = run_child(common + ["train", which, "2", "0"])
        runs = []
        for _ in range(args.repeats):  # alternated: the host's load moves between runs
            runs += [run_child(common + ["train", which, "1", "1"], ranks=2, SWIFTDL_MPI_OVERLAP=overlap)
                     for overlap in ("0", "1")]
        print_training(which.upper(), alone, runs)
        print_scaling(which.upper(), alone, allreduce)


if __name__ == "__main__":
    main()
