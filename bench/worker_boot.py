"""CPU a gunicorn worker spends booting, before and after a change, side by side.

    .venv/bin/python bench/worker_boot.py [--before REV] [--runs 5]

A worker's boot is what every recycled worker pays again: importing `project.wsgi` (the
settings, every app's models and `ready()`) and the URL conf its first request loads. Each
run is a fresh interpreter with the production settings; the CPU (user + system) of the
child is read from `getrusage`. It also says whether daphne, twisted and the Celery app were
imported. Needs no database or Redis (nothing connects at boot). Numbers are printed, never
asserted; note the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

from before import ROOT, before_worktree, default_before

PROBE = """
import json, sys
import project.wsgi
import django.urls
django.urls.get_resolver().url_patterns
print(json.dumps({name: name in sys.modules for name in ("daphne", "twisted", "celery.app.base")}))
"""


def boot(code: Path) -> tuple[float, dict]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings.production",
        "SECRET_KEY": "bench-" + "x" * 60,
        "ALLOWED_HOSTS": "localhost",
        "EMAIL_HOST": "smtp.example.com",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/tessera_bench_boot",
        "REDIS_URL": "redis://127.0.0.1:6379/13",
        "PYTHONPATH": str(code),
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=code, env=env, capture_output=True, text=True, check=True
    ).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", help="git revision to compare with (default: merge-base)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rev = args.before or default_before()
    results: dict[str, tuple[list[float], dict]] = {}
    with before_worktree(rev) as checkout:
        sides = {"before": checkout, "after": ROOT}
        samples: dict[str, list[float]] = {name: [] for name in sides}
        modules: dict[str, dict] = {}
        for _ in range(args.runs):  # interleaved, so load changes hit both sides alike
            for name, code in sides.items():
                cpu, modules[name] = boot(code)
                samples[name].append(cpu)
        results = {name: (samples[name], modules[name]) for name in sides}
    print(f"\nWorker boot CPU, {args.runs} runs per side, load average {os.getloadavg()[0]:.2f}")
    print(f"before = {rev}")
    columns = ("median s", "min s", "max s", "daphne", "twisted", "celery")
    print(f"{'':<8}" + "".join(f"{name:>10}" for name in columns))
    for name, (cpu, mods) in results.items():
        print(
            f"{name:<8}{statistics.median(cpu):>10.2f}{min(cpu):>10.2f}{max(cpu):>10.2f}"
            f"{mods['daphne']!s:>10}{mods['twisted']!s:>10}{mods['celery.app.base']!s:>10}"
        )


if __name__ == "__main__":
    main()
