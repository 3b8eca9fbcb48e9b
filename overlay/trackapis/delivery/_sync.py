"""Sending in the caller's thread with the same retry policy as the background workers."""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable

from .._retry import RetryPolicy
from ._types import SendResult, Verdict


def send_with_retries(
    attempt: Callable[[], SendResult],
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
) -> tuple[SendResult, int]:
    """Call `attempt` until it delivers, fails for good, or the retries run out.

    Returns the last result and the number of retries made.
    """
    retries = 0
    while True:
        result = attempt()
        if result.verdict is not Verdict.RETRY or not policy.can_retry(retries):
            return result, retries
        sleep(policy.delay(retries, result.retry_after, rng=rng))
        retries += 1


async def send_with_retries_async(
    attempt: Callable[[], Awaitable[SendResult]],
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], Awaitable[None]] | None = None,
    rng: random.Random | None = None,
) -> tuple[SendResult, int]:
    """`send_with_retries` for asyncio: waits with `asyncio.sleep`, never blocking the loop."""
    if sleep is None:
        import asyncio  # here, not at the top: `import track` has no use for asyncio

        sleep = asyncio.sleep
    retries = 0
    while True:
        result = await attempt()
        if result.verdict is not Verdict.RETRY or not policy.can_retry(retries):
            return result, retries
        await sleep(policy.delay(retries, result.retry_after, rng=rng))
        retries += 1
