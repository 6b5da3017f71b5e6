"""TF Serving's REST API on starlette: predict (row `instances` and columnar `inputs`),
model status, metadata, Prometheus metrics and one JSON access-log line per request."""
import contextlib
import dataclasses
import json
import logging
import re
import time

from .batching import Batcher
from .metrics import Metrics
from .registry import ModelRegistry
from .signature import RequestError

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
    verify_key: "bytes | None" = None  # an Ed25519 public key: only files it signed are served


class _ClientError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def create_app(config: ServerConfig):
    """The starlette application serving `config.model_name` from `config.model_base_path`.

    The highest version is loaded before this returns (RuntimeError if it cannot be)."""
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse, PlainTextResponse
    from starlette.routing import Route

    registry = ModelRegistry(config.model_base_path, key=config.model_key, verify_key=config.verify_key,
                             poll_seconds=config.poll_seconds)
    registry.start()
    metrics = Metrics()
    batcher = Batcher(config.max_batch_size, config.max_wait_us, config.enable_batching, on_batch=metrics.observe_batch)

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
            served = _lookup(version)
            return 200, {"model_spec": {"name": config.model_name, "signature_name": "", "version": str(served.version)},
                         "metadata": {"signature_def": {"signature_def": {
                             "serving_default": served.signature.metadata()}}}}
        if version is not None:
            _lookup(version)
        entries = registry.status()
        if not entries:
            raise _ClientError(404, f"Servable not found for request: Latest({name})")
        return 200, {"model_version_status": entries}

    def _lookup(version):
        try:
            return registry.get(version)
        except LookupError:
            wanted = f"Latest({config.model_name})" if version is None else f"Specific({config.model_name}, {version})"
            raise _ClientError(404, f"Servable not found for request: {wanted}") from None

    async def _predict(request, version):
        batcher.announce()
        try:
            served, inputs, row_format = await _read_predict_request(request, version)
        finally:
            batcher.withdraw()
        outputs = await batcher.predict(served, inputs)
        return served.signature.encode(outputs, row_format)

    async def _read_predict_request(request, version):
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
        served = _lookup(version)
        try:
            inputs, row_format = served.signature.decode(payload)
        except RequestError as error:
            raise _ClientError(400, str(error)) from None
        return served, inputs, row_format

    async def prometheus(request):
        return PlainTextResponse(metrics.render(), media_type="text/plain; version=0.0.4")

    routes = [Route("/monitoring/prometheus/metrics", prometheus),
              Route("/v1/models/{rest:path}", models, methods=["GET", "POST", "PUT", "DELETE"])]
    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        registry.stop()

    return Starlette(routes=routes, lifespan=lifespan)
