"""WebSocket credentials for clients that have no browser session.

- The token, `<user id>.<expiry>.<HMAC>`: shown on the profile page and printed by
  `manage.py ws_token`. It lasts WS_TOKEN_MAX_AGE_DAYS, and stops working when it is
  regenerated or when the password or the e-mail address changes (both are inside the
  HMAC), so a password change, a password reset and an e-mail change all rotate it.
  Nothing secret is stored.
- The ticket, `<user id>.<nonce>.<expiry>.<HMAC>`: fetched with a POST over the session
  (CSRF-checked), valid for WS_TICKET_SECONDS and for one handshake. A URL may carry it
  (`?ticket=`): once used or expired it is worthless in a proxy log.

Both may also be sent as a `Sec-WebSocket-Protocol` entry, `tessera.token.<token>` or
`tessera.ticket.<ticket>`, next to the protocol `tessera` (which the server answers with):
proxies do not log that header.
"""

import secrets
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import _new_token_expiry, _new_token_salt

_KEY_SALT = "tessera.accounts.ws_token"
_TICKET_SALT = "tessera.accounts.ws_ticket"


def _digest(user, expires: int) -> str:
    # The password hash and the e-mail address are inside: changing either rotates the token.
    value = f"{user.pk}:{user.ws_token_salt}:{expires}:{user.password}:{user.email.lower()}"
    return salted_hmac(_KEY_SALT, value, algorithm="sha256").hexdigest()


def ws_token_regenerate(*, user) -> str:
    """Issue a new token, valid WS_TOKEN_MAX_AGE_DAYS; every earlier one stops working."""
    user.ws_token_salt = _new_token_salt()
    user.ws_token_expires = _new_token_expiry()
    user.save(update_fields=["ws_token_salt", "ws_token_expires"])
    return _token(user)


def _token(user) -> str:
    stamp = int(user.ws_token_expires.timestamp())
    return f"{user.pk}.{stamp}.{_digest(user, stamp)}"


def ws_token_for(user) -> str:
    """The user's current token, issuing a new one when there is none or it expired."""
    expires = user.ws_token_expires
    if expires is None or expires <= timezone.now():
        return ws_token_regenerate(user=user)
    return _token(user)


def _number(value: str) -> int | None:
    """A plain ASCII number that fits a bigint, or None ("²", "٣" and 10**5000 are not)."""
    if value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def user_from_ws_token(token: str):
    """The active user the token belongs to, or None (unknown, rotated or expired)."""
    user_id, _, rest = (token or "").partition(".")
    stamp, _, digest = rest.partition(".")
    user_id, stamp = _number(user_id), _number(stamp)
    if user_id is None or stamp is None or not digest or stamp <= time.time():
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not constant_time_compare(digest, _digest(user, stamp)):
        return None
    return user


# --- single-use tickets ------------------------------------------------------------------


def _ticket_digest(user_id: int, nonce: str, expires: int) -> str:
    value = f"{user_id}:{nonce}:{expires}"
    return salted_hmac(_TICKET_SALT, value, algorithm="sha256").hexdigest()


def ws_ticket_issue(*, user) -> str:
    """A ticket for one handshake as `user` within WS_TICKET_SECONDS."""
    nonce = secrets.token_hex(12)
    expires = int(time.time()) + settings.WS_TICKET_SECONDS
    return f"{user.pk}.{nonce}.{expires}.{_ticket_digest(user.pk, nonce, expires)}"


def user_from_ws_ticket(ticket: str):
    """The active user of an unused, unexpired ticket (using it), or None."""
    parts = (ticket or "").split(".")
    if len(parts) != 4:
        return None
    user_id, nonce, stamp, digest = _number(parts[0]), parts[1], _number(parts[2]), parts[3]
    if user_id is None or stamp is None:
        return None
    if stamp <= time.time() or not constant_time_compare(
        digest, _ticket_digest(user_id, nonce, stamp)
    ):
        return None
    # Single use: the first handshake claims the nonce until the ticket has expired anyway.
    if not cache.add(f"ws-ticket:{nonce}", 1, timeout=settings.WS_TICKET_SECONDS + 5):
        return None
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()
