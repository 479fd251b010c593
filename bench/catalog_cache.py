"""The catalog cache under cart traffic, before and after a change, side by side.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tessera_bench \
    REDIS_URL=redis://127.0.0.1:6379/12 \
    .venv/bin/python bench/catalog_cache.py [--before REV] [--seconds 30] [--shoppers 20]

For each side (the code at `--before`, checked out in a temporary worktree, and the code
here) it makes a database `<name>_before` / `<name>_after`, migrates and seeds the demo,
starts gunicorn (2 sync workers, DEBUG off) and runs, for `--seconds`:
- `--shoppers` guest shoppers, each behind its own address (X-Forwarded-For, one trusted
  proxy), adding a product to the cart about every 2 s (the cart's own limit is 30 a
  minute) and removing a line once they hold three, so holds and releases never stop;
- `--readers` clients reading the catalog list as fast as they can (no search, so no
  limit), cycling through the first page, two categories and "in stock only".

It prints, per side: list pages served and req/s, the cache hit rate (list requests minus
the list entries written to the cache, which is one per miss), cart adds and removes done,
and the version bumps seen. Numbers are printed, never asserted. Note the load average.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIST_PATHS = ["/shop/", "/shop/?in_stock=on"]


def fail(message: str) -> None:
    print(message, file=sys.stderr)
    sys.exit(2)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def default_before() -> str:
    """The parent of the commit that made stock writes bump only on a state change."""
    out = subprocess.run(
        ["git", "log", "--format=%H", "-S", "def stock_moved", "--", "shop/services/catalog.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    if not out:
        fail("Cannot find the change in git history; pass --before REV.")
    return f"{out[-1]}^"


def database_url_for(base: str, suffix: str) -> str:
    parsed = urllib.parse.urlparse(base)
    return parsed._replace(path=f"{parsed.path}_{suffix}").geturl()


def database_recreate(url: str) -> None:
    import psycopg
    from psycopg import sql

    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


class Side:
    def __init__(self, name: str, code: Path, database_url: str, redis_url: str):
        self.name = name
        self.code = code
        self.port = free_port()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "project.settings.local",
            "DEBUG": "false",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "TRUSTED_PROXY_COUNT": "1",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(code),
        }
        self.database_url = database_url
        self.server: subprocess.Popen | None = None

    def manage(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=self.code,
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def prepare(self) -> None:
        database_recreate(self.database_url)
        self.manage("migrate", "--noinput")
        self.manage("seed_demo")
        self.manage("collectstatic", "--noinput")

    def start(self) -> None:
        self.server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "project.wsgi:application",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=self.code,
            env=self.env,
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.base}/shop/", timeout=90).read()
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.3)
        fail(f"gunicorn for {self.name} did not answer.")

    def stop(self) -> None:
        if self.server and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(10)
            except subprocess.TimeoutExpired:
                self.server.kill()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def redis_client(url: str):
    import redis

    return redis.Redis.from_url(url)


def run_load(side: Side, *, seconds: float, shoppers: int, readers: int, redis_url: str) -> dict:
    client = redis_client(redis_url)
    client.flushdb()
    home = urllib.request.urlopen(f"{side.base}/shop/", timeout=60).read().decode()
    product_ids = sorted(set(re.findall(r'href="/shop/p/([\w-]+)/"', home)))
    categories = sorted(set(re.findall(r"\?category=([\w-]+)", home)))[:2]
    paths = LIST_PATHS + [f"/shop/?category={slug}" for slug in categories]
    stop = threading.Event()
    counts = {"list": 0, "list_errors": 0, "adds": 0, "removes": 0, "refused": 0}
    lock = threading.Lock()

    def count(name: str, n: int = 1) -> None:
        with lock:
            counts[name] += n

    def reader(index: int) -> None:
        opener = urllib.request.build_opener()
        i = index
        while not stop.is_set():
            path = paths[i % len(paths)]
            i += 1
            try:
                opener.open(f"{side.base}{path}", timeout=90).read()
                count("list")
            except (urllib.error.URLError, ConnectionError):
                count("list_errors")

    def shopper(index: int) -> None:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.addheaders = [("X-Forwarded-For", f"10.1.{index // 250}.{index % 250 + 1}")]
        slugs = product_ids[index % len(product_ids) :] + product_ids[: index % len(product_ids)]
        turn = 0
        while not stop.is_set():
            slug = slugs[turn % len(slugs)]
            turn += 1
            try:
                page = opener.open(f"{side.base}/shop/p/{slug}/", timeout=90).read().decode()
                ref = re.search(r'name="ref" value="(\d+)"', page)
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
                if not (ref and token) or "disabled>Out of stock" in page:
                    continue
                data = urllib.parse.urlencode(
                    {
                        "csrfmiddlewaretoken": token[1],
                        "kind": "product",
                        "ref": ref[1],
                        "quantity": 1,
                        "next": "/cart/",
                    }
                ).encode()
                request = urllib.request.Request(
                    f"{side.base}/cart/add/", data=data, headers={"Referer": side.base + "/"}
                )
                opener.open(request, timeout=90).read()
                count("adds")
                cart = opener.open(f"{side.base}/cart/", timeout=90).read().decode()
                lines = re.findall(r"/cart/lines/(\d+)/remove/", cart)
                if len(set(lines)) >= 3:
                    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', cart)
                    request = urllib.request.Request(
                        f"{side.base}/cart/lines/{lines[0]}/remove/",
                        data=urllib.parse.urlencode({"csrfmiddlewaretoken": token[1]}).encode(),
                        headers={"Referer": side.base + "/"},
                    )
                    opener.open(request, timeout=90).read()
                    count("removes")
            except urllib.error.HTTPError as error:
                if error.code == 429:
                    count("refused")
            except (urllib.error.URLError, ConnectionError):
                pass
            stop.wait(2.1)

    version_key = next(iter(client.scan_iter("*shop:catalog:version")), None)
    version_start = int(client.get(version_key) or 0) if version_key else 0
    threads = [threading.Thread(target=shopper, args=(i,)) for i in range(shoppers)]
    threads += [threading.Thread(target=reader, args=(i,)) for i in range(readers)]
    started = time.monotonic()
    cpu_start = os.times()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(15)
    elapsed = time.monotonic() - started
    version_key = next(iter(client.scan_iter("*shop:catalog:version")), None)
    version_end = int(client.get(version_key) or 0) if version_key else 0
    entries = sum(1 for _ in client.scan_iter("*shop:list:*"))
    hits = max(counts["list"] - entries, 0)
    return {
        **counts,
        "seconds": elapsed,
        "rps": counts["list"] / elapsed,
        "entries": entries,
        "hit_rate": hits / counts["list"] if counts["list"] else 0.0,
        "bumps": version_end - version_start,
        "client_cpu": sum(os.times()[:2]) - sum(cpu_start[:2]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", help="git revision to compare with")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--shoppers", type=int, default=20)
    parser.add_argument("--readers", type=int, default=4)
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url:
        fail("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the cache is Redis, as deployed.")
    before = args.before or default_before()
    checkout = Path(tempfile.mkdtemp(prefix="tessera-bench-before-"))
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(checkout), before],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (checkout / ".venv").symlink_to(ROOT / ".venv")
    parsed = urllib.parse.urlparse(redis_url)
    db = int(parsed.path.lstrip("/") or 0)
    sides = [
        Side("before", checkout, database_url_for(database_url, "before"), redis_url),
        Side(
            "after",
            ROOT,
            database_url_for(database_url, "after"),
            parsed._replace(path=f"/{db + 1}").geturl(),
        ),
    ]
    results = {}
    try:
        for side in sides:
            print(f"Preparing {side.name} ({side.code})...", flush=True)
            side.prepare()
        for side in sides:
            side.start()
            try:
                results[side.name] = run_load(
                    side,
                    seconds=args.seconds,
                    shoppers=args.shoppers,
                    readers=args.readers,
                    redis_url=side.env["REDIS_URL"],
                )
            finally:
                side.stop()
    finally:
        for side in sides:
            side.stop()
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(checkout)], cwd=ROOT, capture_output=True
        )
        shutil.rmtree(checkout, ignore_errors=True)
    print(
        f"\nCatalog list under cart traffic: {args.shoppers} shoppers, {args.readers} "
        f"readers, {args.seconds:.0f} s per side, load average {os.getloadavg()[0]:.2f}"
    )
    print(f"before = {before}")
    header = (
        f"{'':<8}{'list req':>9}{'req/s':>8}{'hit rate':>10}{'entries':>9}"
        f"{'bumps':>7}{'adds':>6}{'removes':>9}{'429':>5}{'errors':>8}"
    )
    print(header)
    for name, r in results.items():
        print(
            f"{name:<8}{r['list']:>9}{r['rps']:>8.1f}{r['hit_rate']:>10.1%}{r['entries']:>9}"
            f"{r['bumps']:>7}{r['adds']:>6}{r['removes']:>9}{r['refused']:>5}"
            f"{r['list_errors']:>8}"
        )


if __name__ == "__main__":
    main()
