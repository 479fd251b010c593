"""Which language a person reads, and which CLDR locale formats their money.

- A visitor's language is the cookie the chooser sets (`language_set`, POST /language/), else
  their browser's Accept-Language, else LANGUAGE_CODE (Django's LocaleMiddleware).
- A signed-in user's choice is also kept on their profile (`User.language`); at sign-in the
  profile's language wins and is written to the cookie. A user with none yet gets the
  language they signed in with.
- E-mails are written in the recipient's language, not the request's: see
  `project.core.mail.recipient_language` / `in_recipient_language`.
- Money: `babel_locale()` maps the active language and SITE_COUNTRY to a CLDR locale
  (ru + KZ -> ru_KZ, vi + VN -> vi_VN); `shop.templatetags.money.money_format` uses it.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST


def language_supported(code: str | None) -> str:
    """`code` if it is one of LANGUAGES (a region is dropped: "ru-RU" -> "ru"), else ""."""
    if not code:
        return ""
    codes = {language for language, _name in settings.LANGUAGES}
    code = code.lower()
    if code in codes:
        return code
    base = code.split("-")[0].split("_")[0]
    return base if base in codes else ""


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (cookie, then Accept-Language; URL paths carry no prefix),
    which also writes the language cookie when the request chose a language: the chooser,
    or signing in with a profile language."""

    def process_response(self, request, response):
        response = super().process_response(request, response)
        chosen = getattr(request, "language_chosen", "")
        if chosen:
            language_cookie_set(response, chosen)
        return response


def language_cookie_set(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _activate(request, language: str) -> None:
    translation.activate(language)
    request.LANGUAGE_CODE = language
    request.language_chosen = language


@require_POST
def language_set(request):
    """POST /language/ (`language`, `next`): switch the language, remember it in the cookie
    and, for a signed-in user, on the profile; then back to `next` (this site only)."""
    language = language_supported(request.POST.get("language"))
    target = request.POST.get("next") or request.headers.get("referer") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if language:
        _activate(request, language)
        user = request.user
        if user.is_authenticated and user.language != language:
            user.language = language
            user.save(update_fields=["language"])
    return response


@receiver(user_logged_in, dispatch_uid="core.language.sign_in")
def _language_at_sign_in(sender, request, user, **kwargs) -> None:
    """The profile's language wins at sign-in; a profile without one keeps the language
    the user signed in with (so their e-mails are in it)."""
    if request is None or not hasattr(user, "language"):
        return
    profile_language = language_supported(user.language)
    if profile_language:
        _activate(request, profile_language)
        return
    current = language_supported(translation.get_language())
    if current:
        user.language = current
        user.save(update_fields=["language"])


# --- money locale ------------------------------------------------------------------------


def babel_locale(language: str | None = None, country: str | None = None) -> str:
    """The CLDR locale money is formatted in: the language's variant for the site's country
    where CLDR has one (ru + KZ -> "ru_KZ", vi + VN -> "vi_VN", en + US -> "en_US"), else the
    country's own locale, so figures read as they do there (en + VN -> "vi_VN": CLDR has no
    English for Vietnam, and "₫1,250,000" is not how prices are written in Vietnam)."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    country = (country or settings.SITE_COUNTRY or "").upper()
    return _babel_locale(language.lower(), country)


@lru_cache(maxsize=64)
def _babel_locale(language: str, country: str) -> str:
    from babel import localedata
    from babel.languages import get_official_languages

    base = language.split("-")[0].split("_")[0]
    if country:
        candidates = [f"{base}_{country}"]
        candidates += [f"{official}_{country}" for official in get_official_languages(country)]
        for candidate in candidates:
            if localedata.exists(candidate):
                return candidate
    return base if localedata.exists(base) else "en"


def active_language() -> str:
    """The language of the current request (or of a `translation.override`), one of
    LANGUAGES; a model field default for "the language this was made in" (Order.language)."""
    return language_supported(translation.get_language()) or settings.LANGUAGE_CODE
