"""Two deployments on one Redis server keep their traffic apart.

The pub/sub channel layer ignores the Redis database number, so group messages
(`support.room.1`, `order.<number>`) are kept apart by the channel-layer prefix alone. The
cache and the Celery broker work inside the selected database number: giving each deployment
its own number (`REDIS_URL=redis://host:6379/<n>`) is enough for them, broadcasts included.
Run against a private redis-server that the test starts and stops."""

import json
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync

from tests.private_redis import private_redis

ROOT = Path(__file__).resolve().parents[3]
GROUP = "support.room.1"


@pytest.fixture(scope="module")
def redis_port():
    with private_redis() as redis:
        yield redis.port


def pubsub_layer(port: int, db: int, prefix: str):
    from channels_redis.pubsub import RedisPubSubChannelLayer

    return RedisPubSubChannelLayer(hosts=[f"redis://127.0.0.1:{port}/{db}"], prefix=prefix)


async def _exchange(port: int, prefix_a: str, prefix_b: str):
    """Deployment A (db 0) and B (db 1) each follow the same group and send to it; return
    what each one's follower received."""
    import asyncio

    a, b = pubsub_layer(port, 0, prefix_a), pubsub_layer(port, 1, prefix_b)
    try:
        follower_a, follower_b = await a.new_channel(), await b.new_channel()
        await a.group_add(GROUP, follower_a)
        await b.group_add(GROUP, follower_b)
        await asyncio.sleep(0.1)  # subscriptions are in place
        await a.group_send(GROUP, {"type": "chat.message", "text": "from A"})
        await b.group_send(GROUP, {"type": "chat.message", "text": "from B"})
        received = {}
        for name, layer, channel in (("A", a, follower_a), ("B", b, follower_b)):
            texts = []
            while True:
                try:
                    message = await asyncio.wait_for(layer.receive(channel), timeout=0.5)
                except TimeoutError:
                    break
                texts.append(message["text"])
            received[name] = sorted(texts)
        return received
    finally:
        await a.flush()
        await b.flush()


@pytest.mark.needs("redis-server")
def test_two_deployments_with_their_own_prefixes_do_not_hear_each_other(redis_port):
    received = async_to_sync(_exchange)(redis_port, "tessera-shop-a", "tessera-shop-b")
    assert received == {"A": ["from A"], "B": ["from B"]}


@pytest.mark.needs("redis-server")
def test_control_one_prefix_on_one_server_crosses_deployments_despite_the_db_number(redis_port):
    received = async_to_sync(_exchange)(redis_port, "tessera", "tessera")
    assert received == {"A": ["from A", "from B"], "B": ["from A", "from B"]}


def test_the_default_prefix_differs_per_deployment_and_can_be_set():
    probe = """
import importlib, json, os
import project.settings.base as base
out = []
for env in (
    {"DATABASE_URL": "postgres://db:5432/shop_a", "SITE_URL": "https://a.example.com"},
    {"DATABASE_URL": "postgres://db:5432/shop_b", "SITE_URL": "https://b.example.com"},
    {"DATABASE_URL": "postgres://db:5432/shop_a", "SITE_URL": "https://staging.example.com"},
    {"DATABASE_URL": "postgres://db:5432/shop_a", "SITE_URL": "https://a.example.com"},
    {"DATABASE_URL": "postgres://db:5432/shop_a", "CHANNEL_LAYER_PREFIX": "shop-a",
     "REDIS_URL": "redis://127.0.0.1:6379/0"},
):
    for name in ("DATABASE_URL", "SITE_URL", "CHANNEL_LAYER_PREFIX", "REDIS_URL"):
        os.environ.pop(name, None)
    os.environ.update(env)
    importlib.reload(base)
    layer = base.CHANNEL_LAYERS["default"].get("CONFIG", {}).get("prefix")
    out.append([base.CHANNEL_LAYER_PREFIX, layer])
print(json.dumps(out))
"""
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    (a, _), (b, _), (staging, _), (a_again, _), explicit = json.loads(
        result.stdout.strip().splitlines()[-1]
    )
    assert len({a, b, staging}) == 3
    assert a == a_again
    assert explicit == ["shop-a", "shop-a"]


@pytest.mark.needs("redis-server")
def test_celery_queues_and_broadcasts_stay_in_their_database_number(redis_port):
    from kombu import Connection

    with (
        Connection(f"redis://127.0.0.1:{redis_port}/0") as a,
        Connection(f"redis://127.0.0.1:{redis_port}/1") as b,
    ):
        queue_a, queue_b = a.SimpleQueue("celery"), b.SimpleQueue("celery")
        queue_a.put({"task": "outbox_deliver", "from": "A"})

        with pytest.raises(queue_b.Empty):
            queue_b.get(block=False)
        assert queue_a.get(timeout=2).payload["from"] == "A"
        # Broadcasts (worker control, events) go over PUBLISH, which ignores the database
        # number; kombu names their channels after it ("/<db>.celery.pidbox").
        assert a.default_channel.keyprefix_fanout == "/0."
        assert b.default_channel.keyprefix_fanout == "/1."
        queue_a.close()
        queue_b.close()


@pytest.mark.needs("redis-server")
def test_cache_keys_stay_in_their_database_number(redis_port):
    from django_redis.cache import RedisCache

    key = f"shop:catalog:{secrets.token_hex(4)}"
    options = {
        "KEY_PREFIX": "tessera",
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
    }
    a = RedisCache(f"redis://127.0.0.1:{redis_port}/0", options)
    b = RedisCache(f"redis://127.0.0.1:{redis_port}/1", options)
    a.set(key, "deployment A's page")
    assert b.get(key) is None
    assert a.get(key) == "deployment A's page"
