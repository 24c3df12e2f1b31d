"""The activity log speaks Korean: stored codes are shown as words, never as codes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import ActivityEvent

pytestmark = pytest.mark.django_db


def test_the_activity_log_shows_codes_as_korean_words(client, alice) -> None:
    kinds = ActivityEvent.Kind
    ActivityEvent.objects.create(
        user=alice, kind=kinds.MEMBERSHIP_CHECKED, detail={"result": "non-member"}
    )
    ActivityEvent.objects.create(user=alice, kind=kinds.DISCONNECTED, detail={"data": "kept"})
    ActivityEvent.objects.create(
        user=alice,
        kind=kinds.CONSENT_EXPIRING,
        detail={"notice": "consent_expiring", "due": "2026-12-08"},
    )
    client.force_login(alice)

    html = client.get(reverse("activity"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    assert "포털 회원 아님" in html
    assert "동기화된 데이터 보관" in html
    assert "동의가 곧 끝남" in html and "2026. 12. 8." in html
    for code in ("non-member", "kept", "consent_expiring", "2026-12-08"):
        assert f">{code}<" not in html and f"{code}," not in html
