"""Redis channel layers that fail fast while Redis is down or hung.

The first call that fails (refused, reset, or a socket timeout on a hung server) opens a
short window (REDIS_RETRY_SECONDS) in which this process's calls raise
`ChannelLayerUnavailable` at once instead of each waiting for its own timeout. Broadcasts
after a checkout or a chat message are best effort and swallow the error; sockets close
with 1013 (see `project.core.websocket`). Waiting for messages (`receive`) is untouched.
"""

import asyncio
import logging
import time

from channels_redis.core import RedisChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.conf import settings
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("tessera.channels")


class ChannelLayerUnavailable(RedisConnectionError):
    """Redis failed a moment ago; not tried again until the window ends."""


# What a failing Redis raises inside the channel layer (refused, reset, timed out).
OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError, asyncio.TimeoutError)
_GUARDED = ("new_channel", "send", "group_add", "group_discard", "group_send")


class _FailFast:
    _down_until = 0.0

    async def _guarded(self, call):
        if time.monotonic() < self._down_until:
            raise ChannelLayerUnavailable("the channel layer failed a moment ago")
        try:
            return await call()
        except OUTAGE_ERRORS:
            if self._down_until <= time.monotonic():
                logger.warning("channel layer failed; failing fast for a while", exc_info=True)
            self._down_until = time.monotonic() + settings.REDIS_RETRY_SECONDS
            raise


class FailFastPubSubChannelLayer(_FailFast, RedisPubSubChannelLayer):
    pass


class FailFastRedisChannelLayer(_FailFast, RedisChannelLayer):
    pass


def _pubsub_method(name):
    async def method(self, *args, **kwargs):
        return await self._guarded(lambda: getattr(self._get_layer(), name)(*args, **kwargs))

    method.__name__ = name
    return method


def _core_method(name):
    async def method(self, *args, **kwargs):
        parent = getattr(RedisChannelLayer, name)
        return await self._guarded(lambda: parent(self, *args, **kwargs))

    method.__name__ = name
    return method


for _name in _GUARDED:
    setattr(FailFastPubSubChannelLayer, _name, _pubsub_method(_name))
    setattr(FailFastRedisChannelLayer, _name, _core_method(_name))
