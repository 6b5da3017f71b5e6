"""tf.compat, tf.types, tf.sysconfig and tf.queue: TensorFlow 2.21's answers (written out
below, from the same calls in TensorFlow) and queues shared by threads."""
import pathlib
import threading

import numpy as np
import pytest

import swiftdl as tf


def test_compat_helpers():
    assert tf.compat.as_bytes("é") == "é".encode() and tf.compat.as_bytes(b"x") == b"x"
    assert tf.compat.as_text(b"\xc3\xa9") == "é" and tf.compat.as_str("x") == "x"
    assert tf.compat.as_str_any(3) == "3" and tf.compat.path_to_str(pathlib.Path("/a/b")) == "/a/b"
    with pytest.raises(TypeError, match="Expected binary or unicode"):
        tf.compat.as_bytes(3)
    shape = tf.TensorShape([2, None])
    assert tf.compat.dimension_value(shape[0]) == 2 and tf.compat.dimension_value(shape[1]) is None
    assert tf.compat.dimension_at_index(shape, 0) == 2 and tf.compat.dimension_at_index(tf.TensorShape(None), 0) is None
    # TensorFlow 2.21's horizon is 2026-01-16.
    assert tf.compat.forward_compatible(2026, 1, 15) and not tf.compat.forward_compatible(2026, 1, 16)
    with tf.compat.forward_compatibility_horizon(2030, 1, 1):
        assert tf.compat.forward_compatible(2029, 12, 31)
    assert not tf.compat.forward_compatible(2029, 12, 31)
    assert isinstance(np.int64(3), tf.compat.integral_types) and isinstance(2.5, tf.compat.real_types)
    assert tf.compat.v2 is tf


def test_types_and_sysconfig():
    def annotated(x: tf.types.experimental.TensorLike) -> tf.types.experimental.TensorLike:
        return x
    assert annotated(1) == 1
    assert isinstance(tf.function(lambda x: x), tf.types.experimental.GenericFunction)
    assert dict(tf.sysconfig.get_build_info()) == {"is_cuda_build": False, "is_rocm_build": False,
                                                   "is_tensorrt_build": False}


def test_queues_match_tensorflow():
    padding = tf.queue.PaddingFIFOQueue(10, [tf.int32, tf.string], shapes=[[None], []])
    padding.enqueue(([1, 2], "a"))
    padding.enqueue(([3], "b"))
    padding.enqueue(([4, 5, 6], "c"))
    numbers, words = padding.dequeue_many(3)
    assert np.asarray(numbers).tolist() == [[1, 2, 0], [3, 0, 0], [4, 5, 6]]
    assert [str(w) if isinstance(w, str) else w.decode() for w in words] == ["a", "b", "c"]
    priority = tf.queue.PriorityQueue(5, [tf.string], shapes=[[]])
    for value, word in ((5, "five"), (1, "one"), (3, "three")):
        priority.enqueue((np.int64(value), word))
    assert [int(priority.dequeue()[0]) for _ in range(2)] == [1, 3]
    fifo = tf.queue.FIFOQueue(3, tf.float32, shapes=[[2]])
    fifo.enqueue_many(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))
    assert int(fifo.size()) == 2 and np.asarray(fifo.dequeue()).tolist() == [1.0, 2.0]
    fifo.close()
    assert bool(fifo.is_closed())
    assert np.asarray(fifo.dequeue_up_to(5)).tolist() == [[3.0, 4.0]]
    with pytest.raises(tf.errors.OutOfRangeError):
        fifo.dequeue()
    with pytest.raises(tf.errors.CancelledError):
        fifo.enqueue(np.array([1.0, 2.0], np.float32))
    named = tf.queue.FIFOQueue(3, [tf.int32, tf.float32], names=["a", "b"])
    named.enqueue({"a": 1, "b": 2.0})
    out = named.dequeue()
    assert int(out["a"]) == 1 and float(out["b"]) == 2.0
    shuffle = tf.queue.RandomShuffleQueue(10, 2, tf.int32, shapes=[[]], seed=3)
    shuffle.enqueue_many(np.array([1, 2, 3, 4], np.int32))
    taken = [int(shuffle.dequeue()) for _ in range(2)]
    assert set(taken) <= {1, 2, 3, 4} and int(shuffle.size()) == 2
    with pytest.raises(ValueError, match="Shape mismatch"):
        tf.queue.FIFOQueue(2, tf.float32, shapes=[[2]]).enqueue(np.zeros(3, np.float32))


def test_queue_between_threads():
    queue = tf.queue.FIFOQueue(2, tf.int32, shapes=[[]])
    received = []

    def consume():
        while True:
            try:
                received.append(int(queue.dequeue()))
            except tf.errors.OutOfRangeError:
                return

    consumer = threading.Thread(target=consume)
    consumer.start()
    for value in range(20):
        queue.enqueue(np.int32(value))   # blocks while the consumer catches up (capacity 2)
    queue.close()
    consumer.join(timeout=10)
    assert received == list(range(20))


def test_experimental_namespace_in_part():
    optional = tf.experimental.Optional.from_value(tf.constant(3))
    assert bool(optional.has_value()) and int(optional.get_value()) == 3
    assert not bool(tf.experimental.Optional.empty(None).has_value())
    with tf.experimental.async_scope():
        value = tf.constant(2.0) * 3.0
    tf.experimental.async_clear_error()
    assert float(value) == 6.0
    assert np.asarray(tf.experimental.numpy.zeros(3)).tolist() == [0.0, 0.0, 0.0]
    with tf.experimental.function_executor_type(None):
        pass
