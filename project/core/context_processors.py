from django.conf import settings


def site(request):
    return {
        "SITE_NAME": "Tessera",
        "DEV_OUTBOX_ENABLED": settings.DEV_OUTBOX_ENABLED,
        "GOOGLE_LOGIN_ENABLED": bool(settings.SOCIALACCOUNT_PROVIDERS.get("google")),
    }
