"""Site-level pages: the public landing page and the signed-in home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "home/landing.html")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home/home.html")
