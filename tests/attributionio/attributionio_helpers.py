"""Constants shared by the Attribution.io tests (the fake fixture's defaults, fast retries)."""

from __future__ import annotations

from trackapis.attributionio import RetryPolicy

KEY = "test-public-key"
SECRET = "test-secret"
# Short waits between retries keep fault tests fast; the count is the default's.
FAST_RETRIES = RetryPolicy(max_retries=3, backoff_initial=0.01, backoff_max=0.02, retry_after_cap=0.05)
