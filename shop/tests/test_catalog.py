"""Catalog: category tree, product images, the public list and product pages (filters,
HTMX, caching, query counts, search rate limit) and the staff catalog pages."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from PIL import Image

from conftest import first_refusal
from project.accounts.tests.factories import UserFactory
from project.organizations.tests.factories import OrganizationFactory
from shop.models import Category, Product, StockMovement
from shop.services.catalog import category_save, product_create, product_update
from shop.templatetags.money import money_format
from shop.tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/shop/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def image_upload(
    *, size=(600, 400), fmt="PNG", name=None, color=(200, 30, 30)
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    extension = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif", "BMP": "bmp"}[fmt]
    return SimpleUploadedFile(
        name or f"photo.{extension}", buffer.getvalue(), content_type=f"image/{extension}"
    )


def names_on(response) -> set[str]:
    html = response.content.decode()
    return {p.name for p in Product.objects.all() if f">{p.name}</a></h2>" in html}


# --- Category tree ----------------------------------------------------------------------------


def test_category_paths_follow_the_tree_and_moves_rewrite_the_subtree():
    keyboards = CategoryFactory(name="Keyboards", slug="keyboards")
    kits = CategoryFactory(name="Kits", slug="kits", parent=keyboards)
    tkl = CategoryFactory(name="TKL", slug="tkl", parent=kits)
    assert keyboards.path == f"/{keyboards.pk}/"
    assert tkl.path == f"/{keyboards.pk}/{kits.pk}/{tkl.pk}/"
    assert tkl.depth == 2

    merch = CategoryFactory(name="Merch", slug="merch")
    category_save(category=kits, name="Kits", slug="kits", parent=merch)

    tkl.refresh_from_db()
    assert tkl.path == f"/{merch.pk}/{kits.pk}/{tkl.pk}/"
    kits.refresh_from_db()
    assert kits.path == f"/{merch.pk}/{kits.pk}/"


def test_category_cannot_move_under_its_own_descendant():
    root = CategoryFactory(name="Sports", slug="sports")
    child = CategoryFactory(name="Running", slug="running", parent=root)
    with pytest.raises(ValidationError):
        category_save(category=root, name="Sports", slug="sports", parent=child)
    root.refresh_from_db()
    assert root.parent is None


# --- Images -----------------------------------------------------------------------------------


def product_data(category, **overrides):
    data = {
        "category": category,
        "name": "Blue switch",
        "slug": "blue-switch",
        "price": Decimal("150000"),
        "currency": "VND",
    }
    return {**data, **overrides}


def test_image_upload_makes_a_400px_webp_thumbnail():
    category = CategoryFactory()
    product = product_create(
        **product_data(category), stock=5, image=image_upload(size=(1200, 800))
    )
    assert product.image.name.endswith(".png")
    with Image.open(product.thumbnail.path) as thumb:
        assert thumb.format == "WEBP"
        assert thumb.size == (400, 400)


@pytest.mark.parametrize(
    "upload, message",
    [
        (
            SimpleUploadedFile("evil.png", b"<?php echo 'hi'; ?>" * 20, content_type="image/png"),
            "not an image",
        ),
        (image_upload(size=(100, 100)), "at least 200×200"),
        (image_upload(fmt="GIF"), "GIF images are not accepted"),
    ],
)
def test_image_validation_refuses_bad_files(upload, message):
    with pytest.raises(ValidationError) as error:
        product_create(**product_data(CategoryFactory()), image=upload)
    assert message in " ".join(error.value.messages)
    assert not Product.objects.exists()


def test_image_validation_refuses_oversized_files():
    # A valid PNG padded past 5 MB: the size check answers before Pillow decodes anything.
    payload = image_upload().read() + b"\0" * (5 * 1024 * 1024)
    upload = SimpleUploadedFile("huge.png", payload, content_type="image/png")
    with pytest.raises(ValidationError) as error:
        product_create(**product_data(CategoryFactory()), image=upload)
    assert "the limit is 5 MB" in " ".join(error.value.messages)


# --- Money ------------------------------------------------------------------------------------


def test_money_formats_each_currency_the_local_way(settings):
    # English pages; the site's country picks the CLDR locale (tests/i18n/test_money.py).
    translation.activate("en")
    assert money_format(Decimal("1250000"), "VND") == "1.250.000 ₫"
    settings.SITE_COUNTRY = "US"
    assert money_format(Decimal("12.5"), "USD") == "$12.50"
    assert money_format(Decimal("1234.5"), "USD") == "$1,234.50"
    settings.SITE_COUNTRY = "KZ"
    assert money_format(Decimal("12500"), "KZT") == "12 500 ₸"


# --- List page --------------------------------------------------------------------------------


@pytest.fixture
def catalog():
    keyboards = CategoryFactory(name="Keyboards", slug="keyboards")
    switches = CategoryFactory(name="Switches", slug="switches", parent=keyboards)
    linear = CategoryFactory(name="Linear", slug="linear", parent=switches)
    sports = CategoryFactory(name="Sports", slug="sports")
    club = OrganizationFactory(name="Saigon Sports Club", slug="saigon-sports-club")
    return {
        "kit": ProductFactory(
            category=keyboards, name="Tofu65 kit", slug="tofu65", price=Decimal("2500000"), stock=4
        ),
        "yellow": ProductFactory(
            category=linear, name="Gateron Yellow", slug="yellow", price=Decimal("90000"), stock=0
        ),
        "boots": ProductFactory(
            category=sports,
            name="Football boots",
            slug="boots",
            price=Decimal("1200000"),
            stock=30,
            organization=club,
        ),
        "hidden": ProductFactory(
            category=sports, name="Old jersey", slug="old-jersey", active=False
        ),
    }


def test_category_filter_includes_descendants(client, catalog):
    response = client.get(LIST_URL, {"category": "keyboards"})
    assert names_on(response) == {"Tofu65 kit", "Gateron Yellow"}
    response = client.get(LIST_URL, {"category": "switches"})
    assert names_on(response) == {"Gateron Yellow"}


def test_list_hides_inactive_products_and_filters(client, catalog):
    assert names_on(client.get(LIST_URL)) == {"Tofu65 kit", "Gateron Yellow", "Football boots"}
    assert names_on(client.get(LIST_URL, {"q": "yellow"})) == {"Gateron Yellow"}
    assert names_on(client.get(LIST_URL, {"price_min": "100000", "price_max": "1500000"})) == {
        "Football boots"
    }
    assert names_on(client.get(LIST_URL, {"in_stock": "on"})) == {"Tofu65 kit", "Football boots"}
    assert names_on(client.get(LIST_URL, {"organization": "saigon-sports-club"})) == {
        "Football boots"
    }


def test_list_sorts_and_bad_filter_input_is_explained(client, catalog):
    html = client.get(LIST_URL, {"sort": "-price"}).content.decode()
    assert html.index("Tofu65 kit") < html.index("Football boots") < html.index("Gateron Yellow")
    response = client.get(LIST_URL, {"price_min": "cheap"})
    assert response.status_code == 200
    assert "Enter a number." in response.content.decode()
    assert len(names_on(response)) == 3


def test_list_shows_prices_stock_badges_and_an_empty_state(client, catalog):
    html = client.get(LIST_URL).content.decode()
    assert "2.500.000 ₫" in html
    assert "Out of stock" in html
    assert "Only 4 left" in html
    html = client.get(LIST_URL, {"q": "no-such-thing"}).content.decode()
    assert "No products match" in html


def test_htmx_request_gets_only_the_results_partial(client, catalog):
    full = client.get(LIST_URL, {"q": "kit"})
    assert "<html" in full.content.decode()
    assert 'hx-push-url="true"' in full.content.decode()
    partial = client.get(
        LIST_URL, {"q": "kit"}, headers={"HX-Request": "true", "HX-Target": "results"}
    )
    body = partial.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<section id="results"')
    assert "Tofu65 kit" in body
    assert 'id="category-tree" aria-label="Categories" hx-swap-oob="true"' in body
    assert "HX-Request" in partial["Vary"]


def test_pages_paginate_by_24(client):
    category = CategoryFactory()
    ProductFactory.create_batch(30, category=category)
    first = client.get(LIST_URL)
    assert len(names_on(first)) == 24
    assert "page 1 of 2" in first.content.decode()
    assert len(names_on(client.get(LIST_URL, {"page": 2}))) == 6


def test_list_is_cached_and_a_product_change_invalidates_it(
    client, catalog, django_capture_on_commit_callbacks
):
    assert "Tofu65 kit" in client.get(LIST_URL).content.decode()
    # A write behind the services' back is not seen: the page comes from the cache.
    Product.objects.filter(pk=catalog["kit"].pk).update(name="Renamed quietly")
    assert "Tofu65 kit" in client.get(LIST_URL).content.decode()
    # A write through the service bumps the catalog version when it commits.
    with django_capture_on_commit_callbacks(execute=True):
        product_update(product=Product.objects.get(pk=catalog["kit"].pk), name="Tofu65 v2 kit")
    html = client.get(LIST_URL).content.decode()
    assert "Tofu65 v2 kit" in html and "Tofu65 kit" not in html


def test_product_page_is_cached_and_invalidated(
    client, catalog, django_capture_on_commit_callbacks
):
    url = reverse("shop:product_detail", args=["tofu65"])
    assert "Tofu65 kit" in client.get(url).content.decode()
    Product.objects.filter(pk=catalog["kit"].pk).update(description="Quiet change")
    assert "Quiet change" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        product_update(
            product=Product.objects.get(pk=catalog["kit"].pk), description="Now with gaskets"
        )
    assert "Now with gaskets" in client.get(url).content.decode()


def test_cached_fragment_does_not_leak_the_header_of_another_user(client, catalog):
    alice = UserFactory(email="alice@example.com", name="Alice Nguyen")
    client.force_login(alice)
    assert "Alice Nguyen" in client.get(LIST_URL).content.decode()
    client.logout()
    html = client.get(LIST_URL).content.decode()
    assert "Tofu65 kit" in html
    assert "Alice Nguyen" not in html
    assert "Log in" in html


def test_product_page_shows_details_and_the_add_to_cart_form(client, catalog):
    response = client.get(reverse("shop:product_detail", args=["tofu65"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "2.500.000 ₫" in html and "Only 4 left" in html
    assert f'action="{reverse("shop:cart_add")}"' in html
    assert 'name="kind" value="product"' in html
    assert f'name="ref" value="{catalog["kit"].pk}"' in html
    assert "csrfmiddlewaretoken" in html


def test_inactive_or_unknown_product_is_404(client, catalog):
    assert client.get(reverse("shop:product_detail", args=["old-jersey"])).status_code == 404
    assert client.get(reverse("shop:product_detail", args=["nope"])).status_code == 404


def _queries(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_list_and_product_pages_run_a_constant_number_of_queries(client):
    club = OrganizationFactory()
    category = CategoryFactory(parent=CategoryFactory())
    first = ProductFactory(category=category, organization=club)
    list_url = f"{LIST_URL}?category={category.parent.slug}&in_stock=on"
    product_url = first.get_absolute_url()
    counts_one = (_queries(client, list_url), _queries(client, product_url))

    for n in range(49):
        ProductFactory(
            category=CategoryFactory(parent=category), organization=club if n % 2 else None
        )
    assert Product.objects.count() == 50
    counts_fifty = (_queries(client, list_url), _queries(client, product_url))
    assert counts_one == counts_fifty
    assert len(names_on(client.get(list_url))) == 24


def test_search_is_rate_limited_per_address(client, catalog):
    assert first_refusal(lambda: client.get(LIST_URL, {"q": "kit"}), limit=60) >= 60
    # Browsing without a search is not limited.
    assert client.get(LIST_URL, {"category": "sports"}).status_code == 200


# --- Staff pages -------------------------------------------------------------------------------


STAFF_URLS = [
    "/staff/shop/",
    "/staff/shop/products/",
    "/staff/shop/products/new/",
    "/staff/shop/categories/",
    "/staff/shop/categories/new/",
    "/staff/shop/stock/",
]


@pytest.mark.parametrize("url", STAFF_URLS)
def test_staff_pages_are_404_for_customers_and_ask_guests_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", STAFF_URLS)
def test_staff_pages_open_for_staff(client, catalog, url):
    client.force_login(UserFactory(roles=["staff"]))
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/staff/shop/products/", "/staff/shop/stock/", "/staff/orders/"])
def test_staff_searches_are_rate_limited_per_user(client, catalog, url):
    client.force_login(UserFactory(roles=["staff"]))
    assert first_refusal(lambda: client.get(url, {"q": "kit"}), limit=60) >= 60
    assert client.get(url).status_code == 200  # the list itself stays open
    # Another member of staff behind the same address searches on.
    client.force_login(UserFactory(roles=["staff"]))
    assert client.get(url, {"q": "kit"}).status_code == 200


def test_staff_product_list_filters_with_htmx_and_exports_csv(client, catalog):
    client.force_login(UserFactory(roles=["staff"]))
    partial = client.get(
        "/staff/shop/products/", {"stock_status": "out"}, headers={"HX-Request": "true"}
    )
    body = partial.content.decode()
    assert "<html" not in body and 'id="products-wrapper"' in body
    assert "Gateron Yellow" in body and "Football boots" not in body

    response = client.get("/staff/shop/products/", {"_export": "csv", "house": "false"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["id", "name", "slug"]
    assert rows[1][1:3] == ["Football boots", "boots"]
    assert rows[1][4] == "Saigon Sports Club" and rows[1][5:8] == ["1200000.00", "VND", "30"]
    assert len(rows) == 2


def test_staff_create_product_with_image_books_initial_stock(client):
    category = CategoryFactory()
    staff = UserFactory(roles=["staff"])
    client.force_login(staff)
    response = client.post(
        "/staff/shop/products/new/",
        {
            "name": "Lubed Gateron Ink",
            "slug": "",
            "category": category.pk,
            "price": "490000",
            "currency": "VND",
            "stock": "12",
            "low_stock_threshold": "3",
            "is_physical": "on",
            "active": "on",
            "image": image_upload(fmt="JPEG"),
        },
    )
    product = Product.objects.get(slug="lubed-gateron-ink")
    assert response.status_code == 302
    assert product.stock == 12 and product.price == Decimal("490000")
    assert product.thumbnail
    movement = StockMovement.objects.get(product=product)
    assert (movement.kind, movement.quantity, movement.actor) == ("in", 12, staff)


def test_staff_product_form_shows_image_errors(client):
    client.force_login(UserFactory(roles=["staff"]))
    response = client.post(
        "/staff/shop/products/new/",
        {
            "name": "Bad",
            "category": CategoryFactory().pk,
            "price": "1",
            "currency": "VND",
            "stock": "0",
            "low_stock_threshold": "0",
            "image": SimpleUploadedFile("x.jpg", b"not really a jpeg", content_type="image/jpeg"),
        },
    )
    assert response.status_code == 200
    assert "not an image we can read" in response.content.decode()
    assert not Product.objects.exists()


def test_staff_edit_product_does_not_touch_stock(client, catalog):
    client.force_login(UserFactory(roles=["staff"]))
    kit = catalog["kit"]
    Product.objects.filter(pk=kit.pk).update(stock=1)  # a sale while the form was open
    response = client.post(
        f"/staff/shop/products/{kit.pk}/",
        {
            "name": "Tofu65 kit",
            "slug": "tofu65",
            "category": kit.category_id,
            "price": "2400000",
            "currency": "VND",
            "low_stock_threshold": "5",
            "active": "on",
            "is_physical": "on",
        },
    )
    assert response.status_code == 302
    kit.refresh_from_db()
    assert kit.price == Decimal("2400000") and kit.stock == 1


def test_staff_category_create_and_move(client):
    client.force_login(UserFactory(roles=["staff"]))
    parent = CategoryFactory(name="Keyboards", slug="keyboards")
    response = client.post(
        "/staff/shop/categories/new/",
        {"name": "Keycaps", "slug": "", "parent": parent.pk, "position": 0},
    )
    assert response.status_code == 302
    keycaps = Category.objects.get(slug="keycaps")
    assert keycaps.path == f"/{parent.pk}/{keycaps.pk}/"
    # Moving a category under its own child is refused with a message.
    child = CategoryFactory(parent=keycaps)
    response = client.post(
        f"/staff/shop/categories/{keycaps.pk}/",
        {"name": "Keycaps", "slug": "keycaps", "parent": child.pk, "position": 0},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_staff_stock_adjust_needs_a_reason_and_records_the_change(client, catalog):
    staff = UserFactory(roles=["staff"])
    client.force_login(staff)
    kit = catalog["kit"]
    response = client.post(
        "/staff/shop/stock/adjust/", {"product": kit.pk, "new_stock": "9", "reason": "  "}
    )
    assert response.status_code == 400
    assert (
        "This field is required." in response.content.decode()
        or "Say why" in response.content.decode()
    )
    response = client.post(
        "/staff/shop/stock/adjust/",
        {"product": kit.pk, "new_stock": "9", "reason": "Delivery from supplier"},
    )
    assert response.status_code == 302
    kit.refresh_from_db()
    assert kit.stock == 9
    page = client.get("/staff/shop/stock/", {"product": kit.pk}).content.decode()
    assert "Delivery from supplier" in page and "+5" in page and staff.email in page


# --- Demo data ---------------------------------------------------------------------------------


def test_demo_catalog_seed_is_idempotent_and_varied():
    from project.accounts.demo import seed as accounts_seed
    from project.organizations.demo import seed as organizations_seed
    from shop.demo.catalog import seed

    out = io.StringIO()
    accounts_seed(out=out)
    organizations_seed(out=out)
    seed(out=out)
    seed(out=out)
    products = Product.objects.all()
    assert products.count() >= 50
    assert Category.objects.filter(slug="switches", parent__slug="keyboards").exists()
    assert all(p.image and p.thumbnail for p in products)
    assert products.filter(stock=0).count() >= 3
    assert products.filter(stock__gt=0, stock__lte=5).count() >= 3
    assert products.filter(organization__slug="saigon-sports-club").count() >= 3
    # One currency per deployment; what was priced in USD or KZT has realistic đồng prices.
    assert {p.currency for p in products} == {"VND"}
    assert products.get(name="Mode Sonnet TKL").price == Decimal("9890000")
    assert products.get(name="Tessera Mug").price == Decimal("225000")
    assert "(0 new)" in out.getvalue()


# --- Admin -------------------------------------------------------------------------------------


def _admin_inline_management():
    return {
        "movements-TOTAL_FORMS": "0",
        "movements-INITIAL_FORMS": "0",
        "movements-MIN_NUM_FORMS": "0",
        "movements-MAX_NUM_FORMS": "0",
    }


def test_admin_saves_through_the_services(client, catalog):
    admin_user = UserFactory(email="root@example.com")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    kit = catalog["kit"]
    assert "Tofu65 kit" in client.get(LIST_URL).content.decode()  # cached now

    data = {
        "category": kit.category_id,
        "name": "Tofu65 kit (admin)",
        "slug": "tofu65",
        "description": "",
        "price": "2500000",
        "currency": "VND",
        "stock": "10",
        "low_stock_threshold": "5",
        "is_physical": "on",
        "active": "on",
        "organization": "",
        **_admin_inline_management(),
    }
    response = client.post(f"/admin/shop/product/{kit.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    kit.refresh_from_db()
    assert kit.name == "Tofu65 kit (admin)" and kit.stock == 10
    movement = StockMovement.objects.get(product=kit)
    assert (movement.kind, movement.quantity, movement.reason, movement.actor) == (
        "adjust",
        6,
        "Admin edit",
        admin_user,
    )
    # The admin save bumped the catalog version: the list shows the new name.
    assert "Tofu65 kit (admin)" in client.get(LIST_URL).content.decode()

    response = client.post(
        "/admin/shop/product/add/",
        {
            **data,
            "name": "New from admin",
            "slug": "new-from-admin",
            "stock": "3",
            "image": image_upload(size=(300, 300)),
        },
    )
    assert response.status_code == 302
    created = Product.objects.get(slug="new-from-admin")
    assert created.stock == 3 and created.thumbnail
    assert StockMovement.objects.get(product=created).reason == "Initial stock"

    response = client.post(
        "/admin/shop/product/add/",
        {
            **data,
            "name": "Tiny",
            "slug": "tiny",
            "image": image_upload(size=(50, 50)),
        },
    )
    assert response.status_code == 200
    assert "at least 200×200" in response.content.decode()


# --- cache flooding -------------------------------------------------------------------------


def cached_pages(kind: str = "list") -> int:
    """How many catalog fragments of `kind` the cache holds (Redis or local memory)."""
    if hasattr(cache, "keys"):  # django-redis
        return len(cache.keys(f"shop:{kind}:*"))
    return sum(1 for key in cache._cache if f":shop:{kind}:" in key)


def test_300_junk_parameters_make_no_cache_entries_of_their_own(client, catalog):
    for n in range(300):
        response = client.get(LIST_URL, {"junk": n})
        assert response.status_code == 200
    assert cached_pages() == 1
    # The junk does not leak into the page's links either.
    assert "junk" not in response.content.decode()
    for n in range(50):
        client.get(reverse("shop:product_detail", args=["tofu65"]), {"utm": n})
    assert cached_pages("product") == 1


def test_spellings_of_one_filter_share_one_cache_entry(client, catalog):
    spellings = [
        {"in_stock": "on", "price_min": "100000"},
        {"in_stock": "true", "price_min": "100000.00", "sort": "name"},
        {"in_stock": "1", "price_min": " 1e5 ", "page": "1", "utm_source": "mail"},
        {"price_min": "100000", "in_stock": ["", "on"]},  # the last value counts, as in the form
    ]
    pages = {frozenset(names_on(client.get(LIST_URL, query))) for query in spellings}
    assert pages == {frozenset({"Tofu65 kit", "Football boots"})}
    assert cached_pages() == 1


@pytest.mark.parametrize(
    "query",
    [
        {"page": "6"},  # past SHOP_CACHE_MAX_PAGE
        {"page": "9" * 5000},
        {"page": "abc"},
        {"price_min": "cheap"},
        {"price_max": "1e999999999"},
        {"category": "no-such-category"},
        {"organization": "no-such-seller"},
        {"sort": "bogus"},
    ],
)
def test_deep_pages_and_values_no_form_sends_are_not_cached(client, catalog, query):
    response = client.get(LIST_URL, query)
    assert response.status_code == 200
    assert cached_pages() == 0


def test_staff_product_csv_neutralises_formulas_in_names(client):
    """A seller or product named like a spreadsheet formula arrives as text, not a link."""
    seller = OrganizationFactory(name='=HYPERLINK("https://evil.example/","Click")')
    ProductFactory(name="+SUM(1,2)", organization=seller, stock=3)
    client.force_login(UserFactory(roles=["staff"]))
    response = client.get("/staff/shop/products/", {"_export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][1] == "'+SUM(1,2)"
    assert rows[1][4] == """'=HYPERLINK("https://evil.example/","Click")"""
    assert rows[1][7] == "3"  # numbers stay numbers


# --- One currency per deployment -------------------------------------------------------------


def test_product_forms_offer_only_the_deployments_currency(client, settings):
    client.force_login(UserFactory(roles=["staff"]))
    page = client.get("/staff/shop/products/new/")
    assert page.context["form"].fields["currency"].choices == [("VND", "Vietnamese đồng")]
    response = client.post(
        "/staff/shop/products/new/",
        {
            "name": "Priced in dollars",
            "category": CategoryFactory().pk,
            "price": "19.90",
            "currency": "USD",
            "stock": "1",
            "low_stock_threshold": "0",
        },
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Product.objects.filter(name="Priced in dollars").exists()

    settings.SHOP_CURRENCY = "USD"
    page = client.get("/staff/shop/products/new/")
    assert page.context["form"].fields["currency"].choices == [("USD", "US dollar")]
    assert page.context["form"]["currency"].value() == "USD"


def test_price_filter_compares_prices_in_the_deployments_currency_only(client):
    """A row left in another currency is not read as đồng: 389 USD is not 389 VND."""
    ProductFactory(name="Kit in dong", price=Decimal("2890000"), currency="VND")
    ProductFactory(name="Kit in dollars", price=Decimal("389"), currency="USD")
    page = client.get(LIST_URL, {"price_max": "500000"}).content.decode()
    assert "Kit in dollars" not in page
    page = client.get(LIST_URL, {"price_min": "1000000"}).content.decode()
    assert "Kit in dong" in page and "Kit in dollars" not in page
    assert "Max price (VND)" in client.get(LIST_URL).content.decode()
