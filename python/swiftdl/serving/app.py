"""TF Serving's REST API on starlette: predict (row `instances` and columnar `inputs`),
model status, metadata, Prometheus metrics and one JSON access-log line per request."""
import dataclasses
import json
import logging
import re
import time

import numpy as np

from .batching import Batcher
from .metrics import Metrics
from .registry import ModelRegistry

__all__ = ["ServerConfig", "create_app"]

ACCESS_LOG = logging.getLogger("swiftdl.serving.access")
_MODEL_PATH = re.compile(r"^/v1/models/([^/:]+)(?:/versions/(\d+))?(:predict|/metadata)?$")


@dataclasses.dataclass
class ServerConfig:
    model_name: str
    model_base_path: str
    model_key: "bytes | None" = None
    max_batch_size: int = 32
    max_wait_us: int = 1000
    enable_batching: bool = True
    max_body_bytes: int = 16 << 20
    poll_seconds: float = 1.0


class _ClientError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def create_app(config: ServerConfig):
    """The starlette application serving `config.model_name` from `config.model_base_path`."""
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse, PlainTextResponse
    from starlette.routing import Route

    registry = ModelRegistry(config.model_base_path, key=config.model_key, poll_seconds=config.poll_seconds)
    batcher = Batcher(config.max_batch_size, config.max_wait_us, config.enable_batching)
    metrics = Metrics()

    async def models(request):
        start = time.perf_counter()
        status, payload = 500, {"error": "internal error"}
        try:
            status, payload = await _dispatch(request)
        except _ClientError as error:
            status, payload = error.status, {"error": str(error)}
        except Exception as error:  # never take the server down; say what failed
            status, payload = 500, {"error": f"{type(error).__name__}: {error}"}
        elapsed = time.perf_counter() - start
        metrics.observe(request.url.path.rsplit(":", 1)[-1] if ":" in request.url.path else "model", status, elapsed)
        ACCESS_LOG.info(json.dumps({"method": request.method, "path": request.url.path, "status": status,
                                    "latency_ms": round(elapsed * 1e3, 3),
                                    "client": request.client.host if request.client else None}))
        return JSONResponse(payload, status_code=status)

    async def _dispatch(request):
        match = _MODEL_PATH.match(request.url.path)
        if match is None:
            raise _ClientError(404, f"unknown path {request.url.path}")
        name, version, action = match.group(1), match.group(2), match.group(3)
        if name != config.model_name:
            raise _ClientError(404, f"Servable not found for request: Latest({name})")
        version = int(version) if version is not None else None
        if action == ":predict":
            if request.method != "POST":
                raise _ClientError(405, "predict needs POST")
            return 200, await _predict(request, version)
        if request.method != "GET":
            raise _ClientError(405, f"{request.url.path} needs GET")
        if action == "/metadata":
            served, model = _lookup(version)
            return 200, _metadata(config.model_name, served, model)
        versions = registry.versions() if version is None else [version]
        if version is not None:
            _lookup(version)
        elif not versions:
            raise _ClientError(404, f"Servable not found for request: Latest({name})")
        return 200, {"model_version_status": [
            {"version": str(v), "state": "AVAILABLE", "status": {"error_code": "OK", "error_message": ""}}
            for v in (versions[-1:] if version is None else versions)]}

    def _lookup(version):
        try:
            return registry.get(version)
        except LookupError as error:
            raise _ClientError(404, str(error)) from None

    async def _predict(request, version):
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > config.max_body_bytes:
            raise _ClientError(413, f"request body of {declared} bytes exceeds {config.max_body_bytes}")
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > config.max_body_bytes:
                raise _ClientError(413, f"request body exceeds {config.max_body_bytes} bytes")
        try:
            payload = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise _ClientError(400, f"JSON Parse error: {error}") from None
        if not isinstance(payload, dict) or ("instances" in payload) == ("inputs" in payload):
            raise _ClientError(400, "the body must be a JSON object with exactly one of 'instances' or 'inputs'")
        row_format = "instances" in payload
        values = payload["instances"] if row_format else payload["inputs"]
        _, model = _lookup(version)
        if isinstance(values, dict):
            if len(values) != 1:
                raise _ClientError(400, "named inputs: only single-input models are served; "
                                        f"received {sorted(values)}")
            values = next(iter(values.values()))
        if row_format and isinstance(values, list) and values and isinstance(values[0], dict):
            if any(not isinstance(row, dict) or len(row) != 1 for row in values):
                raise _ClientError(400, "named instances: only single-input models are served")
            values = [next(iter(row.values())) for row in values]
        try:
            rows = np.asarray(values, dtype="float32")
        except (ValueError, TypeError) as error:
            raise _ClientError(400, f"inputs must be a rectangular list of numbers ({error})") from None
        expected = tuple(model.inputs[0].shape[1:]) if getattr(model, "inputs", None) else None
        if rows.ndim == 0 or (expected is not None and (len(rows.shape) - 1 != len(expected) or any(
                want is not None and want != got for want, got in zip(expected, rows.shape[1:])))):
            raise _ClientError(400, f"input shape {list(rows.shape)} does not match the model's "
                                    f"[batch] + {list(expected) if expected is not None else '?'}")
        if len(rows) == 0:
            raise _ClientError(400, "no instances given")
        outputs = (await batcher.predict(model, rows)).tolist()
        return {"predictions": outputs} if row_format else {"outputs": outputs}

    async def prometheus(request):
        return PlainTextResponse(metrics.render(batcher.batches_run), media_type="text/plain; version=0.0.4")

    routes = [Route("/monitoring/prometheus/metrics", prometheus),
              Route("/v1/models/{rest:path}", models, methods=["GET", "POST", "PUT", "DELETE"])]
    return Starlette(routes=routes)


def _metadata(name, version, model):
    def spec(tensors, names):
        return {n: {"dtype": "DT_FLOAT", "name": n, "tensor_shape": {"unknown_rank": False, "dim": [
            {"size": "-1" if d is None else str(d), "name": ""} for d in t.shape]}} for t, n in zip(tensors, names)}
    inputs, outputs = list(model.inputs), list(model.outputs)
    return {"model_spec": {"name": name, "signature_name": "", "version": str(version)},
            "metadata": {"signature_def": {"signature_def": {"serving_default": {
                "inputs": spec(inputs, [getattr(t, "name", f"input_{i}") for i, t in enumerate(inputs)]),
                "outputs": spec(outputs, [f"output_{i}" for i in range(len(outputs))]),
                "method_name": "tensorflow/serving/predict"}}}}}
