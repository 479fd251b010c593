"""Every model of the project has an admin page that opens."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from project.accounts.tests.factories import UserFactory

OUR_APPS = {
    "accounts",
    "organizations",
    "core",
    "shop",
    "builder",
    "events",
    "support",
    "crm",
    "dashboards",
}
OUR_MODELS = [model for model in apps.get_models() if model._meta.app_label in OUR_APPS]


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m._meta.label)
def test_model_is_registered_in_the_admin(model):
    assert admin.site.is_registered(model), f"{model._meta.label} has no admin"


@pytest.mark.django_db
@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m._meta.label)
def test_admin_changelist_opens_with_search(client, model):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client.get(url, {"q": "x"}).status_code == 200


@pytest.mark.django_db
def test_admin_index_has_one_accounts_section(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    body = client.get("/admin/").content.decode()
    assert body.count(">Accounts</a>") == 1
    assert ">E-mail addresses</a>" in body


def _changelist_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/admin/accounts/user/", "/admin/organizations/organization/", "/admin/core/auditentry/"],
)
def test_admin_lists_have_constant_query_counts(client, url):
    from project.core.audit import audit_log
    from project.organizations.tests.factories import OrganizationFactory

    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)

    def add_rows(n):
        for _ in range(n):
            user = UserFactory(roles=["staff"])
            organization = OrganizationFactory()
            audit_log(actor=user, action="test.row", obj=organization)

    add_rows(2)
    _changelist_queries(client, url)  # warm the content-type cache
    few = _changelist_queries(client, url)
    add_rows(20)
    assert _changelist_queries(client, url) == few
