"""fit under DataParallel with every callback that writes files or prints, each rank giving
them paths of its own (the worker of test_distributed_training.py's rank-0 tests):

    mpirun -np N python side_effects_worker.py DIR {write|interrupt|resume}

"write": ModelCheckpoint, CSVLogger, TensorBoard and BackupAndRestore (kept) with
rank-suffixed paths, verbose=1; rank 0 saves every rank's History to DIR/histories.npz.
"interrupt": 3 epochs with a shared BackupAndRestore, interrupted at the start of epoch 2 on
every rank. "resume": the same fit again; each rank prints how many epochs it ran.
"""
import os
import sys

import numpy as np

from swiftdl import keras

directory, mode = sys.argv[1], sys.argv[2]
keras.distribution.initialize()
keras.distribution.set_distribution(keras.distribution.DataParallel())
from swiftdl.distributed import world  # noqa: E402

rank = world().rank
rng = np.random.default_rng(0)
x, y = rng.random((64, 5)).astype("float32"), rng.integers(0, 3, 64)
keras.utils.set_random_seed(1)
model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])


class Interrupt(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        if epoch == 2:
            raise RuntimeError("interrupted on purpose")


if mode == "write":
    callbacks = [keras.callbacks.ModelCheckpoint(os.path.join(directory, f"ckpt_rank{rank}.weights.h5"),
                                                 save_weights_only=True),
                 keras.callbacks.CSVLogger(os.path.join(directory, f"log_rank{rank}.csv")),
                 keras.callbacks.TensorBoard(log_dir=os.path.join(directory, f"tensorboard_rank{rank}")),
                 keras.callbacks.BackupAndRestore(os.path.join(directory, f"backup_rank{rank}"),
                                                  delete_checkpoint=False)]
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=1, callbacks=callbacks)
    losses = np.asarray(world().allgather(np.array([history.history["loss"]], np.float64)))
    if rank == 0:
        np.savez(os.path.join(directory, "histories.npz"), losses=losses)
else:
    backup = keras.callbacks.BackupAndRestore(os.path.join(directory, "backup"))
    callbacks = [backup, Interrupt()] if mode == "interrupt" else [backup]
    history = model.fit(x, y, batch_size=16, epochs=3, verbose=0, callbacks=callbacks)
    print(f"rank {rank} ran {len(history.history['loss'])} epoch(s)")
