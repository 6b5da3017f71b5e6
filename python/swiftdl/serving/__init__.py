"""A TensorFlow Serving-compatible REST model server (`python -m swiftdl.serving`).

Needs the optional extra: `pip install 'swiftdl[serving]'` (starlette and uvicorn).
"""
from .app import ServerConfig, create_app

__all__ = ["ServerConfig", "create_app"]
