"""tf.version: what is running. These are swiftdl's own version strings, not TensorFlow's:
code comparing versions against TensorFlow's releases is comparing against another library."""
from . import __version__ as VERSION

GIT_VERSION = "swiftdl-" + VERSION
COMPILER_VERSION = "swiftc 6 / clang"
GRAPH_DEF_VERSION = 0
GRAPH_DEF_VERSION_MIN_CONSUMER = 0
GRAPH_DEF_VERSION_MIN_PRODUCER = 0

__all__ = ["COMPILER_VERSION", "GIT_VERSION", "GRAPH_DEF_VERSION", "GRAPH_DEF_VERSION_MIN_CONSUMER",
           "GRAPH_DEF_VERSION_MIN_PRODUCER", "VERSION"]
