"""Roles: the groups the migration makes, `grant_role`, and who reaches what."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.roles import roles_sync
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _codenames(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


def test_the_migration_made_both_groups_and_support_may_only_use_the_console():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Support", "Admin"}
    assert _codenames("Support") == {"accounts.use_support_console"}


def test_admins_edit_the_registry_but_only_look_at_connections_accounts_runs_and_logs():
    roles_sync()
    admin_perms = _codenames("Admin")

    assert {
        "accounts.use_support_console",
        "accounts.view_service_overview",
        "accounts.change_user",
        "accounts.view_supportaudit",
        "brokers.change_broker",
        "brokers.add_broker",
        "brokers.view_connection",
        "brokers.view_linkedaccount",
        "brokers.view_syncrun",
        "brokers.change_syncrun",
        "django_celery_beat.change_periodictask",
        "sandbox.change_fault",
    } <= admin_perms
    assert (
        not {
            "brokers.change_connection",
            "brokers.change_linkedaccount",
            "brokers.delete_syncrun",
            "accounts.change_identity",
            "accounts.change_supportaudit",
            "accounts.delete_supportaudit",
            "accounts.delete_user",
        }
        & admin_perms
    )


def test_grant_role_makes_a_user_support_staff_and_a_second_run_changes_nothing():
    user = UserFactory(email="desk@jasan.example")
    first, second = StringIO(), StringIO()

    call_command("grant_role", "Desk@Jasan.example", "support", stdout=first)
    call_command("grant_role", "desk@jasan.example", "support", stdout=second)

    user.refresh_from_db()
    assert list(user.groups.values_list("name", flat=True)) == ["Support"]
    assert (user.is_staff, user.is_superuser) == (True, False)
    assert user.has_perm("accounts.use_support_console")
    assert not user.has_perm("accounts.view_service_overview")
    assert "role Support granted" in first.getvalue()
    assert "role Support already held" in second.getvalue()


def test_grant_role_gives_an_admin_django_admin_and_the_overview():
    user = UserFactory(email="ops@jasan.example")

    call_command("grant_role", user.email, "admin", stdout=StringIO())

    user = type(user).objects.get(pk=user.pk)
    assert user.is_staff
    assert user.has_perm("accounts.view_service_overview")
    assert user.has_perm("brokers.change_broker")


def test_grant_role_refuses_an_unknown_address_and_an_unknown_role():
    with pytest.raises(CommandError, match="No user"):
        call_command("grant_role", "nobody@example.com", "support", stdout=StringIO())
    UserFactory(email="someone@example.com")
    with pytest.raises(CommandError):
        call_command("grant_role", "someone@example.com", "superuser", stdout=StringIO())


def test_support_staff_get_403_on_every_admin_model_page_and_see_no_model(support_client):
    index = support_client.get(reverse("admin:index"))

    assert index.status_code == 200
    assert index.context["app_list"] == []
    assert "/support/" in index.content.decode()  # the one place they may go
    for model in admin.site._registry:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert support_client.get(url).status_code == 403, url
        add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        assert support_client.get(add).status_code == 403, add


def test_support_staff_cannot_open_the_service_overview(support_client):
    assert support_client.get(reverse("service_overview")).status_code == 403


def test_a_plain_user_gets_403_from_the_console_and_its_actions(client, alice, bob):
    client.force_login(alice)

    assert client.get(reverse("support_console")).status_code == 403
    assert client.get(reverse("support_console"), {"q": bob.email}).status_code == 403
    assert client.get(reverse("support_user", args=[bob.pk])).status_code == 403
    assert client.post(reverse("support_recheck", args=[bob.pk])).status_code == 403
    assert client.get(reverse("service_overview")).status_code == 403


def test_a_signed_out_visitor_is_sent_to_sign_in(client, bob):
    response = client.get(reverse("support_user", args=[bob.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_admin_who_is_not_a_superuser_cannot_make_anyone_staff_or_a_superuser(
    admin_staff_client, service_admin, bob
):
    url = reverse("admin:accounts_user_change", args=[bob.pk])
    page = admin_staff_client.get(url)

    assert page.status_code == 200
    html = page.content.decode()
    for field in ("is_superuser", "is_staff", "groups", "user_permissions"):
        assert f'name="{field}"' not in html, field
    assert 'name="email"' in html


def test_support_staff_find_the_console_in_the_navigation_and_users_do_not(
    client, support_staff, alice
):
    client.force_login(support_staff)
    html = client.get(reverse("link_status")).content.decode()
    assert '<a href="/support/" data-nav-support>' in html
    assert ">고객지원<" in html

    client.force_login(alice)
    assert "data-nav-support" not in client.get(reverse("link_status")).content.decode()


def test_support_staff_at_the_admin_get_a_korean_page_naming_their_role(support_client):
    index = support_client.get(reverse("admin:index"))
    model_page = support_client.get(reverse("admin:accounts_user_changelist"))

    assert "관리 화면은 관리자 역할 전용입니다" in index.content.decode()
    assert "You don't have permission" not in index.content.decode()
    assert model_page.status_code == 403
    html = model_page.content.decode()
    assert "이 페이지를 열려면 고객지원 역할이 필요합니다" in html
    assert 'href="/support/"' in html


def test_a_plain_user_at_the_admin_or_the_console_gets_the_korean_role_page(client, alice):
    client.force_login(alice)

    for url in ("/admin/", reverse("support_console")):
        response = client.get(url, follow=True)
        assert response.status_code == 403, url
        html = response.content.decode()
        assert "이 페이지를 열려면 고객지원 역할이 필요합니다" in html, url
        assert 'href="/support/"' not in html
