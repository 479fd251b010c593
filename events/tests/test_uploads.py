"""Cover images go through the same rules as product images, and what is stored is always
a re-encoded image, never the uploaded bytes."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from events.models import Event
from project.accounts.tests.factories import UserFactory
from project.organizations.tests.factories import OrganizationFactory
from shop.services.catalog import product_create
from shop.tests.factories import CategoryFactory

from .factories import EventFactory

pytestmark = pytest.mark.django_db

PAYLOAD = b"<script>alert(document.cookie)</script>PK\x03\x04polyglot"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png(size=(800, 450), *, mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "#4f46e5").save(buffer, format="PNG")
    return buffer.getvalue()


def claims_size(data: bytes, width: int, height: int) -> bytes:
    """A real PNG whose header says it is `width`×`height` (a tiny "pixel bomb")."""
    ihdr = struct.pack(">II", width, height) + data[24:29]
    return data[:16] + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr)) + data[33:]


def upload(data: bytes, name="cover.png", content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def create_form(**extra):
    starts = timezone.localtime() + timedelta(days=5)
    return {
        "title": "Beach Volley Day",
        "sport_type": "volleyball",
        "format": "offline",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
        "city": "Da Nang",
        "country": "VN",
        **extra,
    }


@pytest.fixture
def organizer(client):
    owner = UserFactory()
    organization = OrganizationFactory(owner=owner)
    client.force_login(owner)
    return organization


def test_a_small_file_claiming_12000_by_12000_pixels_is_refused(client, organizer):
    bomb = claims_size(png((200, 200), mode="1"), 12000, 12000)
    assert len(bomb) < 20_000
    response = client.post(
        reverse("events_org:create", args=[organizer.slug]),
        create_form(cover_image=upload(bomb)),
    )
    assert response.status_code == 200
    assert "12000×12000 px; at most 6000 px a side" in response.content.decode()
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"GIF89a" + b"\0" * 200, "cover.gif", "not an image we can read"),
        (png((120, 120)), "cover.png", "at least 200×200"),
        (png() + b"\0" * (5 * 1024 * 1024), "cover.png", "the limit is 5 MB"),
        (claims_size(png((200, 200)), 6000, 5000), "cover.png", "at most 25 megapixels"),
    ],
)
def test_covers_follow_the_product_image_rules(client, organizer, data, name, message):
    response = client.post(
        reverse("events_org:create", args=[organizer.slug]),
        create_form(cover_image=upload(data, name=name)),
    )
    assert message in response.content.decode()
    assert not Event.objects.exists()


def test_a_png_with_a_script_appended_is_stored_as_a_clean_png(client, organizer):
    original = png() + PAYLOAD
    response = client.post(
        reverse("events_org:create", args=[organizer.slug]),
        create_form(cover_image=upload(original, name="../../evil.php.png")),
    )
    assert response.status_code == 302
    event = Event.objects.get()
    stored = event.cover_image.read()
    assert PAYLOAD not in stored and stored != original
    assert event.cover_image.name == f"events/covers/{event.slug}.png"
    with Image.open(io.BytesIO(stored)) as image:
        assert (image.format, image.size) == ("PNG", (800, 450))


def test_editing_the_cover_re_encodes_it_and_drops_the_metadata(client, organizer):
    event = EventFactory(organization=organizer, status=Event.Status.DRAFT)
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription
    Image.new("RGB", (640, 480), "#16a34a").save(buffer, format="JPEG", exif=exif)
    data = buffer.getvalue() + PAYLOAD
    response = client.post(
        reverse("events_org:edit", args=[organizer.slug, event.pk]),
        create_form(
            title=event.title, cover_image=upload(data, name="c.jpg", content_type="image/jpeg")
        ),
    )
    assert response.status_code == 302
    event.refresh_from_db()
    stored = event.cover_image.read()
    assert PAYLOAD not in stored and b"secret description" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert (image.format, image.size) == ("JPEG", (640, 480))


def test_the_admin_applies_the_same_rules_and_re_encodes(client):
    event = EventFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:events_event_change", args=[event.pk])
    form = {
        "organization": event.organization_id,
        "title": event.title,
        "slug": event.slug,
        "sport_type": event.sport_type,
        "format": event.format,
        "status": event.status,
        "starts_at_0": timezone.localtime(event.starts_at).strftime("%Y-%m-%d"),
        "starts_at_1": timezone.localtime(event.starts_at).strftime("%H:%M:%S"),
        "ends_at_0": timezone.localtime(event.ends_at).strftime("%Y-%m-%d"),
        "ends_at_1": timezone.localtime(event.ends_at).strftime("%H:%M:%S"),
        "time_zone": event.time_zone,
        "max_tickets_per_customer": event.max_tickets_per_customer,
        "location-TOTAL_FORMS": 0,
        "location-INITIAL_FORMS": 0,
        "online_info-TOTAL_FORMS": 0,
        "online_info-INITIAL_FORMS": 0,
        "ticket_types-TOTAL_FORMS": 0,
        "ticket_types-INITIAL_FORMS": 0,
    }
    bomb = claims_size(png((200, 200), mode="1"), 12000, 12000)
    refused = client.post(url, {**form, "cover_image": upload(bomb)})
    assert "at most 6000 px a side" in refused.content.decode()
    saved = client.post(url, {**form, "cover_image": upload(png() + PAYLOAD)})
    assert saved.status_code == 302, saved.content.decode()[:3000]
    event.refresh_from_db()
    assert PAYLOAD not in event.cover_image.read()


def test_product_images_are_re_encoded_too():
    product = product_create(
        organization=OrganizationFactory(),
        category=CategoryFactory(),
        name="Keycap set",
        slug="keycap-set",
        price="100000",
        image=upload(png((600, 400)) + PAYLOAD, name="keycaps.png"),
    )
    stored = product.image.read()
    assert PAYLOAD not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert (image.format, image.size) == ("PNG", (600, 400))
