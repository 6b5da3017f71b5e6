"""Trains a small CNN with a layer called twice for 20 steps as one rank of an MPI job, with
the gradient allreduce overlapped with the backward pass or not (SWIFTDL_MPI_OVERLAP), and
saves rank 0's final weights and how many buckets each step started before its backward
pass ended: the worker of Tests/python/test_distributed_overlap.py.

    mpirun -np N python overlap_worker.py {keras|horovod} {sgd|adam} OUT.npz [stall]

Small buckets (SWIFTDL_MPI_BUCKET_BYTES, set by the test) give the model several. "stall":
rank 1 stops in the middle of its 4th backward pass, after the others have started their
buckets' allreduces: the watchdog must name it."""
import sys
import time
import warnings

import numpy as np

import swiftdl as sd
from swiftdl import keras
from swiftdl.distributed import overlap

face, optimizer_name, out = sys.argv[1:4]
stall = sys.argv[4:] == ["stall"]
warnings.simplefilter("ignore")  # the unused layer's "Gradients do not exist" at every step
sd.config.experimental.enable_op_determinism()

GLOBAL_BATCH, SAMPLES = 16, 320  # 20 steps
rng = np.random.default_rng(1)
x = rng.random((SAMPLES, 10, 10, 1)).astype("float32")
y = rng.integers(0, 4, SAMPLES)


def build():
    keras.utils.set_random_seed(7)
    inputs = keras.Input((10, 10, 1))
    hidden = keras.layers.Flatten()(keras.layers.MaxPooling2D()(keras.layers.Conv2D(4, 3, activation="relu")(inputs)))
    shared = keras.layers.Dense(64, activation="tanh", name="shared")
    hidden = shared(shared(hidden))  # one layer called twice: its gradient is final after the first call's backward
    unused = keras.layers.Dense(3, name="unused")  # built, trainable, never on the loss's path: no gradient
    unused.build((None, 64))
    outputs = keras.layers.Dense(4, activation="softmax")(hidden)
    model = keras.Model(inputs, outputs)
    model.unused = unused
    return model


def optimizer(scale=1.0):
    return keras.optimizers.SGD(0.05 * scale) if optimizer_name == "sgd" else keras.optimizers.Adam(0.002 * scale)


# Counts, per step, the buckets whose allreduce started during the backward pass.
started_early = []
finish = overlap.OverlappedReduction.finish


def counting_finish(self, gradients, variables):
    started_early.append(self.started)
    return finish(self, gradients, variables)


overlap.OverlappedReduction.finish = counting_finish
on_ready = overlap.OverlappedReduction.on_ready


def stalling_on_ready(self, index, gradient):
    from swiftdl.distributed import world
    if len(started_early) == 3 and world().rank == 1 and index >= 0:
        time.sleep(120)  # far past the stall timeout
    return on_ready(self, index, gradient)


if stall:
    overlap.OverlappedReduction.on_ready = stalling_on_ready

if face == "keras":
    keras.distribution.initialize()
    keras.distribution.set_distribution(keras.distribution.DataParallel())
    model = build()
    model.compile(optimizer=optimizer(), loss="sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=GLOBAL_BATCH, epochs=1, shuffle=False, verbose=0)
    from swiftdl.distributed import world
    rank = world().rank
else:
    import swiftdl.horovod.keras as hvd
    hvd.init()
    rank, size = hvd.rank(), hvd.size()
    model = build()
    model.compile(optimizer=hvd.DistributedOptimizer(optimizer()), loss="sparse_categorical_crossentropy")
    model.fit(x[rank::size], y[rank::size], batch_size=GLOBAL_BATCH // size, epochs=1, shuffle=False, verbose=0,
              callbacks=[hvd.callbacks.BroadcastGlobalVariablesCallback(0)])

if rank == 0:
    np.savez(out, *[np.asarray(w) for w in model.weights], started_early=np.array(started_early, np.int64))
