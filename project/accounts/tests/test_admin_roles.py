"""Issue 9 §1: least privilege in the Django admin. Every admin page each non-superuser role
can reach is walked with a customer's data, a gateway payload, tokens, sessions and a
pending reset e-mail in the database: none of it may show, and every other model is refused.
"""

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin
from django.contrib.sessions.models import Session
from django.test import Client

from project.accounts.models import Address
from project.accounts.tests.factories import UserFactory
from project.accounts.tokens import ws_token_for
from project.core.models import AuditEntry
from project.organizations.tests.factories import OrganizationFactory
from shop.models import Payment
from shop.tests.factories import ProductFactory
from shop.tests.kinds import order_for
from support.tests.factories import MessageFactory, RoomFactory

pytestmark = pytest.mark.django_db

# The admin models each role works with; everything else is refused. Organizers work in
# their organization's pages (/org/...), which are scoped; the admin is not, so they get none.
STAFF_MODELS = {
    "shop.category",
    "shop.product",
    "organizations.organization",
}
ROLE_ADMIN_MODELS = {
    "staff": STAFF_MODELS,
    "manager": {"core.auditentry"},
    "manager+staff": STAFF_MODELS | {"core.auditentry"},
    "organizer": set(),
}


@pytest.fixture
def customer_data(client):
    """A customer and everything about them that must stay out of the staff's admin."""
    victim = UserFactory(email="victim@customers.test", name="Vy Customer", phone="+84909111222")
    Address.objects.create(
        user=victim,
        recipient="Vy Customer",
        phone="+84909111222",
        line1="12 Hidden Lane",
        city="Hue",
    )
    product = ProductFactory(organization=OrganizationFactory(), stock=5)
    order = order_for(victim, ("product", product.pk, 1), delivery_type="pickup")
    Payment.objects.create(
        order=order,
        provider="vnpay",
        reference="PAYREF1",
        amount=order.total,
        currency=order.currency,
        raw={"vnp_SecureHash": "GATEWAY-RAW-SECRET"},
    )
    MessageFactory(room=RoomFactory(customer=victim), author=victim, text="CHAT-TEXT-SECRET")
    app = SocialApp.objects.create(
        provider="google", name="Google", client_id="id", secret="SOCIAL-APP-SECRET"
    )
    account = SocialAccount.objects.create(user=victim, provider="google", uid="uid-1")
    SocialToken.objects.create(app=app, account=account, token="SOCIAL-TOKEN-SECRET")
    Client().force_login(victim)
    Client().post("/accounts/password/reset/", {"email": victim.email})
    # A superuser looks the customer up, opens and edits the record: all in the audit log.
    superuser = Client()
    superuser.force_login(UserFactory(is_superuser=True, is_staff=True))
    superuser.get("/admin/accounts/user/", {"q": victim.email})
    superuser.get(f"/admin/accounts/user/{victim.pk}/change/")
    superuser.get(f"/admin/shop/order/{order.pk}/change/")
    assert AuditEntry.objects.filter(action="admin.view").count() == 2
    return [
        victim.email,
        "+84909111222",
        "12 Hidden Lane",
        victim.password,
        "GATEWAY-RAW-SECRET",
        "CHAT-TEXT-SECRET",
        "SOCIAL-APP-SECRET",
        "SOCIAL-TOKEN-SECRET",
        ws_token_for(victim),
        *Session.objects.values_list("session_key", flat=True),
        "password/reset/key",
    ]


def role_user(role: str):
    roles = role.split("+")
    return UserFactory(email=f"{roles[0]}-person@tessera.test", roles=roles)


def admin_pages():
    """(model label, changelist URL, change URL of the first row or None) per admin model."""
    for model in admin.site._registry:
        opts = model._meta
        base = f"/admin/{opts.app_label}/{opts.model_name}/"
        first = model._default_manager.first()
        yield opts.label_lower, base, (f"{base}{first.pk}/change/" if first else None)


@pytest.mark.parametrize("role", sorted(ROLE_ADMIN_MODELS))
def test_each_role_reaches_only_its_models_and_no_secret_shows(role, customer_data):
    client = Client()
    client.force_login(role_user(role))
    allowed = ROLE_ADMIN_MODELS[role]
    reached = set()
    for label, changelist, change in admin_pages():
        for url in filter(None, [changelist, change]):
            response = client.get(url)
            if label in allowed:
                assert response.status_code == 200, url
                reached.add(label)
                body = response.content.decode()
                leaked = [secret for secret in customer_data if secret in body]
                assert not leaked, f"{url} shows {leaked}"
            elif allowed:
                assert response.status_code == 403, url
            else:  # not admin staff at all: sent to the admin's sign-in
                assert response.status_code == 302, url
                assert "/login/" in response["Location"]
    assert reached == allowed
    index = client.get("/admin/")
    if allowed:
        body = index.content.decode()
        assert not [secret for secret in customer_data if secret in body]
        for label, changelist, _ in admin_pages():
            assert (changelist in body) == (label in allowed), label


def test_roles_sync_revokes_a_permission_taken_off_the_list():
    from django.contrib.auth.models import Group, Permission

    from project.accounts.roles import roles_sync

    staff = Group.objects.get(name="staff")
    staff.permissions.add(Permission.objects.get(codename="view_outboxmessage"))
    roles_sync()
    held = {f"{p.content_type.app_label}.{p.codename}" for p in staff.permissions.all()}
    assert "core.view_outboxmessage" not in held
    assert "shop.change_product" in held
