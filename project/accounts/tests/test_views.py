import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from project.accounts.models import Address
from project.accounts.roles import SESSION_KEY, Role
from project.accounts.tokens import ws_token_for

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_profile_shows_the_same_token_as_the_command(client, capsys):
    user = UserFactory(email="mai@example.com")
    client.force_login(user)
    page = client.get(reverse("accounts:profile")).content.decode()
    call_command("ws_token", "mai@example.com")
    out, err = capsys.readouterr()
    printed = out.strip()
    assert printed == ws_token_for(user)
    assert printed in page
    # The profile and the command both say until when it works.
    assert user.ws_token_expires.isoformat() in err
    assert f'datetime="{timezone.localtime(user.ws_token_expires).isoformat()}"' in page
    assert "Valid until" in page


def test_regenerate_changes_the_token_shown(client):
    user = UserFactory()
    client.force_login(user)
    old = ws_token_for(user)
    response = client.post(reverse("accounts:token_regenerate"), HTTP_HX_REQUEST="true")
    user.refresh_from_db()
    assert response.status_code == 200
    assert old not in response.content.decode()
    assert ws_token_for(user) in response.content.decode()


def test_profile_saves_name_and_phone(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"), {"name": "Nguyen Van A", "phone": "+84 90 123 4567"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.name, user.phone) == ("Nguyen Van A", "+84 90 123 4567")


ADDRESS = {
    "label": "Home",
    "recipient": "Nguyen Van A",
    "line1": "12 Le Loi",
    "city": "Ho Chi Minh City",
    "postcode": "700000",
    "country": "VN",
}


def test_first_address_becomes_default_and_a_new_default_replaces_it(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("accounts:address_new"), ADDRESS)
    client.post(reverse("accounts:address_new"), {**ADDRESS, "label": "Work", "is_default": "on"})
    defaults = list(
        Address.objects.filter(user=user, is_default=True).values_list("label", "country")
    )
    assert defaults == [("Work", "VN")]
    assert Address.objects.filter(user=user).count() == 2


def test_address_form_errors_are_shown(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("accounts:address_new"), {**ADDRESS, "country": "V1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Address.objects.exists()


def test_another_users_address_is_404(client):
    owner, other = UserFactory(), UserFactory()
    address = Address.objects.create(user=owner, recipient="A", line1="x", city="y")
    client.force_login(other)
    assert client.get(reverse("accounts:address_edit", args=[address.pk])).status_code == 404
    assert client.post(reverse("accounts:address_delete", args=[address.pk])).status_code == 404
    assert Address.objects.filter(pk=address.pk).exists()


def test_role_switch_changes_the_dashboard(client):
    user = UserFactory(roles=[Role.STAFF, Role.BOOSTER])
    client.force_login(user)
    response = client.post(reverse("accounts:role_switch"), {"role": "booster"})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == "booster"
    assert client.get(reverse("dashboards:home")).url == reverse(
        "dashboards:role", args=["booster"]
    )
    client.post(reverse("accounts:role_switch"), {"role": "staff"})
    assert client.get(reverse("dashboards:home")).url == reverse("dashboards:role", args=["staff"])


def test_role_switch_refuses_a_role_the_user_lacks(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("accounts:role_switch"), {"role": "admin"})
    assert SESSION_KEY not in client.session
    assert client.get(reverse("dashboards:role", args=["staff"])).status_code == 404


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        ("abc", "/dashboard/"),  # a bare word: once read as a view name (NoReverseMatch)
        ("https://evil.example/", "/dashboard/"),
        ("//evil.example/x", "/dashboard/"),
        ("/shop/?q=mx", "/shop/?q=mx"),
    ],
)
def test_role_switch_follows_only_a_path_on_this_site(client, next_url, lands_on):
    client.force_login(UserFactory(roles=[Role.STAFF]))
    response = client.post(reverse("accounts:role_switch"), {"role": "staff", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == lands_on
    assert client.session[SESSION_KEY] == "staff"


@pytest.mark.parametrize("path", ["/accounts/google/login/", "/accounts/google/login/callback/"])
def test_google_sign_in_when_google_is_not_set_up_is_a_404_page(client, settings, path):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    response = client.get(path, {"code": "x", "state": "y"})
    assert response.status_code == 404
    assert client.post(path).status_code == 404


def test_admin_login_goes_through_the_rate_limited_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_unverified_user_cannot_log_in(client):
    user = UserFactory(verified=False)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")


def test_sign_up_sends_a_verification_email_naming_the_site(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "lan@example.com",
                "password1": "a-long-Pass-42",
                "password2": "a-long-Pass-42",
            },
        )
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "Tessera" in body
    assert "/accounts/confirm-email/" in body


def test_confirming_the_sign_up_email_logs_the_new_user_in(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    import re

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "mai@example.com",
                "password1": "a-long-Pass-42",
                "password2": "a-long-Pass-42",
            },
        )
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    assert client.get("/" + path).status_code == 200
    response = client.post("/" + path)

    assert response.status_code == 302
    assert client.session["_auth_user_id"]
    dashboard = client.get(reverse("dashboards:home"), follow=True)
    assert dashboard.status_code == 200
    assert reverse("account_login") not in dashboard.redirect_chain[-1][0]
    assert dashboard.context["user"].email == "mai@example.com"
