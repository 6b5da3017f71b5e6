"""keras.dtype_policies: which dtype a layer's weights and computations use.

The engine computes in float32 and float64, so the policies are those two; Keras's mixed
policies ('mixed_float16', 'mixed_bfloat16') and quantized ones raise NotImplementedError.
"""
from . import backend

__all__ = ["DTypePolicy", "FloatDTypePolicy", "deserialize", "get", "serialize"]


class DTypePolicy:
    """A dtype policy: `name` is 'float32' or 'float64' (None: keras.config.floatx()); its
    compute and variable dtypes are that float type."""

    def __init__(self, name=None):
        name = backend.floatx() if name is None else name
        if not isinstance(name, str):
            raise TypeError(f"'name' must be a string, such as 'float32' or 'mixed_float16'. Received: name={name} "
                            f"(of type {type(name)})")
        if name in ("mixed_float16", "mixed_bfloat16", "float16", "bfloat16") or name.startswith(("int8", "int4",
                                                                                                  "float8")):
            raise NotImplementedError(f"swiftdl computes in float32 and float64; the dtype policy {name!r} needs "
                                      "16-bit or quantized arithmetic")
        if name not in ("float32", "float64"):
            raise ValueError(f"Cannot convert '{name}' to a dtype policy. Expected 'float32' or 'float64'")
        self._name = name

    @property
    def name(self):
        return self._name

    @property
    def compute_dtype(self):
        return self._name

    @property
    def variable_dtype(self):
        return self._name

    def convert_input(self, x, autocast, dtype):
        import swiftdl as sd
        tensor = sd.asarray(x)
        if autocast and tensor.dtype.kind == "f" and tensor.dtype.name != dtype:
            return tensor.astype(dtype)
        return tensor

    def get_config(self):
        return {"name": self._name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __eq__(self, other):
        return isinstance(other, DTypePolicy) and other.name == self.name

    def __hash__(self):
        return hash(self._name)

    def __repr__(self):
        return f'<DTypePolicy "{self._name}">'


FloatDTypePolicy = DTypePolicy

_GLOBAL = {"policy": None}


def get(identifier):
    """A DTypePolicy from a policy, its name or its serialized dict."""
    if identifier is None:
        return current_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return DTypePolicy(identifier)
    raise ValueError(f"Cannot interpret `dtype` argument. Expected a string or an instance of DTypePolicy. "
                     f"Received: dtype={identifier}")


def serialize(policy):
    return {"module": "keras", "class_name": "DTypePolicy", "config": policy.get_config(), "registered_name": None}


def deserialize(config, custom_objects=None):
    return DTypePolicy(**(config.get("config") or {}))


def current_policy():
    """The global policy; without one set, a policy for keras.config.floatx()."""
    return _GLOBAL["policy"] or DTypePolicy(backend.floatx())


def set_current_policy(policy):
    _GLOBAL["policy"] = None if policy is None else get(policy)
