"""Pages about the user themself: identity verification and the activity log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedHttpRequest
from accounts.identity import IdentityVerificationError, get_backend
from accounts.selectors import activity_for_user, identity_for_user, user_has_verified_email
from accounts.services import identity_verify


@login_required
@require_http_methods(["GET", "POST"])
def identity(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not user_has_verified_email(request.user):
        messages.warning(request, _("Verify your e-mail address before verifying your identity."))
        return redirect("account_email")
    backend = get_backend()
    existing = identity_for_user(request.user)
    form = backend.form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verified = backend.verify(form.cleaned_data)
            # Refused with IdentityAlreadyHeld when another user holds this CI.
            identity_verify(user=request.user, identity=verified, request=request)
        except IdentityVerificationError as exc:
            form.add_error(None, exc.user_message)
        else:
            messages.success(request, _("Your identity is verified."))
            return redirect("link_status")
    return render(request, "accounts/identity.html", {"form": form, "existing": existing})


@login_required
def activity(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "accounts/activity.html", {"events": activity_for_user(request.user)})
