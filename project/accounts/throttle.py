"""Bot protection for sign-in, sign-up and password reset.

Attempts are counted in the cache per client address, and for sign-in per account *and*
address together, never per account alone: an account-wide lock-out lets anyone lock the
owner out (five wrong passwords used to shut the account for five minutes, the right
password included). So:

- sign-in: after BOT_FREE_ATTEMPTS failures for one account from one address, that
  address waits before its next try, twice as long after each further failure (up to
  BOT_MAX_DELAY_SECONDS). The owner, from another address, signs in as usual.
- every action: after BOT_CAPTCHA_AFTER failed sign-ins (any account) or sign-up and
  reset requests from one address within BOT_WINDOW_SECONDS, its forms need a CAPTCHA.

Counts are read and written without a lock: a burst of parallel tries can be counted a
little low, which only delays the CAPTCHA by a try or two.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

LOGIN = "login"
SIGNUP = "signup"
RESET = "reset"


def client_address(request) -> str:
    from allauth.account.adapter import get_adapter

    return get_adapter().get_client_ip(request) if request is not None else ""


def _key(action: str, request, account: str = "") -> str:
    account_hash = hashlib.sha256(account.strip().lower().encode()).hexdigest()[:24]
    return f"bot:{action}:{client_address(request)}:{account_hash if account else '-'}"


def _read(key: str) -> tuple[int, float]:
    count, last = cache.get(key) or (0, 0.0)
    return count, last


def attempt_record(*, action: str, request, account: str = "") -> None:
    """Count one failed sign-in (with `account`) or one sign-up / reset request."""
    keys = {_key(action, request)}
    if account:
        keys.add(_key(action, request, account))
    now = time.time()
    for key in keys:
        count, _ = _read(key)
        cache.set(key, (count + 1, now), settings.BOT_WINDOW_SECONDS)


def attempts_clear(*, action: str, request, account: str) -> None:
    """A successful sign-in forgets that account's failures from this address."""
    cache.delete(_key(action, request, account))


def wait_seconds(*, action: str, request, account: str) -> int:
    """How long this address must still wait before trying `account` again (0: go)."""
    count, last = _read(_key(action, request, account))
    free = settings.BOT_FREE_ATTEMPTS
    if count < free:
        return 0
    delay = min(2 ** (count - free + 1), settings.BOT_MAX_DELAY_SECONDS)
    return max(0, int(last + delay - time.time() + 0.999))


def captcha_required(*, action: str, request) -> bool:
    """Whether this address has failed (or asked) often enough to need a CAPTCHA."""
    if request is None:
        return False
    count, _ = _read(_key(action, request))
    return count >= settings.BOT_CAPTCHA_AFTER
