"""Argument handling of `Model.export`, following Keras 3's `keras.src.export`."""

from __future__ import annotations

from typing import Any

__all__ = ["export_model"]

_FORMATS = ("onnx",)


def export_model(model: Any, filepath: str, format: str = "onnx", verbose: bool | None = None,
                 input_signature: Any = None, opset_version: int | None = None, **kwargs: Any) -> None:
    """Exports `model` as an inference artifact.

    Args:
        model: a built Keras model.
        filepath: where the file is written.
        format: only `"onnx"` is supported; Keras's `"tf_saved_model"`, `"openvino"` and `"litert"`
            need TensorFlow or other runtimes swiftdl does not use.
        verbose: whether to print a message once the file is written.
        input_signature: unsupported (the input signature is taken from the model), must be `None`.
        opset_version: the ONNX opset; `None` means the exporter's default.
    """
    if not isinstance(filepath, str) and not hasattr(filepath, "__fspath__"):
        raise TypeError(f"`filepath` must be a path, received: {filepath!r}")
    if format not in _FORMATS:
        raise ValueError(f"Unsupported export format {format!r}: swiftdl exports only {_FORMATS}.")
    if input_signature is not None:
        raise ValueError("`input_signature` is not supported by swiftdl's ONNX export; "
                         f"the model's own input shape is used. Received: {input_signature!r}")
    if kwargs:
        raise TypeError(f"Unknown arguments for export(format='onnx'): {sorted(kwargs)}")
    from .onnx import export_onnx
    export_onnx(model, str(filepath), opset_version=opset_version)
    if verbose:
        print(f"Saved artifact at '{filepath}'.")
