"""keras.name_scope and keras.device: contexts that Keras code opens around its work."""
import threading

_STACK = threading.local()


def current_path():
    """The names of the open name scopes, joined by '/' ('' outside any). A scope opened
    with `override_parent` starts again from that path (a layer's scope always sits where
    the layer was first opened)."""
    parts: list = []
    for scope in getattr(_STACK, "scopes", ()):
        if scope.override_parent is not None:
            parts = [part for part in scope.override_parent.split("/") if part]
        parts.append(scope.name)
    return "/".join(parts)


def scoped(name):
    """`name` under the open name scopes: 'outer/inner/name'."""
    path = current_path()
    return f"{path}/{name}" if path else name


class name_scope:  # noqa: N801  (Keras's name)
    """Prefixes the paths of the variables created inside it with `name`.

        with keras.name_scope("block1"):
            v = keras.Variable(0.0, name="v")   # v.path == "block1/v"

    Args:
        name: the scope's name (no "/").
        caller: the object opening it (a layer). With `deduplicate`, reopening the scope
            the same caller has open on top does nothing: a layer's build, add_weight and
            call each open its scope, and nesting them must not repeat the name.
        deduplicate: see `caller`; also places the scope under `caller._parent_path`.
        override_parent: an absolute path replacing the open scopes' path.
    """

    def __init__(self, name, caller=None, deduplicate=True, override_parent=None):
        if not isinstance(name, str) or "/" in name:
            raise ValueError(f"Argument `name` must be a string and cannot contain character `/`. Received: name={name}")
        self.name = name
        self.caller = caller
        self.deduplicate = deduplicate
        if override_parent is None and deduplicate:
            override_parent = getattr(caller, "_parent_path", None)
        self.override_parent = override_parent
        self._pushed = False

    def __enter__(self):
        scopes = getattr(_STACK, "scopes", None)
        if scopes is None:
            scopes = _STACK.scopes = []
        if (self.deduplicate and scopes and self.caller is not None and scopes[-1].caller is self.caller
                and scopes[-1].name == self.name):
            return self
        scopes.append(self)
        self._pushed = True
        return self

    def __exit__(self, *exc_info):
        if self._pushed:
            _STACK.scopes.pop()
            self._pushed = False


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
