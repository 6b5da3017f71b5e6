"""tf.queue: bounded queues of tuples of tensors shared between Python threads (eager
TensorFlow's producer/consumer queues): FIFOQueue, PaddingFIFOQueue, PriorityQueue,
RandomShuffleQueue, over QueueBase's enqueue/dequeue(_many/_up_to)/close protocol.

A dequeue on an empty closed queue raises tf.errors.OutOfRangeError; an enqueue on a closed
queue raises tf.errors.CancelledError, as TensorFlow's queues do."""
import collections
import heapq
import threading

import numpy as np

from . import errors
from ._tf_dtypes import as_dtype


def _array(value, dtype):
    value = value.numpy() if hasattr(value, "numpy") and not isinstance(value, np.ndarray) else value
    return np.asarray(value, dtype=object if dtype.name == "string" else dtype.name)


def _tensor(array):
    from ._tf_cast import convert_to_tensor
    return array if array.dtype == object else convert_to_tensor(array)


class QueueBase:
    """A queue of elements, each a tuple (or, with names, a dict) of len(dtypes) tensors."""

    def __init__(self, dtypes, shapes, names, name, capacity):
        single = not isinstance(dtypes, (list, tuple))
        self._dtypes = [as_dtype(d) for d in ([dtypes] if single else dtypes)]
        self._single = single and names is None
        self._names = None if names is None else ([names] if isinstance(names, str) else list(names))
        if self._names is not None and len(self._names) != len(self._dtypes):
            raise ValueError(f"names must have one entry per dtype; received {self._names} for {len(self._dtypes)}")
        if shapes is not None:
            shapes = list(shapes)
            if all(d is None or isinstance(d, (int, np.integer)) for d in shapes) and len(self._dtypes) == 1:
                shapes = [shapes]   # one shape for the one component
            if len(shapes) != len(self._dtypes):
                raise ValueError(f"shapes must have one entry per dtype; received {len(shapes)} for "
                                 f"{len(self._dtypes)}")
            shapes = [None if s is None else tuple(s) for s in shapes]
        self._shapes = shapes
        self._name = name
        self._capacity = capacity
        self._closed = False
        self._cancelled = False
        self._condition = threading.Condition()

    # ---- what subclasses keep -------------------------------------------------------
    def _put(self, element):
        raise NotImplementedError

    def _take(self):
        raise NotImplementedError

    def _count(self):
        raise NotImplementedError

    def _can_take(self):
        return self._count() > 0

    # ---- the protocol ---------------------------------------------------------------
    @property
    def dtypes(self):
        return list(self._dtypes)

    @property
    def shapes(self):
        from ._tf_shape import TensorShape
        return [TensorShape(s) for s in (self._shapes or [None] * len(self._dtypes))]

    @property
    def names(self):
        return self._names

    @property
    def name(self):
        return self._name

    @property
    def queue_ref(self):
        return self

    def _components(self, vals, many):
        if self._names is not None:
            if not isinstance(vals, dict) or set(vals) != set(self._names):
                raise ValueError(f"Queue with names {self._names} expects a dict with those keys; received {vals!r:.80}")
            vals = [vals[n] for n in self._names]
        elif not isinstance(vals, (list, tuple)):   # a list or tuple is the components, as in TensorFlow
            vals = [vals]
        if len(vals) != len(self._dtypes):
            raise ValueError(f"Expected {len(self._dtypes)} components; received {len(vals)}")
        arrays = [_array(v, d) for v, d in zip(vals, self._dtypes)]
        for array, shape in zip(arrays, self._shapes or [None] * len(arrays)):
            got = array.shape[1:] if many else array.shape
            if shape is not None and (len(got) != len(shape) or any(s is not None and s != g
                                                                     for s, g in zip(shape, got))):
                raise ValueError(f"Shape mismatch in tuple component: expected {list(shape)}, got {list(got)}")
        if many and len({a.shape[0] for a in arrays}) > 1:
            raise ValueError("enqueue_many: every component must have the same first dimension")
        return arrays

    def _element_out(self, arrays):
        tensors = [_tensor(a) for a in arrays]
        if self._names is not None:
            return dict(zip(self._names, tensors))
        return tensors[0] if self._single else tensors

    def enqueue(self, vals, name=None):
        """Adds one element, waiting while the queue is full.

        Raises:
            CancelledError: when the queue is (or gets) closed.
        """
        element = tuple(self._components(vals, many=False))
        with self._condition:
            while True:
                if self._closed:
                    raise errors.CancelledError(None, None, f"Queue '{self._name}' is closed.")
                if self._capacity is None or self._count() < self._capacity:
                    break
                self._condition.wait()
            self._put(element)
            self._condition.notify_all()

    def enqueue_many(self, vals, name=None):
        """Adds the slices along the first axis of each component as elements."""
        arrays = self._components(vals, many=True)
        for index in range(arrays[0].shape[0] if arrays else 0):
            self.enqueue(tuple(a[index] for a in arrays) if self._names is None else
                         dict(zip(self._names, (a[index] for a in arrays))))

    def _dequeue_raw(self):
        with self._condition:
            while not self._can_take():
                if self._closed:
                    raise errors.OutOfRangeError(None, None, f"Queue '{self._name}' is closed and has insufficient "
                                                 f"elements (requested 1, current size {self._count()})")
                self._condition.wait()
            element = self._take()
            self._condition.notify_all()
            return element

    def dequeue(self, name=None):
        """Removes and returns one element, waiting while the queue is empty.

        Raises:
            OutOfRangeError: when the queue is closed and empty.
        """
        return self._element_out(list(self._dequeue_raw()))

    def _stack(self, elements):
        return [np.stack([e[i] for e in elements]) if elements else np.zeros((0,), dtype=d.name if d.name != "string"
                                                                              else object)
                for i, d in enumerate(self._dtypes)]

    def dequeue_many(self, n, name=None):
        """Removes n elements, stacked on a new first axis, waiting for them.

        Raises:
            OutOfRangeError: when the queue closes with fewer than n elements (they stay).
        """
        n = int(n)
        with self._condition:
            while self._count() < n:
                if self._closed:
                    raise errors.OutOfRangeError(None, None, f"Queue '{self._name}' is closed and has insufficient "
                                                 f"elements (requested {n}, current size {self._count()})")
                self._condition.wait()
            elements = [self._take() for _ in range(n)]
            self._condition.notify_all()
        return self._element_out(self._stack(elements))

    def dequeue_up_to(self, n, name=None):
        """dequeue_many, but a closed queue gives what it has left (at least one)."""
        n = int(n)
        with self._condition:
            while self._count() < n and not self._closed:
                self._condition.wait()
            if self._count() == 0:
                raise errors.OutOfRangeError(None, None, f"Queue '{self._name}' is closed and has insufficient "
                                             f"elements (requested {n}, current size 0)")
            elements = [self._take() for _ in range(min(n, self._count()))]
            self._condition.notify_all()
        return self._element_out(self._stack(elements))

    def close(self, cancel_pending_enqueues=False, name=None):
        """Closes the queue: enqueues fail from now on, dequeues drain what is left."""
        with self._condition:
            self._closed = True
            self._cancelled = bool(cancel_pending_enqueues)
            self._condition.notify_all()

    def is_closed(self, name=None):
        from ._tf_cast import constant
        return constant(self._closed)

    def size(self, name=None):
        from ._tf_cast import convert_to_tensor
        with self._condition:
            return convert_to_tensor(np.int32(self._count()))


class FIFOQueue(QueueBase):
    """Elements leave in the order they came (tf.queue.FIFOQueue)."""

    def __init__(self, capacity, dtypes, shapes=None, names=None, shared_name=None, name="fifo_queue"):
        super().__init__(dtypes, shapes, names, name, int(capacity) if capacity is not None and capacity >= 0 else None)
        self._items = collections.deque()

    def _put(self, element):
        self._items.append(element)

    def _take(self):
        return self._items.popleft()

    def _count(self):
        return len(self._items)


class PaddingFIFOQueue(FIFOQueue):
    """A FIFOQueue whose shapes may have None dimensions; dequeue_many pads each component
    with zeros (b"" for strings) to the batch's largest shape (tf.queue.PaddingFIFOQueue)."""

    def __init__(self, capacity, dtypes, shapes, names=None, shared_name=None, name="padding_fifo_queue"):
        if shapes is None:
            raise ValueError("PaddingFIFOQueue needs shapes (with None for dimensions that vary)")
        super().__init__(capacity, dtypes, shapes, names, shared_name, name)

    def _stack(self, elements):
        out = []
        for i, d in enumerate(self._dtypes):
            parts = [np.asarray(e[i]) for e in elements]
            if not parts:
                out.append(np.zeros((0,), object if d.name == "string" else d.name))
                continue
            widest = np.max([p.shape for p in parts], axis=0) if parts[0].ndim else ()
            fill = b"" if d.name == "string" else 0
            padded = [np.pad(p, [(0, w - s) for s, w in zip(p.shape, widest)], constant_values=fill) if p.ndim else p
                      for p in parts]
            out.append(np.stack(padded))
        return out


class PriorityQueue(QueueBase):
    """Elements leave lowest priority first: each element's first component is its int64
    priority, which dequeue returns too (tf.queue.PriorityQueue; types excludes it)."""

    def __init__(self, capacity, types, shapes=None, names=None, shared_name=None, name="priority_queue"):
        types = list(types) if isinstance(types, (list, tuple)) else [types]
        shapes = None if shapes is None else [()] + list(shapes)
        super().__init__(["int64"] + types, shapes, names, name,
                         int(capacity) if capacity is not None and capacity >= 0 else None)
        self._heap = []
        self._order = 0

    def _put(self, element):
        priority = int(np.asarray(element[0]))
        heapq.heappush(self._heap, (priority, self._order, element))
        self._order += 1

    def _take(self):
        return heapq.heappop(self._heap)[2]

    def _count(self):
        return len(self._heap)


class RandomShuffleQueue(QueueBase):
    """Elements leave in random order, a dequeue waiting until more than min_after_dequeue
    remain (unless the queue is closed) (tf.queue.RandomShuffleQueue)."""

    def __init__(self, capacity, min_after_dequeue, dtypes, shapes=None, names=None, seed=None, shared_name=None,
                 name="random_shuffle_queue"):
        super().__init__(dtypes, shapes, names, name, int(capacity))
        self._minimum = int(min_after_dequeue)
        self._items = []
        self._rng = np.random.default_rng(seed)

    def _put(self, element):
        self._items.append(element)

    def _take(self):
        index = int(self._rng.integers(len(self._items)))
        self._items[index], self._items[-1] = self._items[-1], self._items[index]
        return self._items.pop()

    def _count(self):
        return len(self._items)

    def _can_take(self):
        return len(self._items) > self._minimum or (self._closed and self._items)


__all__ = ["FIFOQueue", "PaddingFIFOQueue", "PriorityQueue", "QueueBase", "RandomShuffleQueue"]
