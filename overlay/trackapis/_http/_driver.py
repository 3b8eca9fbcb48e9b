"""The one retry driver for sends in callers' code, sync and async.

It asks the pure `RetryPolicy` whether and when to retry, and the `Deadline` whether another
attempt still fits; each attempt's timeout is `timeout`, or what is left of the deadline. The
delivery engine keeps its own timer heap and uses `attempt` (one exchange and its verdict).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from .._errors import TransportError
from .._retry import Deadline, RetryPolicy
from ..delivery import SendResult, Verdict
from ._answer import Answer, Call
from ._redact import NOTHING, Redactor
from ._verdict import ErrorText, verdict

Exchange = Callable[[Call, float], Answer]
AsyncExchange = Callable[[Call, float], Awaitable[Answer]]


def attempt(
    exchange: Exchange,
    call: Call,
    timeout: float,
    policy: RetryPolicy,
    extract: ErrorText,
    *,
    redact: Redactor = NOTHING,
) -> tuple[SendResult, Answer | None]:
    """One exchange and its verdict; no answer at all is a retryable `TransportError`."""
    try:
        answer = exchange(call, timeout)
    except TransportError as error:
        return SendResult.retry(error), None
    return verdict(answer, call, policy, extract, redact), answer


def _next_wait(result: SendResult, retries: int, policy: RetryPolicy, deadline: Deadline) -> float | None:
    if result.verdict is not Verdict.RETRY or not policy.can_retry(retries):
        return None
    wait = policy.delay(retries, result.retry_after)
    return wait if deadline.allows_wait(wait) else None


def _settled(result: SendResult, answer: Answer | None) -> Answer:
    if result.error is not None:
        raise result.error
    assert answer is not None
    return answer


def send(
    exchange: Exchange,
    call: Call,
    policy: RetryPolicy,
    deadline: Deadline,
    extract: ErrorText,
    *,
    redact: Redactor = NOTHING,
    sleep: Callable[[float], None] = time.sleep,
) -> Answer:
    """Send with retries until delivered, failed for good, out of retries or of time.

    Returns the 2xx answer, or raises the last error (`APIError`, `TransportError`).
    """
    retries = 0
    while True:
        result, answer = attempt(exchange, call, deadline.attempt_timeout(), policy, extract, redact=redact)
        wait = _next_wait(result, retries, policy, deadline)
        if wait is None:
            return _settled(result, answer)
        sleep(wait)
        retries += 1


async def send_async(
    exchange: AsyncExchange,
    call: Call,
    policy: RetryPolicy,
    deadline: Deadline,
    extract: ErrorText,
    *,
    redact: Redactor = NOTHING,
    sleep: Callable[[float], Awaitable[None]] | None = None,
) -> Answer:
    """`send` for asyncio: waits with `asyncio.sleep`, never blocking the loop."""
    if sleep is None:
        import asyncio

        sleep = asyncio.sleep
    retries = 0
    while True:
        answer: Answer | None = None
        try:  # `attempt`, awaited
            answer = await exchange(call, deadline.attempt_timeout())
        except TransportError as error:
            result = SendResult.retry(error)
        else:
            result = verdict(answer, call, policy, extract, redact)
        wait = _next_wait(result, retries, policy, deadline)
        if wait is None:
            return _settled(result, answer)
        await sleep(wait)
        retries += 1
