"""The verification e-mail puts its link on a line of its own: in Korean, allauth's sentence
runs the link into a particle (…/을 클릭하세요), and copying it gave a broken address."""

from __future__ import annotations

import pytest
from django.core import mail

from tests.accounts.test_sign_in import NEW_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "sentence"),
    [("ko", "이메일 주소를 확인하려면 아래 링크를 여세요:"), ("en", "open this link:")],
)
def test_the_verification_link_stands_alone_on_its_line(client, language, sentence):
    client.post(
        "/accounts/signup/",
        {"email": "erin@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    lines = mail.outbox[0].body.splitlines()
    links = [line for line in lines if "/accounts/confirm-email/" in line]
    assert len(links) == 1
    assert links[0].startswith("http://testserver/accounts/confirm-email/")
    assert links[0].endswith("/")
    assert " " not in links[0]
    assert any(sentence in line for line in lines)
