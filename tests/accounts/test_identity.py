from __future__ import annotations

import pytest

from accounts.models import ActivityEvent, Identity
from accounts.services import activity_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

VALID = {"korean_name": "김자산", "birth_date": "1990-03-15", "phone": "010-1234-5678"}


def test_identity_verification_requires_a_verified_email(client):
    user = UserFactory(email="unverified@example.com", verified=False)
    client.force_login(user)

    response = client.get("/me/identity/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/email/"


def test_the_identity_form_rejects_a_latin_name_and_a_landline(client, alice):
    client.force_login(alice)

    response = client.post("/me/identity/", {**VALID, "korean_name": "Kim", "phone": "02-123-4567"})

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"korean_name", "phone"}
    assert not Identity.objects.filter(user=alice).exists()


def test_an_unreachable_provider_gives_a_clear_error_and_stores_nothing(client, alice, settings):
    settings.IDENTITY_SANDBOX_URL = "http://127.0.0.1:9/sandbox/identity/verify"
    client.force_login(alice)

    response = client.post("/me/identity/", VALID)

    assert response.status_code == 200
    assert "본인확인 서비스가 응답하지 않습니다" in response.content.decode()
    assert not Identity.objects.filter(user=alice).exists()
    assert not ActivityEvent.objects.filter(user=alice).exists()


def test_the_activity_page_shows_only_the_signed_in_users_events(client, alice, charlie):
    activity_record(user=alice, kind=ActivityEvent.Kind.CONNECTED, broker="diamond")
    client.force_login(charlie)

    response = client.get("/me/activity/")

    assert response.status_code == 200
    assert list(response.context["events"]) == []
    assert "diamond" not in response.content.decode()


def test_activity_records_where_a_request_came_from(rf, alice):
    request = rf.get("/", HTTP_USER_AGENT="Mozilla/5.0 test", REMOTE_ADDR="203.0.113.7")

    event = activity_record(user=alice, kind=ActivityEvent.Kind.DISCONNECTED, request=request)

    assert event.ip_address == "203.0.113.7"
    assert event.user_agent == "Mozilla/5.0 test"
    assert event.detail == {}
