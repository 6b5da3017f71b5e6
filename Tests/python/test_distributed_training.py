"""Data-parallel training over MPI (issue 17): keras.distribution.DataParallel and the
Horovod face, each run with `mpirun -np 2` and `-np 4` on loopback, must end with the weights
one process gets on the same global batch (to 1e-5 relative after 20 steps, SGD and Adam,
under op determinism). Uneven data must end cleanly, and a failing rank must stop the job
with its message. The worker is Tests/python/distributed/train_worker.py."""
import os
import subprocess
import sys

import numpy as np
import pytest

from _mpi_launch import needs_mpi
from _mpi_launch import run as _launch

pytestmark = needs_mpi


def _run(arguments, ranks=None, timeout=240):
    return _launch("train_worker.py", arguments, ranks, timeout)


_SINGLE = {}


def _single_process(face, optimizer, tmp_path_factory):
    key = (face, optimizer)
    if key not in _SINGLE:
        path = str(tmp_path_factory.mktemp("single") / f"{face}_{optimizer}.npz")
        result = _run([face, optimizer, path])
        assert result.returncode == 0, result.stderr[-3000:]
        _SINGLE[key] = dict(np.load(path))
    return _SINGLE[key]


@pytest.mark.parametrize("face, optimizer, ranks", [("keras", "sgd", 2), ("keras", "adam", 4), ("horovod", "adam", 2),
                                                    ("horovod", "sgd", 4)])
def test_n_ranks_end_with_one_processs_weights(face, optimizer, ranks, tmp_path, tmp_path_factory):
    reference = _single_process(face, optimizer, tmp_path_factory)
    path = str(tmp_path / "ranks.npz")
    result = _run([face, optimizer, path], ranks=ranks)
    assert result.returncode == 0, result.stderr[-3000:]
    trained = dict(np.load(path))
    assert set(trained) == set(reference)
    for name in reference:
        if name == "rows":  # rank 0 trained on its share of the samples
            assert int(trained[name]) == int(reference[name]) // ranks
        elif name == "loss":  # History: averaged over ranks, as one process's mean over the epoch
            np.testing.assert_allclose(trained[name], reference[name], rtol=1e-5)
        else:
            np.testing.assert_allclose(trained[name], reference[name], rtol=1e-5, atol=1e-7, err_msg=name)


@pytest.mark.parametrize("mode, ranks", [("dataset", 2), ("pydataset", 2), ("generator", 4), ("local", 2)])
def test_datasets_and_generators_under_data_parallel_match_one_process(mode, ranks, tmp_path, tmp_path_factory):
    # "dataset" and "generator" yield the global batches, split over the ranks as Keras's
    # auto_shard_dataset does; "local" gives each rank its own rows from a generator of
    # unknown length, rank 0 with 3 batches more: every rank must stop after the 20th step.
    reference = _single_process("keras", "adam", tmp_path_factory)
    path = str(tmp_path / f"{mode}.npz")
    result = _run(["keras", "adam", path, mode], ranks=ranks, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    trained = dict(np.load(path))
    assert int(trained.pop("rows")) == int(reference["rows"]) // ranks  # rank 0 trained on its share
    for name in trained:
        np.testing.assert_allclose(trained[name], reference[name], rtol=1e-5, atol=1e-7, err_msg=name)


def test_a_dataset_shuffled_differently_on_each_rank_is_refused(tmp_path):
    result = _run(["keras", "sgd", str(tmp_path / "never.npz"), "unseeded"], ranks=2, timeout=120)
    assert result.returncode != 0
    assert "every process must read the same batches" in result.stderr
    assert "Give the dataset's shuffle a seed" in result.stderr


def test_a_stop_asked_on_one_rank_stops_every_rank(tmp_path):
    # Rank 1's callback stops at its 5th batch of the first of 3 epochs; rank 0 must stop too.
    path = str(tmp_path / "stop.npz")
    result = _run(["keras", "sgd", path, "stop"], ranks=2, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    counts = dict(np.load(path))
    assert (int(counts["batches"]), int(counts["epochs"])) == (5, 1)


def test_rank_zero_alone_writes_files_and_prints_and_history_is_shared(tmp_path):
    # Every rank gave ModelCheckpoint, CSVLogger, TensorBoard and BackupAndRestore paths of
    # its own and verbose=1: only rank 0's files may exist, and one progress bar per epoch.
    result = _launch("side_effects_worker.py", [tmp_path, "write"], ranks=2, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    written = sorted(os.listdir(tmp_path))
    assert written == ["backup_rank0", "ckpt_rank0.weights.h5", "histories.npz", "log_rank0.csv",
                       "tensorboard_rank0"], written
    assert result.stdout.count("Epoch 1/2") == 1 and result.stdout.count("Epoch 2/2") == 1, result.stdout
    losses = np.load(tmp_path / "histories.npz")["losses"]
    assert losses.shape == (2, 2) and np.array_equal(losses[0], losses[1])  # the average, on every rank


def test_backup_and_restore_resumes_every_rank_at_rank_zeros_epoch(tmp_path):
    interrupted = _launch("side_effects_worker.py", [tmp_path, "interrupt"], ranks=2, timeout=120)
    assert interrupted.returncode != 0 and "interrupted on purpose" in interrupted.stderr
    resumed = _launch("side_effects_worker.py", [tmp_path, "resume"], ranks=2, timeout=120)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert sorted(resumed.stdout.split("\n")[:2]) == ["rank 0 ran 1 epoch(s)", "rank 1 ran 1 epoch(s)"]


def test_uneven_data_ends_cleanly_without_a_hang(tmp_path):
    path = str(tmp_path / "uneven.npz")
    result = _run(["horovod", "sgd", path, "uneven"], ranks=2, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert os.path.exists(path)


def test_a_failing_rank_stops_the_job_with_its_message(tmp_path):
    result = _run(["keras", "sgd", str(tmp_path / "never.npz"), "fail"], ranks=2, timeout=120)
    assert result.returncode != 0
    assert "rank 1 fails on purpose" in result.stderr + result.stdout


def test_one_process_needs_no_mpi_and_distribution_is_a_no_op():
    code = ("import sys; from swiftdl import keras; keras.distribution.initialize(); "
            "keras.distribution.set_distribution(keras.distribution.DataParallel()); "
            "print(keras.distribution.list_devices()); print(keras.distribution.get_device_count(), "
            "keras.distribution.get_device_count('gpu')); print('mpi4py' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["['cpu:0']", "1", "0", "False"]


def test_a_global_batch_splits_as_tf_datas_per_worker_batch_sizes():
    from swiftdl.distributed.sharding import share_bounds
    # tf.data's batch_sizes_for_worker: 10 rows over 4 workers are 3, 3, 2, 2, in order.
    assert [share_bounds(10, rank, 4) for rank in range(4)] == [(0, 3), (3, 6), (6, 8), (8, 10)]
    assert [share_bounds(16, rank, 2) for rank in range(2)] == [(0, 8), (8, 16)]
