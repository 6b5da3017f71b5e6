"""swiftdl.data.Dataset against hand-computed expectations, keras.utils.PyDataset, and the
EpochIterator adapter that fit() can use for datasets, PyDatasets and generators."""

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import optimizers
from swiftdl.data import AUTOTUNE, Dataset, INFINITE_CARDINALITY
from swiftdl.keras import layers, models, utils
from swiftdl.keras.utils.data_adapter import EpochIterator, get_data_adapter, unpack_x_y_sample_weight

X = np.arange(20, dtype=np.float32).reshape(10, 2)
Y = np.arange(10, dtype=np.int64)


def rows(dataset):
    return [np.asarray(b) for b in dataset]


def test_from_tensor_slices_keeps_structure_and_batches_with_remainder():
    ds = Dataset.from_tensor_slices((X, {"label": Y}))
    first = next(iter(ds))
    assert isinstance(first, tuple) and isinstance(first[0], sd.Tensor) and set(first[1]) == {"label"}
    np.testing.assert_array_equal(np.asarray(first[0]), X[0])
    batches = list(ds.batch(4))
    assert len(batches) == 3 and ds.batch(4).cardinality() == 3 and len(ds.batch(4, drop_remainder=True)) == 2
    np.testing.assert_array_equal(np.asarray(batches[2][0]), X[8:])
    np.testing.assert_array_equal(np.asarray(batches[1][1]["label"]), Y[4:8])
    assert [len(b) for b in rows(Dataset.from_tensor_slices(Y).batch(4, drop_remainder=True))] == [4, 4]


def test_shuffle_is_a_seeded_permutation_that_reshuffles_each_pass():
    ds = Dataset.from_tensor_slices(Y).shuffle(10, seed=3)
    first, second = np.concatenate(rows(ds.batch(10))), np.concatenate(rows(ds.batch(10)))
    assert sorted(first.tolist()) == list(range(10)) and sorted(second.tolist()) == list(range(10))
    assert first.tolist() != second.tolist()
    again = np.concatenate(rows(Dataset.from_tensor_slices(Y).shuffle(10, seed=3).batch(10)))
    np.testing.assert_array_equal(first, again)  # the seed makes it reproducible
    fixed = Dataset.from_tensor_slices(Y).shuffle(10, seed=3, reshuffle_each_iteration=False)
    assert [int(v) for v in fixed] == [int(v) for v in fixed]
    # Pairs stay aligned through the shuffle.
    for xb, yb in Dataset.from_tensor_slices((X, Y)).shuffle(10, seed=1).batch(3):
        np.testing.assert_array_equal(np.asarray(xb)[:, 0], np.asarray(yb) * 2)


def test_small_buffer_shuffle_never_emits_an_element_before_it_enters_the_buffer():
    # With buffer_size=2 the first output comes from the first two elements, as in tf.data.
    for seed in range(5):
        order = [int(v) for v in Dataset.range(50).shuffle(2, seed=seed)]
        assert sorted(order) == list(range(50)) and order[0] in (0, 1)
        assert all(order[position] <= position + 1 for position in range(50))  # never early


def test_take_skip_repeat_cache_prefetch():
    assert [int(v) for v in Dataset.range(10).take(3)] == [0, 1, 2]
    assert [int(v) for v in Dataset.range(10).skip(8)] == [8, 9]
    assert [int(v) for v in Dataset.range(3).repeat(2)] == [0, 1, 2, 0, 1, 2]
    assert Dataset.range(3).repeat().cardinality() == INFINITE_CARDINALITY
    assert [int(v) for v in Dataset.range(3).repeat().take(7)] == [0, 1, 2, 0, 1, 2, 0]
    # batch after repeat crosses the pass boundary, as tf.data does.
    assert [b.tolist() for b in rows(Dataset.range(3).repeat(2).batch(4))] == [[0, 1, 2, 0], [1, 2]]
    cached = Dataset.range(10).shuffle(10, seed=0).cache()
    assert [int(v) for v in cached] == [int(v) for v in cached]
    prefetched = Dataset.from_tensor_slices((X, Y)).batch(3).prefetch(AUTOTUNE)
    assert [b[1].tolist() for b in (tuple(np.asarray(t) for t in e) for e in prefetched)] == \
        [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]


def test_map_before_and_after_batch():
    ds = Dataset.from_tensor_slices((X, Y)).map(lambda x, y: (x * 2.0, y + 1)).batch(5)
    xb, yb = next(iter(ds))
    np.testing.assert_allclose(np.asarray(xb), X[:5] * 2)
    np.testing.assert_array_equal(np.asarray(yb), Y[:5] + 1)
    summed = Dataset.from_tensor_slices(X).batch(4).map(lambda x: x.sum(axis=1))
    np.testing.assert_allclose(np.concatenate(rows(summed)), X.sum(axis=1))
    cached = Dataset.from_tensor_slices(Y).map(lambda v: v * 3).cache()
    assert [int(v) for v in cached] == [int(v) for v in cached] == [3 * i for i in range(10)]


def test_prefetch_passes_errors_through():
    def broken(value):
        raise RuntimeError("bad element")
    with pytest.raises(RuntimeError, match="bad element"):
        list(Dataset.range(3).map(broken).prefetch(2))


def test_bad_arguments():
    with pytest.raises(ValueError, match="do not match"):
        Dataset.from_tensor_slices((X, Y[:5]))
    with pytest.raises(ValueError, match="scalar"):
        Dataset.from_tensor_slices(np.float32(1.0))
    with pytest.raises(TypeError, match="numbers and strings only"):
        Dataset.from_tensor_slices(np.array([{"a": 1}, None]))
    with pytest.raises(ValueError, match="batch_size"):
        Dataset.range(3).batch(0)
    with pytest.raises(TypeError, match="batch_size"):
        Dataset.range(3).batch(2.5)
    with pytest.raises(ValueError, match="buffer_size"):
        Dataset.range(3).shuffle(0)
    with pytest.raises(TypeError, match="callable"):
        Dataset.range(3).map(5)
    with pytest.raises(ValueError, match="different shapes"):
        list(Dataset.range(3).map(lambda v: sd.zeros((int(v) + 1,))).batch(2))


class Squares(utils.PyDataset):
    def __init__(self, batches, **kwargs):
        super().__init__(**kwargs)
        self.batches = batches
        self.epochs_ended = 0

    def __len__(self):
        return self.batches

    def __getitem__(self, index):
        x = np.full((4, 1), index, np.float32)
        return x, x ** 2

    def on_epoch_end(self):
        self.epochs_ended += 1


@pytest.mark.parametrize("workers", [1, 3])
def test_py_dataset_through_the_epoch_iterator(workers):
    source = Squares(5, workers=workers, max_queue_size=2)
    iterator = EpochIterator(source)
    assert iterator.num_batches == 5 and utils.Sequence is utils.PyDataset
    for _ in range(2):
        seen = [(step, float(np.asarray(x)[0, 0]), y) for step, (x, y, w) in iterator.enumerate_epoch()]
        assert [s for s, _, _ in seen] == list(range(5)) and [v for _, v, _ in seen] == [0, 1, 2, 3, 4]
        assert all(isinstance(y, sd.Tensor) for _, _, y in seen)
    assert source.epochs_ended == 2


def test_generators_and_steps_per_epoch():
    def generator():
        for index in range(5):
            yield np.full((2, 1), index, np.float32), np.zeros((2, 1), np.float32)
    iterator = EpochIterator(generator(), steps_per_epoch=2)
    assert iterator.num_batches == 2
    firsts = [[float(np.asarray(x)[0, 0]) for _, (x, _, _) in iterator.enumerate_epoch()] for _ in range(2)]
    assert firsts == [[0, 1], [2, 3]]  # epochs continue through the generator
    with pytest.warns(UserWarning, match="ran out of data"):
        assert [s for s, _ in iterator.enumerate_epoch()] == [0]
    whole = EpochIterator(generator())
    assert iterator.adapter.num_batches is None and len(list(whole.enumerate_epoch())) == 5
    with pytest.raises(ValueError, match="`y` argument is not supported"):
        get_data_adapter(Dataset.range(3), y=np.zeros(3))
    with pytest.raises(ValueError, match="x, y, sample_weight"):
        unpack_x_y_sample_weight((1, 2, 3, 4))


def test_a_manual_fit_loop_on_a_dataset_learns():
    """What fit() will do once it calls the adapter: train_step on each (x, y, w) batch."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 2)).astype(np.float32)
    y = (x[:, :1] > x[:, 1:]).astype(np.float32)
    model = models.Sequential([layers.Input((2,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizers.Adam(learning_rate=0.05), loss="binary_crossentropy", metrics=["accuracy"])
    iterator = EpochIterator(Dataset.from_tensor_slices((x, y)).shuffle(256, seed=0).batch(32).prefetch(2))
    for _ in range(15):
        model.reset_metrics()
        for _, batch in iterator.enumerate_epoch():
            logs = model.train_step(batch)
    assert logs["accuracy"] > 0.9
