"""tf.distribute for one process: the strategies TensorFlow users write around Keras models
(`with tf.distribute.MirroredStrategy().scope(): model = ...`) run here with one replica,
which is what MirroredStrategy gives on a machine without GPUs.

Training over several processes or hosts is swiftdl's MPI data parallelism
(`keras.distribution.DataParallel` or `swiftdl.horovod` under `mpirun`); the multi-worker
strategies say so instead of pretending."""
import contextlib
import enum

_CURRENT: list = []


class ReduceOp(str, enum.Enum):
    """How `Strategy.reduce` and `ReplicaContext.all_reduce` combine replicas' values."""

    SUM = "SUM"
    MEAN = "MEAN"


class InputContext:
    """What a dataset function learns about its input pipeline (one pipeline, one replica)."""

    def __init__(self, num_input_pipelines=1, input_pipeline_id=0, num_replicas_in_sync=1):
        self.num_input_pipelines = num_input_pipelines
        self.input_pipeline_id = input_pipeline_id
        self.num_replicas_in_sync = num_replicas_in_sync

    def get_per_replica_batch_size(self, global_batch_size):
        if global_batch_size % self.num_replicas_in_sync:
            raise ValueError(f"The `global_batch_size` {global_batch_size} is not divisible by "
                             f"`num_replicas_in_sync` {self.num_replicas_in_sync}")
        return global_batch_size // self.num_replicas_in_sync


class ReplicaContext:
    """The context inside `Strategy.run`: one replica, so reductions return their input."""

    def __init__(self, strategy):
        self.strategy = strategy
        self.num_replicas_in_sync = 1
        self.replica_id_in_sync_group = 0

    def all_reduce(self, reduce_op, value, options=None):
        return value

    def all_gather(self, value, axis, options=None):
        return value

    def merge_call(self, merge_fn, args=(), kwargs=None):
        return merge_fn(self.strategy, *args, **(kwargs or {}))


class Strategy:
    """One replica on this process's CPU (tf.distribute.Strategy's interface)."""

    num_replicas_in_sync = 1
    cluster_resolver = None

    def __init__(self, extended=None):
        self.extended = self

    @contextlib.contextmanager
    def scope(self):
        """Variables and models created inside belong to this strategy (one replica: as usual)."""
        _CURRENT.append(self)
        try:
            yield self
        finally:
            _CURRENT.pop()

    def run(self, fn, args=(), kwargs=None, options=None):
        """fn(*args, **kwargs) on the one replica."""
        _CURRENT.append(self)
        _REPLICA.append(ReplicaContext(self))
        try:
            return fn(*args, **(kwargs or {}))
        finally:
            _REPLICA.pop()
            _CURRENT.pop()

    def reduce(self, reduce_op, value, axis=None):
        """The replicas' values combined (one replica: `value`), then reduced over `axis` when given."""
        op = ReduceOp(getattr(reduce_op, "value", reduce_op))
        if axis is None:
            return value
        from .._tf_reduce import reduce_mean, reduce_sum
        return (reduce_sum if op is ReduceOp.SUM else reduce_mean)(value, axis=axis)

    def experimental_distribute_dataset(self, dataset, options=None):
        return dataset

    def distribute_datasets_from_function(self, dataset_fn, options=None):
        return dataset_fn(InputContext())

    def experimental_distribute_values_from_function(self, value_fn):
        return value_fn(ReplicaContext(self))

    def experimental_local_results(self, value):
        return (value,)

    def gather(self, value, axis):
        return value

    def colocate_vars_with(self, colocate_with_variable):
        return contextlib.nullcontext()


class MirroredStrategy(Strategy):
    """Synchronous replicas on this machine's devices: one replica on a CPU-only machine."""

    def __init__(self, devices=None, cross_device_ops=None):
        super().__init__()
        self.devices = tuple(devices) if devices else ("/job:localhost/replica:0/task:0/device:CPU:0",)


class OneDeviceStrategy(Strategy):
    def __init__(self, device):
        super().__init__()
        self.devices = (device,)


_DEFAULT = Strategy()
_REPLICA: list = []


def get_strategy():
    """The strategy whose scope is open, or the default one-replica strategy."""
    return _CURRENT[-1] if _CURRENT else _DEFAULT


def has_strategy():
    return bool(_CURRENT)


def in_cross_replica_context():
    """True inside a strategy's scope but outside `run` (as in TensorFlow: not at top level)."""
    return bool(_CURRENT) and not _REPLICA


def get_replica_context():
    """The replica context inside `run`, the default strategy's outside any scope, None in a cross-replica scope."""
    if _REPLICA:
        return _REPLICA[-1]
    return None if _CURRENT else ReplicaContext(_DEFAULT)


def _multi_process(name):
    class Unsupported(Strategy):
        def __init__(self, *args, **kwargs):
            raise NotImplementedError(
                f"tf.distribute.{name} needs TensorFlow's cluster runtime. swiftdl trains over several "
                "processes and hosts with MPI: set keras.distribution.set_distribution("
                "keras.distribution.DataParallel()) (or use swiftdl.horovod) and launch with `mpirun -np N`.")
    Unsupported.__name__ = Unsupported.__qualname__ = name
    return Unsupported


MultiWorkerMirroredStrategy = _multi_process("MultiWorkerMirroredStrategy")
ParameterServerStrategy = _multi_process("ParameterServerStrategy")
TPUStrategy = _multi_process("TPUStrategy")
CentralStorageStrategy = MirroredStrategy  # variables on the CPU, computation on the devices: one CPU here


__all__ = ["CentralStorageStrategy", "InputContext", "MirroredStrategy", "MultiWorkerMirroredStrategy",
           "OneDeviceStrategy", "ParameterServerStrategy", "ReduceOp", "ReplicaContext", "Strategy", "TPUStrategy",
           "get_replica_context", "get_strategy", "has_strategy", "in_cross_replica_context"]
