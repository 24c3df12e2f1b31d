"""The request a view sees once `login_required` (or the staff check) has let it through."""

from __future__ import annotations

from django.http import HttpRequest

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request whose user is signed in: `request.user` is a `User`, never anonymous.

    Only for annotations: Django builds the request; the login decorators make this true.
    """

    user: User
