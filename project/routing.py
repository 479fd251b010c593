"""Every WebSocket route of the site, gathered from the apps that own them."""

from django.urls import path

from project.core.consumers import NotificationConsumer

websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
]
