"""Site-level pages: the public landing page (the signed-in home is the dashboard's overview,
`portfolio.views.overview.overview`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static


def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "home/landing.html")


def favicon(request: HttpRequest) -> HttpResponse:
    """`/favicon.ico`, which browsers ask for on pages without an icon link (the admin's)."""
    return redirect(static("favicon.svg"), permanent=True)
