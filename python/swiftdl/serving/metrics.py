"""Request counters and latency histograms in Prometheus's text exposition format."""
import threading

__all__ = ["Metrics"]

_BUCKETS = (0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0)


class Metrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict = {}
        self._buckets: dict = {}
        self._sums: dict = {}

    def observe(self, endpoint: str, status: int, seconds: float) -> None:
        with self._lock:
            key = (endpoint, str(status))
            self._counts[key] = self._counts.get(key, 0) + 1
            buckets = self._buckets.setdefault(endpoint, [0] * (len(_BUCKETS) + 1))
            for index, bound in enumerate(_BUCKETS):
                if seconds <= bound:
                    buckets[index] += 1
            buckets[-1] += 1
            self._sums[endpoint] = self._sums.get(endpoint, 0.0) + seconds

    def render(self, batches_run: int) -> str:
        lines = ["# TYPE swiftdl_serving_requests_total counter"]
        with self._lock:
            for (endpoint, status), count in sorted(self._counts.items()):
                lines.append(f'swiftdl_serving_requests_total{{endpoint="{endpoint}",status="{status}"}} {count}')
            lines.append("# TYPE swiftdl_serving_request_seconds histogram")
            for endpoint, buckets in sorted(self._buckets.items()):
                for bound, count in zip(_BUCKETS, buckets):
                    lines.append(f'swiftdl_serving_request_seconds_bucket{{endpoint="{endpoint}",le="{bound}"}} {count}')
                lines.append(f'swiftdl_serving_request_seconds_bucket{{endpoint="{endpoint}",le="+Inf"}} {buckets[-1]}')
                lines.append(f'swiftdl_serving_request_seconds_sum{{endpoint="{endpoint}"}} {self._sums[endpoint]}')
                lines.append(f'swiftdl_serving_request_seconds_count{{endpoint="{endpoint}"}} {buckets[-1]}')
        lines += ["# TYPE swiftdl_serving_batches_total counter", f"swiftdl_serving_batches_total {batches_run}"]
        return "\n".join(lines) + "\n"
