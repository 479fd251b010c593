"""Benchmark: fan-out of live order updates through daphne and the Redis channel layer.

N WebSocket clients follow one order (`/ws/orders/<number>/`). The script publishes M
timestamped updates to the order's group at a fixed rate, straight through the channel layer
(as `dashboards.broadcast` does: the panel's HTML fragment, here with a leading comment that
carries the run, the sequence number and `sent_at`), and every client records
`receive time - sent_at`.
Prints, per N: deliveries expected/received, delivered %, p50/p95/max latency, and the CPU
used by daphne and by this process while publishing. Not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tessera_bench \\
    REDIS_URL=redis://127.0.0.1:6379/5 \\
    .venv/bin/python bench/ws_fanout.py [--clients 10,100,500] [--rate 10] [--seconds 5]

Needs PostgreSQL (daphne runs in another process and shares the database; the database is
created and migrated if missing) and Redis. A fresh daphne serves each N.
Target on the project's 2-core machines: p95 <= 100 ms at N=100 and 10 messages/s, 100%
delivered. The clients run in this one process: at large N their own message parsing and
scheduling are part of the measured latency, and they share the CPU with daphne.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

ORIGIN = "http://127.0.0.1"
ORDER_NUMBER = "BENCH-WS-000001"
CUSTOMER_EMAIL = "bench-ws@example.com"
HANDSHAKES_AT_ONCE = 25  # daphne's listen backlog is 50
MARK = re.compile(r"^<!-- bench (\w+) (\d+) ([\d.]+) -->")


def fail(message: str) -> None:
    print(f"ws_fanout: {message}", file=sys.stderr)
    sys.exit(2)


def check_environment() -> None:
    if not os.environ.get("REDIS_URL"):
        fail(
            "REDIS_URL is not set. The benchmark measures the Redis channel layer, e.g.\n"
            "  REDIS_URL=redis://127.0.0.1:6379/5"
        )
    database_url = os.environ.get("DATABASE_URL", "")
    if urlparse(database_url).scheme not in {"postgres", "postgresql"}:
        fail(
            "DATABASE_URL must name a PostgreSQL database (daphne runs in another process and "
            "shares it), e.g.\n  DATABASE_URL=postgres://postgres@127.0.0.1:5432/tessera_bench"
        )


def database_ensure(database_url: str) -> None:
    """Create the database named in DATABASE_URL when it does not exist yet."""
    import psycopg
    from psycopg import sql

    parsed = urlparse(database_url)
    name = parsed.path.lstrip("/")
    maintenance = (
        parsed._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    )
    try:
        with psycopg.connect(maintenance, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"created database {name}")
    except psycopg.OperationalError as error:
        fail(f"cannot reach PostgreSQL at {parsed.hostname}:{parsed.port or 5432}: {error}")


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.local")
    os.environ.setdefault("DEBUG", "0")
    import django

    django.setup()
    from channels.layers import get_channel_layer
    from channels_redis.core import RedisChannelLayer
    from channels_redis.pubsub import RedisPubSubChannelLayer
    from django.conf import settings

    backend = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    # The project's layers wrap channels_redis under their own names (project.core.layers).
    if not isinstance(get_channel_layer(), (RedisChannelLayer, RedisPubSubChannelLayer)):
        fail(f"the channel layer is {backend}, not Redis: check REDIS_URL and the settings")


def bench_order():
    """The bench customer, their token and the order's update message (created on first run)."""
    from django.core.management import call_command

    from dashboards.live import order_update_event
    from project.accounts.models import User
    from project.accounts.tokens import ws_token_for
    from shop.models import Order

    call_command("migrate", interactive=False, verbosity=0)
    customer = User.objects.filter(email=CUSTOMER_EMAIL).first()
    if customer is None:
        customer = User.objects.create_user(CUSTOMER_EMAIL, password=None, name="Bench Customer")
    order, _ = Order.objects.get_or_create(
        number=ORDER_NUMBER,
        defaults={
            "user": customer,
            "email": customer.email,
            "currency": "VND",
            "subtotal": "1250000.00",
            "total": "1250000.00",
            "status": Order.Status.PAID,
            "idempotency_key": ORDER_NUMBER,
        },
    )
    if order.user_id != customer.pk:
        fail(f"order {ORDER_NUMBER} exists and belongs to someone else")
    return ws_token_for(customer), order_update_event(order)


def raise_open_file_limit(clients: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = clients * 2 + 512  # this process and daphne (which inherits the limit)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        new = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
        if new < wanted:
            print(f"warning: open-file limit is {new}, {wanted} wanted", file=sys.stderr)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def daphne(timeout: float = 20):
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "project.asgi:application",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

        def log_tail() -> str:
            log.seek(0)
            return log.read().decode(errors="replace")[-3000:]

        try:
            deadline = time.monotonic() + timeout
            while True:
                if process.poll() is not None:
                    fail(f"daphne exited early:\n{log_tail()}")
                with (
                    contextlib.suppress(OSError),
                    socket.create_connection(("127.0.0.1", port), timeout=0.2),
                ):
                    break
                if time.monotonic() > deadline:
                    fail(f"daphne did not start within {timeout} s:\n{log_tail()}")
                time.sleep(0.1)
            yield f"127.0.0.1:{port}", process.pid
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def cpu_seconds(pid: int) -> float:
    """CPU time used so far by a process (Linux /proc), or NaN elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class Client:
    def __init__(self, total: int):
        self.received = [False] * total
        self.latencies: list[float] = []
        self.ready = asyncio.Event()
        self.error: str | None = None


async def follow(url: str, client: Client, run: str, gate: asyncio.Semaphore, stop: asyncio.Event):
    from websockets.asyncio.client import connect

    try:
        async with gate:
            ws = await connect(url, additional_headers={"Origin": ORIGIN}, open_timeout=30)
        async with ws:
            first = await asyncio.wait_for(ws.recv(), 30)
            if 'id="order-progress"' not in first:
                raise RuntimeError(f"unexpected first message {first!r}")
            client.ready.set()
            receiving = asyncio.ensure_future(_receive(ws, client, run))
            await stop.wait()
            receiving.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await receiving
    except Exception as error:  # counted as a client that got nothing
        client.error = f"{type(error).__name__}: {error}"
    finally:
        client.ready.set()


async def _receive(ws, client: Client, run: str) -> None:
    async for raw in ws:
        now = time.time()
        mark = MARK.match(raw)
        if mark is None or mark[1] != run:
            continue
        seq = int(mark[2])
        if not client.received[seq]:
            client.received[seq] = True
            client.latencies.append((now - float(mark[3])) * 1000)


async def one_round(
    address: str, daphne_pid: int, token: str, update: dict, clients: int, args
) -> dict:
    from channels.layers import get_channel_layer

    from dashboards.live import order_group

    layer = get_channel_layer()
    total = max(1, round(args.rate * args.seconds))
    run = uuid.uuid4().hex
    url = f"ws://{address}/ws/orders/{ORDER_NUMBER}/?token={token}"
    gate, stop = asyncio.Semaphore(HANDSHAKES_AT_ONCE), asyncio.Event()
    followers = [Client(total) for _ in range(clients)]

    started = time.monotonic()
    tasks = [asyncio.ensure_future(follow(url, c, run, gate, stop)) for c in followers]
    await asyncio.gather(*(c.ready.wait() for c in followers))
    connect_seconds = time.monotonic() - started
    connected = sum(1 for c in followers if c.error is None)
    await asyncio.sleep(0.5)  # let the last group_add settle

    loop = asyncio.get_running_loop()
    interval = 1 / args.rate
    first_send = loop.time()
    cpu_start = (cpu_seconds(daphne_pid), time.process_time())
    for seq in range(total):
        delay = first_send + seq * interval - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        html = f"<!-- bench {run} {seq} {time.time():.6f} -->{update['html']}"
        await layer.group_send(order_group(ORDER_NUMBER), {**update, "html": html})
    send_seconds = loop.time() - first_send

    expected = clients * total
    deadline = loop.time() + args.drain
    while loop.time() < deadline:
        if sum(len(c.latencies) for c in followers) >= connected * total:
            break
        await asyncio.sleep(0.05)
    elapsed = loop.time() - first_send
    daphne_cpu = (cpu_seconds(daphne_pid) - cpu_start[0]) / elapsed * 100
    client_cpu = (time.process_time() - cpu_start[1]) / elapsed * 100

    stop.set()
    await asyncio.gather(*tasks)
    await asyncio.sleep(0.3)  # let daphne run the consumers' disconnect (group_discard)

    # Each round runs in its own event loop: drop this loop's Redis connections.
    if hasattr(layer, "close_pools"):
        await layer.close_pools()
    else:
        await layer.flush()

    latencies = sorted(value for c in followers for value in c.latencies)
    errors = [c.error for c in followers if c.error]
    return {
        "clients": clients,
        "connected": connected,
        "connect_s": connect_seconds,
        "messages": total,
        "send_rate": (total - 1) / send_seconds if total > 1 and send_seconds else float(args.rate),
        "expected": expected,
        "received": len(latencies),
        "p50": percentile(latencies, 0.50) if latencies else float("nan"),
        "p95": percentile(latencies, 0.95) if latencies else float("nan"),
        "max": latencies[-1] if latencies else float("nan"),
        "daphne_cpu": daphne_cpu,
        "client_cpu": client_cpu,
        "error": errors[0] if errors else "",
    }


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="10,100,500", help="comma-separated N values")
    parser.add_argument("--rate", type=float, default=10, help="messages per second")
    parser.add_argument("--seconds", type=float, default=5, help="how long to publish")
    parser.add_argument("--drain", type=float, default=3, help="seconds to wait for stragglers")
    args = parser.parse_args()
    try:
        counts = [int(value) for value in args.clients.split(",") if value.strip()]
    except ValueError:
        parser.error("--clients takes whole numbers separated by commas, e.g. 10,100,500")
    if not counts or min(counts) < 1 or args.rate <= 0 or args.seconds <= 0:
        parser.error("--clients, --rate and --seconds must be positive")

    check_environment()
    database_ensure(os.environ["DATABASE_URL"])
    django_setup()
    token, update = bench_order()
    from django.db import connection

    connection.close()  # the rounds need no database here; daphne has its own
    raise_open_file_limit(max(counts))

    print(f"load average before: {loadavg()}  (cpus: {os.cpu_count()})")
    print(f"rate {args.rate:g}/s for {args.seconds:g} s per round, order {ORDER_NUMBER}")
    header = (
        f"{'clients':>7} {'conn':>5} {'conn s':>6} {'msgs':>5} {'sent/s':>6} {'expected':>8} "
        f"{'received':>8} {'deliv %':>8} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} "
        f"{'daphne':>6} {'bench':>6}"
    )
    print(
        "conn: clients connected; conn s: time to connect them all; latency = receive time - "
        "sent_at;\ndaphne/bench: CPU use (% of one core) of daphne and of this process while "
        "publishing"
    )
    print(header)
    print("-" * len(header))
    results = []
    for clients in counts:
        with daphne() as (address, pid):
            result = asyncio.run(one_round(address, pid, token, update, clients, args))
        results.append(result)
        print(
            f"{result['clients']:>7} {result['connected']:>5} {result['connect_s']:>6.1f} "
            f"{result['messages']:>5} {result['send_rate']:>6.1f} {result['expected']:>8} "
            f"{result['received']:>8} {100 * result['received'] / result['expected']:>7.1f}% "
            f"{result['p50']:>7.1f} {result['p95']:>7.1f} {result['max']:>7.1f} "
            f"{result['daphne_cpu']:>5.0f}% {result['client_cpu']:>5.0f}%",
            flush=True,
        )
        if result["error"]:
            print(f"        first client error: {result['error']}")
    print(f"load average after: {loadavg()}")
    for result in results:
        if result["clients"] == 100 and args.rate == 10:
            met = result["p95"] <= 100 and result["received"] == result["expected"]
            verdict = "met" if met else "NOT met"
            print(f"target at N=100, 10/s (p95 <= 100 ms, 100% delivered): {verdict}")


if __name__ == "__main__":
    main()
