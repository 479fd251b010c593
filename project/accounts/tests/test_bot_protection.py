"""Sign-in, sign-up and password reset against bots: growing waits per account and
address, a CAPTCHA per address after repeated tries, and no lock-out of the owner.

Addresses are REMOTE_ADDR values from the documentation ranges; CAPTCHA_TEST_MODE (test
settings) makes "PASSED" the answer to any CAPTCHA."""

import re

import pytest
from django.urls import reverse

from project.accounts.throttle import LOGIN, attempt_record, wait_seconds

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"
OWNER = "198.51.100.20"
LOGIN_URL = "/accounts/login/"


def sign_in(client, email, password, address, **extra):
    return client.post(
        LOGIN_URL, {"login": email, "password": password, **extra}, REMOTE_ADDR=address
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out(client, settings):
    """The denial of service: five wrong passwords used to lock the account for everyone
    for five minutes, the right password included."""
    user = UserFactory(email="owner@example.com")
    for _ in range(settings.BOT_CAPTCHA_AFTER):
        sign_in(client, user.email, "wrong-password", ATTACKER)
    assert not signed_in(client)

    response = sign_in(client, user.email, PASSWORD, OWNER)
    assert response.status_code == 302
    assert signed_in(client)


def test_the_attackers_address_waits_and_even_the_right_password_waits_there(client):
    user = UserFactory(email="owner@example.com")
    for _ in range(3):  # BOT_FREE_ATTEMPTS
        response = sign_in(client, user.email, "wrong-password", ATTACKER)
        assert "not correct" in response.content.decode()
    response = sign_in(client, user.email, PASSWORD, ATTACKER)
    assert not signed_in(client)
    assert "Please wait 2 seconds" in response.content.decode()
    # Another account from the same address is not held up by this one.
    other = UserFactory()
    assert sign_in(client, other.email, PASSWORD, ATTACKER).status_code == 302


def test_each_further_failure_doubles_the_wait_up_to_the_ceiling(rf, settings):
    settings.BOT_MAX_DELAY_SECONDS = 30
    request = rf.post(LOGIN_URL, REMOTE_ADDR=ATTACKER)
    waits = []
    for _ in range(8):
        attempt_record(action=LOGIN, request=request, account="owner@example.com")
        waits.append(wait_seconds(action=LOGIN, request=request, account="owner@example.com"))
    assert waits == [0, 0, 2, 4, 8, 16, 30, 30]
    elsewhere = rf.post(LOGIN_URL, REMOTE_ADDR=OWNER)
    assert wait_seconds(action=LOGIN, request=elsewhere, account="owner@example.com") == 0


def test_after_repeated_failures_the_address_must_solve_a_captcha(client, settings):
    # Two tries at each of several accounts: never a wait, but many failures in all.
    victims = [UserFactory() for _ in range(3)]
    for victim in victims:
        for _ in range(2):
            sign_in(client, victim.email, "wrong-password", ATTACKER)
    page = client.get(LOGIN_URL, REMOTE_ADDR=ATTACKER).content.decode()
    assert 'name="captcha_1"' in page
    assert 'name="captcha_1"' not in client.get(LOGIN_URL, REMOTE_ADDR=OWNER).content.decode()

    user = UserFactory()
    response = sign_in(client, user.email, PASSWORD, ATTACKER, captcha_0="x", captcha_1="nope")
    assert not signed_in(client)
    assert "Invalid CAPTCHA" in response.content.decode()
    response = sign_in(client, user.email, PASSWORD, ATTACKER, captcha_0="x", captcha_1="PASSED")
    assert response.status_code == 302
    assert signed_in(client)


def test_repeated_sign_ups_from_one_address_need_a_captcha(client, settings):
    def sign_up(n, address, **extra):
        return client.post(
            reverse("account_signup"),
            {
                "email": f"bot{n}@example.com",
                "password1": "a-long-Pass-42",
                "password2": "a-long-Pass-42",
                **extra,
            },
            REMOTE_ADDR=address,
        )

    for n in range(settings.BOT_CAPTCHA_AFTER):
        assert sign_up(n, ATTACKER).status_code == 302
        client.logout()
    response = sign_up(99, ATTACKER)
    assert response.status_code == 200
    assert 'name="captcha_1"' in response.content.decode()
    assert sign_up(100, ATTACKER, captcha_0="x", captcha_1="PASSED").status_code == 302
    client.logout()
    assert sign_up(101, OWNER).status_code == 302  # another address signs up freely


def test_repeated_password_resets_from_one_address_need_a_captcha(client, settings, mailoutbox):
    url = reverse("account_reset_password")
    user = UserFactory()
    for _ in range(settings.BOT_CAPTCHA_AFTER):
        client.post(url, {"email": f"nobody{_}@example.com"}, REMOTE_ADDR=ATTACKER)
    response = client.post(url, {"email": user.email}, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 200
    assert 'name="captcha_1"' in response.content.decode()
    sent = len(mailoutbox)
    response = client.post(
        url, {"email": user.email, "captcha_0": "x", "captcha_1": "PASSED"}, REMOTE_ADDR=ATTACKER
    )
    assert response.status_code == 302
    assert client.post(url, {"email": user.email}, REMOTE_ADDR=OWNER).status_code == 302
    assert len(mailoutbox) >= sent


def test_the_captcha_picture_is_served(client, settings):
    settings.BOT_CAPTCHA_AFTER = 1
    sign_in(client, "someone@example.com", "wrong-password", ATTACKER)
    page = client.get(LOGIN_URL, REMOTE_ADDR=ATTACKER).content.decode()
    src = re.search(r'<img[^>]+src="(/captcha/image/[^"]+)"', page)
    assert src, page
    picture = client.get(src[1])
    assert picture.status_code == 200
    assert picture["Content-Type"] == "image/png"
    assert picture.content.startswith(b"\x89PNG")
