"""Issue 10 §3: one rule for every staff, manager and booster page and socket.

Each row is one URL and what each kind of person gets from it. The rule
(`project.accounts.access`): signed out → the sign-in page; signed in without any
back-office permission (customers, organizers) → 404; holding some but not this page's
(a booster, a manager on the catalog) → 403; allowed → the page's own answer. The
meta-tests fail when a staff URL or socket is added without a row here.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dashboards.selectors import CARDS
from dashboards.views import DASHBOARD_PERMISSIONS
from project.accounts.access import access_refusal
from project.accounts.roles import ROLE_PERMISSIONS, Perm, Role
from project.accounts.tests.factories import UserFactory
from project.accounts.tokens import ws_token_for
from project.organizations.services import membership_add
from project.organizations.tests.factories import OrganizationFactory
from shop.services.refunds import order_refund
from shop.tests.factories import CategoryFactory, ProductFactory
from shop.tests.kinds import order_for, pay
from support.tests.factories import RoomFactory

PEOPLE = ["staff", "manager", "admin", "booster", "organizer", "customer", "anonymous"]
IN = "sign-in"  # a redirect to the sign-in page, coming back after

# What the people of PEOPLE get, in that order, by the permission a page requires.
# `ok` is the page's own answer to someone allowed (200, or 302/400/405 for a form post).
CATALOG = ("ok", 403, "ok", 403, 404, 404, IN)
ORDERS_VIEW = ("ok", "ok", "ok", 403, 404, 404, IN)
ORDERS_CHANGE = ("ok", 403, "ok", 403, 404, 404, IN)
SUPPORT = ("ok", "ok", "ok", 403, 404, 404, IN)
SUPERVISE = (403, "ok", "ok", 403, 404, 404, IN)
STAFF_DASHBOARD = ("ok", 403, "ok", 403, 404, 404, IN)
MANAGER_DASHBOARD = (403, "ok", "ok", 403, 404, 404, IN)
BOOSTER_DASHBOARD = (403, 403, "ok", "ok", 404, 404, IN)

# (url name, URL args from the `world` fixture, method, POST data, allowed answer, row)
STAFF_URLS = [
    ("shop:staff_shop", [], "get", None, 200, CATALOG),
    ("shop:staff_products", [], "get", None, 200, CATALOG),
    ("shop:staff_product_create", [], "get", None, 200, CATALOG),
    ("shop:staff_product_edit", ["product"], "get", None, 200, CATALOG),
    ("shop:staff_categories", [], "get", None, 200, CATALOG),
    ("shop:staff_category_create", [], "get", None, 200, CATALOG),
    ("shop:staff_category_edit", ["category"], "get", None, 200, CATALOG),
    ("shop:staff_stock", [], "get", None, 200, CATALOG),
    ("shop:staff_stock_adjust", [], "post", {}, 400, CATALOG),
    ("shop:staff_order_list", [], "get", None, 200, ORDERS_VIEW),
    ("shop:staff_order_detail", ["order"], "get", None, 200, ORDERS_VIEW),
    ("shop:staff_order_invoice", ["order"], "get", None, 200, ORDERS_VIEW),
    ("shop:staff_order_credit_note", ["order", "refund"], "get", None, 200, ORDERS_VIEW),
    ("shop:staff_order_status", ["order"], "post", {}, 400, ORDERS_CHANGE),
    ("shop:staff_order_refund", ["order"], "post", {}, 400, ORDERS_CHANGE),
    ("shop:staff_refund_retry", ["order", "refund"], "post", {}, 302, ORDERS_CHANGE),
    ("support:queue", [], "get", None, 200, SUPPORT),
    ("support:take", ["room"], "post", {}, 302, SUPPORT),
    ("support:take", ["room"], "get", None, 405, SUPPORT),
    ("support:handoff", ["room"], "post", {}, 400, SUPERVISE),
    ("dashboards:role", ["staff"], "get", None, 200, STAFF_DASHBOARD),
    ("dashboards:role", ["manager"], "get", None, 200, MANAGER_DASHBOARD),
    ("dashboards:role", ["booster"], "get", None, 200, BOOSTER_DASHBOARD),
    # The HTTP API's staff endpoints follow the same rule (JSON bodies; signed out is 401).
    ("api:staff_product_list", [], "get", None, 200, CATALOG),
    ("api:staff_product", ["product"], "get", None, 200, CATALOG),
    ("api:staff_stock", [], "get", None, 200, CATALOG),
    ("api:staff_stock_adjust", ["product"], "post", {}, 400, CATALOG),
    ("api:staff_order_list", [], "get", None, 200, ORDERS_VIEW),
    ("api:staff_order", ["order"], "get", None, 200, ORDERS_VIEW),
    ("api:staff_order_status", ["order"], "post", {}, 400, ORDERS_CHANGE),
    ("api:staff_order_refund", ["order"], "post", {}, 400, ORDERS_CHANGE),
]
API_URLS = [row for row in STAFF_URLS if row[0].startswith("api:")]

# Socket routes × PEOPLE: True when connected, else the close code. The order is someone
# else's: its own customer follows it too (dashboards/tests/test_consumers.py).
STAFF_SOCKETS = [
    ("ws/support-queue/", None, (True, True, True, 4003, 4404, 4404, 4003)),
    ("ws/orders/<str:number>/", "order", (True, True, True, 4404, 4404, 4404, 4003)),
]
# Sockets for everyone signed in; who may join a room is decided per room (support tests).
OPEN_SOCKETS = {"ws/notifications/", "ws/support/<slug:slug>/"}


def person(who: str):
    if who == "anonymous":
        return None
    if who == "admin":  # as the demo's admin: a superuser
        return UserFactory(roles=[Role.ADMIN], is_superuser=True, is_staff=True)
    if who == "organizer":
        user = UserFactory()
        membership_add(organization=OrganizationFactory(), user=user, role="owner")
        return user
    if who == "customer":
        return UserFactory()
    return UserFactory(roles=[who])


@pytest.fixture
def world():
    """One of everything the staff URLs point at: a product in a category, a paid order
    with a paid-out partial refund, and a customer's conversation waiting in the queue."""
    category = CategoryFactory()
    product = ProductFactory(category=category, stock=10, price=Decimal("100000"))
    buyer = UserFactory(email="buyer@customers.test")
    order = order_for(buyer, ("product", product.pk, 2))
    pay(order)
    refund = order_refund(
        order=order, actor=UserFactory(roles=[Role.STAFF]), amount=Decimal("1000"), reason="Dent"
    )
    return {
        "product": product.pk,
        "category": category.pk,
        "order": order.number,
        "refund": refund.pk,
        "room": RoomFactory(customer=buyer).slug,
        "staff": "staff",
        "manager": "manager",
        "booster": "booster",
    }


def _row_id(row) -> str:
    name, args, method, *_ = row
    return f"{method}-{name}" + "".join(f"-{arg}" for arg in args if arg in Role.values)


def _answers_by_the_rule(client, world, row, who, headers=None):
    name, args, method, data, allowed, expected = row
    url = reverse(name, args=[world[arg] for arg in args])
    api = name.startswith("api:")
    headers = headers or {}
    if method == "post":
        extra = {"content_type": "application/json"} if api else {}
        response = client.post(url, data, **extra, **headers)
    else:
        response = client.get(url, **headers)
    want = expected[PEOPLE.index(who)]
    if want == IN and api:
        assert response.status_code == 401, url
    elif want == IN:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={url}"
    else:
        assert response.status_code == (allowed if want == "ok" else want), url
    if want == 403:
        # The refusal names the roles that do open the page.
        assert "Only these roles open this page" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("row", STAFF_URLS, ids=[_row_id(row) for row in STAFF_URLS])
def test_every_staff_url_answers_each_person_by_the_rule(client, world, row, who):
    user = person(who)
    if user is not None:
        client.force_login(user)
    _answers_by_the_rule(client, world, row, who)


@pytest.mark.django_db
@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("row", API_URLS, ids=[_row_id(row) for row in API_URLS])
def test_every_staff_api_url_answers_a_token_by_the_same_rule(client, world, row, who):
    """The same answers with a personal token of the staff scope instead of the session."""
    from api.services import api_token_create

    user = person(who)
    headers = {}
    if user is not None:
        _, raw = api_token_create(user=user, name="matrix", scopes=["staff:write"])
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    _answers_by_the_rule(client, world, row, who, headers)


def _socket_connect(path: str, user) -> tuple[bool, int | None]:
    async def run():
        query = f"?token={ws_token_for(user)}" if user is not None else ""
        communicator = WebsocketCommunicator(
            _application(), f"/{path}{query}", headers=[(b"origin", b"http://localhost")]
        )
        connected, code = await communicator.connect(timeout=5)
        if connected:
            await communicator.disconnect()
        return connected, code

    return async_to_sync(run)()


def _application():
    from project.asgi import application

    return application


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("route,arg,expected", STAFF_SOCKETS, ids=[s[0] for s in STAFF_SOCKETS])
def test_every_staff_socket_answers_each_person_by_the_rule(world, route, arg, expected, who):
    path = route.replace("<str:number>", world[arg]) if arg else route
    connected, code = _socket_connect(path, person(who))
    want = expected[PEOPLE.index(who)]
    assert (connected if want is True else (connected, code)) == (
        True if want is True else (False, want)
    )


# --- the table covers everything ------------------------------------------------------------


def _url_patterns(resolver=None, prefix="", namespace=""):
    """(name with namespace, route, callback) of every URL of the site, the admin's and
    allauth's left out (the admin checks its own permissions; allauth is the sign-in)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith(("admin/", "accounts/", "captcha/")):
                continue
            inner = pattern.namespace or namespace
            yield from _url_patterns(pattern, route, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), route, pattern


def test_every_url_that_checks_a_permission_has_a_row_and_every_row_checks_one():
    guarded = {
        name
        for name, _, pattern in _url_patterns()
        if getattr(pattern.callback, "access_permissions", None)
    }
    rows = {name for name, *_ in STAFF_URLS if name != "dashboards:role"}
    assert guarded == rows


def test_every_url_that_looks_like_a_staff_page_checks_a_permission():
    """A staff page that forgot the decorator: its path or view module says staff."""
    for name, route, pattern in _url_patterns():
        callback = pattern.callback
        looks_staff = "staff/" in route or "queue" in route or ".staff" in callback.__module__
        if looks_staff:
            assert getattr(callback, "access_permissions", None), f"{name} ({route})"


def test_every_role_dashboard_is_in_the_table():
    dashboards = {args[0] for name, args, *_ in STAFF_URLS if name == "dashboards:role"}
    assert set(CARDS) == set(DASHBOARD_PERMISSIONS)
    assert dashboards == {role for role, perms in DASHBOARD_PERMISSIONS.items() if perms}


def test_every_socket_is_in_the_table():
    from project.routing import websocket_urlpatterns

    routes = {str(pattern.pattern) for pattern in websocket_urlpatterns}
    assert routes == {route for route, *_ in STAFF_SOCKETS} | OPEN_SOCKETS


# --- the grants match the pages ---------------------------------------------------------------


def test_each_role_carries_exactly_the_permissions_its_column_opens():
    """ROLE_PERMISSIONS against the table: a role column reads "ok" exactly where its group
    holds the page's permission (the admin role's group holds them all)."""
    held = {role: set(ROLE_PERMISSIONS[role]) & set(Perm) for role in Role}
    columns = {"staff": Role.STAFF, "manager": Role.MANAGER, "booster": Role.BOOSTER}
    needs = [
        (CATALOG, {Perm.CATALOG_CHANGE}),
        (ORDERS_VIEW, {Perm.ORDERS_VIEW}),
        (ORDERS_CHANGE, {Perm.ORDERS_VIEW, Perm.ORDERS_CHANGE}),
        (SUPPORT, {Perm.SUPPORT_ANSWER}),
        (SUPERVISE, {Perm.SUPPORT_SUPERVISE}),
        (STAFF_DASHBOARD, {Perm.DASHBOARD_STAFF}),
        (MANAGER_DASHBOARD, {Perm.DASHBOARD_MANAGER}),
        (BOOSTER_DASHBOARD, {Perm.DASHBOARD_BOOSTER}),
    ]
    for row, needed in needs:
        for column, role in columns.items():
            opens = row[PEOPLE.index(column)] == "ok"
            assert opens == (needed <= held[role]), (column, needed)
    assert held[Role.ADMIN] == set(Perm)
    assert held[Role.CUSTOMER] == held[Role.ORGANIZER] == set()


@pytest.mark.django_db
def test_an_admin_group_member_who_is_no_superuser_opens_every_site_page():
    user = UserFactory(roles=[Role.ADMIN])
    assert not user.is_superuser
    assert all(access_refusal(user, perm) is None for perm in Perm)
