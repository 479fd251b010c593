"""Creating, revoking and reading API tokens."""

from __future__ import annotations

import hmac
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from project.core.audit import audit_log
from project.core.errors import AppError

from .models import TOKEN_PREFIX, ApiToken, token_hash
from .scopes import SCOPES

TOKENS_PER_USER = 20
LAST_USED_PRECISION = timedelta(minutes=1)  # write `last_used_at` at most once a minute


class TokenError(AppError):
    code = "token_invalid"


@transaction.atomic
def api_token_create(*, user, name: str, scopes, expires_at=None) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it and the raw value, which is never stored."""
    scopes = sorted(set(scopes))
    if not scopes or not set(scopes) <= SCOPES:
        raise TokenError(_("Choose at least one scope."))
    if expires_at is not None and expires_at <= timezone.now():
        raise TokenError(_("The expiry date must be in the future."))
    # Serialise a user's creations so the cap holds under concurrent requests.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.usable().filter(user=user).count() >= TOKENS_PER_USER:
        raise TokenError(
            _("You have %(count)s tokens already: revoke one first.") % {"count": TOKENS_PER_USER}
        )
    raw, lookup = ApiToken.raw_make()
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:80] or _("API token"),
        lookup=lookup,
        key_hash=token_hash(raw),
        scopes=scopes,
        expires_at=expires_at,
    )
    audit_log(actor=user, action="api_token.create", obj=token, data={"scopes": scopes})
    return token, raw


def api_token_revoke(*, user, token_id: int) -> ApiToken | None:
    """Revoke one of `user`'s tokens; None when it is not theirs (the view answers 404)."""
    token = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).first()
    if token is None:
        return None
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_log(actor=user, action="api_token.revoke", obj=token)
    return token


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The usable token `raw` names, or None. Compares hashes in constant time."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 120:
        return None
    lookup = raw[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 12]
    token = ApiToken.objects.usable().select_related("user").filter(lookup=lookup).first()
    if token is None or not hmac.compare_digest(token.key_hash, token_hash(raw)):
        return None
    if not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
