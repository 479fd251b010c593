"""Issue 9 §1: TOTP two-factor, required for the roles that refund or read customer data
when MFA_REQUIRED_FOR_STAFF is on. Codes are computed here with RFC 6238, as a phone app
would, never taken from allauth."""

import base64
import hashlib
import hmac
import struct
import time

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from project.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def totp(secret_b32: str, *, at: float | None = None, step: int = 30) -> str:
    """RFC 6238 TOTP (HMAC-SHA1, 6 digits) for a base32 secret."""
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def sign_in(email: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


@pytest.fixture
def required(settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    settings.MFA_TOTP_TOLERANCE = 1


def test_staff_without_totp_are_sent_to_set_it_up_and_then_sign_in_with_a_code(required):
    staff = UserFactory(email="staff@tessera.test", roles=["staff"])
    client = sign_in(staff.email)
    for page in ("/admin/", "/admin/shop/product/", "/staff/shop/", "/staff/orders/"):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith("/accounts/2fa/totp/activate/"), page

    # allauth asks for the password again before a second factor is added.
    reauth = client.get("/accounts/2fa/totp/activate/")
    assert reauth["Location"].startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    setup = client.get("/accounts/2fa/totp/activate/")
    assert setup.status_code == 200
    secret = setup.context["form"].secret
    assert client.post("/accounts/2fa/totp/activate/", {"code": "000000"}).status_code == 200
    done = client.post("/accounts/2fa/totp/activate/", {"code": totp(secret)})
    assert done.status_code == 302
    assert Authenticator.objects.filter(user=staff, type="totp").exists()
    # The key is sealed at rest.
    stored = Authenticator.objects.get(user=staff, type="totp").data["secret"]
    assert secret not in stored
    assert client.get("/admin/").status_code == 200

    # Next sign-in: the password alone does not open the admin; the code does.
    fresh = Client()
    response = fresh.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    assert fresh.get("/admin/").status_code == 302
    wrong = fresh.post("/accounts/2fa/authenticate/", {"code": "123456"})
    assert wrong.status_code == 200
    next_code = totp(secret, at=time.time() + 30)  # a fresh code: the last one was used
    assert fresh.post("/accounts/2fa/authenticate/", {"code": next_code}).status_code == 302
    assert fresh.get("/admin/").status_code == 200


@pytest.mark.parametrize("roles", [["manager"], ["organizer"], ["admin"]])
def test_every_role_that_reads_customer_data_needs_it(required, roles):
    user = UserFactory(roles=roles, is_superuser="admin" in roles)
    response = sign_in(user.email).get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")


def test_customers_and_the_default_setting_are_not_asked(settings):
    customer = UserFactory()
    settings.MFA_REQUIRED_FOR_STAFF = True
    assert sign_in(customer.email).get("/account/profile/").status_code == 200
    # Control: the same staff member with the setting off (embedded default) goes straight in.
    settings.MFA_REQUIRED_FOR_STAFF = False
    staff = UserFactory(roles=["staff"])
    assert sign_in(staff.email).get("/admin/").status_code == 200
