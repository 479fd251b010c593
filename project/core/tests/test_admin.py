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
