"""The pure parts: the retry policy, Retry-After parsing, the rate limiter, sync retries."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from trackapis._retry import RetryPolicy, parse_retry_after
from trackapis.delivery import RateLimiter


def test_full_jitter_stays_under_the_exponential_ceiling() -> None:
    policy = RetryPolicy(backoff_initial=0.5, backoff_max=4.0)
    rng = random.Random(7)
    for retries_done, ceiling in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (10, 4.0)]:
        delays = [policy.delay(retries_done, rng=rng) for _ in range(200)]
        assert max(delays) <= ceiling
        assert min(delays) >= 0
        assert max(delays) > ceiling / 2  # jitter spreads over the range


def test_retry_after_wins_and_is_capped() -> None:
    policy = RetryPolicy(retry_after_cap=10)
    assert policy.delay(0, retry_after=3) == 3
    assert policy.delay(5, retry_after=30) == 10
    assert policy.delay(0, retry_after=-1) == 0


def test_retryable_statuses() -> None:
    policy = RetryPolicy()
    assert [
        s for s in (400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 599) if policy.retryable_status(s)
    ] == [
        429,
        500,
        502,
        503,
        599,
    ]


def test_max_retries_bounds_attempts() -> None:
    policy = RetryPolicy(max_retries=2)
    assert [policy.can_retry(n) for n in range(4)] == [True, True, False, False]


@pytest.mark.parametrize(
    ("field", "value"),
    [("max_retries", -1), ("max_retries", True), ("backoff_initial", -0.1), ("retry_after_cap", "5")],
)
def test_bad_policy_values_name_the_argument(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field):
        RetryPolicy(**{field: value})  # type: ignore[arg-type]


def test_parse_retry_after() -> None:
    now = 1_700_000_000.0
    later = datetime.fromtimestamp(now, UTC) + timedelta(seconds=42)
    assert parse_retry_after("7", now=now) == 7
    assert parse_retry_after(" 0 ", now=now) == 0
    assert parse_retry_after(format_datetime(later, usegmt=True), now=now) == pytest.approx(42)
    assert parse_retry_after(format_datetime(later - timedelta(hours=1), usegmt=True), now=now) == 0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("-3") is None


def test_rate_limiter_spaces_requests_after_a_one_second_burst() -> None:
    clock = [0.0]
    limiter = RateLimiter(120, clock=lambda: clock[0])  # 2 a second, burst of 2
    waits = [limiter.reserve() for _ in range(4)]
    assert waits == [0.0, 0.0, pytest.approx(0.5), pytest.approx(1.0)]
    clock[0] = 10.0
    assert limiter.reserve() == 0.0


def test_rate_limiter_rejects_a_non_positive_rate() -> None:
    with pytest.raises(ValueError, match="rate_limit_per_minute"):
        RateLimiter(0)
