"""Numbered version folders (`base/1/model.keras`, `base/2/...`), TF Serving's layout.

The highest version is served; the folder is rescanned at most every `poll_seconds`, so a
new version is picked up without a restart.
"""
import os
import threading
import time

__all__ = ["ModelRegistry"]


class ModelRegistry:
    def __init__(self, base_path: str, key=None, poll_seconds: float = 1.0):
        self.base_path = base_path
        self.key = key
        self.poll_seconds = poll_seconds
        self._models: dict = {}
        self._lock = threading.Lock()
        self._scanned_at = -1e9
        self._versions: list = []

    def versions(self) -> list:
        now = time.monotonic()
        if now - self._scanned_at >= self.poll_seconds:
            found = []
            for name in os.listdir(self.base_path) if os.path.isdir(self.base_path) else []:
                if name.isdigit() and self._model_file(int(name)) is not None:
                    found.append(int(name))
            self._versions = sorted(found)
            self._scanned_at = now
        return self._versions

    def _model_file(self, version: int):
        folder = os.path.join(self.base_path, str(version))
        if not os.path.isdir(folder):
            return None
        files = sorted(name for name in os.listdir(folder) if name.endswith(".keras"))
        return os.path.join(folder, files[0]) if files else None

    def get(self, version=None):
        """(version, model) for `version`, or the highest; LookupError when absent."""
        versions = self.versions()
        if version is None:
            if not versions:
                raise LookupError(f"no servable version found under {self.base_path}")
            version = versions[-1]
        elif version not in versions:
            raise LookupError(f"version {version} is not available (found {versions})")
        with self._lock:
            if version not in self._models:
                from ..keras.saving.saving_lib import load_model
                self._models[version] = load_model(self._model_file(version), compile=False, key=self.key)
            return version, self._models[version]
