"""Bad input never gives a 5xx: every URL pattern and every form, as three kinds of user.

The URL patterns are walked from `get_resolver()`, so a new page is fuzzed without being
listed here. Converters get real values from the demo data (an order number, a ticket
code, an event slug, ...) and bad ones (NUL, 100 KB, non-ASCII, out-of-range integers).
Every form the answers contain is then sent back, GET or POST, with NUL, 100 KB strings,
non-ASCII text, a UTF-8-encoded lone surrogate and repeated keys (`a=1&a=2`).

NUL only breaks PostgreSQL (`DataError`: text cannot hold it), so CI runs this there.
"""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

HUGE = "x" * 100_000
NON_ASCII = "Vé đá bóng 球 🎟️ \u202etxt.exe \u200b ﷽"
# The UTF-8 bytes of U+D800, which no codec may produce: sent raw on the wire.
SURROGATE = "%ED%A0%80"
NUL = "a\x00b"

# Nothing here may answer 5xx, except a health check that honestly reports a dependency.
ALLOWED_5XX = {"/healthz": {503}}
# POSTs that end the session under test instead of exercising anything.
SKIP_POST = {"/accounts/logout/"}

STAFF = "staff@tessera.test"
USERS = ("anonymous", "customer@tessera.test", STAFF)


# --- the demo data and the values it offers ---------------------------------------------------


@pytest.fixture(scope="module")
def demo(demo_seeded, django_db_blocker):
    """The real values of the demo data, seeded once for the module."""
    with django_db_blocker.unblock():
        return _real_values()


def _first(model: str, field: str = "pk", **filters) -> str:
    value = (
        apps.get_model(model).objects.filter(**filters).order_by("pk").values_list(field).first()
    )
    return str(value[0]) if value else "1"


def _real_values() -> dict[str, str]:
    from shop.models import Cart, CartLine

    customer = apps.get_model("accounts.User").objects.get(email="customer@tessera.test")
    line = CartLine.objects.filter(cart__user=customer).first()
    if line is None:
        from shop.models import Product

        cart, _ = Cart.objects.get_or_create(user=customer, status=Cart.Status.OPEN)
        product = Product.objects.filter(stock__gt=0).first()
        line = CartLine.objects.create(cart=cart, product=product, quantity=1)
    return {
        "number": _first("shop.Order", "number", user=customer),
        "reference": _first("shop.Payment", "reference"),
        "code": _first("events.Attendee", "code"),
        "org_slug": _first("organizations.Organization", "slug"),
        "event_id": _first("events.Event"),
        "ticket_type_id": _first("events.TicketType"),
        "address_id": _first("accounts.Address", user=customer),
        "line_id": str(line.pk),
        "refund_id": _first("shop.Refund"),
        "events:slug": _first("events.Event", "slug", status="published"),
        "shop:slug": _first("shop.Product", "slug"),
        "support:slug": _first("support.Room", "slug"),
        "dashboards:role": "customer",
        "shop:pk": _first("shop.Product"),
        "core:pk": _first("core.DevEmail"),
    }


# --- the URL patterns ------------------------------------------------------------------------


def _walk(patterns, namespace: str = "", route: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}".strip(":") if pattern.namespace else namespace
            )
            yield from _walk(pattern.url_patterns, inner, route + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield namespace, pattern, route + str(pattern.pattern)


def _kwarg_names(pattern: URLPattern) -> list[tuple[str, str]]:
    """(name, converter) of each URL argument; regex groups count as "str"."""
    converters = getattr(pattern.pattern, "converters", {})
    regex = pattern.pattern.regex
    return [(name, type(converters.get(name)).__name__) for name in regex.groupindex]


def _admin_object(name: str) -> str:
    """A real primary key for an admin URL named `<app>_<model>_<view>`."""
    match = re.fullmatch(r"(\w+?)_(\w+)_(change|delete|history)", name or "")
    if match:
        for app_label, model_name in ((match[1], match[2]),):
            try:
                model = apps.get_model(app_label, model_name)
            except LookupError:
                continue
            value = model._default_manager.order_by("pk").values_list("pk").first()
            if value:
                return str(value[0])
    return "1"


def _real_kwargs(namespace, pattern, real) -> dict[str, str]:
    kwargs = {}
    for name, converter in _kwarg_names(pattern):
        if namespace == "admin" and name == "object_id":
            kwargs[name] = _admin_object(pattern.name)
        elif name == "app_label":
            kwargs[name] = pattern.pattern.regex.pattern.split("(?P<app_label>")[1].split("|")[0]
        elif f"{namespace}:{name}" in real:
            kwargs[name] = real[f"{namespace}:{name}"]
        elif name in real:
            kwargs[name] = real[name]
        elif converter == "IntConverter" or name.endswith("_id"):
            kwargs[name] = "1"
        else:
            kwargs[name] = "abc"
    return kwargs


BAD_VALUES = {
    "IntConverter": ["0", "9" * 30],
    "SlugConverter": ["no-such-" + "a" * 300],
    "StringConverter": [NUL, HUGE, NON_ASCII, "abc"],
    "PathConverter": [NUL, NON_ASCII + "/.."],
}


def _urls(demo, *, bad: bool) -> list[tuple[str, bool]]:
    """(url, is_real) for every pattern: once with real values, then (with `bad`) once per
    bad value of each argument."""
    urls: list[tuple[str, bool]] = []
    for namespace, pattern, route in _walk(get_resolver().url_patterns):
        if pattern.name is None:
            if not _kwarg_names(pattern):
                urls.append(("/" + route.lstrip("^").rstrip("$"), True))
            continue
        view_name = f"{namespace}:{pattern.name}" if namespace else pattern.name
        kwargs = _real_kwargs(namespace, pattern, demo)
        try:
            real_url = reverse(view_name, kwargs=kwargs)
        except NoReverseMatch:
            continue
        urls.append((real_url, True))
        for name, converter in _kwarg_names(pattern) if bad else ():
            for bad in BAD_VALUES.get(converter, [NUL, HUGE, NON_ASCII]):
                try:
                    urls.append((reverse(view_name, kwargs={**kwargs, name: bad}), False))
                except NoReverseMatch:
                    # The pattern refuses it, so it never reaches the view: sent raw, it
                    # must find another pattern or a 404.
                    real = quote(kwargs[name])
                    if real in real_url:
                        urls.append((real_url.replace(real, quote(bad), 1), False))
    return list(dict.fromkeys(urls))


# --- the forms on a page ---------------------------------------------------------------------


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (attrs.get("method") or "get").lower(),
                    "action": attrs.get("action") or attrs.get("hx-post") or "",
                    "fields": [],
                }
            )
        elif tag in ("input", "select", "textarea", "button") and self.forms:
            name = attrs.get("name")
            if name and name != "csrfmiddlewaretoken":
                self.forms[-1]["fields"].append(name)


def _forms(html: str, page: str) -> list[tuple[str, str, list[str]]]:
    parser = _Forms()
    parser.feed(html)
    found = []
    for form in parser.forms:
        action = urlsplit(form["action"]).path or urlsplit(page).path
        if not action.startswith("/") or action in SKIP_POST:
            continue
        fields = list(dict.fromkeys(form["fields"])) or ["q"]
        found.append((form["method"], action, fields))
    return found


def _variants(fields: list[str]) -> list[str]:
    """URL-encoded bodies or query strings: NUL, huge, non-ASCII, a lone surrogate and
    every field twice."""
    return [
        urlencode(dict.fromkeys(fields, NUL)),
        urlencode(dict.fromkeys(fields, HUGE)),
        urlencode(dict.fromkeys(fields, NON_ASCII)),
        "&".join(f"{quote(name)}={SURROGATE}" for name in fields),
        urlencode([(name, value) for name in fields for value in ("1", "2")]),
    ]


# --- the test --------------------------------------------------------------------------------


def _client(user: str) -> Client:
    client = Client(raise_request_exception=False, HTTP_USER_AGENT="fuzz")
    if user != "anonymous":
        client.force_login(apps.get_model("accounts.User").objects.get(email=user))
    return client


def _check(failures, response, method: str, url: str) -> None:
    status = response.status_code
    if status >= 500 and status not in ALLOWED_5XX.get(urlsplit(url).path, ()):
        failures.append(f"{status} {method} {url[:160]}")


@pytest.mark.django_db
@pytest.mark.parametrize("user", USERS)
def test_no_url_and_no_form_answers_5xx(demo, user):
    started = time.perf_counter()
    client = _client(user)
    failures: list[str] = []
    forms: dict[tuple[str, str], list[str]] = {}
    requests = 0
    # Bad URL arguments are sent as staff, who can reach (almost) every view that looks
    # them up; the other users would mostly be turned away before any lookup.
    for url, is_real in _urls(demo, bad=user == STAFF):
        response = client.get(url)
        requests += 1
        _check(failures, response, "GET", url)
        if is_real and response.status_code == 200 and "html" in response.get("Content-Type", ""):
            for method, action, fields in _forms(response.content.decode(errors="replace"), url):
                forms.setdefault((method, action), fields)
    for (method, action), fields in forms.items():
        for data in _variants(fields):
            if method == "post":
                response = client.post(
                    action, data=data, content_type="application/x-www-form-urlencoded"
                )
            else:
                response = client.get(f"{action}?{data}")
            requests += 1
            _check(failures, response, method.upper(), f"{action}?{data}")
    elapsed = time.perf_counter() - started
    print(f"{user}: {requests} requests, {len(forms)} forms, {elapsed:.1f} s")
    assert not failures, "\n".join(failures)
    assert requests > 250  # the walk found the site
    assert len(forms) >= 5  # and its forms


# --- the findings that started this, one by one -----------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/orders/%00/",
        "/staff/orders/%00/",
        "/support/order/%00/",
        "/events/tickets/%00/pdf/",
        "/payments/mock/%00/",
        "/shop/?q=%00",
        "/events/?q=a%00",
    ],
)
def test_nul_in_a_url_is_a_400_page(client, url):
    from project.accounts.tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get(url)
    assert response.status_code == 400
    assert b"could not be read" in response.content


@pytest.mark.django_db
def test_nul_in_a_form_field_a_cookie_or_a_header_is_a_400(client):
    from project.accounts.tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.post("/checkout/place/", {"token": "k\x00"}).status_code == 400
    assert client.post("/cart/add/", {"product": ["1", "2\x00"]}).status_code == 400
    assert client.get("/cart/", HTTP_X_IDEMPOTENCY_KEY="k\x00").status_code == 400
    client.cookies["sessionid"] = "abc\x00def"
    assert client.get("/shop/").status_code == 400
