"""`import swiftdl.horovod.tensorflow as hvd` in place of `import horovod.tensorflow as hvd`."""
from .. import *  # noqa: F401,F403
from .. import __all__  # noqa: F401
