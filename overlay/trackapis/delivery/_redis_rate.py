"""One rate limit for a whole fleet of processes, kept in Redis.

Two rules, checked together in one Lua script per request (Redis' clock, so hosts' clocks do not
matter):

- **The window**: at most `per_minute * window / 60` requests in any `window` seconds (60 by
  default), counted at the server's end. A request holds its place in the window from when it is
  started until `window` seconds after its answer came back, so however the network delays or
  reorders requests, the server never sees more than the limit in any window of that length.
  (A request still unanswered after `_IN_FLIGHT_BOUND` seconds stops being counted.)
- **The pace**: starts are spaced `60 / per_minute` seconds apart with at most one second's worth
  in a burst (a GCRA), like the single process's `RateLimiter`, so a fleet that was idle does not
  spend a minute's budget in its first second.

Fairness: every process asks for one request at a time (its workers queue behind one local lock),
and while others are waiting a process gets no more than its share of the window (the capacity
divided by the processes asking), so processes with work share the rate; none starves. When
Redis cannot be reached, the process falls back to its own `RateLimiter` (the fleet may then
exceed the limit by the number of processes cut off) and logs a warning.
"""

from __future__ import annotations

import itertools
import logging
import random
import threading
import time
from typing import Any, Final

from ._rate import RateLimiter

logger = logging.getLogger("trackapis.delivery")

# How long a process waits before it asks again while every place in the window is taken by a
# request still in flight (its answer frees it; a finished one tells the exact wait instead).
_POLL: Final = 0.02
# Seconds after its start that an unanswered request stops counting (its owner may be dead).
_IN_FLIGHT_BOUND: Final = 10.0
_RETRY_REDIS_AFTER: Final = 1.0

# KEYS[1] = the window (sorted set: "owner|n" -> ms until which it counts), KEYS[2] = the pace
# (TAT), KEYS[3] = places in the window per owner, KEYS[4] = owners waiting (-> when they asked).
# ARGV = request, capacity, window ms, interval ms, tolerance ms, in-flight bound ms, owner.
# Returns "0" when the request may start now, else the ms to wait before asking again; with a
# leading "?" when the window is full of requests in flight (their answers free it: ask again soon).
_ACQUIRE = """
local cap, window, interval, tolerance, bound =
  tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local owner = ARGV[7]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
for _, done in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)) do
  local who = string.match(done, '^(.*)|')
  if who and redis.call('HINCRBY', KEYS[3], who, -1) <= 0 then redis.call('HDEL', KEYS[3], who) end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - 1000)
local others = redis.call('ZCARD', KEYS[4])
if redis.call('ZSCORE', KEYS[4], owner) then others = others - 1 end
local wait, poll = 0, false
if redis.call('ZCARD', KEYS[1]) >= cap then
  local first = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
  if first > now + window then poll = true else wait = first - now end
end
if others > 0 and tonumber(redis.call('HGET', KEYS[3], owner) or '0') >= math.ceil(cap / (others + 1)) then
  poll = true  -- at its share of the window while others wait: theirs first
end
local tat = tonumber(redis.call('GET', KEYS[2]) or '0')
if tat < now then tat = now end
if tat - tolerance - now > wait then wait = tat - tolerance - now end
if poll or wait > 0 then
  redis.call('ZADD', KEYS[4], now, owner)
  redis.call('PEXPIRE', KEYS[4], 2000)
  if poll then return '?' .. string.format('%.3f', wait) end
  return string.format('%.3f', wait)
end
local ttl = math.ceil(window + tolerance + interval)
redis.call('SET', KEYS[2], string.format('%.3f', tat + interval), 'PX', ttl)
redis.call('ZADD', KEYS[1], now + bound, ARGV[1])
redis.call('PEXPIRE', KEYS[1], math.ceil(window + bound))
redis.call('HINCRBY', KEYS[3], owner, 1)
redis.call('PEXPIRE', KEYS[3], math.ceil(window + bound))
redis.call('ZREM', KEYS[4], owner)
return '0'
"""

# KEYS[1] = the window. ARGV = request, window ms. The request counts until `window` after now.
_FINISH = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
return 0
"""


def window_capacity(per_minute: float, window: float) -> int:
    """Requests allowed in one window: the limit scaled to the window, at least one."""
    return max(1, int(per_minute * window / 60.0 + 1e-9))


class FleetRateLimiter:
    """`rate_limit_per_minute` for every process sharing one Redis store.

    Args:
        client: A redis-py client.
        namespace: The store's key prefix (with its hash tag).
        owner: This process's name in the fleet (part of each request's id).
        per_minute: The fleet's limit.
        window: The window the limit is counted over, in seconds (60: per minute; tests scale
            it down to measure in short runs).
    """

    def __init__(
        self, client: Any, namespace: str, owner: str, per_minute: float, *, window: float = 60.0
    ) -> None:
        if isinstance(per_minute, bool) or not isinstance(per_minute, (int, float)) or per_minute <= 0:
            raise ValueError(f"rate_limit_per_minute must be a positive number, not {per_minute!r}")
        import redis

        self._errors: tuple[type[Exception], ...] = (redis.RedisError, OSError)
        self._keys = [
            namespace + ":rate",
            namespace + ":pace",
            namespace + ":rate-owners",
            namespace + ":rate-waiting",
        ]
        self.capacity = window_capacity(per_minute, window)
        interval = 60.0 / per_minute
        burst = max(1.0, min(per_minute / 60.0, float(self.capacity)))
        self._window_ms = window * 1000.0
        self._args = [
            self.capacity,
            self._window_ms,
            interval * 1000.0,
            (burst - 1.0) * interval * 1000.0,
            _IN_FLIGHT_BOUND * 1000.0,
        ]
        self._acquire = client.register_script(_ACQUIRE)
        self._finish = client.register_script(_FINISH)
        self._ids = itertools.count()
        self._owner = owner
        self._one_at_a_time = threading.Lock()
        self._local = RateLimiter(per_minute)
        self._redis_down_until = 0.0
        self._rng = random.Random()

    def acquire(self) -> str | None:
        """Wait until this process may send one request; the returned token goes to `finish()`.

        None when Redis was unreachable and the local limiter decided instead.
        """
        token = f"{self._owner}|{next(self._ids)}"
        with self._one_at_a_time:
            while time.monotonic() >= self._redis_down_until:
                try:
                    answer = self._acquire(keys=self._keys, args=[token, *self._args, self._owner])
                except self._errors as error:
                    logger.warning(
                        "the fleet rate limiter cannot reach Redis (%s); limiting this process alone", error
                    )
                    self._redis_down_until = time.monotonic() + _RETRY_REDIS_AFTER
                    break
                if answer == b"0":
                    return token
                wait = float(answer.lstrip(b"?")) / 1000.0
                if answer.startswith(b"?"):
                    wait = max(wait, _POLL)
                # A little jitter, so that processes waiting for the same place do not ask in lockstep.
                time.sleep(wait * (1.0 + 0.1 * self._rng.random()))
        wait = self._local.reserve()
        if wait > 0:
            time.sleep(wait)
        return None

    def finish(self, token: str | None) -> None:
        """The request's answer came back (or it failed): it counts for one more window from now."""
        if token is None or time.monotonic() < self._redis_down_until:
            return
        try:
            self._finish(keys=self._keys[:1], args=[token, self._window_ms])
        except self._errors as error:
            # It stops counting after _IN_FLIGHT_BOUND instead.
            logger.warning("the fleet rate limiter cannot reach Redis (%s)", error)
            self._redis_down_until = time.monotonic() + _RETRY_REDIS_AFTER
