"""The 100-user scenario: 70 % browse, 20 % buy (some abandon), 10 % log in and out.

    locust -f tests/load/locustfile.py --headless -u 100 -r 10 -t 2m \\
        --host http://127.0.0.1:18000 --csv out/load/load --html out/load/load.html

`make load` (tests/load/run.py) starts the stack, seeds the accounts and runs this. The
environment names the accounts (`manage.py seed_load`): LOAD_PASSWORD (required),
LOAD_USERS (100), LOAD_EVENT and LOAD_PRODUCT (what buyers buy).

Every virtual user is one person: an account of its own (load001 ... load100) and an address
of its own. The site runs with production settings behind "nginx": this client stands in for
it, so it sends X-Forwarded-For (that person's address, which the rate limits key on) and
X-Forwarded-Proto: https, and keeps sending the Secure cookies over loopback HTTP
(LOAD_BEHIND_PROXY=0 talks to a plain site instead).

Budgets (LOAD_MAX_P95_MS, LOAD_MAX_ERROR_RATIO) make the run exit 1 when exceeded; 429
answers are counted by request group into LOAD_LIMITS_FILE (JSON) for the report.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import sys
import threading
from collections import Counter
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task

# Locust puts this file's folder on sys.path; the kit's modules are imported from the root.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.load.pages import (  # noqa: E402
    EVENT_LINK,
    IDEMPOTENCY,
    PRODUCT_LINK,
    PRODUCT_REF,
    RESERVED_PATHS,
    TICKET_REF,
    error_of,
)

PASSWORD = os.environ.get("LOAD_PASSWORD", "")
USERS = int(os.environ.get("LOAD_USERS", "100"))
EVENT = os.environ.get("LOAD_EVENT", "load-test-open-day")
PRODUCT = os.environ.get("LOAD_PRODUCT", "load-test-keycap-set")
BEHIND_PROXY = os.environ.get("LOAD_BEHIND_PROXY", "1") != "0"
EMAIL = "load{:03d}@load.tessera.test"


_numbers = itertools.count(1)
_numbers_lock = threading.Lock()
limits_hit: Counter[tuple[str, str, str]] = Counter()


def next_person() -> int:
    with _numbers_lock:
        return (next(_numbers) - 1) % USERS + 1


def send_secure_cookies_over_http() -> None:
    """nginx terminates TLS in production, so the site's cookies are Secure. The load
    generator stands in for nginx on loopback HTTP and sends them back all the same.

    requests copies the session's cookie jar into a new one with the default policy for
    every request and redirect, so the policy is changed where every jar gets it (in this
    load-generating process only)."""
    DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True


if BEHIND_PROXY:
    send_secure_cookies_over_http()


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)

    def on_start(self):
        self.become(next_person())

    def become(self, number: int) -> None:
        """Be load account `number`, from an address of its own, with no cookies yet."""
        self.number = number
        self.email = EMAIL.format(number)
        self.client.cookies.clear()
        if BEHIND_PROXY:
            self.client.headers["X-Forwarded-For"] = (
                f"10.18.{self.number // 250}.{self.number % 250 + 1}"
            )
            self.client.headers["X-Forwarded-Proto"] = "https"
        self.origin = f"{'https' if BEHIND_PROXY else 'http'}://{urlsplit(self.host).netloc}"

    # --- requests ---------------------------------------------------------------------

    def get(self, path: str, name: str | None = None):
        return self._send("GET", path, name)

    def post(self, path: str, data: dict, name: str | None = None, referer: str | None = None):
        # Django rotates the CSRF secret at login (and logout): the token is read from the
        # cookie jar before every POST, never kept from an earlier page.
        headers = {
            "X-CSRFToken": self.client.cookies.get("csrftoken", ""),
            "Referer": self.origin + (referer or path),
        }
        return self._send("POST", path, name, data=data, headers=headers)

    def _send(self, method, path, name, **kwargs):
        with self.client.request(
            method, path, name=name or path, catch_response=True, **kwargs
        ) as response:
            problem = error_of(response)
            if problem:
                if response.status_code == 429:
                    path_hit = urlsplit(response.url).path
                    limits_hit[(method, name or path, path_hit)] += 1
                response.failure(problem)
            else:
                response.success()
            return response

    # --- journeys ---------------------------------------------------------------------

    def log_in(self) -> bool:
        self.get("/accounts/login/")
        response = self.post(
            "/accounts/login/",
            {"login": self.email, "password": PASSWORD},
            name="/accounts/login/ [POST]",
        )
        return response.status_code == 200 and "/accounts/login/" not in response.url

    def log_out(self) -> None:
        self.post("/accounts/logout/", {}, name="/accounts/logout/ [POST]", referer="/")


class Browser(Person):
    """Looks at events and the catalog, not signed in."""

    weight = 70

    @task(3)
    def events(self):
        page = self.get("/events/")
        slugs = [slug for slug in EVENT_LINK.findall(page.text) if slug not in RESERVED_PATHS]
        if slugs:
            self.get(f"/events/{random.choice(slugs)}/", name="/events/[slug]/")

    @task(3)
    def catalog(self):
        page = self.get("/shop/")
        slugs = PRODUCT_LINK.findall(page.text)
        if slugs:
            self.get(f"/shop/p/{random.choice(slugs)}/", name="/shop/p/[slug]/")

    @task(1)
    def landing(self):
        self.get("/")


class Buyer(Person):
    """Signed in; adds a ticket or a product, checks out and pays with the mock provider.
    About a third give up before paying, so their holds expire."""

    weight = 20
    ticket_share = 0.7
    abandon_at_payment = 0.2
    abandon_at_review = 0.15

    def on_start(self):
        super().on_start()
        self.log_in()

    @task
    def buy(self):
        self.checkout(ticket=random.random() < self.ticket_share)

    def checkout(self, *, ticket: bool) -> bool:
        """The whole journey; True once the mock provider approved the payment."""
        if ticket:
            back = f"/events/{EVENT}/"
            refs = TICKET_REF.findall(self.get(back, name="/events/[slug]/").text)
        else:
            back = f"/shop/p/{PRODUCT}/"
            refs = PRODUCT_REF.findall(self.get(back, name="/shop/p/[slug]/").text)
        if not refs:
            return False
        kind = "ticket" if ticket else "product"
        self.post(
            "/cart/add/",
            {"kind": kind, "ref": refs[0], "quantity": "1", "next": back},
            referer=back,
        )
        self.get("/cart/")
        step = self.get("/checkout/")
        if urlsplit(step.url).path == "/checkout/delivery/":
            self.post("/checkout/delivery/", {"delivery_type": "pickup"})
        if random.random() < self.abandon_at_payment:
            return False  # abandoned at the payment step: the hold expires
        review = self.post("/checkout/payment/", {"payment_method": "mock"})
        key = IDEMPOTENCY.search(review.text)
        if key is None or random.random() < self.abandon_at_review:
            return False  # abandoned at the review
        sandbox = self.post(
            "/checkout/place/", {"idempotency_key": key.group(1)}, referer="/checkout/review/"
        )
        path = urlsplit(sandbox.url).path
        if not path.startswith("/payments/mock/"):
            return False
        paid = self.post(path, {"decision": "approve"}, name="/payments/mock/[reference]/ [POST]")
        return paid.status_code == 200


class Visitor(Person):
    """Signs in, looks at their orders and tickets, signs out."""

    weight = 10

    @task
    def visit(self):
        if not self.log_in():
            return
        self.get("/orders/")
        self.get("/events/my-tickets/")
        self.log_out()


@events.quitting.add_listener
def _budget_and_limits(environment, **kwargs):
    total = environment.stats.total
    limits_file = os.environ.get("LOAD_LIMITS_FILE")
    if limits_file:
        with open(limits_file, "w") as output:
            json.dump(
                [
                    {"method": method, "name": name, "path": path, "count": count}
                    for (method, name, path), count in limits_hit.most_common()
                ],
                output,
                indent=2,
            )
    failed = []
    max_p95 = os.environ.get("LOAD_MAX_P95_MS")
    if max_p95 and total.num_requests:
        p95 = total.get_response_time_percentile(0.95)
        if p95 > float(max_p95):
            failed.append(f"p95 {p95:.0f} ms > {max_p95} ms")
    max_errors = os.environ.get("LOAD_MAX_ERROR_RATIO")
    if max_errors is not None and max_errors != "" and total.fail_ratio > float(max_errors):
        failed.append(f"error ratio {total.fail_ratio:.4f} > {max_errors}")
    if max_p95 or max_errors:
        environment.process_exit_code = 1 if failed or not total.num_requests else 0
    for line in failed:
        print(f"budget exceeded: {line}")
