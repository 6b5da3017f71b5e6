"""keras.name_scope and keras.device: contexts that Keras code opens around its work."""
import threading

_STACK = threading.local()


def current_path():
    """The names of the open name scopes, joined by '/' ('' outside any)."""
    return "/".join(getattr(_STACK, "names", []))


def scoped(name):
    """`name` under the open name scopes: 'outer/inner/name'."""
    path = current_path()
    return f"{path}/{name}" if path else name


class name_scope:  # noqa: N801  (Keras's name)
    """Prefixes the paths of the variables created inside it with `name`.

        with keras.name_scope("block1"):
            v = keras.Variable(0.0, name="v")   # v.path == "block1/v"
    """

    def __init__(self, name, **kwargs):
        if not isinstance(name, str) or "/" in name:
            raise ValueError(f"Argument `name` must be a string and cannot contain character `/`. Received: name={name}")
        self.name = name

    def __enter__(self):
        names = getattr(_STACK, "names", None)
        if names is None:
            names = _STACK.names = []
        names.append(self.name)
        return self

    def __exit__(self, *exc_info):
        _STACK.names.pop()


class device:  # noqa: N801  (Keras's name)
    """Keras's device scope. swiftdl runs on the CPU only, so "cpu" (any index) is the one
    device; naming another (a GPU or TPU) raises ValueError instead of silently running on
    the CPU."""

    def __init__(self, device_name):
        if not isinstance(device_name, str):
            raise ValueError(f"Invalid value for argument `device_name`. Expected a string like 'gpu:0' or 'cpu'. "
                             f"Received: device_name='{device_name}'")
        kind = device_name.lower().split(":")[0].lstrip("/")
        if kind.startswith("device"):
            kind = device_name.lower().split(":")[-2] if device_name.count(":") >= 2 else kind
        if kind != "cpu":
            raise ValueError(f"swiftdl runs on the CPU only; received device_name='{device_name}'")
        self.name = device_name

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False
