"""Every WebSocket route of the site, gathered from the apps that own them."""

from django.urls import path

from dashboards.consumers import OrderConsumer
from project.core.consumers import NotificationConsumer
from support.consumers import SupportConsumer, SupportQueueConsumer

websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
    path("ws/support/<slug:slug>/", SupportConsumer.as_asgi()),
    path("ws/support-queue/", SupportQueueConsumer.as_asgi()),
    path("ws/orders/<str:number>/", OrderConsumer.as_asgi()),
]
