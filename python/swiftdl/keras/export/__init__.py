"""Model export to other runtimes (`Model.export`)."""

from .export_model import export_model

__all__ = ["export_model"]
