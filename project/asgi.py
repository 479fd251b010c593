"""ASGI entry point: HTTP through Django, WebSockets through Channels.

WebSockets are Origin-checked against ALLOWED_HOSTS (plus WS_ALLOWED_ORIGINS),
authenticated by the browser session or, for other clients, by a token or single-use ticket
(query string or Sec-WebSocket-Protocol), and closed with 1013 while the channel layer is
unavailable (see project/core/websocket.py).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.production")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from project.core.websocket import websocket_stack  # noqa: E402
from project.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": websocket_stack(URLRouter(websocket_urlpatterns)),
    }
)
