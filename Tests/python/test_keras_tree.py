"""swiftdl.keras.tree against Keras 3's documented rules (examples from its docstrings)."""
import collections

import numpy as np
import pytest

from swiftdl.keras import tree

Point = collections.namedtuple("Point", ["x", "y"])
OtherPoint = collections.namedtuple("Point", ["x", "y"])


def test_flatten_orders_dicts_by_key_and_keeps_none():
    assert tree.flatten([[1, 2, 3], [4, [5], [[6]]]]) == [1, 2, 3, 4, 5, 6]
    assert tree.flatten(None) == [None]
    assert tree.flatten(1) == [1]
    assert tree.flatten({100: "world!", 6: "Hello"}) == ["Hello", "world!"]
    assert tree.flatten(collections.OrderedDict([("b", 1), ("a", 2)])) == [1, 2]
    assert tree.flatten(Point(1, (2, None))) == [1, 2, None]
    array = np.ones(3)
    assert tree.flatten([array])[0] is array


def test_pack_sequence_as_keeps_key_order():
    structure = {"key3": "", "key1": "", "key2": ""}
    packed = tree.pack_sequence_as(structure, ["value1", "value2", "value3"])
    assert packed == {"key3": "value3", "key1": "value1", "key2": "value2"}
    assert list(packed) == ["key3", "key1", "key2"]
    assert tree.pack_sequence_as((("a", "b"), ("c", "d", "e"), "f"), [1, 2, 3, 4, 5, 6]) == ((1, 2), (3, 4, 5), 6)
    assert tree.pack_sequence_as(Point(0, [0]), [7, 8]) == Point(7, [8])
    with pytest.raises(ValueError):
        tree.pack_sequence_as([0, 0], [1])
    with pytest.raises(TypeError):
        tree.pack_sequence_as([0], 5)


def test_map_structure():
    assert tree.map_structure(lambda v: v ** 2, [[1], [2], [3]]) == [[1], [4], [9]]
    assert tree.map_structure(lambda a, b: a * b, [[1], [2]], [[3], [4]]) == [[3], [8]]
    assert tree.map_structure(lambda v: v * 2, Point(1, 2)) == Point(2, 4)
    assert tree.map_structure(lambda v: 0 if v is None else v + 1, [None, 1]) == [0, 2]
    assert tree.map_structure(lambda v: v + 1, [None, 1], none_is_leaf=False) == [None, 2]
    assert tree.map_structure(lambda v: v, None, none_is_leaf=False) is None
    with pytest.raises(ValueError):
        tree.map_structure(lambda a, b: a, [1, 2], (1, 2))
    with pytest.raises(TypeError):
        tree.map_structure(5, [1])


def test_assert_same_structure_rules():
    tree.assert_same_structure([(0, 1)], [(2, 3)])
    tree.assert_same_structure(Point(0, 1), Point(2, 3))
    tree.assert_same_structure({"a": 1}, collections.OrderedDict(a=2))
    tree.assert_same_structure({"a": 1}, collections.defaultdict(int, a=2))
    for a, b in [(Point(0, 1), OtherPoint(2, 3)), ([0, 1], (0, 1)), ({"a": 1}, {"b": 1}), ([1], [1, 2]),
                 ([1], [[1]])]:
        with pytest.raises(ValueError, match="same nested structure"):
            tree.assert_same_structure(a, b)
    tree.assert_same_paths([0, 1], (2, 3))
    tree.assert_same_paths(Point(0, 1), OtherPoint(2, 3))
    with pytest.raises(ValueError):
        tree.assert_same_paths({"a": 1}, [1])


def test_is_nested_paths_and_lists_to_tuples():
    assert not tree.is_nested(42) and tree.is_nested({"foo": 42}) and tree.is_nested(())
    assert not tree.is_nested(np.ones(2)) and not tree.is_nested("ab")
    assert tree.flatten_with_path([{"foo": 42}]) == [((0, "foo"), 42)]
    assert tree.flatten_with_path({"b": [1, 2], "a": None}) == [(("a",), None), (("b", 0), 1), (("b", 1), 2)]
    assert tree.lists_to_tuples([1, [2, {"a": [3]}]]) == (1, (2, {"a": (3,)}))


def test_traverse_top_down_and_bottom_up():
    seen = []
    structure = [(1, 2), [3], {"a": 4}]
    assert tree.traverse(seen.append, structure, top_down=True) == structure
    assert seen == [[(1, 2), [3], {"a": 4}], (1, 2), 1, 2, [3], 3, {"a": 4}, 4]
    seen = []
    assert tree.traverse(seen.append, structure, top_down=False) == structure
    assert seen == [1, 2, (1, 2), 3, [3], 4, {"a": 4}, [(1, 2), [3], {"a": 4}]]
    replaced = tree.traverse(lambda s: tree.MAP_TO_NONE if s == (1, 2) else None, structure)
    assert replaced == [None, [3], {"a": 4}]
    doubled = tree.traverse(lambda s: s * 2 if isinstance(s, int) else None, structure, top_down=False)
    assert doubled == [(2, 4), [6], {"a": 8}]


def test_map_structure_up_to_and_shapes():
    assert tree.map_structure_up_to([None, None], len, [[1, 1], [2, 2]]) == [2, 2]
    assert tree.map_structure_up_to([None, [None, None]], str, [[1, 1], [2, 2]]) == ["[1, 1]", ["2", "2"]]
    with pytest.raises(ValueError):
        tree.map_structure_up_to([None, None], len, [[1]])
    shapes = tree.map_shape_structure(lambda s: tuple(2 if d is None else d for d in s),
                                      {"a": (None, 3), "b": [(4,), (None, None)]})
    assert shapes == {"a": (2, 3), "b": [(4,), (2, 2)]}


def test_registered_tree_node_class():
    @tree.register_tree_node_class
    class Pair:
        def __init__(self, left, right, tag):
            self.left, self.right, self.tag = left, right, tag

        def tree_flatten(self):
            return (self.left, self.right), self.tag

        @classmethod
        def tree_unflatten(cls, tag, children):
            return cls(*children, tag)

    pair = Pair(1, [2, 3], "t")
    assert tree.flatten(pair) == [1, 2, 3]
    mapped = tree.map_structure(lambda v: v * 10, pair)
    assert isinstance(mapped, Pair) and mapped.left == 10 and mapped.right == [20, 30] and mapped.tag == "t"
    with pytest.raises(TypeError):
        tree.register_tree_node_class(int)
