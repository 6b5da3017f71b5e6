"""Trains a small CNN for 20 steps as one rank of an MPI job (or alone) and, on rank 0, saves
the final weights and History: the worker of Tests/python/test_distributed_training.py.

    mpirun -np N python train_worker.py {keras|horovod} {sgd|adam} OUT.npz [MODE]

"keras": keras.distribution.DataParallel and plain model.fit on the full arrays with the
global batch size; MODE "dataset", "pydataset" or "generator" gives fit the same global
batches as a swiftdl.data.Dataset, a PyDataset or a generator of unknown length (auto-sharded), "local" gives each
rank a generator of its own interleaved rows, rank 0 with more than the others
(DataParallel(auto_shard_dataset=False)), "unseeded" a dataset shuffled without a seed (an
error on every rank), "stop" a callback on rank 1 only that stops training at its 5th
batch (every rank must stop there). "horovod": swiftdl.horovod as a Horovod script writes it: each rank takes
its interleaved shard x[rank::size] with the local batch size, DistributedOptimizer, and
BroadcastGlobalVariablesCallback. Both must end with the weights one process gets on the
global batch. "uneven": rank 0 gets more data than the others (Horovod face: fit must agree
on the step count, never hang). "fail": rank 1 raises before training (the job must stop)."""
import sys

import numpy as np

import swiftdl as sd
from swiftdl import keras

face, optimizer_name, out = sys.argv[1:4]
mode = sys.argv[4] if len(sys.argv) > 4 else ""
uneven, fail = mode == "uneven", mode == "fail"
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


def keras_inputs(mode, rank, size):
    """fit's (x, y) or (source,) for the keras face."""
    if mode == "dataset":
        return (sd.data.Dataset.from_tensor_slices((x, y)).batch(GLOBAL_BATCH),)
    if mode == "unseeded":
        return (sd.data.Dataset.from_tensor_slices((x, y)).shuffle(SAMPLES).batch(GLOBAL_BATCH),)
    if mode == "pydataset":
        return (GlobalBatches(),)
    if mode == "generator":
        return ((x[i:i + GLOBAL_BATCH], y[i:i + GLOBAL_BATCH]) for i in range(0, SAMPLES, GLOBAL_BATCH)),
    if mode == "local":  # rank r's rows of each global batch, and rank 0 has 3 batches more
        local = GLOBAL_BATCH // size
        rows = [np.arange(i + rank * local, i + (rank + 1) * local) for i in range(0, SAMPLES, GLOBAL_BATCH)]
        rows += rows[:3] if rank == 0 and size > 1 else []
        return ((x[r], y[r]) for r in rows),
    return x, y


class GlobalBatches(keras.utils.PyDataset):
    def __len__(self):
        return SAMPLES // GLOBAL_BATCH

    def __getitem__(self, index):
        return x[index * GLOBAL_BATCH:(index + 1) * GLOBAL_BATCH], y[index * GLOBAL_BATCH:(index + 1) * GLOBAL_BATCH]


class StopOnRankOne(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        from swiftdl.distributed import world
        if world().rank == 1 and batch == 4:
            self.model.stop_training = True


class CountBatches(keras.callbacks.Callback):
    batches = 0

    def on_train_batch_end(self, batch, logs=None):
        CountBatches.batches += 1


def keras_callbacks(mode):
    return [StopOnRankOne(), CountBatches()] if mode == "stop" else []


if face == "keras":
    keras.distribution.initialize()
    auto_shard = mode != "local"
    keras.distribution.set_distribution(keras.distribution.DataParallel(auto_shard_dataset=auto_shard))
    model = build()
    model.compile(optimizer=optimizer(), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    from swiftdl.distributed import initialized, world
    if fail and world().rank == 1:
        raise RuntimeError("rank 1 fails on purpose")
    rank, size = (world().rank, world().size) if initialized() else (0, 1)
    assert keras.distribution.get_device_count() == size, "one CPU device per process"
    rows_seen = []  # the rows of every batch this rank trains on: its share, not the whole batch
    train_step = model.train_step
    model.train_step = lambda data: rows_seen.append(int(data[0].shape[0])) or train_step(data)
    history = model.fit(*keras_inputs(mode, rank, size),
                        batch_size=None if mode in ("dataset", "pydataset", "generator", "local", "unseeded") else GLOBAL_BATCH,
                        epochs=3 if mode == "stop" else 1, shuffle=False, verbose=0, callbacks=keras_callbacks(mode))
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

if rank == 0 and mode == "stop":
    np.savez(out, batches=np.array(CountBatches.batches), epochs=np.array(len(history.history["loss"])))
elif rank == 0:
    extra = {"rows": np.array(sum(rows_seen))} if face == "keras" else {}
    np.savez(out, *[np.asarray(w) for w in model.weights], loss=np.array(history.history["loss"]), **extra)
