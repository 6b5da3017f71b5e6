"""A served model's signature (its inputs' and outputs' names, dtypes and shapes) and the
translation between TF Serving's JSON request/response bodies and the model's arrays.

TF Serving's two body forms:
- row ("instances"): one entry per example; a multi-input model's entries are objects
  keyed by input name. Answered with "predictions": one entry per example, objects keyed
  by output name when the model has several outputs.
- columnar ("inputs"): one value holding the whole batch, or an object keyed by input
  name. Answered with "outputs": the batch value, or an object keyed by output name.
"""
import dataclasses

import numpy as np

from ..keras import tree

__all__ = ["RequestError", "Signature", "TensorSpec"]

# TensorFlow's DataType enum names, which TF Serving's metadata endpoint reports.
_TF_DTYPE_NAMES = {"float32": "DT_FLOAT", "float64": "DT_DOUBLE", "float16": "DT_HALF", "bfloat16": "DT_BFLOAT16",
                   "int8": "DT_INT8", "int16": "DT_INT16", "int32": "DT_INT32", "int64": "DT_INT64",
                   "uint8": "DT_UINT8", "uint16": "DT_UINT16", "uint32": "DT_UINT32", "uint64": "DT_UINT64",
                   "bool": "DT_BOOL", "string": "DT_STRING"}


class RequestError(ValueError):
    """A request the model cannot take; the server answers it with HTTP 400."""


@dataclasses.dataclass(frozen=True)
class TensorSpec:
    name: str
    dtype: str
    shape: tuple  # None for the batch axis and any other free axis

    def metadata(self) -> dict:
        dims = [{"size": "-1" if d is None else str(d), "name": ""} for d in self.shape]
        return {"dtype": _TF_DTYPE_NAMES.get(self.dtype, "DT_INVALID"), "name": self.name,
                "tensor_shape": {"unknown_rank": False, "dim": dims}}

    def to_array(self, value) -> np.ndarray:
        """`value` (nested lists from JSON, the batch axis first) as this input's dtype."""
        try:
            if self.dtype == "string":
                array = np.asarray(value, dtype=object)
                if not all(isinstance(v, str) for v in array.reshape(-1)):
                    raise TypeError("expected strings")
            else:
                array = np.asarray(value)
                if array.dtype.kind not in "biuf":
                    raise TypeError(f"expected numbers, found {array.dtype.kind!r}-kind values")
                if np.dtype(self.dtype).kind in "iu" and array.dtype.kind == "f":
                    if not np.all(np.isfinite(array)) or np.any(array != np.round(array)):
                        raise TypeError("expected integers")
                array = array.astype(self.dtype)
        except (ValueError, TypeError) as error:
            raise RequestError(f"input {self.name!r} must be a rectangular list of {self.dtype} values "
                               f"({error})") from None
        if array.ndim != len(self.shape) or any(want is not None and want != got
                                                for want, got in zip(self.shape[1:], array.shape[1:])):
            expected = ["batch" if d is None and i == 0 else d for i, d in enumerate(self.shape)]
            raise RequestError(f"input {self.name!r} has shape {list(array.shape)}; the model expects {expected}")
        return array


class Signature:
    """What `model` takes and gives, named as a TF Serving `serving_default` signature."""

    def __init__(self, model):
        self.inputs = [TensorSpec(t.name, _dtype_name(t.dtype), tuple(t.shape)) for t in model.inputs]
        structure = getattr(model, "_outputs_struct", None)
        outputs = list(model.outputs)
        # Named outputs keep their names; positional ones are output_0, output_1, ... as in a SavedModel.
        names = (sorted(structure) if isinstance(structure, dict)
                 else [f"output_{i}" for i in range(len(outputs))])
        by_name = dict(zip(sorted(structure), tree.flatten(structure))) if isinstance(structure, dict) else None
        tensors = [by_name[n] for n in names] if by_name else outputs
        self.outputs = [TensorSpec(n, _dtype_name(t.dtype), tuple(t.shape)) for n, t in zip(names, tensors)]

    def metadata(self) -> dict:
        return {"inputs": {spec.name: spec.metadata() for spec in self.inputs},
                "outputs": {spec.name: spec.metadata() for spec in self.outputs},
                "method_name": "tensorflow/serving/predict"}

    def decode(self, payload) -> tuple[list, bool]:
        """The model's input arrays from a request body, and whether it used the row form."""
        if not isinstance(payload, dict) or ("instances" in payload) == ("inputs" in payload):
            raise RequestError("the body must be a JSON object with exactly one of 'instances' or 'inputs'")
        if payload.get("signature_name", "serving_default") != "serving_default":
            raise RequestError(f"Serving signature name: {payload['signature_name']!r} not found in signature def")
        row_format = "instances" in payload
        values = payload["instances"] if row_format else payload["inputs"]
        if row_format:
            if not isinstance(values, list) or not values:
                raise RequestError("'instances' must be a non-empty list, one entry per example")
            named = isinstance(values[0], dict)
            if named or len(self.inputs) > 1:
                if not all(isinstance(row, dict) for row in values):
                    raise RequestError(f"every instance must be an object keyed by input name "
                                       f"{[s.name for s in self.inputs]}")
                for row in values:
                    self._check_names(row)
                columns = [[row[spec.name] for row in values] for spec in self.inputs]
            else:
                columns = [values]
        elif isinstance(values, dict):
            self._check_names(values)
            columns = [values[spec.name] for spec in self.inputs]
        elif len(self.inputs) == 1:
            columns = [values]
        else:
            raise RequestError(f"'inputs' must be an object keyed by input name {[s.name for s in self.inputs]}")
        arrays = [spec.to_array(column) for spec, column in zip(self.inputs, columns)]
        sizes = {len(a) for a in arrays}
        if len(sizes) != 1:
            raise RequestError(f"the inputs hold different numbers of examples: {[len(a) for a in arrays]}")
        if sizes == {0}:
            raise RequestError("no examples given")
        return arrays, row_format

    def _check_names(self, named: dict) -> None:
        expected = {spec.name for spec in self.inputs}
        if set(named) != expected:
            raise RequestError(f"inputs are named {sorted(expected)}; received {sorted(map(str, named))}")

    def flatten_outputs(self, result) -> list:
        """The arrays of `model.predict`'s result in this signature's output order."""
        if isinstance(result, dict):
            return [np.asarray(result[spec.name]) for spec in self.outputs]
        return [np.asarray(a) for a in tree.flatten(result)]

    def encode(self, outputs: list, row_format: bool) -> dict:
        """The response body for `outputs` (this signature's order)."""
        if len(outputs) == 1:
            values = outputs[0].tolist()
            return {"predictions": values} if row_format else {"outputs": values}
        if row_format:
            columns = [o.tolist() for o in outputs]
            return {"predictions": [{spec.name: column[i] for spec, column in zip(self.outputs, columns)}
                                    for i in range(len(outputs[0]))]}
        return {"outputs": {spec.name: o.tolist() for spec, o in zip(self.outputs, outputs)}}


def _dtype_name(dtype) -> str:
    name = getattr(dtype, "name", dtype)
    return str(name) if name is not None else "float32"
