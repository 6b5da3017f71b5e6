"""Uneven custom loops with hvd.join(): rank r has 2 + r steps of data (the worker of
Tests/python/test_distributed_watchdog_and_join.py).

    mpirun -np N python join_worker.py OUT.npz        # the job; rank 0 saves the weights
    python join_worker.py OUT.npz N                   # one process emulating N ranks

In the job each rank checks that every allreduce it issued summed exactly the ranks still
active (joined ranks contribute zeros), then trains a small model with a
DistributedOptimizer for its own number of steps, joins, and broadcasts the weights from the
rank join returned. Alone, the worker computes what that training must give: at step s, the
sum of the gradients of the ranks that still have data, divided by N.
"""
import sys

import numpy as np

import swiftdl as sd
from swiftdl import keras

out = sys.argv[1]
emulated = int(sys.argv[2]) if len(sys.argv) > 2 else None
sd.config.experimental.enable_op_determinism()
rng = np.random.default_rng(1)
x = rng.random((160, 6)).astype("float32")
y = rng.random((160, 3)).astype("float32")
BATCH = 8


def steps(rank):
    return 2 + rank


def batch(rank, step, size):
    start = (step * size + rank) * BATCH
    return x[start:start + BATCH], y[start:start + BATCH]


def build():
    keras.utils.set_random_seed(3)
    return keras.Sequential([keras.Input((6,)), keras.layers.Dense(5, activation="tanh"), keras.layers.Dense(3)])


def gradients(model, rank, step, size):
    xb, yb = batch(rank, step, size)
    with sd.GradientTape() as tape:
        loss = keras.losses.mean_squared_error(yb, model(xb, training=True))
        loss = sd.mean(loss)
    return tape.gradient(loss, model.trainable_variables)


if emulated is not None:
    model, optimizer = build(), keras.optimizers.SGD(0.1)
    for step in range(steps(emulated - 1)):
        active = [r for r in range(emulated) if step < steps(r)]
        total = None
        for r in active:
            g = [np.asarray(v) for v in gradients(model, r, step, emulated)]
            total = g if total is None else [a + b for a, b in zip(total, g)]
        optimizer.apply_gradients(zip([sd.asarray(t / emulated) for t in total], model.trainable_variables))
    np.savez(out, *[np.asarray(w) for w in model.weights])
    sys.exit(0)

import swiftdl.horovod as hvd  # noqa: E402

hvd.init()
rank, size = hvd.rank(), hvd.size()

# 1. Plain allreduces: at step s the sum covers exactly the ranks with more than s steps.
for step in range(steps(rank)):
    summed = np.asarray(hvd.allreduce(np.array([rank + 1, 1], np.float32), op=hvd.Sum))
    active = [r for r in range(size) if step < steps(r)]
    assert summed.tolist() == [sum(r + 1 for r in active), len(active)], (rank, step, summed)
last = hvd.join()
assert last == size - 1, last

# 2. Training: a DistributedOptimizer in a custom loop, each rank for its own steps.
model = build()
optimizer = hvd.DistributedOptimizer(keras.optimizers.SGD(0.1))
for step in range(steps(rank)):
    optimizer.apply_gradients(zip(gradients(model, rank, step, size), model.trainable_variables))
last = hvd.join()
hvd.broadcast_variables(model.variables, root_rank=last)
checksums = np.asarray(hvd.allgather(np.array([sum(float(np.sum(np.asarray(w))) for w in model.weights)])))
assert len(set(checksums.tolist())) == 1, checksums  # every rank holds the last rank's weights
print(f"rank {rank}: joined; last to join was rank {last}")
if rank == 0:
    np.savez(out, *[np.asarray(w) for w in model.weights])
