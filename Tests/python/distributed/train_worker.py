"""Trains a small CNN for 20 steps as one rank of an MPI job (or alone) and, on rank 0, saves
the final weights and History: the worker of Tests/python/test_distributed_training.py.

    mpirun -np N python train_worker.py {keras|horovod} {sgd|adam} OUT.npz [uneven]

"keras": keras.distribution.DataParallel and plain model.fit on the full arrays with the
global batch size. "horovod": swiftdl.horovod as a Horovod script writes it: each rank takes
its interleaved shard x[rank::size] with the local batch size, DistributedOptimizer, and
BroadcastGlobalVariablesCallback. Both must end with the weights one process gets on the
global batch. "uneven": rank 0 gets more data than the others (Horovod face: fit must agree
on the step count, never hang). "fail": rank 1 raises before training (the job must stop)."""
import sys

import numpy as np

import swiftdl as sd
from swiftdl import keras

face, optimizer_name, out = sys.argv[1:4]
uneven = len(sys.argv) > 4 and sys.argv[4] == "uneven"
fail = len(sys.argv) > 4 and sys.argv[4] == "fail"
sd.config.experimental.enable_op_determinism()  # the same arithmetic whatever the batch split

GLOBAL_BATCH, SAMPLES = 16, 320  # 20 steps
rng = np.random.default_rng(0)
x = rng.random((SAMPLES, 10, 10, 1)).astype("float32")
y = rng.integers(0, 4, SAMPLES)


def build():
    keras.utils.set_random_seed(7)
    model = keras.Sequential([keras.Input((10, 10, 1)), keras.layers.Conv2D(4, 3, activation="relu"),
                              keras.layers.MaxPooling2D(), keras.layers.Flatten(),
                              keras.layers.Dense(8, activation="relu"), keras.layers.Dense(4, activation="softmax")])
    return model


def optimizer(scale=1.0):
    return keras.optimizers.SGD(0.05 * scale) if optimizer_name == "sgd" else keras.optimizers.Adam(0.002 * scale)


if face == "keras":
    keras.distribution.initialize()
    keras.distribution.set_distribution(keras.distribution.DataParallel())
    model = build()
    model.compile(optimizer=optimizer(), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    from swiftdl.distributed import world
    if fail and world().rank == 1:
        raise RuntimeError("rank 1 fails on purpose")
    history = model.fit(x, y, batch_size=GLOBAL_BATCH, epochs=1, shuffle=False, verbose=0)
    rank = 0
    from swiftdl.distributed import initialized, world
    if initialized():
        rank = world().rank
else:
    import swiftdl.horovod.keras as hvd
    hvd.init()
    rank, size = hvd.rank(), hvd.size()
    model = build()
    if rank != 0:  # different starting weights: the broadcast callback must fix them
        for weight in model.weights:
            weight.assign(np.asarray(weight) + 1.0)
    model.compile(optimizer=hvd.DistributedOptimizer(optimizer()), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    local_x, local_y = x[rank::size], y[rank::size]
    if uneven and rank == 0:
        local_x, local_y = np.concatenate([local_x, local_x[:40]]), np.concatenate([local_y, local_y[:40]])
    history = model.fit(local_x, local_y, batch_size=GLOBAL_BATCH // size, epochs=1, shuffle=False, verbose=0,
                        callbacks=[hvd.callbacks.BroadcastGlobalVariablesCallback(0),
                                   hvd.callbacks.MetricAverageCallback()])

if rank == 0:
    np.savez(out, *[np.asarray(w) for w in model.weights], loss=np.array(history.history["loss"]))
