"""Public catalog pages: the product list (search, filters, HTMX live filtering) and the
product page. The catalog fragments are cached under the catalog version, so a catalog
write makes them stale (see shop.services.catalog for what bumps it); the header, the
add-to-cart form and the stock badges stay per request."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET
from django_ratelimit.decorators import ratelimit

from project.core.ratelimit import search_rate
from shop.filters import ProductFilter
from shop.selectors.catalog import (
    category_ancestors,
    category_tree,
    organizations_selling,
    product_get_public,
    product_list_public,
    stock_live,
)
from shop.services.cart import reservations_expire_due
from shop.services.catalog import catalog_version, stock_state

PER_PAGE = 24
LIST_TEMPLATE = "shop/catalog/product_list.html"
DETAIL_TEMPLATE = "shop/catalog/product_detail.html"
# Partials an HTMX request may ask for, by the id of the element it targets.
LIST_PARTIALS = {"results": "results", "catalog": "catalog"}


# The parameters the list understands; anything else (tracking tags, junk) is ignored, so
# it neither changes the page nor makes a cache entry of its own.
LIST_PARAMETERS = ("q", "category", "price_min", "price_max", "in_stock", "organization", "sort")
DEFAULT_SORT = "name"
CHECKBOX_FALSE = {"", "false", "off"}
PRICE_DIGITS = 12


# Where a cached fragment wants a product's stock badge; see `stock_slots_fill`.
STOCK_SLOT = re.compile(r"<!--stock:(\d+)-->")
_badges: dict[tuple, str] = {}


class _Stock:
    """What the stock badge partial reads of a product."""

    def __init__(self, available: int, threshold: int):
        self.available = available
        self.low_stock = stock_state(available=available, threshold=threshold) == "low"


def _stock_badge(available: int, threshold: int) -> str:
    state = stock_state(available=available, threshold=threshold)
    # "Only 3 left" carries its number; "In stock" and "Out of stock" do not.
    key = (translation.get_language(), state, available if state == "low" else None)
    html = _badges.get(key)
    if html is None:
        html = render_to_string(
            f"{LIST_TEMPLATE}#stock_badge", {"product": _Stock(available, threshold)}
        )
        if not settings.DEBUG:  # templates edited while developing show at once
            _badges[key] = html
    return html


def stock_slots_fill(html: str) -> tuple[str, dict[int, int]]:
    """Put the live stock badge into each `<!--stock:<pk>-->` slot of a cached fragment,
    from one query. Returns the HTML and what is available by product id."""
    ids = {int(pk) for pk in STOCK_SLOT.findall(html)}
    if not ids:
        return html, {}
    live = stock_live(product_ids=ids)

    def badge(match):
        return _stock_badge(*live.get(int(match.group(1)), (0, 0)))

    return STOCK_SLOT.sub(badge, html), {pk: figures[0] for pk, figures in live.items()}


def _small_number(value: str) -> bool:
    # ASCII digits only (int() also reads "²" and "٣") and short (int() refuses 4300+ digits).
    return value.isascii() and value.isdigit() and len(value) <= 6


def _cache_key(page: str, request, *parts: str) -> str:
    """Catalog version + page + language + HTMX target + what the page is built from."""
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    htmx = f"hx-{request.htmx.target or ''}" if request.htmx else "full"
    language = translation.get_language() or ""
    return ":".join(["shop", page, f"v{catalog_version()}", language, htmx, digest])


def _list_query(request) -> tuple[QueryDict, bool]:
    """The list's own parameters, normalised: the last value of each, whitespace collapsed,
    numbers and booleans in one spelling, defaults (page 1, sort by name) dropped. Returns
    them and whether the page may be cached: not past SHOP_CACHE_MAX_PAGE, and not with a
    value no form could send (a malformed price or page)."""
    pairs = []
    cacheable = True
    for name in (*LIST_PARAMETERS, "page"):
        value = " ".join(request.GET.get(name, "").split())
        if name in ("price_min", "price_max") and value:
            try:
                number = Decimal(value)
            except InvalidOperation:
                cacheable = False
            else:
                if number.is_finite() and abs(number.adjusted()) <= PRICE_DIGITS:
                    value = format(number.normalize(), "f")
                else:
                    cacheable = False
        elif name == "in_stock":
            value = "" if value.lower() in CHECKBOX_FALSE else "on"
        elif name == "sort" and value == DEFAULT_SORT:
            value = ""
        elif name == "page" and value:
            if _small_number(value) and 1 <= int(value) <= settings.SHOP_CACHE_MAX_PAGE:
                value = "" if int(value) == 1 else str(int(value))
            else:
                cacheable = False
        if value:
            pairs.append((name, value))
    return QueryDict(urlencode(pairs)), cacheable


def _product_list_context(request) -> dict:
    tree = category_tree()
    product_filter = ProductFilter(
        request.GET, queryset=product_list_public(), organizations=organizations_selling()
    )
    paginator = Paginator(product_filter.qs, PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    slug = request.GET.get("category", "")
    current = next((node for node in tree if node.slug == slug), None)
    ancestors = category_ancestors(category=current, tree=tree) if current else []
    ancestor_ids = {node.pk for node in ancestors}
    # Only the open branch is shown below the top level: roots, and children of the chain.
    visible = [node for node in tree if node.parent_id is None or node.parent_id in ancestor_ids]
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("category", None)
    return {
        "filter": product_filter,
        "form": product_filter.form,
        "page_obj": page_obj,
        "products": page_obj.object_list,
        "categories": visible,
        "current_category": current,
        "ancestors": ancestors,
        "ancestor_ids": ancestor_ids,
        "keep_query": params.urlencode(),
        "filtered": any(
            request.GET.get(name)
            for name in ("q", "category", "price_min", "price_max", "in_stock", "organization")
        ),
    }


@require_GET
@ratelimit(key="ip", rate=search_rate, block=True)
def product_list(request):
    """`/shop/`: full page, or for HTMX the results (`#results`) or the whole catalog area
    (`#catalog`, when a category link is followed)."""
    partial = LIST_PARTIALS.get(request.htmx.target, "results") if request.htmx else "catalog"
    # Expired holds give their units back before availability is shown (a release bumps
    # the catalog version, so no cached page shows them as taken).
    reservations_expire_due(kind="product")
    # The page is built from its normalised parameters only (its links and forms too), so
    # every spelling of one filter shares one cache entry.
    request.GET, cacheable = _list_query(request)
    key = _cache_key("list", request, request.GET.urlencode()) if cacheable else None
    html = cache.get(key) if key else None
    if html is None:
        context = _product_list_context(request)
        # The results answer also refreshes the category tree's links (they keep the filters).
        context["oob_tree"] = bool(request.htmx) and partial == "results"
        html = render_to_string(f"{LIST_TEMPLATE}#{partial}", context, request=request)
        # A value the form refuses, or a category that does not exist, is not worth keeping.
        known_category = not request.GET.get("category") or context["current_category"]
        if key and context["form"].is_valid() and known_category:
            cache.set(key, html, settings.SHOP_CACHE_SECONDS)
    html, _ = stock_slots_fill(html)
    if request.htmx:
        response = HttpResponse(html)
    else:
        # Our own rendered template output, escaped when it was rendered.
        response = render(request, LIST_TEMPLATE, {"catalog_html": mark_safe(html)})  # noqa: S308
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@require_GET
def product_detail(request, slug: str):
    """`/shop/p/<slug>/`: the cached product fragment plus the per-request add-to-cart
    form. HTMX requests (quick view) get the fragment alone."""
    reservations_expire_due(kind="product")
    # The fragments do not depend on the query string: `?anything` shares the entry.
    key = _cache_key("product", request, slug)
    cached = cache.get(key)
    if cached is None:
        product = product_get_public(slug=slug)
        if product is None:
            raise Http404("No such product.")
        context = {
            "product": product,
            "ancestors": category_ancestors(category=product.category),
        }
        cached = {
            "media": render_to_string(f"{DETAIL_TEMPLATE}#media", context, request=request),
            "info": render_to_string(f"{DETAIL_TEMPLATE}#info", context, request=request),
            "product": {
                "pk": product.pk,
                "name": product.name,
                "summary": product.description[:160],
            },
        }
        cache.set(key, cached, settings.SHOP_CACHE_SECONDS)
    info, available = stock_slots_fill(cached["info"])
    product = {**cached["product"], "available": available.get(cached["product"]["pk"], 0)}
    if request.htmx:
        response = HttpResponse(cached["media"] + info)
    else:
        response = render(
            request,
            DETAIL_TEMPLATE,
            {
                "media_html": mark_safe(cached["media"]),  # noqa: S308 (rendered template)
                "info_html": mark_safe(info),  # noqa: S308
                "product": product,
            },
        )
    patch_vary_headers(response, ["HX-Request"])
    return response
