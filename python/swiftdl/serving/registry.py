"""Numbered version folders (`base/1/model.keras`, `base/2/...`), TF Serving's layout and
its default version policy: the highest version is served, and only it is kept in memory.

A watcher thread rescans the folder every `poll_seconds`. A new version is loaded beside
the served one and swapped in when ready, so requests never wait on a load; the old
version is then dropped (requests already running on it finish). A version that fails to
load (damaged, wrong key, a signature by another key) is logged and reported in the model
status, and the served version keeps serving.
"""
import dataclasses
import logging
import os
import threading

from .signature import Signature

__all__ = ["ModelRegistry", "ServedModel"]

LOG = logging.getLogger("swiftdl.serving")


@dataclasses.dataclass(frozen=True)
class ServedModel:
    version: int
    model: object
    signature: Signature


class ModelRegistry:
    def __init__(self, base_path: str, key=None, verify_key=None, poll_seconds: float = 1.0):
        self.base_path = base_path
        self.key = key
        self.verify_key = verify_key
        self.poll_seconds = poll_seconds
        self._served: "ServedModel | None" = None
        self._failures: dict = {}  # version -> (the file's mtime when it failed, the error)
        self._stop = threading.Event()
        self._thread: "threading.Thread | None" = None

    def start(self) -> None:
        """Loads the highest version now (raising if it cannot be loaded), then watches the folder."""
        self.poll()
        if self._served is None and self._failures:
            version, (_, error) = max(self._failures.items())
            raise RuntimeError(f"version {version} under {self.base_path} could not be loaded: {error}")
        self._thread = threading.Thread(target=self._watch, name="swiftdl-serving-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _watch(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            try:
                self.poll()
            except Exception:  # the watcher must outlive any surprise in the folder
                LOG.exception("scanning %s failed", self.base_path)

    def poll(self) -> None:
        """Loads the highest version if it is not the served one and did not already fail as it is."""
        versions = self.versions()
        if not versions:
            return
        newest = versions[-1]
        served = self._served
        if served is not None and served.version == newest:
            return
        path = self._model_file(newest)
        mtime = os.path.getmtime(path)
        if self._failures.get(newest, (None,))[0] == mtime:
            return
        try:
            from ..keras.saving.saving_lib import load_model
            model = load_model(path, compile=False, key=self.key, verify_key=self.verify_key)
            loaded = ServedModel(newest, model, Signature(model))
        except Exception as error:
            self._failures[newest] = (mtime, f"{type(error).__name__}: {error}")
            LOG.error("version %d was not loaded: %s", newest, self._failures[newest][1])
            return
        self._failures.pop(newest, None)
        self._served = loaded
        LOG.info("serving version %d%s", newest, f" (version {served.version} unloaded)" if served else "")

    def versions(self) -> list:
        if not os.path.isdir(self.base_path):
            return []
        return sorted(int(name) for name in os.listdir(self.base_path)
                      if name.isdigit() and self._model_file(int(name)) is not None)

    def _model_file(self, version: int):
        folder = os.path.join(self.base_path, str(version))
        if not os.path.isdir(folder):
            return None
        files = sorted(name for name in os.listdir(folder) if name.endswith(".keras"))
        return os.path.join(folder, files[0]) if files else None

    def get(self, version=None) -> ServedModel:
        """The served model, if it is `version` (or any version when None); LookupError otherwise."""
        served = self._served
        if served is None or (version is not None and version != served.version):
            raise LookupError(version)
        return served

    def status(self) -> list:
        """TF Serving's `model_version_status` entries: the served version and the failed newer ones."""
        served = self._served
        entries = [{"version": str(version), "state": "END",
                    "status": {"error_code": "UNKNOWN", "error_message": error}}
                   for version, (_, error) in sorted(self._failures.items(), reverse=True)
                   if served is None or version > served.version]
        if served is not None:
            entries.append({"version": str(served.version), "state": "AVAILABLE",
                            "status": {"error_code": "OK", "error_message": ""}})
        return entries
