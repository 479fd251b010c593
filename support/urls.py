from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("", views.support_home, name="home"),
    path("queue/", views.queue, name="queue"),
    path("order/<str:number>/", views.order_room, name="order_room"),
    path("<slug:slug>/", views.room_detail, name="room"),
    path("<slug:slug>/take/", views.room_take, name="take"),
    path("<slug:slug>/handoff/", views.room_handoff, name="handoff"),
    path("<slug:slug>/close/", views.room_close, name="close"),
]
