"""What every WebSocket shares: the Origin check, authentication, outage handling and the
decoding of incoming frames.

Browsers authenticate with their session cookie. Other clients send the token from the
profile page (or `manage.py ws_token <email>`), or a single-use ticket, in the query string
(`?token=`, `?ticket=`) or in Sec-WebSocket-Protocol (see `project.accounts.tokens`); a
credential that does not match refuses the handshake instead of silently connecting as
anonymous.

While Redis is down or hung, Channels fails before any consumer code runs (it subscribes
the socket's channel in `new_channel()`): `OutageCloseMiddleware` turns that into an
accepted handshake closed with 1013 (try again later), which clients retry, instead of an
HTTP 500.
"""

import json
import logging
from urllib.parse import parse_qs, urlparse

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.security.websocket import OriginValidator, WebsocketDenier
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from .layers import OUTAGE_ERRORS

logger = logging.getLogger("tessera.websocket")

CLOSE_TRY_AGAIN = 1013
CLOSE_TOO_BIG = 1009


PROTOCOL = "tessera"
_PROTOCOL_PREFIXES = {"token": "tessera.token.", "ticket": "tessera.ticket."}


def _credential(scope) -> tuple[str, str] | None:
    """("token" | "ticket", value) from the query string or Sec-WebSocket-Protocol."""
    query = parse_qs(scope.get("query_string", b"").decode("latin1"))
    for kind in ("token", "ticket"):
        if kind in query:
            return kind, query[kind][0]
    for offered in scope.get("subprotocols") or []:
        for kind, prefix in _PROTOCOL_PREFIXES.items():
            if offered.startswith(prefix):
                return kind, offered[len(prefix) :]
    return None


@database_sync_to_async
def _user_from_credential(kind, value):
    from project.accounts.tokens import user_from_ws_ticket, user_from_ws_token

    return user_from_ws_token(value) if kind == "token" else user_from_ws_ticket(value)


class TokenAuthMiddleware:
    """Replaces scope["user"] when the handshake carries a token or a ticket.

    A client that offers the `tessera` subprotocol (as it must to send a credential in
    Sec-WebSocket-Protocol from a browser) gets it back in the accept."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        credential = _credential(scope)
        if credential is not None:
            user = await _user_from_credential(*credential)
            if user is None:
                # Refuse the handshake: a client sending a bad credential must know.
                await send({"type": "websocket.close", "code": 4001})
                return None
            scope = {**scope, "user": user, "auth_method": credential[0]}
        if PROTOCOL in (scope.get("subprotocols") or []):
            inner_send = send

            async def send(message):
                if message["type"] == "websocket.accept" and not message.get("subprotocol"):
                    message = {**message, "subprotocol": PROTOCOL}
                await inner_send(message)

        return await self.inner(scope, receive, send)


class SiteOriginValidator(OriginValidator):
    """Origins must name one of ALLOWED_HOSTS (any port) or WS_ALLOWED_ORIGINS.

    A handshake without an Origin header is allowed only with a token or ticket: browsers
    always send the header, and the check exists to stop other sites from using a
    visitor's session. Command-line clients authenticate with a token instead.
    """

    def __init__(self, application):
        super().__init__(application, [])

    async def __call__(self, scope, receive, send):
        origin = dict(scope.get("headers", [])).get(b"origin")
        if origin is None:
            allowed = _credential(scope) is not None
        else:
            try:
                parsed = urlparse(origin.decode("latin1"))
            except UnicodeDecodeError:
                parsed = None
            patterns = [*settings.ALLOWED_HOSTS, *settings.WS_ALLOWED_ORIGINS]
            allowed = parsed is not None and any(
                pattern == "*" or self.match_allowed_origin(parsed, pattern) for pattern in patterns
            )
        if allowed:
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)


class OutageCloseMiddleware:
    """Close with 1013 when the channel layer (Redis) fails, before or after the accept."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.inner(scope, receive, send)
        state = {"connect_received": False, "accepted": False, "closed": False}

        async def tracking_receive():
            message = await receive()
            if message["type"] == "websocket.connect":
                state["connect_received"] = True
            return message

        async def tracking_send(message):
            if message["type"] == "websocket.accept":
                state["accepted"] = True
            elif message["type"] == "websocket.close":
                state["closed"] = True
            await send(message)

        try:
            return await self.inner(scope, tracking_receive, tracking_send)
        except OUTAGE_ERRORS:
            logger.warning("websocket closed: channel layer unavailable", exc_info=True)
            if state["closed"]:
                return None
            if not state["connect_received"]:
                await receive()
            # A close before the accept is an HTTP 403 without a code: accept, then close.
            if not state["accepted"]:
                await send({"type": "websocket.accept"})
            await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN})
            return None


class HandshakeGuardMiddleware:
    """Refuses, before any consumer runs, a handshake whose path or query carries NUL
    (PostgreSQL text cannot hold it, so a lookup would raise) and, with
    MFA_REQUIRED_FOR_STAFF on, one from an account whose role needs TOTP but that has not
    set it up: the same rule `MfaRequiredMiddleware` applies to pages."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        query = scope.get("query_string", b"").lower()
        if "\x00" in scope.get("path", "") or b"\x00" in query or b"%00" in query:
            await send({"type": "websocket.close", "code": CLOSE_BAD_HANDSHAKE})
            return None
        if settings.MFA_REQUIRED_FOR_STAFF and await _mfa_missing(scope.get("user")):
            await send({"type": "websocket.close", "code": CLOSE_MFA_REQUIRED})
            return None
        return await self.inner(scope, receive, send)


CLOSE_BAD_HANDSHAKE = 4400
CLOSE_MFA_REQUIRED = 4003


@database_sync_to_async
def _mfa_missing(user) -> bool:
    from project.accounts.mfa import mfa_has_totp, mfa_required

    return user is not None and mfa_required(user) and not mfa_has_totp(user)


def scope_language(scope) -> str:
    """The language a page would be rendered in for this handshake: Django's rule (the
    language cookie, then Accept-Language, then LANGUAGE_CODE) over the socket's scope."""
    request = HttpRequest()
    request.COOKIES = scope.get("cookies") or {}
    accept = dict(scope.get("headers") or []).get(b"accept-language")
    if accept:
        request.META["HTTP_ACCEPT_LANGUAGE"] = accept.decode("latin1")
    return translation.get_language_from_request(request)


def websocket_stack(inner):
    return OutageCloseMiddleware(
        SiteOriginValidator(
            AuthMiddlewareStack(TokenAuthMiddleware(HandshakeGuardMiddleware(inner)))
        )
    )


# --- incoming frames ---------------------------------------------------------------------


class FrameError(ValueError):
    """A frame the consumer cannot use; the text is sent back to the client as is."""


class FrameTooLarge(FrameError):
    pass


FRAME_HINT = 'Send one JSON object per text frame, like {"message": "Hello"}.'
_MAX_DEPTH = 16


def _check_values(content) -> None:
    """No NUL characters, no lone surrogates, at most _MAX_DEPTH levels (iteratively)."""
    stack = [(content, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > _MAX_DEPTH:
            raise FrameError(f"JSON nested deeper than {_MAX_DEPTH} levels is not accepted.")
        if isinstance(value, dict):
            stack.extend((key, depth) for key in value)
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            if "\x00" in value:
                raise FrameError("Text may not contain NUL characters.")
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise FrameError("Text must be valid Unicode (no lone surrogates).") from None


def _check_size(text_data, bytes_data) -> None:
    if len(text_data if text_data is not None else bytes_data or b"") > settings.WS_MAX_FRAME_CHARS:
        raise FrameTooLarge("Frame too large.")


def frame_decode(*, text_data=None, bytes_data=None) -> dict:
    """The JSON object a client sent, or FrameError with a message for the client.

    Binary frames, non-JSON, deep nesting, NUL characters and lone surrogates are refused;
    a frame over WS_MAX_FRAME_CHARS raises FrameTooLarge (the socket closes with 1009)."""
    _check_size(text_data, bytes_data)
    if text_data is None:
        raise FrameError(f"Binary frames are not accepted. {FRAME_HINT}")
    try:
        content = json.loads(text_data)
    except (ValueError, RecursionError):
        raise FrameError(f"That was not JSON. {FRAME_HINT}") from None
    if not isinstance(content, dict):
        raise FrameError(FRAME_HINT)
    _check_values(content)
    return content


class JsonFramesMixin:
    """For AsyncJsonWebsocketConsumer subclasses: every frame goes through `frame_decode`.

    A bad frame gets `{"type": "error", "message": ...}` and the socket stays open; an
    oversized one closes the socket with 1009 (message too big). `receive_json` only ever
    sees a checked JSON object. A socket that only sends sets `receive_only` to the error
    every frame gets (nothing is parsed)."""

    receive_only: str | None = None

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            if self.receive_only is not None:
                _check_size(text_data, bytes_data)
                raise FrameError(self.receive_only)
            content = frame_decode(text_data=text_data, bytes_data=bytes_data)
        except FrameTooLarge:
            await self.send_json(
                {
                    "type": "error",
                    "message": f"Frames are at most {settings.WS_MAX_FRAME_CHARS} characters.",
                }
            )
            await self.close(code=CLOSE_TOO_BIG)
            return
        except FrameError as exc:
            await self.send_json({"type": "error", "message": str(exc)})
            return
        await self.receive_json(content, **kwargs)
