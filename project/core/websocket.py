"""WebSocket authentication and the Origin check shared by every consumer.

Browsers authenticate with their session cookie. Other clients pass `?token=` (the token on
the profile page, or `manage.py ws_token <email>`); a token that does not match refuses the
handshake instead of silently connecting as anonymous.
"""

from urllib.parse import parse_qs, urlparse

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.security.websocket import OriginValidator, WebsocketDenier
from django.conf import settings


@database_sync_to_async
def _user_from_token(token):
    from project.accounts.tokens import user_from_ws_token

    return user_from_ws_token(token)


class TokenAuthMiddleware:
    """Replaces scope["user"] when the query string carries `token=`."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        query = parse_qs(scope.get("query_string", b"").decode())
        token = (query.get("token") or [None])[0]
        if token is not None:
            user = await _user_from_token(token)
            if user is None:
                # Refuse the handshake: a client sending a bad token must know.
                await send({"type": "websocket.close", "code": 4001})
                return None
            scope = {**scope, "user": user, "auth_method": "token"}
        return await self.inner(scope, receive, send)


class SiteOriginValidator(OriginValidator):
    """Origins must name one of ALLOWED_HOSTS (any port) or WS_ALLOWED_ORIGINS.

    A handshake without an Origin header is allowed only with `?token=`: browsers always
    send the header, and the check exists to stop other sites from using a visitor's
    session. Command-line clients authenticate with a token instead.
    """

    def __init__(self, application):
        super().__init__(application, [])

    async def __call__(self, scope, receive, send):
        origin = dict(scope.get("headers", [])).get(b"origin")
        if origin is None:
            allowed = b"token=" in scope.get("query_string", b"")
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


def websocket_stack(inner):
    return SiteOriginValidator(AuthMiddlewareStack(TokenAuthMiddleware(inner)))
