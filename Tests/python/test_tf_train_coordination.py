"""tf.train.Coordinator with real threads, and tf.train.ClusterSpec against what
TensorFlow 2.21 answers for the same cluster (written out below)."""
import threading
import time

import pytest

import swiftdl as tf


def test_cluster_spec_matches_tensorflow():
    cluster = tf.train.ClusterSpec({"worker": ["w0:1", "w1:1"], "ps": {3: "p3:2"}})
    # TensorFlow 2.21: ['worker', 'ps'] 2 [3] p3:2 [None, None, None, 'p3:2'] {...same dict...}
    assert cluster.jobs == ["worker", "ps"] and cluster.num_tasks("worker") == 2
    assert cluster.task_indices("ps") == [3] and cluster.task_address("ps", 3) == "p3:2"
    assert cluster.job_tasks("ps") == [None, None, None, "p3:2"]
    assert cluster.as_dict() == {"worker": ["w0:1", "w1:1"], "ps": {3: "p3:2"}}
    assert tf.train.ClusterSpec(cluster) == cluster and bool(cluster)
    with pytest.raises(ValueError, match="No such job"):
        cluster.num_tasks("chief")
    with pytest.raises(TypeError, match="dictionary"):
        tf.train.ClusterSpec(["w0:1"])


def test_coordinator_stops_threads_and_reports_the_first_error():
    coord = tf.train.Coordinator()
    progress = []

    def worker(index):
        with coord.stop_on_exception():
            while not coord.should_stop():
                progress.append(index)
                if index == 2 and len(progress) > 20:
                    raise ValueError("worker 2 failed")
                time.sleep(0.001)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    with pytest.raises(ValueError, match="worker 2 failed"):
        coord.join(threads, stop_grace_period_secs=5)
    assert coord.joined and coord.should_stop() and not any(t.is_alive() for t in threads)
    coord.clear_stop()
    assert not coord.should_stop()
    coord.request_stop(tf.errors.OutOfRangeError(None, None, "end of data"))   # a clean stop
    coord.join()
    assert coord.wait_for_stop(0.01)
