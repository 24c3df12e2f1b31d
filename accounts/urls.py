from django.urls import path

from accounts import views

urlpatterns = [
    path("identity/", views.identity, name="identity"),
    path("activity/", views.activity, name="activity"),
]
