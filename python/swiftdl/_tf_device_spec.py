"""tf.DeviceSpec and the variable-placement enums TensorFlow code passes around
(VariableAggregation, VariableSynchronization, AggregationMethod). swiftdl runs every op
on the CPU; these keep such code running and its device strings well-formed."""
import dataclasses
import enum
import re

_FIELD = re.compile(r"^/?(job|replica|task|device):(.+)$")


@dataclasses.dataclass(frozen=True)
class DeviceSpec:
    """A device name's parts: /job:<job>/replica:<n>/task:<n>/device:<TYPE>:<index> (tf.DeviceSpec)."""

    job: "str | None" = None
    replica: "int | None" = None
    task: "int | None" = None
    device_type: "str | None" = None
    device_index: "int | None" = None

    @classmethod
    def from_string(cls, spec):
        """Parses "/job:w/replica:0/task:1/device:CPU:0", "/cpu:0", "GPU:1" and the like."""
        fields = {}
        for part in [p for p in str(spec).split("/") if p]:
            match = _FIELD.match(part)
            kind, value = (match.group(1), match.group(2)) if match else ("device", part)
            if kind == "device":
                name, _, index = value.partition(":")
                fields["device_type"] = name.upper() if name.lower() in ("cpu", "gpu", "tpu") else name
                fields["device_index"] = None if index in ("", "*") else int(index)
            elif kind == "job":
                fields["job"] = value
            else:
                fields[kind] = int(value)
        return cls(**fields)

    def to_string(self):
        parts = []
        if self.job is not None:
            parts.append(f"/job:{self.job}")
        if self.replica is not None:
            parts.append(f"/replica:{self.replica}")
        if self.task is not None:
            parts.append(f"/task:{self.task}")
        if self.device_type is not None:
            index = "*" if self.device_index is None else self.device_index
            parts.append(f"/device:{self.device_type}:{index}")
        return "".join(parts)

    def parse_from_string(self, spec):
        return self.from_string(spec)

    def replace(self, **kwargs):
        return dataclasses.replace(self, **kwargs)

    def make_merged_spec(self, dev):
        """This spec with the fields `dev` sets taking their value from `dev`."""
        return DeviceSpec(**{f.name: getattr(dev, f.name) if getattr(dev, f.name) is not None
                             else getattr(self, f.name) for f in dataclasses.fields(self)})

    def __str__(self):
        return self.to_string()


class VariableAggregation(enum.IntEnum):
    """How a distributed variable's replicas combine their updates."""

    NONE = 0
    SUM = 1
    MEAN = 2
    ONLY_FIRST_REPLICA = 3


class VariableSynchronization(enum.IntEnum):
    """When a distributed variable's replicas are synchronized."""

    AUTO = 0
    NONE = 1
    ON_WRITE = 2
    ON_READ = 3


class AggregationMethod:
    """How graph-mode gradients sum contributions (accepted; eager tapes add them)."""

    ADD_N = 0
    DEFAULT = ADD_N
    EXPERIMENTAL_TREE = 1
    EXPERIMENTAL_ACCUMULATE_N = 2
