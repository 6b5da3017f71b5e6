"""The `assets/` part of a Keras 3 `.keras` archive: files a layer writes beside its
variables (a lookup layer's `vocabulary.txt`), under `assets/<the layer's path>/`, through
the layer's `save_assets(dir_path)` and read back with `load_assets(dir_path)`.

Each layer gets its own temporary directory; only plain relative member names under its
prefix are extracted, so an archive cannot write outside that directory.
"""
import os
import posixpath
import tempfile

from .state import walk

_PREFIX = "assets"


def _owners(model, method):
    """(path inside assets/, layer) for every layer of `model` that defines `method`."""
    for entry in walk(model, include_optimizer=False):
        if callable(getattr(entry.owner, method, None)):
            yield posixpath.join(_PREFIX, entry.path) if entry.path else _PREFIX, entry.owner


def collect(model):
    """{archive member name: bytes} of every asset file the model's layers write."""
    members = {}
    for prefix, layer in _owners(model, "save_assets"):
        with tempfile.TemporaryDirectory() as directory:
            layer.save_assets(directory)
            for root, _, files in os.walk(directory):
                for name in sorted(files):
                    relative = os.path.relpath(os.path.join(root, name), directory).replace(os.sep, "/")
                    with open(os.path.join(root, name), "rb") as handle:
                        members[f"{prefix}/{relative}"] = handle.read()
    return members


def restore(model, read_member, member_names, source):
    """Hands each layer with `load_assets` the files stored under its prefix (read with
    `read_member(name)`, which checks sizes), in a temporary directory.

    Raises:
        ValueError: for a member name that would leave the layer's directory.
    """
    for prefix, layer in _owners(model, "load_assets"):
        names = [n for n in member_names if n.startswith(prefix + "/") and not n.endswith("/")]
        # A parent's prefix also matches its sublayers' files: keep only the layer's own.
        own = [n for n in names if "/" not in n[len(prefix) + 1:]]
        if not own:
            continue
        with tempfile.TemporaryDirectory() as directory:
            for name in own:
                base = name[len(prefix) + 1:]
                if base in ("", ".", "..") or "\\" in base:
                    raise ValueError(f"{source}: refusing the asset member '{name}'")
                with open(os.path.join(directory, base), "wb") as handle:
                    handle.write(read_member(name))
            layer.load_assets(directory)
