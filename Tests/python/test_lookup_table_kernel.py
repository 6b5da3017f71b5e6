"""The engine's vocabulary tables (swiftdl._lookup_table over _C.int64_table_* and
_C.strings_table_*) against a Python dict, the independent reference: random keys and
queries, keys that crowd the same slots, every string length class and array layout; and
the lookup layers that use them against the same dict. Indices are integers, so the
comparisons are exact."""
import numpy as np
import pytest

from swiftdl import _C
from swiftdl._lookup_table import Int64Table, StringTable
from swiftdl.keras import layers


def _dict_lookup(keys, queries):
    index = {key: i for i, key in enumerate(keys)}
    return np.array([index.get(q, -1) for q in queries], dtype=np.int64)


@pytest.mark.parametrize("keys", [
    np.arange(1, 2001),
    np.random.default_rng(0).choice(np.arange(-10**12, 10**12, 7919), 3000, replace=False),
    np.arange(0, 2**40, 2**30),  # equal low bits: the mixing must spread them
    np.array([np.iinfo(np.int64).min, -1, 0, np.iinfo(np.int64).max]),
    np.array([], dtype=np.int64),
])
def test_int64_table_matches_a_dict(keys):
    rng = np.random.default_rng(1)
    queries = np.concatenate([keys, rng.integers(-3000, 3000, 500), keys[::3] + 1]).astype(np.int64)
    rng.shuffle(queries)
    table = Int64Table(keys)
    np.testing.assert_array_equal(table.lookup(queries), _dict_lookup(keys.tolist(), queries.tolist()))
    assert table.lookup(queries.reshape(-1, 1)[::2]).shape == (len(queries[::2]), 1)
    assert table.lookup(np.int64(5)).shape == ()


def _texts(rng, count):
    alphabet = list("abcxyz019 ") + ["é", "中", "😀"]
    return list({"".join(rng.choice(alphabet, rng.integers(0, 90))) for _ in range(count)})


def test_string_table_matches_a_dict_in_every_layout():
    rng = np.random.default_rng(2)
    keys = _texts(rng, 1500)
    queries = keys[::2] + _texts(rng, 500) + [k + "x" for k in keys[:50]] + [""]
    table = StringTable(np.array(keys))
    want = _dict_lookup(keys, queries)
    np.testing.assert_array_equal(table.lookup(np.array(queries)), want)
    np.testing.assert_array_equal(table.lookup(np.array(queries, dtype=object)), want)
    encoded = [q.encode("utf-8") for q in queries]
    np.testing.assert_array_equal(table.lookup(np.array(encoded, dtype=object)), want)  # bytes match their text
    assert table.lookup(np.array(keys[3])).shape == () and table.lookup(np.array(keys[3])) == 3
    swapped = np.array(queries).astype(np.array(queries).dtype.newbyteorder(">"))  # not native on x86 and arm64
    np.testing.assert_array_equal(table.lookup(swapped), want)
    grid = np.array(queries[:40]).reshape(8, 5)
    np.testing.assert_array_equal(table.lookup(grid.T), want[:40].reshape(8, 5).T)


def test_tables_refuse_repeated_keys_and_bad_arguments():
    with pytest.raises(ValueError, match="appears twice"):
        Int64Table([3, 1, 3])
    with pytest.raises(ValueError, match="repeats"):
        StringTable(np.array(["a", "b", "a"]))
    table = StringTable(np.array(["a", "b"]))
    with pytest.raises(TypeError, match="str or bytes"):
        table.lookup(np.array(["a", None], dtype=object))
    with pytest.raises(ValueError, match="power of two"):
        _C.int64_table_build(np.arange(4), np.empty(4, np.int64))  # no slot left empty
    with pytest.raises(ValueError, match="slot"):
        _C.int64_table_lookup(np.arange(2), np.array([5, -1], np.int64), np.arange(3), np.empty(3, np.int64))
    with pytest.raises(ValueError, match="empty slot"):
        _C.int64_table_lookup(np.arange(2), np.array([0, 1], np.int64), np.arange(3), np.empty(3, np.int64))
    with pytest.raises(TypeError, match="int64"):
        _C.int64_table_lookup(np.arange(2), np.full(4, -1, np.int64), np.arange(3, dtype=np.int32),
                              np.empty(3, np.int64))
    with pytest.raises(ValueError, match="offsets"):
        _C.strings_table_lookup(b"ab", np.array([0, 5, 2], np.int64).tobytes(), np.full(8, -1, np.int64),
                                np.array(["a"]), np.empty(1, np.int64))


def test_string_lookup_layer_matches_a_dict_for_every_input_form():
    rng = np.random.default_rng(3)
    vocabulary = _texts(rng, 300)
    vocabulary = [v for v in vocabulary if v not in ("", "[UNK]")]
    tokens = rng.choice(vocabulary + ["unseen", "also unseen", ""], (64, 8))
    layer = layers.StringLookup(vocabulary=vocabulary, mask_token="")
    index = {token: i + 2 for i, token in enumerate(vocabulary)}  # 0: mask "", 1: OOV
    want = np.array([[0 if t == "" else index.get(t, 1) for t in row] for row in tokens.tolist()])
    for form in (tokens, tokens.astype(object), np.char.encode(tokens, "utf-8"),
                 np.char.encode(tokens, "utf-8").astype(object)):
        np.testing.assert_array_equal(np.asarray(layer(form)), want)


def test_integer_lookup_layer_matches_a_dict():
    rng = np.random.default_rng(4)
    vocabulary = rng.choice(np.arange(-5000, 5000), 700, replace=False)
    ids = rng.integers(-6000, 6000, (128, 4))
    layer = layers.IntegerLookup(vocabulary=vocabulary.tolist(), mask_token=0 if 0 not in vocabulary else None)
    start = 2 if layer.mask_token is not None else 1
    index = {int(v): i + start for i, v in enumerate(vocabulary)}
    want = np.array([[0 if (v == 0 and layer.mask_token is not None) else index.get(v, start - 1) for v in row]
                     for row in ids.tolist()])
    np.testing.assert_array_equal(np.asarray(layer(ids)), want)
