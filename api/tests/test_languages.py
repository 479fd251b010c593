"""The API answers in the caller's language, as the pages do (Accept-Language)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from project.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "language,message",
    [
        ("en", "This token's scopes do not allow this."),
        ("vi", "Phạm vi quyền của token này không cho phép việc này."),
        ("ru", "Области доступа этого токена этого не разрешают."),
    ],
)
def test_errors_come_in_the_callers_language(client, bearer, language, message):
    headers = bearer(UserFactory(), "catalog:read")
    response = client.get(reverse("api:my_order_list"), HTTP_ACCEPT_LANGUAGE=language, **headers)
    assert response.status_code == 403 and response.json()["message"] == message
