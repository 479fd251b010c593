"""Several processes, one site: two gunicorn and two daphne processes behind Debian's nginx,
routed by the repository's deploy/nginx/tessera.conf (tests/nginx.py), on one PostgreSQL and
one Redis. Needs nginx (apt-get install nginx-light), PostgreSQL and Redis.

A session made by one web process is good on the other; a chat message and an order change
cross from one process to a socket held by another through the Redis channel layer; a
crashed socket process's clients reconnect through nginx to the other one; a socket process
stopped with SIGTERM closes its sockets with 1012 and exits, and one that hangs is killed.
"""

import contextlib
import json
import os
import signal
import time

import pytest
import requests
from django.conf import settings
from django.db import transaction
from websockets.exceptions import ConnectionClosed, InvalidHandshake
from websockets.sync.client import connect

from dashboards.tests.panel import panel_read
from project.accounts.roles import Role
from project.accounts.tests.factories import PASSWORD, UserFactory
from project.accounts.tokens import ws_token_for
from shop.models import Order
from shop.services.orders import order_transition
from tests import nginx, processes

from .daphne import shared_database_url

pytestmark = [
    pytest.mark.services,
    pytest.mark.postgres,
    pytest.mark.needs("nginx"),
    pytest.mark.django_db(transaction=True),
]

NGINX = 18050
WEB = [18051, 18052]
WS = [18053, 18054]
DRAIN_SECONDS = 3


class Site:
    def __init__(self, log_dir):
        self.log_dir = log_dir
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "project.settings.test",
            "DATABASE_URL": shared_database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "CHANNEL_LAYER_PREFIX": settings.CHANNEL_LAYER_PREFIX,
            "DAPHNE_DRAIN_SECONDS": str(DRAIN_SECONDS),
        }
        self.web = [
            processes.gunicorn(
                port, workers=1, env=self.env, log_dir=log_dir, name=f"web-{port}", wait=False
            )
            for port in WEB
        ]
        self.ws = [self.daphne(port, wait=False) for port in WS]
        for service in [*self.web, *self.ws]:
            processes.wait_listening(service)
        self.nginx = nginx.nginx(port=NGINX, web=WEB, ws=WS, log_dir=log_dir)

    def daphne(self, port, wait=True):
        return processes.daphne(
            port, env=self.env, log_dir=self.log_dir, name=f"ws-{port}", wait=wait
        )

    def restart_ws(self, index):
        processes.stop(self.ws[index], grace=2)
        self.ws[index] = self.daphne(WS[index])

    def stop(self):
        for service in [self.nginx, *self.ws, *self.web]:
            processes.stop(service, grace=5)


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    if shared_database_url() is None:
        pytest.skip("needs PostgreSQL: the processes share the test database")
    running = Site(tmp_path_factory.mktemp("scale-out"))
    try:
        yield running
    finally:
        running.stop()


def web(port=NGINX):
    return f"http://127.0.0.1:{port}"


def log_in(user, port) -> requests.Session:
    session = requests.Session()
    session.get(web(port) + "/accounts/login/", timeout=10)
    answer = session.post(
        web(port) + "/accounts/login/",
        data={"login": user.email, "password": PASSWORD},
        headers={"X-CSRFToken": session.cookies["csrftoken"]},
        timeout=10,
    )
    assert answer.status_code == 200 and "/accounts/login/" not in answer.url
    return session


def make_order(user, number, status=Order.Status.PAID):
    return Order.objects.create(
        number=number,
        user=user,
        email=user.email,
        currency="VND",
        subtotal="500000.00",
        total="500000.00",
        status=status,
        idempotency_key=number,
    )


def follow(number, user, port=NGINX, timeout=5):
    return connect(
        f"ws://127.0.0.1:{port}/ws/orders/{number}/?token={ws_token_for(user)}",
        additional_headers={"origin": "http://127.0.0.1"},
        open_timeout=timeout,
    )


def recv(ws, timeout=5):
    return json.loads(ws.recv(timeout=timeout))


def panel(ws, timeout=5) -> dict[str, str]:
    """The order panel fragment the socket sent next: its order number and status."""
    attrs = panel_read(ws.recv(timeout=timeout)).attrs
    return {"number": attrs["data-order"], "status": attrs["data-status"]}


def until(ws, kind, timeout=5):
    while True:
        event = recv(ws, timeout)
        if event.get("type") == kind:
            return event


def reconnect(number, user, deadline):
    """Like a page's socket: retry through nginx until a snapshot arrives or time is up."""
    while time.monotonic() < deadline:
        # A 502 from nginx (a process it has not taken back yet) is retried like a drop.
        with contextlib.suppress(OSError, ConnectionClosed, InvalidHandshake, TimeoutError):
            ws = follow(number, user, timeout=2)
            return ws, panel(ws, timeout=2)
        time.sleep(0.2)
    raise AssertionError("no snapshot through nginx within the deadline")


def closed(ws, timeout=5) -> int | None:
    """The close code once the server closes the socket (None: still open)."""
    try:
        ws.recv(timeout=timeout)
    except TimeoutError:
        return None
    except ConnectionClosed:
        return ws.close_code
    return closed(ws, timeout)


def test_a_session_from_one_web_process_is_good_on_the_other(site):
    customer = UserFactory(name="Ngoc Anh", verified=True)
    session = log_in(customer, WEB[0])

    for port in (WEB[1], NGINX, NGINX):
        page = session.get(web(port) + "/orders/", timeout=10)
        assert page.status_code == 200 and page.url == web(port) + "/orders/"
        assert "Ngoc Anh" in page.text
    # nginx spread the requests over both web processes, no sticky sessions.
    used = set(nginx.upstreams_used(site.log_dir, NGINX, "/orders/"))
    assert used == {f"127.0.0.1:{port}" for port in WEB}


def test_a_chat_message_crosses_from_one_socket_process_to_the_other(site):
    customer = UserFactory(name="Chau")
    staff = UserFactory(name="Sam", roles=[Role.STAFF])

    def join(ws):
        while recv(ws).get("type") != "mode":
            pass

    base = "ws://127.0.0.1:{}/ws/support/scale-out-room/?token={}"
    with (
        connect(base.format(WS[0], ws_token_for(customer))) as mine,
        connect(base.format(WS[1], ws_token_for(staff))) as desk,
    ):
        join(mine)
        join(desk)
        mine.send(json.dumps({"message": "Is my keyboard on its way?"}))
        assert until(desk, "chat_message")["message"] == "Is my keyboard on its way?"


def test_an_order_shipped_on_one_web_process_reaches_a_socket_on_the_other(site):
    customer = UserFactory(verified=True)
    staff = UserFactory(roles=[Role.STAFF], verified=True)
    order = make_order(customer, "TS-2026-180001")
    desk = log_in(staff, WEB[1])

    with follow(order.number, customer, port=WS[0]) as ws:
        assert panel(ws)["status"] == "paid"
        answer = desk.post(
            web(WEB[1]) + f"/staff/orders/{order.number}/status/",
            data={"to_status": "shipped", "note": "On its way"},
            headers={"X-CSRFToken": desk.cookies["csrftoken"]},
            timeout=10,
        )
        assert answer.status_code == 200
        update = panel(ws)
    assert (update["number"], update["status"]) == (order.number, "shipped")


def test_clients_of_a_crashed_socket_process_reconnect_to_the_other(site):
    customer = UserFactory()
    order = make_order(customer, "TS-2026-180002")
    # Three through nginx (round robin), one straight to the process that will crash.
    sockets = [follow(order.number, customer) for _ in range(3)]
    sockets.append(follow(order.number, customer, port=WS[0]))
    for ws in sockets:
        assert panel(ws)["status"] == "paid"

    processes.kill(site.ws[0])
    killed = time.monotonic()
    codes = [closed(ws, timeout=1) for ws in sockets]
    # The crashed process's sockets are gone (1006: no close frame); the others stay open.
    assert codes[-1] == 1006 and set(codes) <= {1006, None}
    dropped = [ws for ws, code in zip(sockets, codes, strict=True) if code is not None]
    with transaction.atomic():
        order_transition(order=order, to_status=Order.Status.SHIPPED, actor=None, note="")

    for _ in dropped:
        ws, snapshot = reconnect(order.number, customer, deadline=killed + 10)
        # A fresh snapshot, from the process still running.
        assert snapshot["status"] == "shipped"
        sockets.append(ws)
    assert time.monotonic() - killed < 10
    for ws in sockets:
        ws.close()
    site.restart_ws(0)


def test_a_socket_process_stopped_gracefully_closes_with_1012_and_exits(site):
    customer = UserFactory()
    order = make_order(customer, "TS-2026-180003")
    # Three through nginx (round robin; retried while nginx has not taken the restarted
    # process back), one straight to the process that will stop.
    sockets = [
        reconnect(order.number, customer, deadline=time.monotonic() + 15)[0] for _ in range(3)
    ]
    direct = follow(order.number, customer, port=WS[1])
    panel(direct)
    sockets.append(direct)

    leaving = site.ws[1]
    stopped = time.monotonic()
    # SIGTERM: the sockets are closed and answered within the drain time, so it exits.
    assert processes.stop(leaving, grace=DRAIN_SECONDS + 5) == "exited"
    codes = [closed(ws, timeout=0.5) for ws in sockets]
    # Those on the leaving process were closed with 1012; the others stay connected.
    assert codes[-1] == 1012 and set(codes) <= {1012, None}
    # 1012 is a close code the clients reconnect on: they land on the other process.
    for _ in range(codes.count(1012)):
        ws, snapshot = reconnect(order.number, customer, deadline=stopped + 10)
        assert snapshot["number"] == order.number
        ws.close()
    for ws in sockets:
        ws.close()

    # A socket process that hangs on the way out is killed after the grace period.
    hung = site.ws[0]
    os.kill(hung.pid, signal.SIGSTOP)
    assert processes.stop(hung, grace=1) == "killed"
    assert hung.process.poll() is not None
