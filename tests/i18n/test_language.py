"""Choosing the language: the browser's by default, the chooser (POST, CSRF) stores it in
the cookie and on the profile, and the profile's wins at sign-in. Local formats."""

from datetime import datetime

import pytest
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation

from project.accounts.tests.factories import PASSWORD, UserFactory

COOKIE = settings.LANGUAGE_COOKIE_NAME


def test_locale_middleware_sits_between_sessions_and_common():
    middleware = settings.MIDDLEWARE
    locale = middleware.index("project.core.language.LanguageMiddleware")
    assert middleware.index("django.contrib.sessions.middleware.SessionMiddleware") < locale
    assert locale < middleware.index("django.middleware.common.CommonMiddleware")


def test_urls_carry_no_language_prefix():
    with translation.override("vi"):
        assert reverse("core:landing") == "/"
        assert reverse("shop:product_list") == "/shop/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "lang", "home"),
    [("vi-VN,vi;q=0.9,en;q=0.5", "vi", "Trang chủ"), ("ru", "ru", "Главная"), ("de", "en", "Home")],
)
def test_a_new_visitor_reads_their_browsers_language(client, accept, lang, home):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert f'<html lang="{lang}"' in response.text
    assert f">{home}</a>" in response.text
    assert 'name="language"' in response.text  # the chooser is in the header


@pytest.mark.django_db
def test_the_chooser_sets_the_cookie_and_comes_back(client):
    response = client.post(
        reverse("core:language"), {"language": "ru", "next": "/shop/"}, HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert response.status_code == 302 and response["Location"] == "/shop/"
    assert response.cookies[COOKIE].value == "ru"
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="vi")  # the cookie beats the browser
    assert '<html lang="ru"' in page.text


@pytest.mark.django_db
def test_the_chooser_refuses_other_sites_and_unknown_languages(client):
    response = client.post(
        reverse("core:language"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    assert COOKIE not in response.cookies


@pytest.mark.django_db
def test_the_chooser_needs_post_and_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    assert client.get(reverse("core:language")).status_code == 405
    assert client.post(reverse("core:language"), {"language": "vi"}).status_code == 403


@pytest.mark.django_db
def test_a_signed_in_choice_is_kept_on_the_profile(client):
    user = UserFactory(verified=True)
    client.force_login(user)
    client.post(reverse("core:language"), {"language": "vi", "next": "/"})
    user.refresh_from_db()
    assert user.language == "vi"


@pytest.mark.django_db
def test_the_profile_language_wins_at_sign_in(client):
    user = UserFactory(verified=True, language="ru")
    client.cookies[COOKIE] = "en"
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True
    )
    assert client.cookies[COOKIE].value == "ru"
    assert '<html lang="ru"' in response.text


@pytest.mark.django_db
def test_a_first_sign_in_keeps_the_language_on_the_profile(client):
    user = UserFactory(verified=True)
    client.post(
        reverse("account_login"),
        {"login": user.email, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    user.refresh_from_db()
    assert user.language == "vi"


def test_vietnamese_numbers_are_grouped():
    with translation.override("vi"):
        assert intcomma(1234567) == "1.234.567"
        assert Template('{{ n|floatformat:"2g" }}').render(Context({"n": 1234567.5})) == (
            "1.234.567,50"
        )


def test_kazakh_formats_exist():
    with translation.override("kk"):
        assert formats.date_format(datetime(2026, 11, 21), "SHORT_DATE_FORMAT") == "21.11.2026"
        assert formats.number_format(1234567.5, 2, force_grouping=True) == "1\xa0234\xa0567,50"


def test_english_keeps_the_24_hour_clock():
    with translation.override("en"):
        assert formats.time_format(datetime(2026, 11, 21, 19, 45)) == "19:45"
