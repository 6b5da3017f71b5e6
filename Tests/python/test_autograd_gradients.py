"""Finite-difference gradient checks, in float64, for every differentiable foundation op
reachable from Python: arithmetic, elementwise math, reductions, matmul, shape ops, where,
clip, astype and indexing. The nn ops have their own checks in test_nn_*.py.

Every check goes through `check_gradients`: the tape's vector-Jacobian product for random
output weights against central differences of the same swiftdl function."""
import numpy as np
import pytest

import swiftdl as sd

RNG_SEED = 20240601


# ---- the one shared helper -----------------------------------------------------------

def contiguous(array):
    return sd.asarray(array)


def strided(array):
    """A non-contiguous tensor with `array`'s values: every other element of a wider buffer."""
    array = np.asarray(array)
    if array.ndim == 0:
        return sd.asarray(array)
    wide = np.zeros(array.shape[:-1] + (2 * array.shape[-1],), array.dtype)
    wide[..., ::2] = array
    tensor = sd.asarray(wide)[..., ::2]
    assert not np.asarray(tensor).flags.c_contiguous or array.shape[-1] <= 1
    return tensor


def transposed(array):
    """A non-contiguous tensor with `array`'s values: the transpose of a contiguous one."""
    array = np.asarray(array)
    return sd.asarray(np.ascontiguousarray(array.T)).T


def reversed_view(array):
    """A tensor with `array`'s values seen through a negative stride on the first axis."""
    array = np.asarray(array)
    return sd.asarray(np.ascontiguousarray(array[::-1]))[::-1]


LAYOUTS = {"contiguous": contiguous, "strided": strided, "transposed": transposed, "reversed": reversed_view}


def check_gradients(function, *arrays, wrt=None, layouts=None, eps=1e-6, rtol=1e-6, atol=1e-9, seed=0):
    """Asserts that the tape's gradients of `function(*tensors)` weighted by random output
    gradients match central differences, for the inputs listed in `wrt` (default: every
    float input). `layouts` turns each numpy array into the tensor the function receives
    (contiguous by default; `strided`, `transposed` or `reversed_view` for views)."""
    arrays = [np.array(a) for a in arrays]
    layouts = layouts or [contiguous] * len(arrays)
    if wrt is None:
        wrt = [i for i, a in enumerate(arrays) if a.dtype.kind == "f"]
    tensors = [layout(a) for layout, a in zip(layouts, arrays)]
    with sd.GradientTape() as tape:
        for i in wrt:
            tape.watch(tensors[i])
        out = function(*tensors)
    assert isinstance(out, sd.Tensor)
    weights = np.random.default_rng(seed).standard_normal(out.shape).astype(out.dtype)
    analytic = tape.gradient(out, [tensors[i] for i in wrt], output_gradients=sd.asarray(weights))

    def value(perturbed):
        result = function(*[layout(a) for layout, a in zip(layouts, perturbed)])
        return float((np.asarray(result, dtype=np.float64) * weights).sum())

    for position, i in enumerate(wrt):
        gradient = analytic[position]
        assert gradient is not None, f"no gradient for input {i}"
        assert isinstance(gradient, sd.Tensor)
        assert gradient.shape == arrays[i].shape, f"gradient of input {i} has shape {gradient.shape}"
        assert gradient.dtype == arrays[i].dtype, f"gradient of input {i} has dtype {gradient.dtype}"
        numeric = np.zeros(arrays[i].shape)
        for index in np.ndindex(arrays[i].shape):
            plus = [a.copy() for a in arrays]
            minus = [a.copy() for a in arrays]
            plus[i][index] += eps
            minus[i][index] -= eps
            numeric[index] = (value(plus) - value(minus)) / (2 * eps)
        np.testing.assert_allclose(np.asarray(gradient, dtype=np.float64), numeric, rtol=rtol, atol=atol,
                                   err_msg=f"gradient of input {i}")


def normal(shape, seed=0, scale=1.0):
    return np.random.default_rng(RNG_SEED + seed).standard_normal(shape) * scale


def uniform(shape, low, high, seed=0):
    return np.random.default_rng(RNG_SEED + seed).uniform(low, high, shape)


def distinct(shape, seed=0):
    """Values with no ties and none near zero (for max/min/abs/maximum kinks)."""
    count = int(np.prod(shape, dtype=np.int64))
    values = (np.arange(count) + 1.0) * 0.37 * np.where(np.arange(count) % 3 == 0, -1, 1)
    return np.random.default_rng(RNG_SEED + seed).permutation(values).reshape(shape)


# ---- arithmetic operators, both operands ---------------------------------------------

SHAPE_PAIRS = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 4), (3, 1)), ((), (2, 3)), ((5,), ())]


@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
@pytest.mark.parametrize("op", ["add", "sub", "mul", "truediv"])
def test_arithmetic_operators(op, shapes):
    a = normal(shapes[0], 1)
    b = uniform(shapes[1], 0.5, 2.0, 2) * np.where(normal(shapes[1], 3) > 0, 1, -1)
    function = {"add": lambda x, y: x + y, "sub": lambda x, y: x - y,
                "mul": lambda x, y: x * y, "truediv": lambda x, y: x / y}[op]
    check_gradients(function, a, b)


@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
def test_remainder_both_operands(shapes):
    """a % b = a - floor(a/b)·b: 1 for a, -floor(a/b) for b (TensorFlow's FloorMod rule)."""
    a = normal(shapes[0], 1) * 3
    b = uniform(shapes[1], 0.5, 2.0, 2) * np.where(normal(shapes[1], 3) > 0, 1, -1)
    quotient = a / b
    # Central differences straddling a step of floor would be wrong, not the tape.
    assert np.abs(quotient - np.round(quotient)).min() > 1e-4
    check_gradients(lambda x, y: x % y, a, b)


@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
def test_power_both_operands(shapes):
    check_gradients(lambda x, y: x ** y, uniform(shapes[0], 0.5, 2.0, 1), normal(shapes[1], 2))


def test_power_with_python_scalars():
    x = uniform((3, 4), 0.5, 2.0)
    check_gradients(lambda t: t ** 2, x)
    check_gradients(lambda t: t ** 0.5, x)
    check_gradients(lambda t: t ** -1.5, x)
    check_gradients(lambda t: 2.0 ** t, normal((3, 4)))
    check_gradients(lambda t: sd.power(t, 3), normal((2, 3)))


def test_power_of_negative_base_with_integer_exponent():
    # d/db of a**b at a <= 0 is taken as 0 (TensorFlow's rule); d/da stays exact.
    a = np.array([-2.0, -0.5, 1.5])
    check_gradients(lambda x: x ** 3.0, a)
    x, y = sd.asarray(a), sd.asarray(np.array([2.0, 3.0, 2.0]))
    with sd.GradientTape() as tape:
        tape.watch(y)
        out = x ** y
    np.testing.assert_allclose(np.asarray(tape.gradient(out, y)), [0.0, 0.0, 1.5 ** 2 * np.log(1.5)])


@pytest.mark.parametrize("op", ["radd", "rsub", "rmul", "rtruediv"])
def test_reflected_operators_with_scalars_and_arrays(op):
    function = {"radd": lambda x: 1.5 + x, "rsub": lambda x: 1.5 - x, "rmul": lambda x: 1.5 * x,
                "rtruediv": lambda x: 1.5 / x}[op]
    check_gradients(function, uniform((2, 3), 0.5, 2.0))
    constant = normal((3,), 4)
    array_function = {"radd": lambda x: constant + x, "rsub": lambda x: constant - x,
                      "rmul": lambda x: constant * x, "rtruediv": lambda x: constant / x}[op]
    check_gradients(array_function, uniform((2, 3), 0.5, 2.0))


@pytest.mark.parametrize("layout", ["strided", "transposed", "reversed"])
def test_binary_ops_on_non_contiguous_inputs(layout):
    view = LAYOUTS[layout]
    a, b = normal((4, 3), 1), uniform((4, 3), 0.5, 2.0, 2)
    check_gradients(lambda x, y: x * y / (y + x ** 2 + 3.0), a, b, layouts=[view, view])
    check_gradients(lambda x, y: x - y, a, b[0], layouts=[view, contiguous])


@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
@pytest.mark.parametrize("op", [sd.maximum, sd.minimum], ids=["maximum", "minimum"])
def test_maximum_minimum(op, shapes):
    both = distinct((int(np.prod(shapes[0], dtype=int)) + int(np.prod(shapes[1], dtype=int)),))
    a = both[:int(np.prod(shapes[0], dtype=int))].reshape(shapes[0])
    b = both[int(np.prod(shapes[0], dtype=int)):].reshape(shapes[1])
    check_gradients(op, a, b)


def test_maximum_ties_send_the_gradient_to_the_first_operand():
    a, b = sd.asarray([1.0, 2.0]), sd.asarray([1.0, 3.0])
    with sd.GradientTape(persistent=True) as tape:
        tape.watch([a, b])
        high, low = sd.maximum(a, b), sd.minimum(a, b)
    ga, gb = tape.gradient(high, [a, b])
    np.testing.assert_array_equal(np.asarray(ga) + np.asarray(gb), [1.0, 1.0])  # never doubled
    ga, gb = tape.gradient(low, [a, b])
    np.testing.assert_array_equal(np.asarray(ga) + np.asarray(gb), [1.0, 1.0])


# ---- unary math ----------------------------------------------------------------------

UNARY = {
    "negative": (lambda x: -x, normal),
    "negative_fn": (sd.negative, normal),
    "abs": (abs, distinct),
    "absolute": (sd.absolute, distinct),
    "square": (sd.square, normal),
    "exp": (sd.exp, normal),
    "log": (sd.log, lambda shape, seed=0: uniform(shape, 0.2, 3.0, seed)),
    "sqrt": (sd.sqrt, lambda shape, seed=0: uniform(shape, 0.2, 3.0, seed)),
    "tanh": (sd.tanh, normal),
    "sin": (sd.sin, lambda shape, seed=0: normal(shape, seed, 3.0)),
    "cos": (sd.cos, lambda shape, seed=0: normal(shape, seed, 3.0)),
    "log1p": (sd.log1p, lambda shape, seed=0: uniform(shape, -0.8, 3.0, seed)),
    "expm1": (sd.expm1, normal),
    "reciprocal": (sd.reciprocal, distinct),
}


@pytest.mark.parametrize("shape", [(), (5,), (3, 4), (2, 3, 2)], ids=str)
@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary(name, shape):
    function, data = UNARY[name]
    check_gradients(function, data(shape))


@pytest.mark.parametrize("layout", ["strided", "transposed", "reversed"])
@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_on_non_contiguous_inputs(name, layout):
    function, data = UNARY[name]
    check_gradients(function, data((3, 4)), layouts=[LAYOUTS[layout]])


def test_piecewise_constant_ops_have_zero_gradient():
    x = sd.asarray(np.array([-1.3, 0.4, 2.6]))
    for op in (sd.sign, sd.floor, sd.ceil, sd.rint):
        with sd.GradientTape() as tape:
            tape.watch(x)
            out = op(x) * x
        np.testing.assert_array_equal(np.asarray(tape.gradient(out, x)), np.asarray(op(x)))


def test_chained_elementwise_composite():
    check_gradients(lambda x, y: sd.tanh(sd.exp(x) * sd.sin(y) + sd.sqrt(x * x + 1.0)) / (1.0 + sd.square(y)),
                    normal((3, 4), 1, 0.5), normal((4,), 2))


# ---- reductions ----------------------------------------------------------------------

AXES = [None, 0, 1, -1, (0, 2), (2, 0), (0, 1, 2), ()]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("name", ["sum", "mean", "prod", "max", "min"])
def test_reductions(name, axis, keepdims):
    x = distinct((2, 3, 4)) / 3.0
    function = getattr(sd, name)
    check_gradients(lambda t: function(t, axis=axis, keepdims=keepdims), x)


@pytest.mark.parametrize("name", ["sum", "mean", "prod", "max", "min"])
def test_reduction_methods_on_views(name):
    x = distinct((3, 4)) / 3.0
    check_gradients(lambda t: getattr(t, name)(axis=0), x, layouts=[transposed])
    check_gradients(lambda t: getattr(t, name)(axis=(1,), keepdims=True), x, layouts=[strided])
    check_gradients(lambda t: getattr(t, name)(), x, layouts=[reversed_view])


def test_prod_with_zeros():
    # One zero: only the zero's own gradient survives (the product of the others); two zeros: all zero.
    x = np.array([[2.0, 0.0, 3.0], [1.5, -2.0, 0.5], [0.0, 4.0, 0.0]])
    check_gradients(lambda t: sd.prod(t, axis=1), x)
    check_gradients(lambda t: sd.prod(t, axis=0), x)
    check_gradients(lambda t: sd.prod(t), np.array([1.5, 0.0, -2.0]))
    tensor = sd.asarray(x)
    with sd.GradientTape() as tape:
        tape.watch(tensor)
        out = sd.prod(tensor, axis=1)
    np.testing.assert_array_equal(np.asarray(tape.gradient(out, tensor)),
                                  [[0.0, 6.0, 0.0], [-1.0, 0.75, -3.0], [0.0, 0.0, 0.0]])


def test_max_ties_share_the_gradient():
    x = sd.asarray(np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]]))
    with sd.GradientTape() as tape:
        tape.watch(x)
        out = sd.max(x, axis=1)
    np.testing.assert_allclose(np.asarray(tape.gradient(out, x)), [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("ddof", [0, 1, 2])
@pytest.mark.parametrize("axis", [None, 0, -1, (0, 2)], ids=str)
@pytest.mark.parametrize("name", ["var", "std"])
def test_var_std(name, axis, ddof, keepdims):
    function = getattr(sd, name)
    check_gradients(lambda t: function(t, axis=axis, ddof=ddof, keepdims=keepdims), normal((3, 4, 3)))


def test_var_std_methods_on_views():
    check_gradients(lambda t: t.var(axis=0, ddof=1) + t.std(axis=1).sum(), normal((4, 3)), layouts=[transposed])


# ---- matmul --------------------------------------------------------------------------

MATMUL_SHAPES = [
    ((3, 4), (4, 5)),
    ((1, 4), (4, 1)),
    ((2, 3, 4), (4, 5)),
    ((3, 4), (2, 4, 5)),
    ((2, 1, 3, 4), (3, 4, 2)),
    ((2, 3, 4), (2, 4, 2)),
    ((4,), (4, 3)),
    ((3, 4), (4,)),
    ((4,), (4,)),
    ((4,), (2, 4, 3)),
    ((2, 3, 4), (4,)),
    ((2, 2, 3, 4), (4, 5)),
    ((2, 1, 3, 4), (4, 2)),
]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul(shapes):
    check_gradients(lambda a, b: a @ b, normal(shapes[0], 1), normal(shapes[1], 2))


@pytest.mark.parametrize("layouts", [("transposed", "contiguous"), ("contiguous", "transposed"),
                                     ("transposed", "transposed"), ("strided", "reversed")])
def test_matmul_on_views(layouts):
    check_gradients(sd.matmul, normal((3, 4), 1), normal((4, 2), 2),
                    layouts=[LAYOUTS[layouts[0]], LAYOUTS[layouts[1]]])


def test_matmul_with_transposed_operands_inside_the_function():
    check_gradients(lambda a, b: a.T @ b, normal((4, 3), 1), normal((4, 2), 2))
    check_gradients(lambda a, b: a @ b.T, normal((3, 4), 1), normal((2, 4), 2))
    check_gradients(lambda a, b: sd.matmul(sd.swapaxes(a, -1, -2), b), normal((2, 4, 3), 1), normal((4, 2), 2))
    check_gradients(lambda a: a @ a.T, normal((3, 4)))
    check_gradients(sd.dot, normal((3, 4), 1), normal((4,), 2))


# ---- shape ops -----------------------------------------------------------------------

def test_reshape():
    x = normal((2, 3, 4))
    check_gradients(lambda t: t.reshape(4, 6), x)
    check_gradients(lambda t: sd.reshape(t, (-1,)), x)
    check_gradients(lambda t: t.reshape((3, -1, 2)) * 2.0, x, layouts=[transposed])
    check_gradients(lambda t: sd.ravel(t), x, layouts=[strided])


def test_transpose():
    x = normal((2, 3, 4))
    check_gradients(lambda t: t.T, x)
    check_gradients(lambda t: sd.transpose(t, (1, 0, 2)), x)
    check_gradients(lambda t: t.transpose(2, 0, 1), x, layouts=[strided])
    check_gradients(lambda t: sd.transpose(t, (-1, 0, -2)), x)
    check_gradients(lambda t: sd.moveaxis(t, 0, -1), x)
    check_gradients(lambda t: t.T @ t, normal((3, 2)))


def test_expand_dims_and_squeeze():
    x = normal((3, 1, 4))
    check_gradients(lambda t: sd.expand_dims(t, 0), x)
    check_gradients(lambda t: sd.expand_dims(t, -1), x, layouts=[strided])
    check_gradients(lambda t: sd.squeeze(t), x)
    check_gradients(lambda t: sd.squeeze(t, axis=1), x)
    check_gradients(lambda t: t.squeeze(-2) * sd.expand_dims(t[:, 0, 0], 1), x)


@pytest.mark.parametrize("shapes", [((4,), (3, 4)), ((3, 1), (3, 4)), ((), (2, 3)), ((1, 4), (2, 3, 4)),
                                    ((2, 1, 3), (2, 5, 3))], ids=str)
def test_broadcast_to(shapes):
    check_gradients(lambda t: sd.broadcast_to(t, shapes[1]), normal(shapes[0]))


def test_broadcast_to_of_a_view():
    check_gradients(lambda t: sd.broadcast_to(t, (2, 4, 3)), normal((4, 3)), layouts=[transposed])


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concatenate(axis):
    shapes = [(2, 3), (2, 3), (2, 3)]
    shapes = [tuple(s if i != axis % 2 else s + k for i, s in enumerate(shape)) for k, shape in enumerate(shapes)]
    arrays = [normal(shape, k) for k, shape in enumerate(shapes)]
    check_gradients(lambda *ts: sd.concatenate(ts, axis=axis), *arrays)
    check_gradients(lambda *ts: sd.concatenate(list(ts), axis=axis), *arrays,
                    layouts=[transposed, strided, reversed_view])


def test_concatenate_with_a_repeated_input_accumulates():
    check_gradients(lambda a, b: sd.concatenate([a, b, a], axis=0), normal((2, 3), 1), normal((1, 3), 2))


@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_stack(axis):
    arrays = [normal((2, 3), k) for k in range(3)]
    check_gradients(lambda *ts: sd.stack(ts, axis=axis), *arrays)
    check_gradients(lambda *ts: sd.stack(list(ts), axis=axis), *arrays, layouts=[transposed, strided, contiguous])


def test_stack_with_a_repeated_input_accumulates():
    check_gradients(lambda a: sd.stack([a, a * 2.0, a], axis=1), normal((3,)))


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_take(axis):
    x = normal((3, 4))
    indices = np.array([0, 2, 2, -1, 0])
    check_gradients(lambda t: sd.take(t, indices, axis=axis), x)
    check_gradients(lambda t: t.take(np.array([[1, 1], [0, 2]]), axis=axis), x, layouts=[transposed])


def test_take_repeated_indices_accumulate():
    x = sd.asarray(np.array([1.0, 2.0, 3.0]))
    with sd.GradientTape() as tape:
        tape.watch(x)
        out = sd.take(x, np.array([2, 2, 0, 2]))
    np.testing.assert_array_equal(np.asarray(tape.gradient(out, x)), [1.0, 0.0, 3.0])


@pytest.mark.parametrize("shapes", [((3, 4), (3, 4), (3, 4)), ((4,), (3, 1), (3, 4)), ((3, 4), (), (4,))], ids=str)
def test_where(shapes):
    condition = normal(shapes[0], 9) > 0
    check_gradients(lambda x, y: sd.where(condition, x, y), normal(shapes[1], 1), normal(shapes[2], 2))


def test_where_with_scalar_branch_and_views():
    condition = normal((3, 4), 9) > 0
    check_gradients(lambda x: sd.where(condition, x, 0.0), normal((3, 4)), layouts=[transposed])
    check_gradients(lambda x: sd.where(sd.asarray(condition), 1.5, x * x), normal((3, 4)), layouts=[strided])


def test_where_condition_from_the_input_itself():
    check_gradients(lambda x: sd.where(x > 0, x, 0.1 * x), distinct((3, 4)))


def test_clip():
    x = distinct((3, 4)) / 2.0
    check_gradients(lambda t: sd.clip(t, -1.0, 1.0), x)
    check_gradients(lambda t: t.clip(min=-0.5), x, layouts=[transposed])
    check_gradients(lambda t: sd.clip(t, None, 0.8), x, layouts=[strided])


def test_clip_with_tensor_bounds():
    x = distinct((3, 4)) / 2.0
    check_gradients(lambda t, lo, hi: sd.clip(t, lo, hi), x, np.full((4,), -1.01), np.full((3, 1), 1.02))


def test_astype_between_floats():
    # A float32 round trip inside a float64 function: derivatives survive casts, rounded.
    check_gradients(lambda t: (t.astype(np.float32) * 3.0).astype(np.float64) ** 2, normal((3, 4)),
                    eps=1e-3, rtol=1e-4, atol=1e-4)
    x = sd.asarray(normal((2, 3)).astype(np.float32))
    with sd.GradientTape() as tape:
        tape.watch(x)
        out = sd.square(x.astype(np.float64))
    gradient = tape.gradient(out, x)
    assert gradient.dtype == np.float32
    np.testing.assert_allclose(np.asarray(gradient), 2 * np.asarray(x), rtol=1e-6)


def test_astype_to_integers_ends_the_gradient():
    x = sd.asarray(normal((3,)) * 5)
    with sd.GradientTape() as tape:
        tape.watch(x)
        out = x.astype(np.int32).astype(np.float64) * 2.0
    assert tape.gradient(out, x) is None


def test_mixed_precision_gradients_keep_each_source_dtype():
    a = sd.asarray(normal((3,)).astype(np.float32))
    b = sd.asarray(normal((3,), 1))
    with sd.GradientTape() as tape:
        tape.watch([a, b])
        out = a * b
    ga, gb = tape.gradient(out, [a, b])
    assert (ga.dtype, gb.dtype) == (np.float32, np.float64)
    np.testing.assert_allclose(np.asarray(ga), np.asarray(b).astype(np.float32), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(gb), np.asarray(a).astype(np.float64))


# ---- indexing ------------------------------------------------------------------------

BASIC_KEYS = {
    "int": 1,
    "negative_int": -2,
    "slice": slice(1, 4),
    "step": slice(None, None, 2),
    "negative_step": slice(None, None, -1),
    "negative_step_2": slice(4, 0, -2),
    "int_slice": (1, slice(1, None)),
    "slice_negative_step_int": (slice(None, None, -2), 1),
    "none": (None, 1),
    "none_middle": (slice(1, 3), None, slice(None, None, -1)),
    "ellipsis": (Ellipsis, 1),
    "ellipsis_none": (Ellipsis, None),
    "ellipsis_middle": (0, Ellipsis, slice(None, None, 3)),
    "all": (slice(None), slice(None), slice(None)),
    "empty": slice(3, 1),
}


@pytest.mark.parametrize("key", list(BASIC_KEYS), ids=list(BASIC_KEYS))
@pytest.mark.parametrize("layout", ["contiguous", "transposed", "reversed"])
def test_basic_indexing(key, layout):
    check_gradients(lambda t: t[BASIC_KEYS[key]], normal((5, 4, 3)), layouts=[LAYOUTS[layout]])


def test_chained_slices_and_overlapping_reads_accumulate():
    check_gradients(lambda t: t[1:][::-2] + t[:-1][::2] * t[2], normal((5, 3)))
    check_gradients(lambda t: t[::2, None][:, :, 1:] * t[0, 1:], normal((4, 3)))


def test_slicing_a_broadcast_view():
    # Several positions of the view read one element: their gradients must add up.
    check_gradients(lambda t: sd.broadcast_to(t, (4, 3))[1:, ::2], normal((3,)))
    check_gradients(lambda t: sd.broadcast_to(t, (3, 4, 2))[::-1, 1], normal((1, 4, 1)))


ADVANCED_KEYS = {
    "list": [0, 2, 2, 0],
    "array": np.array([1, -1, 3, 1]),
    "array_2d": np.array([[0, 1], [1, 1]]),
    "second_axis": (slice(None), [0, 0, 3]),
    "two_arrays": ([0, 1, 1], [2, 2, 2]),
    "broadcast_arrays": (np.array([[0], [2]]), np.array([1, 1, 3])),
    "int_and_array": (1, [0, 0]),
    "slice_and_array": (slice(None, None, -1), [3, 1, 3]),
    "ellipsis_array": (Ellipsis, np.array([1, 0, 1])),
    "none_and_array": (None, [2, 2]),
    "bool_rows": np.array([True, False, True, True]),
    "bool_all": "mask",
    "bool_second_axis": (slice(None), np.array([False, True, True, False, True])),
}


@pytest.mark.parametrize("key", list(ADVANCED_KEYS), ids=list(ADVANCED_KEYS))
@pytest.mark.parametrize("layout", ["contiguous", "transposed"])
def test_advanced_indexing(key, layout):
    x = normal((4, 5))
    index = ADVANCED_KEYS[key]
    if isinstance(index, str):
        index = x > 0.2
    check_gradients(lambda t: t[index], x, layouts=[LAYOUTS[layout]])


def test_advanced_indexing_repeated_indices_accumulate():
    x = sd.asarray(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
    with sd.GradientTape() as tape:
        tape.watch(x)
        rows = x[[2, 0, 2, 2]]
        pairs = x[[1, 1], [0, 0]]
        out = rows.sum() + pairs.sum() * 10.0
    np.testing.assert_array_equal(np.asarray(tape.gradient(out, x)), [[1, 1], [20, 0], [3, 3]])


def test_advanced_indexing_of_a_broadcast_view():
    check_gradients(lambda t: sd.broadcast_to(t, (3, 4))[[0, 2, 2], [1, 1, 3]], normal((4,)))
    check_gradients(lambda t: sd.broadcast_to(t, (3, 4))[sd.asarray(np.eye(3, 4, dtype=bool))], normal((3, 1)))


def test_indexing_inside_a_larger_computation():
    def function(x, w):
        h = sd.tanh(x[:, ::-1] @ w)
        picked = h[[0, 2, 2], 1:]
        return picked.sum(axis=0) * h[..., -1].mean() + sd.where(h[1] > 0, h[1], 0.0).sum()
    check_gradients(function, normal((3, 4), 1), normal((4, 3), 2), layouts=[transposed, contiguous])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_square_below_a_scalar_loss_matches_numpy(dtype):
    # A mean or sum loss hands square's VJP one value broadcast over x; the engine then
    # multiplies x by 2g in one pass (ElementwiseGradients.swift). Doubling is exact, so the
    # values are numpy's 2·x·g to the last bit.
    x = np.random.default_rng(5).standard_normal((3, 4, 5)).astype(dtype)
    tensor = sd.asarray(x)
    for reduce, scale in ((sd.mean, dtype(1 / x.size)), (sd.sum, dtype(1))):
        with sd.GradientTape() as tape:
            tape.watch(tensor)
            loss = reduce(sd.square(tensor))
        np.testing.assert_array_equal(np.asarray(tape.gradient(loss, tensor)), x * (scale * dtype(2)))
