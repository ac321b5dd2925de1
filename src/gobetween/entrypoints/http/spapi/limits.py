"""Amazon's usage plans per operation: a token bucket per seller and operation.

Messaging and Solicitations allow 1 request per second with a burst of 5 (the models' tables),
Uploads 10 per second with a burst of 10. In memory, per process, like the native API's limiter;
`spapi_rate_limit_scale` multiplies the rates (0 switches the limits off).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from gobetween.entrypoints.http.spapi.errors import QuotaExceededError


@dataclass(frozen=True, slots=True)
class UsagePlan:
    """Requests per second and the burst an operation allows."""

    rate: float
    burst: float


MESSAGING_PLAN: Final = UsagePlan(rate=1.0, burst=5.0)
UPLOADS_PLAN: Final = UsagePlan(rate=10.0, burst=10.0)


class UsagePlans:
    """Token buckets keyed by (seller, operation)."""

    def __init__(self, scale: float, *, now: Callable[[], float] = time.monotonic) -> None:
        if scale < 0:
            raise ValueError(f"spapi_rate_limit_scale must be 0 or more; got {scale}")
        self._scale = scale
        self._now = now
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}
        self._lock = threading.Lock()

    def header(self, plan: UsagePlan) -> str | None:
        """The value of x-amzn-RateLimit-Limit for `plan`, or None when limits are off."""
        return None if self._scale == 0 else f"{plan.rate * self._scale:g}"

    def take(self, seller_id: str, operation: str, plan: UsagePlan) -> None:
        """Spend one request; QuotaExceededError with the wait when the bucket is empty."""
        if self._scale == 0:
            return
        rate, burst = plan.rate * self._scale, max(1.0, plan.burst * self._scale)
        with self._lock:
            now = self._now()
            tokens, last = self._buckets.get((seller_id, operation), (burst, now))
            tokens = min(burst, tokens + (now - last) * rate)
            if tokens < 1.0:
                self._buckets[(seller_id, operation)] = (tokens, now)
                raise QuotaExceededError((1.0 - tokens) / rate)
            self._buckets[(seller_id, operation)] = (tokens - 1.0, now)
