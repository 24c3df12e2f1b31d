"""Django admin is reached only through allauth's sign-in (second factor, rate limits), and the
Admin role cannot take over a superuser or another staff member."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import ADMIN, SUPPORT
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "an-admins-chosen-password-77"
THROTTLED = "너무 많은 로그인 실패가 감지되었습니다"


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _throttled(response) -> bool:
    """allauth answers a throttled sign-in with its form and this error (200, not 429)."""
    return response.status_code == 200 and THROTTLED in response.content.decode()


def test_the_admin_login_form_sends_people_to_allauths_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=%2Fadmin%2F" in response["Location"]


def test_a_password_posted_to_the_admin_login_signs_nobody_in(client, support_staff):
    response = client.post("/admin/login/", {"username": support_staff.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not _signed_in(client)
    assert client.get("/admin/").status_code == 302
    assert client.get(reverse("support_console")).status_code == 302


def test_staff_with_totp_get_no_admin_session_with_the_password_alone(client, service_admin):
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    TOTP.activate(service_admin, secret)

    response = client.post(
        "/accounts/login/?next=/admin/",
        {"login": service_admin.email, "password": PASSWORD},
    )

    assert response["Location"] == reverse("mfa_authenticate")
    assert not _signed_in(client)
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/accounts/user/").status_code == 302
    assert client.get(reverse("support_console")).status_code == 302

    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert _signed_in(client)
    assert Authenticator.objects.filter(user=service_admin).exists()
    assert client.get("/admin/").status_code == 200


def test_twenty_wrong_admin_passwords_lock_the_path_until_the_cool_off_ends(client, service_admin):
    login = client.get("/admin/", follow=True).redirect_chain[-1][0]
    assert login.startswith(reverse("account_login"))
    answers = [
        client.post(login, {"login": service_admin.email, "password": f"wrong-{n}"})
        for n in range(20)
    ]

    assert [_throttled(answer) for answer in answers] == [False] * 5 + [True] * 15
    right = client.post(login, {"login": service_admin.email, "password": PASSWORD})
    assert _throttled(right)
    assert not _signed_in(client)

    # allauth's throttle is a window, not a lock: after it the right password works again.
    with time_machine.travel(dt.timedelta(minutes=6)):
        right = client.post(login, {"login": service_admin.email, "password": PASSWORD})
        assert right.status_code == 302
        assert right["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@jasan.example", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("target", ["superuser", "support_staff"])
def test_the_admin_role_cannot_set_a_superusers_or_staff_members_password(
    request, admin_staff_client, target
):
    user = request.getfixturevalue(target)
    url = reverse("admin:auth_user_password_change", args=[user.pk])

    assert admin_staff_client.get(url).status_code == 403
    response = admin_staff_client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 403
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not user.check_password(NEW_PASSWORD)


@pytest.mark.parametrize("target", ["superuser", "support_staff"])
def test_the_admin_role_cannot_change_a_superusers_or_staff_members_groups_or_flags(
    request, admin_staff_client, target
):
    user = request.getfixturevalue(target)
    groups_before = set(user.groups.values_list("name", flat=True))
    url = reverse("admin:accounts_user_change", args=[user.pk])

    response = admin_staff_client.post(
        url,
        {
            "email": "taken-over@example.com",
            "is_active": "",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [Group.objects.get(name=ADMIN).pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )

    assert response.status_code == 403
    user.refresh_from_db()
    assert user.email != "taken-over@example.com"
    assert user.is_active
    assert set(user.groups.values_list("name", flat=True)) == groups_before


def test_the_admin_role_cannot_make_a_plain_user_staff_or_give_a_role(admin_staff_client, bob):
    url = reverse("admin:accounts_user_change", args=[bob.pk])

    response = admin_staff_client.post(
        url,
        {
            "email": bob.email,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [Group.objects.get(name=SUPPORT).pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )

    assert response.status_code == 302  # the allowed fields were saved; the others ignored
    bob.refresh_from_db()
    assert (bob.is_staff, bob.is_superuser) == (False, False)
    assert not bob.groups.exists()


def test_the_admin_role_cannot_repoint_a_superusers_e_mail_address(admin_staff_client, superuser):
    address = EmailAddress.objects.get(user=superuser)
    url = reverse("admin:account_emailaddress_change", args=[address.pk])

    response = admin_staff_client.post(
        url, {"email": "mine@example.com", "user": superuser.pk, "verified": "on", "primary": "on"}
    )

    assert response.status_code == 403
    address.refresh_from_db()
    assert address.email == "root@jasan.example"


def test_a_superuser_manages_staff(client, superuser, support_staff):
    client.force_login(superuser)
    url = reverse("admin:auth_user_password_change", args=[support_staff.pk])

    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    support_staff.refresh_from_db()
    assert support_staff.check_password(NEW_PASSWORD)


def test_the_admin_password_change_is_allauths_throttled_one(admin_staff_client):
    response = admin_staff_client.get("/admin/password_change/")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_change_password")
