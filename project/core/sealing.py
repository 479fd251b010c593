"""Encryption at rest for secrets the database must hold (outbox e-mails, TOTP keys).

Fernet with keys derived from SECRET_KEY, one per purpose; SECRET_KEY_FALLBACKS still open
what was sealed before a key rotation. `cryptography` is imported on first use."""

import base64
import hashlib

from django.conf import settings


def _fernet(purpose: str):
    from cryptography.fernet import Fernet, MultiFernet

    def key(secret: str) -> bytes:
        return base64.urlsafe_b64encode(
            hashlib.sha256(f"tessera.{purpose}:{secret}".encode()).digest()
        )

    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(key(secret)) for secret in keys])


def text_seal(text: str, *, purpose: str) -> str:
    return _fernet(purpose).encrypt(text.encode()).decode()


def text_open(token: str, *, purpose: str) -> str:
    return _fernet(purpose).decrypt(token.encode()).decode()
