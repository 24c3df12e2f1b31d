"""The admin speaks Korean: every section heading of its index is Korean, and allauth's e-mail
addresses are not filed under "계좌" (which means brokerage accounts here)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_every_admin_section_is_named_in_korean(client, django_user_model) -> None:
    root = django_user_model.objects.create_superuser(email="root@example.com", password="x" * 16)
    client.force_login(root)

    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    sections = re.findall(r"<caption>\s*<a[^>]*>(.*?)</a>", html, flags=re.S)
    assert "로그인 이메일 주소" in sections and "2단계 인증" in sections
    assert "계좌" not in sections
    for name in sections:
        assert re.search(r"[가-힣]", name), f"an admin section is not in Korean: {name}"
