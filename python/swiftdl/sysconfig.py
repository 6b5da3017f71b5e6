"""tf.sysconfig.get_build_info: what the installed build supports. swiftdl is a CPU build
(no CUDA, ROCm or TensorRT). The compile and link flags for building TensorFlow custom ops
(get_include, get_lib, ...) have no swiftdl counterpart: swiftdl does not load TF ops."""
import collections


def get_build_info():
    """{'is_cuda_build': False, 'is_rocm_build': False, 'is_tensorrt_build': False}, as
    TensorFlow 2.21's CPU wheel reports."""
    return collections.OrderedDict([("is_cuda_build", False), ("is_rocm_build", False),
                                    ("is_tensorrt_build", False)])


__all__ = ["get_build_info"]
