"""Which payment providers exist and which are switched on."""

from django.utils.translation import gettext as _

from .base import PaymentError, Provider
from .mock import MockProvider
from .vnpay import VnpayProvider

_providers: dict[str, Provider] = {p.code: p for p in (MockProvider(), VnpayProvider())}


def available_providers() -> list[tuple[str, str]]:
    """(code, label) of every enabled provider, in display order."""
    return [(p.code, p.label) for p in _providers.values() if p.is_enabled()]


def provider_for(code: str, *, enabled_only: bool = True) -> Provider:
    """The provider called `code`. Raises PaymentError when it is unknown or switched
    off (refunds of earlier payments pass `enabled_only=False`)."""
    provider = _providers.get(code)
    if provider is None or (enabled_only and not provider.is_enabled()):
        raise PaymentError(_("This payment method is not available."))
    return provider
