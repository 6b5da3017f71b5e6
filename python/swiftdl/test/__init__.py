"""tf.test: TensorFlow's unittest helpers (TestCase's array assertions, main) and the
device queries notebooks start with (no GPU here)."""
import tempfile
import unittest

import numpy as np

from .._convert import TensorBase


def _numpy(value):
    if isinstance(value, TensorBase):
        return value.numpy()
    if isinstance(value, (list, tuple)) and any(isinstance(v, TensorBase) for v in value):
        return np.asarray([_numpy(v) for v in value])
    return np.asarray(value)


class TestCase(unittest.TestCase):
    """unittest.TestCase with TensorFlow's assertions on tensors and arrays."""

    def evaluate(self, tensors):
        """Tensors (in any nesting) as numpy values."""
        from ..keras import tree
        return tree.map_structure(lambda t: t.numpy() if isinstance(t, TensorBase) else t, tensors)

    def get_temp_dir(self):
        if not hasattr(self, "_temp_dir"):
            self._temp_dir = tempfile.mkdtemp()
        return self._temp_dir

    def assertAllClose(self, a, b, rtol=1e-6, atol=1e-6, msg=None):  # noqa: N802  (TensorFlow's names)
        if isinstance(a, dict) and isinstance(b, dict):
            self.assertEqual(sorted(a), sorted(b), msg)
            for key in a:
                self.assertAllClose(a[key], b[key], rtol, atol, msg)
            return
        np.testing.assert_allclose(_numpy(a), _numpy(b), rtol=rtol, atol=atol, err_msg=msg or "")

    def assertAllEqual(self, a, b, msg=None):  # noqa: N802
        a, b = _numpy(a), _numpy(b)
        self.assertEqual(a.shape, b.shape, msg)
        np.testing.assert_array_equal(a, b, err_msg=msg or "")

    def assertNotAllClose(self, a, b, rtol=1e-6, atol=1e-6, msg=None):  # noqa: N802
        if np.allclose(_numpy(a), _numpy(b), rtol=rtol, atol=atol):
            raise AssertionError(msg or "The two values are close at all elements")

    def assertNotAllEqual(self, a, b, msg=None):  # noqa: N802
        if np.array_equal(_numpy(a), _numpy(b)):
            raise AssertionError(msg or "The two values are equal at all elements")

    def assertAllLess(self, a, comparison_target):  # noqa: N802
        self.assertTrue(np.all(_numpy(a) < comparison_target), f"{_numpy(a)} is not all < {comparison_target}")

    def assertAllGreater(self, a, comparison_target):  # noqa: N802
        self.assertTrue(np.all(_numpy(a) > comparison_target), f"{_numpy(a)} is not all > {comparison_target}")

    def assertAllLessEqual(self, a, comparison_target):  # noqa: N802
        self.assertTrue(np.all(_numpy(a) <= comparison_target), f"{_numpy(a)} is not all <= {comparison_target}")

    def assertAllGreaterEqual(self, a, comparison_target):  # noqa: N802
        self.assertTrue(np.all(_numpy(a) >= comparison_target), f"{_numpy(a)} is not all >= {comparison_target}")

    def assertAllInRange(self, target, lower_bound, upper_bound, open_lower_bound=False,  # noqa: N802
                         open_upper_bound=False):
        values = _numpy(target)
        low = values > lower_bound if open_lower_bound else values >= lower_bound
        high = values < upper_bound if open_upper_bound else values <= upper_bound
        self.assertTrue(np.all(low & high), f"{values} is not all in [{lower_bound}, {upper_bound}]")

    def assertNear(self, f1, f2, err, msg=None):  # noqa: N802
        self.assertTrue(abs(float(f1) - float(f2)) <= err, msg or f"{f1} != {f2} +/- {err}")

    def assertArrayNear(self, farray1, farray2, err, msg=None):  # noqa: N802
        self.assertEqual(len(farray1), len(farray2), msg)
        for f1, f2 in zip(farray1, farray2):
            self.assertNear(f1, f2, err, msg)

    def assertShapeEqual(self, input_a, input_b, msg=None):  # noqa: N802
        self.assertEqual(tuple(np.shape(_numpy(input_a))), tuple(input_b.shape), msg)

    def assertDTypeEqual(self, target, expected_dtype):  # noqa: N802
        self.assertEqual(np.dtype(_numpy(target).dtype), np.dtype(getattr(expected_dtype, "as_numpy_dtype",
                                                                          expected_dtype)))

    def assertRaisesOpError(self, expected_err_re_or_predicate):  # noqa: N802
        from ..errors import OpError
        return self.assertRaisesRegex(OpError, expected_err_re_or_predicate)


def main(argv=None):
    """Runs the tests of the calling module (unittest.main)."""
    return unittest.main(argv=argv)


def is_gpu_available(cuda_only=False, min_cuda_compute_capability=None):
    """False: swiftdl runs on the CPU."""
    return False


def gpu_device_name():
    """"": there is no GPU device."""
    return ""


def is_built_with_cuda():
    return False


def is_built_with_rocm():
    return False


def is_built_with_gpu_support():
    return False


def is_built_with_xla():
    return False


def create_local_cluster(*args, **kwargs):
    raise NotImplementedError("tf.test.create_local_cluster starts TensorFlow servers; swiftdl's multi-process "
                              "training runs under mpirun (keras.distribution.DataParallel)")


__all__ = ["TestCase", "create_local_cluster", "gpu_device_name", "is_built_with_cuda", "is_built_with_gpu_support",
           "is_built_with_rocm", "is_built_with_xla", "is_gpu_available", "main"]
