import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from project.accounts.models import User
from project.organizations.models import Organization

pytestmark = pytest.mark.django_db

# The demo is seeded once for the module (`demo_seeded`); the tests that need an empty
# database come first.


def test_seed_demo_refuses_the_public_password_in_production(settings):
    settings.TESSERA_ENV = "production"
    with pytest.raises(CommandError, match="demo password"):
        call_command("seed_demo")
    assert not User.objects.exists()
    call_command("seed_demo", "--allow-demo-password")
    assert User.objects.filter(email="admin@tessera.test").exists()


def test_google_login_shows_only_when_configured(client, settings):
    assert "Google" not in client.get("/accounts/login/").content.decode()
    settings.SOCIALACCOUNT_PROVIDERS = {
        "google": {
            "APPS": [{"client_id": "id.apps.googleusercontent.com", "secret": "s", "key": ""}]
        }
    }
    assert "Google" in client.get("/accounts/login/").content.decode()


def test_seed_demo_is_idempotent_and_prints_the_accounts(demo_seeded, capsys):
    call_command("seed_demo")  # a second time
    out = demo_seeded + capsys.readouterr().out
    emails = [
        f"{name}@tessera.test"
        for name in ("admin", "staff", "manager", "booster", "organizer", "customer")
    ]
    assert User.objects.filter(email__in=emails).count() == 6
    assert all(email in out for email in emails)
    assert "tessera-demo" in out
    assert EmailAddress.objects.filter(email__in=emails, verified=True).count() == 6
    assert Organization.objects.filter(slug="saigon-sports-club").count() == 1
    manager = User.objects.get(email="manager@tessera.test")
    assert set(manager.groups.values_list("name", flat=True)) >= {"manager"}
    assert User.objects.get(email="admin@tessera.test").is_superuser


def test_demo_accounts_can_log_in(demo_seeded, client):
    response = client.post(
        "/accounts/login/", {"login": "organizer@tessera.test", "password": "tessera-demo"}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
