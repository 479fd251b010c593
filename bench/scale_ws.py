"""Benchmark: live order updates fanned out across two daphne processes behind nginx,
beside the ceiling of the same run (a bare Channels consumer). Prints figures; asserts
nothing.

    .venv/bin/python bench/scale_ws.py [--clients 1000] [--rate 10] [--seconds 10]

Uses the load stack's PostgreSQL database (`tessera_load`) and Redis db 9 with production
settings (tests/load/stack.py). Two daphnes (`python -m project.core.daphne`) sit behind
Debian's nginx with tessera.conf's routes (tests/nginx.py; needs `apt-get install
nginx-light`). N clients follow one order through nginx (round robin puts half on each
daphne); the script publishes `rate × seconds` timestamped updates to the order's group
through the channel layer, as `dashboards.broadcast` does, and each client records
`receive time − sent_at`. Printed: p50/p95/max latency and the share delivered; RSS of each
daphne before any socket and with the N sockets open and idle; then the same with both
daphnes serving the bare consumer (tests/load/echo_asgi.py) and the ratios.

Goal on the project's 2-core machines: 1,000 followers at 10 updates/s, p95 ≤ 150 ms, 100 %
delivered. The clients run in this one process on the same cores: at N=1,000 part of the
latency is theirs. Note the load average printed beside each figure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))

import ws_fanout  # noqa: E402

from tests import nginx, processes  # noqa: E402
from tests.load import stack  # noqa: E402

NGINX_PORT = 18010
DAPHNES = [18011, 18012]


async def idle(address: str, token: str, clients: int) -> tuple[int, float, asyncio.Event, list]:
    """Open `clients` followers and leave them idle; (connected, seconds, stop, tasks)."""
    url = f"ws://{address}/ws/orders/{ws_fanout.ORDER_NUMBER}/?token={token}"
    gate, stop = asyncio.Semaphore(ws_fanout.HANDSHAKES_AT_ONCE), asyncio.Event()
    followers = [ws_fanout.Client(1) for _ in range(clients)]
    started = time.monotonic()
    tasks = [asyncio.ensure_future(ws_fanout.follow(url, c, "idle", gate, stop)) for c in followers]
    await asyncio.gather(*(c.ready.wait() for c in followers))
    connected = sum(1 for c in followers if c.error is None)
    return connected, time.monotonic() - started, stop, tasks


async def idle_rss(address, token, clients, daphnes) -> tuple[int, float, list[float]]:
    connected, seconds, stop, tasks = await idle(address, token, clients)
    await asyncio.sleep(2)
    rss = [processes.rss_mb(service.pid) for service in daphnes]
    stop.set()
    await asyncio.gather(*tasks)
    await asyncio.sleep(1)
    return connected, seconds, rss


def one_app(app: str, env, log_dir: Path, token, snapshot, args) -> dict:
    daphnes = [
        processes.daphne(port, env=env, log_dir=log_dir, name=f"daphne-{port}", wait=False, app=app)
        for port in DAPHNES
    ]
    proxy = None
    try:
        for service in daphnes:
            processes.wait_listening(service)
        proxy = nginx.nginx(port=NGINX_PORT, web=[stack.WEB_PORT], ws=DAPHNES, log_dir=log_dir)
        address = f"127.0.0.1:{NGINX_PORT}"
        time.sleep(1)
        bare_rss = [processes.rss_mb(service.pid) for service in daphnes]
        load = processes.load_average()
        connected, connect_s, rss = asyncio.run(idle_rss(address, token, args.clients, daphnes))
        result = asyncio.run(
            ws_fanout.one_round(address, daphnes[0].pid, token, snapshot, args.clients, args)
        )
        result.update(
            bare_rss=bare_rss,
            idle_rss=rss,
            idle_connected=connected,
            idle_connect_s=connect_s,
            load=f"{load} -> {processes.load_average()}",
        )
        return result
    finally:
        for service in [proxy, *daphnes]:
            if service is not None:
                processes.stop(service, grace=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=10)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--drain", type=float, default=5)
    parser.add_argument("--out", type=Path, default=BASE_DIR / "out" / "bench-ws")
    args = parser.parse_args()
    if nginx.missing():
        ws_fanout.fail(f"needs {nginx.missing()}")

    env = {**stack.production_env(), "DATABASE_POOL": "true"}
    os.environ.update(env)
    stack.database_create()
    import django

    django.setup()
    token, snapshot = ws_fanout.bench_order()
    from django.db import connection

    connection.close()
    ws_fanout.raise_open_file_limit(args.clients * 2)
    log_dir = args.out.resolve()

    print(
        f"{args.clients} followers of one order via nginx, 2 daphnes, {args.rate:g}/s for "
        f"{args.seconds:g} s (load average {processes.load_average()})"
    )
    results = {}
    for label, app in (
        ("Tessera (OrderConsumer)", "project.asgi:application"),
        ("ceiling (bare consumer)", "tests.load.echo_asgi:application"),
    ):
        result = one_app(app, env, log_dir, token, snapshot, args)
        results[label] = result
        delivered = result["received"] / result["expected"]
        print(
            f"- {label}: connected {result['connected']}/{args.clients} in "
            f"{result['connect_s']:.1f} s; sent {result['messages']} at "
            f"{result['send_rate']:.1f}/s; delivered {delivered:.2%}; latency p50 "
            f"{result['p50']:.0f} ms, p95 {result['p95']:.0f} ms, max {result['max']:.0f} ms;"
            f" daphne #1 CPU {result['daphne_cpu']:.0f}% of a core"
        )
        print(
            f"    RSS per daphne: {', '.join(f'{v:.0f}' for v in result['bare_rss'])} MiB with"
            f" no socket, {', '.join(f'{v:.0f}' for v in result['idle_rss'])} MiB with"
            f" {result['idle_connected']} idle sockets in all"
        )
        print(f"    load average (1, 5, 15 min) before -> after: {result['load']}")
        if result["error"]:
            print(f"    first client error: {result['error']}")
    tessera, ceiling = results.values()
    print(
        f"ratios Tessera/ceiling: p50 {tessera['p50'] / ceiling['p50']:.1f}x, "
        f"p95 {tessera['p95'] / ceiling['p95']:.1f}x, delivered "
        f"{tessera['received'] / max(ceiling['received'], 1):.2f}, idle RSS "
        f"{sum(tessera['idle_rss']) / sum(ceiling['idle_rss']):.2f}x"
    )


if __name__ == "__main__":
    main()
