"""tf.lookup's tables against TensorFlow 2.21 (fixtures/tf_lookup/tf_lookup.json, written
by make_tf_lookup_fixture.py from vocabulary.tsv beside it)."""
import json
import pathlib

import numpy as np
import pytest

import swiftdl as tf

HERE = pathlib.Path(__file__).parent / "fixtures" / "tf_lookup"
TF = json.loads((HERE / "tf_lookup.json").read_text())
WORDS = ["banana", "kiwi", "apple", "cherry pie", "plum"]
VOCABULARY = str(HERE / "vocabulary.tsv")


def plain(value):
    array = np.asarray(value)
    return [v.decode() if isinstance(v, bytes) else v for v in array.reshape(-1).tolist()]


def test_static_hash_tables():
    static = tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer(["apple", "banana", "cherry pie"],
                                                                           [0, 1, 2], value_dtype=tf.int64), -1)
    assert plain(static.lookup(tf.constant(WORDS))) == TF["static"] and int(static.size()) == TF["static_size"]
    assert np.asarray(static.lookup(tf.constant(WORDS))).dtype == np.int64
    assert plain(static[np.array([b"apple"])]) == [0]
    numbers = tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer([5, 9, 2], ["five", "nine", "two"]), "?")
    result = numbers.lookup(tf.constant([[9, 1], [2, 5]]))
    assert np.asarray(result).shape == (2, 2) and plain(result) == TF["numbers"]
    keys, values = static.export()
    assert sorted(zip(plain(keys), plain(values))) == [("apple", 0), ("banana", 1), ("cherry pie", 2)]
    with pytest.raises(TypeError, match="keys"):
        static.lookup(tf.constant([1, 2]))


def test_vocabulary_tables():
    vocabulary = tf.lookup.StaticVocabularyTable(tf.lookup.KeyValueTensorInitializer(
        ["apple", "banana", "cherry pie"], np.array([0, 1, 2], np.int64)), num_oov_buckets=5)
    assert plain(vocabulary.lookup(tf.constant(WORDS))) == TF["vocabulary"]
    assert int(vocabulary.size()) == TF["vocabulary_size"]
    ints = tf.lookup.StaticVocabularyTable(tf.lookup.KeyValueTensorInitializer(
        np.array([10, 20], np.int64), np.array([0, 1], np.int64)), num_oov_buckets=4)
    assert plain(ints.lookup(np.array([10, 30, 20, 99, -4], np.int64))) == TF["int_vocabulary"]
    sparse = vocabulary.lookup(tf.SparseTensor([[0, 1], [2, 0]], np.array(["plum", "apple"], object), [3, 2]))
    assert np.asarray(sparse.indices).tolist() == TF["vocabulary_sparse"]["indices"]
    assert plain(sparse.values) == TF["vocabulary_sparse"]["values"]
    ragged = vocabulary.lookup(tf.ragged.constant([["kiwi", "apple"], ["banana"]]))
    assert ragged.to_list() == TF["vocabulary_ragged"]


def test_text_file_initializers():
    from_file = tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(VOCABULARY, tf.string, 0, tf.int64, 1,
                                                                        delimiter="\t"), -1)
    assert plain(from_file.lookup(tf.constant(WORDS))) == TF["from_file"]
    numbered = tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(
        VOCABULARY, tf.string, 0, tf.int64, tf.lookup.TextFileIndex.LINE_NUMBER, delimiter="\t"), -1)
    assert plain(numbered.lookup(tf.constant(WORDS))) == TF["line_numbers"]
    whole = tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(
        VOCABULARY, tf.string, tf.lookup.TextFileIndex.WHOLE_LINE, tf.int64, tf.lookup.TextFileIndex.LINE_NUMBER), -1)
    assert plain(whole.lookup(tf.constant(["banana\t7", "banana"]))) == TF["whole_lines"]
    with pytest.raises(tf.errors.NotFoundError):
        tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer("missing.txt", tf.string, 0, tf.int64, 1), -1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="columns"):
        tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(VOCABULARY, tf.string, 0, tf.int64, 4), -1)


def test_mutable_tables():
    mutable = tf.lookup.experimental.MutableHashTable(tf.string, tf.float32, [0.0, 0.0])
    mutable.insert(["a", "b"], [[1.0, 2.0], [3.0, 4.0]])
    mutable.insert(["b"], [[5.0, 6.0]])
    mutable.remove(["a"])
    result = mutable.lookup(["a", "b", "c"])
    assert np.asarray(result).tolist() == TF["mutable"] and int(mutable.size()) == TF["mutable_size"]
    keys, values = mutable.export()
    assert plain(keys) == ["b"] and np.asarray(values).tolist() == [[5.0, 6.0]]
    dense = tf.lookup.experimental.DenseHashTable(tf.int64, tf.int64, -1, empty_key=-5, deleted_key=-6)
    dense.insert(np.array([1, 2, 3], np.int64), np.array([10, 20, 30], np.int64))
    dense.erase(np.array([2], np.int64))
    assert plain(dense.lookup(np.array([1, 2, 3, 4], np.int64))) == TF["dense"]
    with pytest.raises(tf.errors.InvalidArgumentError, match="empty_key"):
        dense.insert(np.array([-5], np.int64), np.array([1], np.int64))
    with pytest.raises(ValueError, match="shape"):
        mutable.insert(["z"], [1.0])
