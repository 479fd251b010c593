"""`make load`: start the production-like stack, run the 100-user scenario headless, report.

    .venv/bin/python -m tests.load.run [--users 100] [--spawn-rate 10] [--time 2m]
        [--workers 2] [--max-p95 150] [--max-error-ratio 0.01] [--out out/load]

Writes OUT/report.md (requests/s, p50/p95/p99 per request group, failures by type, 429s
with the limit that fired, the load average), Locust's CSV files and its HTML report with
the charts (OUT/load.html). Exits 1 past a budget given on the command line, and stops
everything it started.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests import processes
from tests.load import stack


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--time", default="2m", help="run time, Locust's format (90s, 2m)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--max-p95", type=float, help="budget: p95 of all requests, ms")
    parser.add_argument("--max-error-ratio", type=float, help="budget: failed/all requests")
    parser.add_argument("--out", type=Path, default=Path("out/load"))
    args = parser.parse_args(argv)

    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(18)
    env = stack.production_env()
    print(f"load: preparing {stack.DATABASE_URL} (load average {processes.load_average()})")
    print(stack.prepare(env, password=password, users=args.users))
    locust_env = {
        **os.environ,
        "LOAD_PASSWORD": password,
        "LOAD_USERS": str(args.users),
        "LOAD_LIMITS_FILE": str(out / "limits.json"),
    }
    if args.max_p95 is not None:
        locust_env["LOAD_MAX_P95_MS"] = str(args.max_p95)
    if args.max_error_ratio is not None:
        locust_env["LOAD_MAX_ERROR_RATIO"] = str(args.max_error_ratio)

    with stack.SmtpSink() as sink, stack.Stack(env, out / "logs", workers=args.workers) as site:
        print(
            f"load: gunicorn ({args.workers} workers) {site.url}, daphne :{stack.WS_PORT}, celery"
        )
        sampler = LoadSampler()
        sampler.start()
        locust = run_locust(
            ["Browser", "Buyer", "Visitor"],
            users=args.users,
            spawn_rate=args.spawn_rate,
            run_time=args.time,
            host=site.url,
            out=out / "load",
            env=locust_env,
            html=out / "load.html",
        )
        sampler.stop()
        rss = site.rss()
        mails = sink.messages
    report = render_report(
        out, args=args, load=sampler.summary(), rss=rss, mails=mails, exit_code=locust.returncode
    )
    (out / "report.md").write_text(report)
    print(report)
    print(f"load: report {out / 'report.md'}, chart {out / 'load.html'}")
    return locust.returncode


def run_locust(
    classes: list[str],
    *,
    users: int,
    spawn_rate: float,
    run_time: str,
    host: str,
    out: Path,
    env: dict[str, str],
    html: Path | None = None,
    locustfile: str = "locustfile.py",
) -> subprocess.CompletedProcess:
    """Locust headless with the given user classes; statistics in `out`_stats.csv."""
    argv = [
        str(processes.VENV_BIN / "locust"),
        "-f",
        str(Path(__file__).with_name(locustfile)),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(spawn_rate),
        "--run-time",
        run_time,
        "--host",
        host,
        "--csv",
        str(out),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    if html is not None:
        argv += ["--html", str(html)]
    return subprocess.run([*argv, *classes], cwd=processes.BASE_DIR, env=env, check=False)


def aggregated(prefix: Path) -> dict[str, str]:
    """The Aggregated row of Locust's `prefix`_stats.csv (empty without one)."""
    return next(
        (row for row in _rows(Path(f"{prefix}_stats.csv")) if row["Name"] == "Aggregated"), {}
    )


class LoadSampler(threading.Thread):
    """The 1-minute load average every 5 s while the scenario runs."""

    def __init__(self):
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self._done = threading.Event()

    def run(self):
        while not self._done.wait(5):
            self.samples.append(float(processes.load_average().split()[0]))

    def stop(self):
        self._done.set()
        self.join(6)

    def summary(self) -> str:
        if not self.samples:
            return processes.load_average()
        return (
            f"1-min load average during the run: mean {sum(self.samples) / len(self.samples):.2f},"
            f" max {max(self.samples):.2f} (2 cores)"
        )


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def _ms(value: str) -> str:
    try:
        return f"{float(value):.0f}"
    except ValueError:
        return value


def limit_of(path: str) -> str:
    """The view whose limit answered 429 for `path`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.base")
    import django
    from django.urls import Resolver404, resolve

    django.setup()
    try:
        func = resolve(path).func
    except Resolver404:
        return "unknown view"
    view = getattr(func, "view_class", func)
    name = f"{view.__module__}.{view.__qualname__}"
    if view.__module__.startswith("allauth"):
        return f"{name} (allauth's ACCOUNT_RATE_LIMITS)"
    return f"{name} (django-ratelimit)"


def render_report(out: Path, *, args, load: str, rss, mails: int, exit_code: int) -> str:
    stats = _rows(out / "load_stats.csv")
    failures = _rows(out / "load_failures.csv")
    limits = json.loads((out / "limits.json").read_text()) if (out / "limits.json").exists() else []
    total = aggregated(out / "load")
    lines = [
        f"# Load test {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
        f"{args.users} users (70 % browse, 20 % buy, 10 % log in/out), {args.time}, "
        f"gunicorn {args.workers} sync workers, production settings, PostgreSQL + Redis.",
        load,
        "",
    ]
    if total:
        requests = int(total["Request Count"])
        failed = int(total["Failure Count"])
        lines += [
            f"**{float(total['Requests/s']):.1f} requests/s**, p50 {_ms(total['50%'])} ms, "
            f"**p95 {_ms(total['95%'])} ms**, p99 {_ms(total['99%'])} ms; "
            f"{requests} requests, {failed} failed ({failed / max(requests, 1):.2%}).",
            "",
            "| group | requests | failed | req/s | p50 ms | p95 ms | p99 ms |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for row in stats:
            lines.append(
                f"| {row['Type']} {row['Name']} | {row['Request Count']} | {row['Failure Count']}"
                f" | {float(row['Requests/s']):.1f} | {_ms(row['50%'])} | {_ms(row['95%'])}"
                f" | {_ms(row['99%'])} |"
            )
    else:
        lines.append("No statistics: Locust did not run (see its output above).")
    lines += ["", "## Failures by type", ""]
    other = [row for row in failures if not row["Error"].startswith("429")]
    if other:
        lines += ["| request | error | count |", "|---|---|---:|"]
        lines += [
            f"| {r['Method']} {r['Name']} | {r['Error']} | {r['Occurrences']} |" for r in other
        ]
    else:
        lines.append("None (429s are listed below).")
    lines += ["", "## 429 Too Many Requests (rate limits)", ""]
    if limits:
        lines += ["| request | count | limit that fired |", "|---|---:|---|"]
        lines += [
            f"| {hit['method']} {hit['name']} | {hit['count']} | {limit_of(hit['path'])} |"
            for hit in limits
        ]
    else:
        lines.append("None: no limit fired for the 100 distinct accounts and addresses.")
    lines += ["", "## Memory after the run (RSS)", ""]
    for name, values in rss.items():
        lines.append(f"- {name}: " + ", ".join(f"{value:.0f} MiB" for value in values))
    lines += [
        f"- e-mails delivered to the SMTP sink: {mails}",
        "",
        f"Locust exit code {exit_code}"
        + (
            f" (budget: p95 ≤ {args.max_p95} ms, error ratio ≤ {args.max_error_ratio})"
            if args.max_p95 is not None or args.max_error_ratio is not None
            else " (no budget given)"
        ),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
