"""tf.data.Options and its groups, as TensorFlow code sets them (`ds.with_options(o)`).

swiftdl's pipelines run in the calling thread (prefetch adds one background thread), so
these settings are kept and reported back but change nothing; the values users set most,
auto-sharding and determinism, are what they say in one process."""
import enum


class AutoShardPolicy(enum.IntEnum):
    OFF = -1
    AUTO = 0
    FILE = 1
    DATA = 2
    HINT = 3


class AutotuneAlgorithm(enum.IntEnum):
    DEFAULT = 0
    HILL_CLIMB = 1
    GRADIENT_DESCENT = 2
    MAX_PARALLELISM = 3
    STAGE_BASED = 4


class ExternalStatePolicy(enum.IntEnum):
    WARN = 0
    IGNORE = 1
    FAIL = 2


class _OptionGroup:
    """A group of named settings; unknown names are refused, as TensorFlow's options are."""

    _defaults: dict = {}

    def __init__(self):
        for name, value in self._defaults.items():
            object.__setattr__(self, name, value() if callable(value) and isinstance(value, type) else value)

    def __setattr__(self, name, value):
        if name not in self._defaults:
            raise AttributeError(f"'{type(self).__name__}' has no option {name!r}")
        object.__setattr__(self, name, value)

    def __eq__(self, other):
        return type(self) is type(other) and vars(self) == vars(other)

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"


class AutotuneOptions(_OptionGroup):
    _defaults = {"enabled": None, "cpu_budget": None, "ram_budget": None, "autotune_algorithm": None}


class DistributeOptions(_OptionGroup):
    _defaults = {"auto_shard_policy": AutoShardPolicy.AUTO, "num_devices": None}


class OptimizationOptions(_OptionGroup):
    _defaults = {name: None for name in ("apply_default_optimizations", "filter_fusion", "filter_parallelization",
                                         "inject_prefetch", "map_and_batch_fusion", "map_and_filter_fusion",
                                         "map_fusion", "map_parallelization", "noop_elimination",
                                         "parallel_batch", "seq_interleave_prefetch", "shuffle_and_repeat_fusion",
                                         "warm_start")}


class ThreadingOptions(_OptionGroup):
    _defaults = {"max_intra_op_parallelism": None, "private_threadpool_size": None}


class Options(_OptionGroup):
    """tf.data.Options: autotune, deterministic, experimental_distribute, _optimization,
    threading, ..."""

    _defaults = {"autotune": AutotuneOptions, "deterministic": None, "experimental_deterministic": None,
                 "experimental_distribute": DistributeOptions, "experimental_external_state_policy": None,
                 "experimental_optimization": OptimizationOptions, "experimental_slack": None,
                 "experimental_symbolic_checkpoint": None, "experimental_warm_start": None,
                 "threading": ThreadingOptions, "experimental_threading": ThreadingOptions, "dataset_name": None,
                 "framework_type": None}

    def merge(self, options):
        """These options with every setting `options` made (its non-default values) applied."""
        merged = Options()
        for source in (self, options):
            for name, value in vars(source).items():
                default = Options._defaults[name]
                if isinstance(value, _OptionGroup):
                    group = getattr(merged, name)
                    for key, item in vars(value).items():
                        if item != type(value)._defaults[key]:
                            object.__setattr__(group, key, item)
                elif value is not None and value != default:
                    object.__setattr__(merged, name, value)
        return merged
