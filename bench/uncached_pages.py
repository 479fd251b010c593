"""Uncached catalog and event lists against a bare view of the same rows, before and after.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tessera_bench_pages \
    REDIS_URL=redis://127.0.0.1:6379/14 \
    .venv/bin/python bench/uncached_pages.py [--before REV] [--requests 60]

Needs a migrated, seeded database (`manage.py migrate && manage.py seed_demo` with the same
DATABASE_URL); both sides read it, so the two revisions must share their migrations. Redis is
the cache, as deployed: it is flushed before every request, so every list page is a miss.
`--before` defaults to where the branch left main, checked out in a temporary worktree.

Each side runs in a fresh interpreter (DEBUG off) through the whole middleware stack with
Django's test client, and times CPU (process time) per request for `/shop/`, a search, and
`/events/`, and for a bare view of the same rows (the 24 products or 12 events the page
shows, one query, the names and prices joined into HTML) served the same way. Ratio =
bare CPU / page CPU: 1.0 would be a page as cheap as the bare view. Numbers are printed,
never asserted; note the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from before import ROOT, before_worktree, default_before

BARE_URLS = """
from django.http import HttpResponse
from django.urls import include, path
from django.utils.html import format_html_join

from events.selectors import event_list_public
from shop.selectors.catalog import product_list_public


def rows(queryset):
    items = format_html_join("", "<li>{} {}</li>", ((o.name if hasattr(o, "name") else o.title,
                             getattr(o, "price", "")) for o in queryset))
    return HttpResponse(f"<ul>{items}</ul>")


urlpatterns = [
    path("_bare/shop/", lambda request: rows(product_list_public()[:24])),
    path("_bare/events/", lambda request: rows(event_list_public()[:12])),
    path("", include("project.urls")),
]
"""

PROBE = """
import json, sys, time
import django
django.setup()
from django.core.cache import cache
from django.test import Client

client = Client()
n = int(sys.argv[1])
out = {}
for path in sys.argv[2:]:
    def once():
        cache.clear()
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    for _ in range(5):
        once()
    started = time.process_time()
    for _ in range(n):
        once()
    out[path] = (time.process_time() - started) * 1000 / n
print(json.dumps(out))
"""

PAGES = [
    ("/shop/", "/_bare/shop/"),
    ("/shop/?q=ball", "/_bare/shop/"),
    ("/events/", "/_bare/events/"),
]


def measure(code: Path, urls_dir: Path, requests: int) -> dict[str, float]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings.local",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": f"{urls_dir}{os.pathsep}{code}",
    }
    paths = sorted({path for pair in PAGES for path in pair})
    probe = "from django.conf import settings\n" + PROBE.replace(
        "django.setup()", "settings.ROOT_URLCONF = 'bench_bare_urls'\ndjango.setup()"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, str(requests), *paths],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        sys.exit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", help="git revision to compare with (default: merge-base)")
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get(
        "REDIS_URL"
    ):
        sys.exit("Set DATABASE_URL (PostgreSQL, seeded) and REDIS_URL (its cache is flushed).")
    rev = args.before or default_before()
    urls_dir = Path(tempfile.mkdtemp(prefix="tessera-bench-urls-"))
    (urls_dir / "bench_bare_urls.py").write_text(BARE_URLS)
    with before_worktree(rev) as checkout:
        results = {
            "before": measure(checkout, urls_dir, args.requests),
            "after": measure(ROOT, urls_dir, args.requests),
        }
    print(
        f"\nUncached pages, CPU ms per request ({args.requests} requests each), "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(f"before = {rev}")
    print(f"{'page':<16}{'bare':>8}{'before':>8}{'ratio':>7}{'after':>8}{'ratio':>7}")
    for page, bare in PAGES:
        b, a = results["before"], results["after"]
        print(
            f"{page:<16}{a[bare]:>8.1f}{b[page]:>8.1f}{b[bare] / b[page]:>7.2f}"
            f"{a[page]:>8.1f}{a[bare] / a[page]:>7.2f}"
        )


if __name__ == "__main__":
    main()
