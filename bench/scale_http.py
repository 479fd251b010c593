"""Benchmark: the 100-user scenario and a ticket rush over real HTTP, each beside the ceiling
of the same run (one bare Django view). Prints figures; asserts nothing.

    .venv/bin/python bench/scale_http.py [--time 60s] [--rush-time 60s] [--workers 2]

Starts the production-like stack of `make load` (tests/load/stack.py: gunicorn, daphne,
Celery, PostgreSQL `tessera_load`, Redis dbs 9 and 10), then:

1. the 100-user scenario (tests/load/locustfile.py): requests/s and p95;
2. the ceiling: the same 100 users at the same pace against a bare view served by another
   gunicorn with the same settings and middleware (p95), and with no pause (requests/s);
3. the ticket rush: 50 buyers with no pause run the whole purchase (event page, add, cart,
   checkout, payment method, place, pay with the mock provider) on a fresh event, each
   ticket by the next account, signed in beforehand (a session made here): paid tickets per
   minute, and the sold count checked against the capacity. A second, small event is sold
   out by the same crowd to check no oversell.

Goals on the project's 2-core machines: p95 ≤ 150 ms with 0 errors; ≥ 1,000 paid tickets
per minute (pretix publishes 300-400 per minute per event). Note the load average printed
beside each figure: other people's tests share the cores.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tests import processes  # noqa: E402
from tests.load import run as load_run  # noqa: E402
from tests.load import stack  # noqa: E402

CEILING_PORT = 18002
RUSH_ACCOUNTS = 3000
# Event page, add (+ redirect back), cart, checkout (+ redirect), payment method (+ review),
# place (+ sandbox page), approve (+ return page).
HTTP_PER_TICKET = 12
SELLOUT_CAPACITY = 10


def seconds(text: str) -> float:
    units = {"s": 1, "m": 60, "h": 3600}
    return float(text[:-1]) * units[text[-1]] if text[-1] in units else float(text)


def figure(row: dict[str, str]) -> tuple[float, float, int, int]:
    """(requests/s, p95 ms, requests, failures) of an Aggregated row."""
    if not row:
        return float("nan"), float("nan"), 0, 0
    return (
        float(row["Requests/s"]),
        float(row["95%"]),
        int(row["Request Count"]),
        int(row["Failure Count"]),
    )


def django_setup(env: dict[str, str]) -> None:
    """This process reads the stack's database with the stack's settings."""
    os.environ.update(env)
    import django

    django.setup()


def signed_in_sessions(count: int, path: Path) -> None:
    """Sessions for the first `count` load accounts, as if each had signed in earlier."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from project.accounts.models import User
    from project.core.management.commands.seed_load import load_email

    store = import_module(settings.SESSION_ENGINE).SessionStore
    users = User.objects.filter(email__in=[load_email(n) for n in range(1, count + 1)])
    keys = []
    for user in users.order_by("pk"):
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    path.write_text("\n".join(keys))


def paid_tickets(slug: str) -> tuple[int, int, int]:
    """(paid tickets, sold or held, capacity) of the event's ticket type."""
    from events.models import Attendee, TicketType

    ticket_type = TicketType.objects.get(event__slug=slug)
    paid = Attendee.objects.filter(ticket_type=ticket_type, status=Attendee.Status.PAID).count()
    return paid, ticket_type.sold_or_held, ticket_type.quantity


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--time", default="60s", help="length of the 100-user runs")
    parser.add_argument("--rush-time", default="60s")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=BASE_DIR / "out" / "bench")
    parser.add_argument(
        "--rush-only", action="store_true", help="only the ticket rush and its checks"
    )
    args = parser.parse_args()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)

    password = secrets.token_urlsafe(18)
    env = stack.production_env()
    print(f"preparing {stack.DATABASE_URL} (load average {processes.load_average()})")
    print(stack.prepare(env, password=password, users=RUSH_ACCOUNTS))
    django_setup(env)
    users_env = {**os.environ, "LOAD_PASSWORD": password, "LOAD_USERS": "100"}
    results: list[tuple[str, str, str]] = []

    def measure(label, classes, users, run_time, host, *, spawn_rate=10, extra=None, file=None):
        prefix = out / label
        load = processes.load_average()
        load_run.run_locust(
            classes,
            users=users,
            spawn_rate=spawn_rate,
            run_time=run_time,
            host=host,
            out=prefix,
            env={**users_env, **(extra or {})},
            locustfile=file or "locustfile.py",
        )
        load = f"{load} -> {processes.load_average()}"
        print(f"  {label}: {figure(load_run.aggregated(prefix))} (load {load})")
        return figure(load_run.aggregated(prefix)), load

    with stack.SmtpSink(), stack.Stack(env, out / "logs", workers=args.workers) as site:
        rss = site.rss()
        if not args.rush_only:
            scenario, scenario_load = measure(
                "scenario", ["Browser", "Buyer", "Visitor"], 100, args.time, site.url
            )
        rss_after = site.rss()
        ceiling_env = {**env, "DJANGO_SETTINGS_MODULE": "tests.load.ceiling", "CONN_MAX_AGE": "60"}
        ceiling = processes.gunicorn(
            CEILING_PORT,
            workers=args.workers,
            env=ceiling_env,
            log_dir=out / "logs",
            name="ceiling",
        )
        host = f"http://127.0.0.1:{CEILING_PORT}"
        try:
            stack.warm_up(ceiling, host, "/", ["/"])
            if not args.rush_only:
                paced, paced_load = measure(
                    "ceiling-paced", ["CeilingUser"], 100, args.time, host,
                    file="bench_locustfile.py",
                )  # fmt: skip
            flat, flat_load = measure(
                "ceiling-flat", ["FlatOutUser"], 100, "60s", host, file="bench_locustfile.py"
            )
        finally:
            processes.stop(ceiling)

        def rush_run(label, capacity, run_time):
            """50 buyers on a fresh event: (figure, load, (paid, sold or held, capacity))."""
            slug = f"{label}-{int(time.time())}"
            seeded = stack.manage(
                env, "seed_load", "--users", "0", "--password", password,
                "--event", slug, "--capacity", str(capacity),
            )  # fmt: skip
            print(seeded.strip())
            sessions = out / f"{label}-sessions.txt"
            signed_in_sessions(RUSH_ACCOUNTS, sessions)
            rush_env = {"LOAD_EVENT": slug, "LOAD_SESSIONS_FILE": str(sessions)}
            figures, load = measure(
                label, ["RushBuyer"], 50, run_time, site.url,
                spawn_rate=50, extra=rush_env, file="bench_locustfile.py",
            )  # fmt: skip
            return figures, load, paid_tickets(slug)

        rush, rush_load, (paid, sold, capacity) = rush_run("rush", 1_000_000, args.rush_time)
        _, _, sold_out = rush_run("sellout", SELLOUT_CAPACITY, "60s")

    minutes = seconds(args.rush_time) / 60
    per_minute = paid / minutes
    # One ticket takes HTTP_PER_TICKET requests; served at the bare view's rate: the ceiling.
    ceiling_per_minute = flat[0] * 60 / HTTP_PER_TICKET
    results = (
        []
        if args.rush_only
        else [
            (
                "100-user scenario p95",
                f"{scenario[1]:.0f} ms",
                f"bare view, same pace: {paced[1]:.0f} ms -> ratio {scenario[1] / paced[1]:.1f}x",
                scenario_load,
            ),
            (
                "100-user scenario req/s",
                f"{scenario[0]:.1f} ({scenario[3]} failed of {scenario[2]})",
                f"bare view, same pace: {paced[0]:.1f}; flat out: {flat[0]:.0f} req/s,"
                f" p95 {flat[1]:.0f} ms -> scenario at {scenario[0] / flat[0]:.1%} of flat out",
                scenario_load,
            ),
        ]
    )
    results += [
        (
            "ticket rush, 50 buyers",
            f"{per_minute:.0f} paid tickets/min ({paid} in {args.rush_time},"
            f" {rush[3]} failed requests of {rush[2]})",
            f"bare view flat out ({flat[0]:.0f} req/s) at {HTTP_PER_TICKET} requests per"
            f" ticket: {ceiling_per_minute:.0f}/min"
            f" -> ratio {per_minute / ceiling_per_minute:.1%}",
            rush_load,
        ),
        (
            "rush capacity check",
            f"sold or held {sold} ≤ capacity {capacity}: {sold <= capacity}; paid {paid}",
            "",
            "",
        ),
        (
            "sell-out capacity check",
            f"paid {sold_out[0]}, sold or held {sold_out[1]} ≤ capacity"
            f" {sold_out[2]}: {sold_out[1] <= sold_out[2] and sold_out[0] <= sold_out[2]}",
            "",
            "",
        ),
        (
            "RSS per gunicorn worker",
            ", ".join(f"{v:.0f} MiB" for v in rss_after["gunicorn worker"])
            + " after the scenario ("
            + ", ".join(f"{v:.0f}" for v in rss["gunicorn worker"])
            + " MiB at start)",
            "",
            "",
        ),
    ]
    print()
    print(f"Figures ({args.workers} gunicorn sync workers, production settings, loopback):")
    for name, value, ceiling_text, load in results:
        print(f"- {name}: {value}")
        if ceiling_text:
            print(f"    ceiling: {ceiling_text}")
        if load:
            print(f"    load average (1, 5, 15 min) before -> after: {load}")


if __name__ == "__main__":
    main()
