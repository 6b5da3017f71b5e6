"""keras.tree: utilities for nested structures of lists, tuples, namedtuples, dicts and
registered classes, with Keras 3's rules:

- dicts flatten in sorted-key order (OrderedDicts in insertion order) and repack with
  their own key order; dict, OrderedDict and defaultdict with the same keys match;
- lists, tuples, namedtuples (and deques) are distinct structure types;
- None is a leaf (map_structure can skip it with none_is_leaf=False);
- classes registered with register_tree_node_class are nodes through their
  `tree_flatten()` / `tree_unflatten(aux, children)` methods (JAX's protocol).
"""
import collections
import collections.abc

__all__ = ["MAP_TO_NONE", "assert_same_paths", "assert_same_structure", "flatten", "flatten_with_path",
           "is_nested", "lists_to_tuples", "map_shape_structure", "map_structure", "map_structure_up_to",
           "pack_sequence_as", "register_tree_node_class", "traverse"]

_REGISTERED: dict = {}


class MAP_TO_NONE:
    """Returned by a `traverse` function to replace a sub-tree with None."""


def register_tree_node_class(cls):
    """Registers `cls` as a tree node: instances expose `tree_flatten()` returning
    (children, aux_data) and the class has `tree_unflatten(aux_data, children)`.
    Returns `cls`, so it works as a class decorator."""
    if not (hasattr(cls, "tree_flatten") and hasattr(cls, "tree_unflatten")):
        raise TypeError(f"register_tree_node_class: {cls.__name__} must define tree_flatten and tree_unflatten")
    _REGISTERED[cls] = cls
    return cls


def _is_namedtuple(value):
    return isinstance(value, tuple) and hasattr(type(value), "_fields")


def is_nested(structure):
    """True for lists, tuples, namedtuples, dicts (any Mapping), deques and registered classes."""
    return (isinstance(structure, (list, tuple, dict, collections.deque, collections.abc.Mapping))
            or type(structure) in _REGISTERED)


def _sorted_keys(mapping):
    if isinstance(mapping, collections.OrderedDict):
        return list(mapping.keys())
    try:
        return sorted(mapping.keys())
    except TypeError:
        raise TypeError(f"keras.tree does not support dicts with non-sortable keys; received keys "
                        f"{list(mapping.keys())!r}") from None


def _children(structure):
    """(keys or indices, children) of one node level."""
    if isinstance(structure, collections.abc.Mapping):
        keys = _sorted_keys(structure)
        return keys, [structure[k] for k in keys]
    if type(structure) in _REGISTERED:
        children, _ = structure.tree_flatten()
        children = list(children)
        return list(range(len(children))), children
    children = list(structure)
    return list(range(len(children))), children


def _rebuild(structure, children):
    """A node like `structure` holding `children` (in _children's order)."""
    if isinstance(structure, collections.abc.Mapping):
        by_key = dict(zip(_sorted_keys(structure), children))
        if isinstance(structure, collections.defaultdict):
            result = collections.defaultdict(structure.default_factory)
            for key in structure:
                result[key] = by_key[key]
            return result
        items = [(key, by_key[key]) for key in structure]
        try:
            return type(structure)(items)
        except TypeError:
            return dict(items)
    if type(structure) in _REGISTERED:
        _, aux = structure.tree_flatten()
        return type(structure).tree_unflatten(aux, children)
    if _is_namedtuple(structure):
        return type(structure)(*children)
    if isinstance(structure, collections.deque):
        return collections.deque(children, maxlen=structure.maxlen)
    if isinstance(structure, tuple):
        return tuple(children) if type(structure) is tuple else type(structure)(children)
    return list(children) if type(structure) is list else type(structure)(children)


def flatten(structure):
    """The leaves of `structure` in order (dict values by sorted key); a leaf gives [leaf],
    None gives [None]."""
    leaves = []
    _flatten_into(structure, leaves)
    return leaves


def _flatten_into(structure, leaves):
    if not is_nested(structure):
        leaves.append(structure)
        return
    for child in _children(structure)[1]:
        _flatten_into(child, leaves)


def flatten_with_path(structure):
    """[(path, leaf), ...]: each path a tuple of indices and dict keys."""
    result = []

    def visit(node, path):
        if not is_nested(node):
            result.append((path, node))
            return
        for key, child in zip(*_children(node)):
            visit(child, path + (key,))

    visit(structure, ())
    return result


def pack_sequence_as(structure, flat_sequence):
    """`flat_sequence` arranged in the nesting of `structure`.

    Raises:
        TypeError: if flat_sequence is not a sequence.
        ValueError: if it holds more or fewer items than structure has leaves.
    """
    if not isinstance(flat_sequence, (list, tuple, collections.abc.Sequence)) or isinstance(flat_sequence, str):
        raise TypeError(f"flat_sequence must be a sequence; received {type(flat_sequence).__name__}")
    flat_sequence = list(flat_sequence)
    expected = len(flatten(structure))
    if expected != len(flat_sequence):
        raise ValueError(f"The target structure has {expected} leaves but flat_sequence has "
                         f"{len(flat_sequence)} items. structure: {structure!r}")
    iterator = iter(flat_sequence)

    def build(node):
        if not is_nested(node):
            return next(iterator)
        return _rebuild(node, [build(child) for child in _children(node)[1]])

    return build(structure)


def _node_kind(value):
    if isinstance(value, collections.abc.Mapping):
        return "dict"
    if _is_namedtuple(value) or type(value) in _REGISTERED:
        return type(value)
    if isinstance(value, collections.deque):
        return "deque"
    if isinstance(value, tuple):
        return "tuple"
    if isinstance(value, list):
        return "list"
    return None


def _check_same(a, b, a_root, b_root, paths_only=False):
    if is_nested(a) != is_nested(b):
        raise ValueError(f"The two structures don't have the same nested structure.\n\nFirst structure: "
                         f"{a_root!r}\n\nSecond structure: {b_root!r}\n\nMore specifically: {a!r} and {b!r} "
                         f"differ in whether they are nested")
    if not is_nested(a):
        return
    if not paths_only and _node_kind(a) != _node_kind(b):
        raise ValueError(f"The two structures don't have the same nested structure.\n\nFirst structure: "
                         f"{a_root!r}\n\nSecond structure: {b_root!r}\n\nMore specifically: type "
                         f"{type(a).__name__} differs from type {type(b).__name__}")
    keys_a, children_a = _children(a)
    keys_b, children_b = _children(b)
    if keys_a != keys_b:
        raise ValueError(f"The two structures don't have the same nested structure.\n\nFirst structure: "
                         f"{a_root!r}\n\nSecond structure: {b_root!r}\n\nMore specifically: {a!r} has "
                         f"keys/length {keys_a} and {b!r} has {keys_b}")
    for x, y in zip(children_a, children_b):
        _check_same(x, y, a_root, b_root, paths_only)


def assert_same_structure(a, b, check_types=None):
    """Raises ValueError unless a and b nest the same way (lists, tuples and each
    namedtuple type differ; dict flavours with the same keys match)."""
    _check_same(a, b, a, b)


def assert_same_paths(a, b):
    """Raises ValueError unless a and b have the same paths (collection types ignored)."""
    paths_a = {path for path, _ in flatten_with_path(a)}
    paths_b = {path for path, _ in flatten_with_path(b)}
    if paths_a != paths_b:
        raise ValueError(f"The two structures don't have the same paths. Paths only in the first: "
                         f"{sorted(map(str, paths_a - paths_b))}; only in the second: {sorted(map(str, paths_b - paths_a))}")


def map_structure(func, *structures, none_is_leaf=True):
    """func applied to the corresponding leaves of `structures` (all nested alike), in the
    first structure's nesting. With none_is_leaf=False, None leaves stay None."""
    if not callable(func):
        raise TypeError(f"func must be callable; received {func!r}")
    if not structures:
        raise TypeError("map_structure needs at least one structure")
    for other in structures[1:]:
        assert_same_structure(structures[0], other)

    def apply(*leaves):
        if not none_is_leaf and leaves[0] is None:
            return None
        return func(*leaves)

    flat = [flatten(s) for s in structures]
    return pack_sequence_as(structures[0], [apply(*leaves) for leaves in zip(*flat)])


def map_structure_up_to(shallow_structure, func, *structures):
    """map_structure down to the leaves of `shallow_structure` only: deeper parts of
    `structures` are passed to func whole."""
    if not structures:
        raise TypeError("map_structure_up_to needs at least one structure")

    def walk(shallow, *nodes):
        if not is_nested(shallow):
            return func(*nodes)
        for node in nodes:
            if not is_nested(node) or _node_kind(node) != _node_kind(shallow) or \
                    _children(node)[0] != _children(shallow)[0]:
                raise ValueError(f"The two structures don't have the same nested structure: {shallow!r} "
                                 f"and {node!r}")
        children = [_children(node)[1] for node in nodes]
        return _rebuild(shallow, [walk(child, *parts) for child, *parts in zip(_children(shallow)[1], *children)])

    return walk(shallow_structure, *structures)


def traverse(func, structure, top_down=True):
    """Applies func to every sub-tree depth-first. Top-down: a non-None result replaces the
    sub-tree and stops the descent. Bottom-up: a non-None result replaces the sub-tree.
    MAP_TO_NONE stands for None as a replacement."""
    if not callable(func):
        raise TypeError(f"func must be callable; received {func!r}")

    def resolve(value):
        return None if value is MAP_TO_NONE else value

    def down(node):
        result = func(node)
        if result is not None:
            return resolve(result)
        if not is_nested(node):
            return node
        return _rebuild(node, [down(child) for child in _children(node)[1]])

    def up(node):
        if is_nested(node):
            node_rebuilt = _rebuild(node, [up(child) for child in _children(node)[1]])
        else:
            node_rebuilt = node
        result = func(node_rebuilt)
        return node_rebuilt if result is None else resolve(result)

    return down(structure) if top_down else up(structure)


def lists_to_tuples(structure):
    """The structure with every list turned into a tuple."""
    if not is_nested(structure):
        return structure
    children = [lists_to_tuples(child) for child in _children(structure)[1]]
    if isinstance(structure, list):
        return tuple(children)
    return _rebuild(structure, children)


def _is_shape(value):
    return isinstance(value, (list, tuple)) and not _is_namedtuple(value) and all(
        (isinstance(e, int) and not isinstance(e, bool)) or e is None for e in value)


def map_shape_structure(func, structure):
    """map_structure where tuples and lists of ints and None (shapes) are leaves."""
    if _is_shape(structure) or not is_nested(structure):
        return func(structure)
    return _rebuild(structure, [map_shape_structure(func, child) for child in _children(structure)[1]])
