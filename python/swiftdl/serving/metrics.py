"""The server's counters and histograms in Prometheus's text exposition format: requests by
endpoint and status, request latency, examples per batch run, and errors."""
import threading

__all__ = ["Metrics"]

_LATENCY_BUCKETS = (0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0)
_BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)


class _Histogram:
    def __init__(self, bounds):
        self.bounds = bounds
        self.counts = [0] * len(bounds)
        self.total = 0
        self.sum = 0.0

    def observe(self, value) -> None:
        for index, bound in enumerate(self.bounds):
            if value <= bound:
                self.counts[index] += 1
        self.total += 1
        self.sum += value

    def render(self, name: str, labels: str) -> list:
        sep = "," if labels else ""
        lines = [f'{name}_bucket{{{labels}{sep}le="{bound}"}} {count}' for bound, count in zip(self.bounds, self.counts)]
        lines.append(f'{name}_bucket{{{labels}{sep}le="+Inf"}} {self.total}')
        braces = f"{{{labels}}}" if labels else ""
        return lines + [f"{name}_sum{braces} {self.sum}", f"{name}_count{braces} {self.total}"]


class Metrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: dict = {}
        self._latency: dict = {}
        self._batches = _Histogram(_BATCH_BUCKETS)

    def observe(self, endpoint: str, status: int, seconds: float) -> None:
        with self._lock:
            key = (endpoint, str(status))
            self._requests[key] = self._requests.get(key, 0) + 1
            self._latency.setdefault(endpoint, _Histogram(_LATENCY_BUCKETS)).observe(seconds)

    def observe_batch(self, examples: int) -> None:
        with self._lock:
            self._batches.observe(examples)

    def render(self) -> str:
        with self._lock:
            lines = ["# TYPE swiftdl_serving_requests_total counter"]
            lines += [f'swiftdl_serving_requests_total{{endpoint="{endpoint}",status="{status}"}} {count}'
                      for (endpoint, status), count in sorted(self._requests.items())]
            lines.append("# TYPE swiftdl_serving_errors_total counter")
            lines += [f'swiftdl_serving_errors_total{{endpoint="{endpoint}",status="{status}"}} {count}'
                      for (endpoint, status), count in sorted(self._requests.items()) if int(status) >= 400]
            lines.append("# TYPE swiftdl_serving_request_seconds histogram")
            for endpoint, histogram in sorted(self._latency.items()):
                lines += histogram.render("swiftdl_serving_request_seconds", f'endpoint="{endpoint}"')
            lines.append("# TYPE swiftdl_serving_batch_examples histogram")
            lines += self._batches.render("swiftdl_serving_batch_examples", "")
        return "\n".join(lines) + "\n"
