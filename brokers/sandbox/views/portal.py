"""The fintech portal (금융투자 핀테크 포털): sign up, log in, issue virtual accounts, link them
to a fintech service, and see or revoke consents. Plain server-rendered Korean forms.

A fintech service sends people here with ``?service=<client id>`` and, optionally,
``&return_url=<url>``; the return URL is kept for the visit and offered as a "back to the
service" button only when it is registered for that service.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from brokers.sandbox import services
from brokers.sandbox.models import Consent, FintechService, Member, VirtualAccount
from brokers.sandbox.services import PortalError
from brokers.sandbox.virtual import VIRTUAL_BROKERS

SESSION_MEMBER = "sandbox_member"
SESSION_SERVICE = "sandbox_service"
SESSION_RETURN_URL = "sandbox_return_url"


# --- Session ---------------------------------------------------------------------------------


def current_member(request: HttpRequest) -> Member | None:
    member_id = request.session.get(SESSION_MEMBER)
    return Member.objects.filter(pk=member_id).first() if member_id else None


def log_in(request: HttpRequest, member: Member) -> None:
    request.session.cycle_key()
    request.session[SESSION_MEMBER] = member.pk


def _remember_service(request: HttpRequest) -> None:
    """Keep ``service`` and a registered ``return_url`` from the query string for the visit."""
    client_id = request.GET.get("service", "").strip()
    if not client_id:
        return
    service = FintechService.objects.filter(client_id=client_id).first()
    if service is None:
        return
    request.session[SESSION_SERVICE] = service.client_id
    return_url = request.GET.get("return_url", "").strip()
    if return_url and service.allows_return_url(return_url):
        request.session[SESSION_RETURN_URL] = return_url
    else:
        request.session.pop(SESSION_RETURN_URL, None)


def _visiting_service(request: HttpRequest) -> FintechService | None:
    client_id = request.session.get(SESSION_SERVICE)
    return FintechService.objects.filter(client_id=client_id).first() if client_id else None


def _page(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    service = _visiting_service(request)
    return_url = request.session.get(SESSION_RETURN_URL)
    base = {
        "member": current_member(request),
        "visiting_service": service,
        # Checked again here: the registration may have changed since the URL was kept.
        "return_url": (
            return_url if return_url and service and service.allows_return_url(return_url) else None
        ),
    }
    return render(request, f"sandbox/portal/{template}", {**base, **(context or {})}, status=status)


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _remember_service(request)
        member = current_member(request)
        if member is None or member.is_locked:
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('portal-login')}?{query}")
        return view(request, member, *args, **kwargs)

    return wrapper


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # Only paths of the portal itself: never an open redirect.
    return target if target.startswith("/portal/") else reverse("portal-home")


# --- Pages -----------------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    _remember_service(request)
    member = current_member(request)
    context: dict[str, Any] = {}
    if member is not None:
        context["accounts"] = _accounts_with_links(member)
    return _page(request, "home.html", context)


def _accounts_with_links(member: Member) -> list[dict[str, Any]]:
    consents = Consent.objects.valid().filter(member=member).select_related("service")
    by_account: dict[int, list[Consent]] = {}
    for consent in consents:
        by_account.setdefault(consent.account_id, []).append(consent)
    return [
        {
            "account": account,
            "broker": VIRTUAL_BROKERS[account.broker],
            "consents": by_account.get(account.pk, []),
        }
        for account in member.accounts.all()
    ]


def sign_up(request: HttpRequest) -> HttpResponse:
    _remember_service(request)
    if request.method == "POST":
        form = {
            name: request.POST.get(name, "")
            for name in ("kor_name", "birth_date", "phone", "username")
        }
        password = request.POST.get("password", "")
        try:
            if password != request.POST.get("password2", ""):
                raise PortalError("비밀번호가 서로 다릅니다.")
            member = services.member_sign_up(
                kor_name=form["kor_name"],
                birth_date=form["birth_date"],
                phone=form["phone"],
                portal_id=form["username"],
                password=password,
            )
        except PortalError as error:
            return _page(request, "signup.html", {"error": error.message, "form": form}, 400)
        log_in(request, member)
        messages.success(request, f"{member.kor_name}님, 포털 회원가입이 완료되었습니다.")
        return redirect("portal-home")
    return _page(request, "signup.html", {"form": {}})


def login(request: HttpRequest) -> HttpResponse:
    _remember_service(request)
    if request.method == "POST":
        try:
            member = services.member_authenticate(
                portal_id=request.POST.get("username", ""),
                password=request.POST.get("password", ""),
            )
        except PortalError as error:
            context = {"error": error, "username": request.POST.get("username", "")}
            return _page(request, "login.html", {**context, "next": _safe_next(request)}, 401)
        log_in(request, member)
        return HttpResponseRedirect(_safe_next(request))
    return _page(request, "login.html", {"next": _safe_next(request)})


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    # Keep the visiting service across the log-out; drop the member.
    request.session.pop(SESSION_MEMBER, None)
    request.session.cycle_key()
    messages.info(request, "로그아웃했습니다.")
    return redirect("portal-home")


def unlock(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = {
            name: request.POST.get(name, "")
            for name in ("username", "kor_name", "birth_date", "phone")
        }
        try:
            services.member_unlock_verified(
                portal_id=form["username"],
                kor_name=form["kor_name"],
                birth_date=form["birth_date"],
                phone=form["phone"],
                new_password=request.POST.get("password", ""),
            )
        except PortalError as error:
            return _page(request, "unlock.html", {"error": error.message, "form": form}, 400)
        messages.success(request, "잠금을 해제했습니다. 새 비밀번호로 로그인하세요.")
        return redirect("portal-login")
    return _page(request, "unlock.html", {"form": {}})


@member_required
def issue_account(request: HttpRequest, member: Member) -> HttpResponse:
    context = {
        "brokers": list(VIRTUAL_BROKERS.values()),
        "profiles": VirtualAccount.PROFILE_CHOICES,
    }
    if request.method == "POST":
        try:
            account = services.account_issue(
                member=member,
                broker=request.POST.get("broker", ""),
                profile=request.POST.get("profile", "default"),
                nickname=request.POST.get("nickname", ""),
            )
        except (PortalError, ValueError) as error:
            message = error.message if isinstance(error, PortalError) else "데이터 유형을 고르세요."
            return _page(request, "issue.html", {**context, "error": message}, 400)
        broker = VIRTUAL_BROKERS[account.broker]
        messages.success(
            request, f"{broker.kor_name} 가상계좌 {account.vt_acc_no}을(를) 발급했습니다."
        )
        return redirect("portal-home")
    return _page(request, "issue.html", context)


@member_required
def link(request: HttpRequest, member: Member) -> HttpResponse:
    services_list = list(FintechService.objects.order_by("name"))
    selected = _visiting_service(request)
    accounts = list(member.accounts.all())
    context: dict[str, Any] = {
        "services": services_list,
        "selected_service": selected,
        "accounts": [
            {"account": a, "broker": VIRTUAL_BROKERS[a.broker], "field": f"alias_{a.vt_acc_no}"}
            for a in accounts
        ],
    }
    if request.method == "POST":
        service = FintechService.objects.filter(client_id=request.POST.get("service")).first()
        chosen = set(request.POST.getlist("accounts"))
        try:
            if service is None:
                raise PortalError("연결할 서비스를 선택하세요.")
            if request.POST.get("agree") != "yes":
                raise PortalError("금융거래정보 제3자 제공에 동의해야 연결할 수 있습니다.")
            linked = services.consent_link(
                member=member,
                service=service,
                links=[
                    services.LinkRequest(a, request.POST.get(f"alias_{a.vt_acc_no}", ""))
                    for a in accounts
                    if a.vt_acc_no in chosen
                ],
            )
        except PortalError as error:
            return _page(request, "link.html", {**context, "error": error.message}, 400)
        messages.success(request, f"{service.name}에 가상계좌 {len(linked)}개를 연결했습니다.")
        return redirect("portal-consents")
    return _page(request, "link.html", context)


@member_required
def consents(request: HttpRequest, member: Member) -> HttpResponse:
    rows = (
        Consent.objects.filter(member=member)
        .select_related("service", "account")
        .order_by("service__name", "-signed_at")
    )
    return _page(request, "consents.html", {"consents": rows})


@require_POST
@member_required
def unlink(request: HttpRequest, member: Member, consent_id: int) -> HttpResponse:
    consent = get_object_or_404(Consent, pk=consent_id, member=member)
    services.consent_revoke(consents=[consent])
    messages.success(request, f"가상계좌 {consent.account.vt_acc_no}의 연결을 해제했습니다.")
    return redirect("portal-consents")


@require_POST
@member_required
def revoke_service(request: HttpRequest, member: Member) -> HttpResponse:
    service = get_object_or_404(FintechService, client_id=request.POST.get("service", ""))
    count = services.consent_revoke(consents=Consent.objects.filter(member=member, service=service))
    messages.success(request, f"{service.name}에 대한 동의 {count}건을 철회했습니다.")
    return redirect("portal-consents")
