"""WebSocket tokens for clients that have no browser session.

A token is `<user id>.<HMAC of the id and the user's salt>`: nothing secret is stored, and
regenerating the salt invalidates every earlier token.
"""

from django.contrib.auth import get_user_model
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import _new_token_salt

_KEY_SALT = "tessera.accounts.ws_token"


def _digest(user) -> str:
    return salted_hmac(_KEY_SALT, f"{user.pk}:{user.ws_token_salt}", algorithm="sha256").hexdigest()


def ws_token_for(user) -> str:
    return f"{user.pk}.{_digest(user)}"


def ws_token_regenerate(*, user) -> str:
    user.ws_token_salt = _new_token_salt()
    user.save(update_fields=["ws_token_salt"])
    return ws_token_for(user)


def user_from_ws_token(token: str):
    """The active user the token belongs to, or None."""
    user_id, _, digest = (token or "").partition(".")
    if not user_id.isdigit() or not digest:
        return None
    user = get_user_model().objects.filter(pk=int(user_id), is_active=True).first()
    if user is None or not constant_time_compare(digest, _digest(user)):
        return None
    return user
