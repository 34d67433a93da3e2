"""Each robot's 20-messages-a-minute limit, kept by every worker together through Redis.

A sliding window (a sorted set of the last minute's sends per robot, read and written by
one Lua script, on Redis's own clock): no window of that length ever holds more than the
limit, whichever worker sent them. After WeCom answers 45009 (too many) the robot pauses
for a minute whatever the window says: someone else may be using the same robot.
"""

from __future__ import annotations

import uuid
from functools import cache

import redis
from django.conf import settings

_TAKE = """
local t = redis.call('TIME')
local now_ms = t[1] * 1000 + math.floor(t[2] / 1000)
local pause = redis.call('PTTL', KEYS[2])
if pause > 0 then return pause end
local window, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_ms - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now_ms, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now_ms)
"""


@cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def _redis() -> redis.Redis:
    # The broker's Redis (tests give each worker a database of its own there).
    return _client(settings.CELERY_BROKER_URL)


def robot_take(robot_id: int) -> float:
    """0 if the robot may send now (the send is counted), else seconds to wait."""
    limit, window_seconds = settings.CHANNELS_ROBOT_RATE
    keys = [f"channels:robot:{robot_id}:sent", f"channels:robot:{robot_id}:pause"]
    wait_ms = _redis().eval(_TAKE, 2, *keys, int(window_seconds * 1000), limit, uuid.uuid4().hex)
    return int(wait_ms) / 1000


def robot_pause(robot_id: int, seconds: float) -> None:
    _redis().set(f"channels:robot:{robot_id}:pause", 1, px=int(seconds * 1000))


def wake_up_once(at: float) -> bool:
    """True for the first caller asking for a wake-up of the sender at the epoch second
    `at`; later callers for the same second find it scheduled. (One key per second: a
    run whose rows are due later than a wake-up already asked for still gets its own.)
    Without Redis, True: the task cannot be queued anyway, the minute's scan takes over."""
    try:
        return bool(_redis().set(f"channels:wake-up:{int(at)}", 1, nx=True, exat=int(at) + 60))
    except redis.RedisError:
        return True
