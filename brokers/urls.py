from django.urls import path

from brokers import views

urlpatterns = [
    path("", views.link_status, name="link_status"),
    path("check/", views.check_again, name="link_check"),
    path("connect/", views.connect, name="link_connect"),
    path("callback/", views.callback, name="link_callback"),
    path("disconnect/", views.disconnect, name="link_disconnect"),
]
