"""The fintech portal, driven through its forms: sign up with a verified identity, issue virtual
accounts, link them to a service (and back to it), unlink and revoke; and the identity
verification stand-in. Also: the sandbox's cookies never collide with the app's, and the sandbox
shows up in the app's admin."""

from __future__ import annotations

import base64
import re
import secrets

import pytest
import requests

from brokers.sandbox import identity
from tests.sandbox_server import form_with, forms_of, submit

RETURN_URL = "http://127.0.0.1:8000/link/status/"


def new_person() -> dict[str, str]:
    serial = secrets.randbelow(10**8)
    return {
        "kor_name": "포털" + "가나다라마바사아자차"[serial % 10],
        "birth_date": "19910213",
        "phone": f"010{serial:08d}",
        "username": f"portal{serial:08d}",
        "password": "portal-password-1",
        "password2": "portal-password-1",
    }


def sign_up(sandbox, http: requests.Session, person: dict[str, str], query: str = ""):
    page = http.get(f"{sandbox.url}/portal/signup/{query}", timeout=10)
    return submit(http, page, form_with(page, "kor_name"), person)


def issue(sandbox, http: requests.Session, broker: str, profile: str = "default") -> str:
    page = http.get(f"{sandbox.url}/portal/accounts/issue/", timeout=10)
    answer = submit(http, page, form_with(page, "broker"), {"broker": broker, "profile": profile})
    assert answer.status_code == 302, answer.text
    home = http.get(f"{sandbox.url}/portal/", timeout=10)
    return re.findall(r'data-vt-acc-no="(\d+)"', home.text)[-1]


def link(sandbox, http: requests.Session, accounts: list[str], **extra: str):
    page = http.get(f"{sandbox.url}/portal/link/", timeout=10)
    values = {"accounts": accounts, "service": sandbox.client_id, "agree": "yes", **extra}
    return submit(http, page, form_with(page, "link"), values)


def test_a_new_member_signs_up_issues_links_and_goes_back_to_the_service(sandbox):
    sandbox.register(return_urls=[RETURN_URL])
    http = requests.Session()
    person = new_person()
    query = f"?service={sandbox.client_id}&return_url={RETURN_URL}"
    ci = identity.ci_for(person["kor_name"], person["birth_date"], person["phone"])

    assert sandbox.member_search("register", ci=ci).json() == {"result": "nonMember"}
    assert sign_up(sandbox, http, person, query).status_code == 302
    assert sandbox.member_search("register", ci=ci).json() == {"result": "member"}

    diamond, cyber = issue(sandbox, http, "diamond"), issue(sandbox, http, "cyber", "empty")
    assert sandbox.member_search("consent", ci=ci).json() == {"vtAccList": []}
    answer = link(sandbox, http, [diamond, cyber], **{f"alias_{diamond}": "생활비"})
    consents = http.get(f"{sandbox.url}/portal/consents/", timeout=10)

    assert answer.status_code == 302
    assert f'href="{RETURN_URL}"' in consents.text
    assert "자산 (Jasan) 서비스로 돌아가기" in consents.text
    listed = sandbox.member_search("consent", ci=ci).json()["vtAccList"]
    assert listed == [
        {"comId": " 99001", "vtAccNo": diamond, "vtAccAlias": "생활비"},
        {"comId": " 99002", "vtAccNo": cyber, "vtAccAlias": ""},
    ]


def test_an_unregistered_return_url_is_ignored(sandbox):
    http = requests.Session()
    query = f"?service={sandbox.client_id}&return_url=http://attacker.example/"
    sign_up(sandbox, http, new_person(), query)
    home = http.get(f"{sandbox.url}/portal/", timeout=10)

    assert "attacker.example" not in home.text
    assert 'data-testid="return-link"' not in home.text


def test_linking_needs_the_consent_box_ticked(sandbox):
    http = requests.Session()
    sign_up(sandbox, http, new_person())
    account = issue(sandbox, http, "star")
    answer = link(sandbox, http, [account], agree="")

    assert answer.status_code == 400
    assert "동의해야" in answer.text


def test_unlinking_and_revoking_take_accounts_out_of_consent_search(sandbox):
    http = requests.Session()
    person = new_person()
    sign_up(sandbox, http, person)
    ci = identity.ci_for(person["kor_name"], person["birth_date"], person["phone"])
    first, second = issue(sandbox, http, "diamond"), issue(sandbox, http, "diamond")
    link(sandbox, http, [first, second])
    page = http.get(f"{sandbox.url}/portal/consents/", timeout=10)
    unlink_form = next(form for form in forms_of(page.text) if "unlink" in form.buttons)

    submit(http, page, unlink_form, {"unlink": "1"})
    after_unlink = sandbox.member_search("consent", ci=ci).json()["vtAccList"]
    page = http.get(f"{sandbox.url}/portal/consents/", timeout=10)
    submit(http, page, form_with(page, "revoke"), {"revoke": "1"})

    assert [item["vtAccNo"] for item in after_unlink] == [second]
    assert sandbox.member_search("consent", ci=ci).json() == {"vtAccList": []}


def test_a_person_signs_up_only_once(sandbox):
    http = requests.Session()
    person = new_person()
    sign_up(sandbox, http, person)
    again = sign_up(sandbox, requests.Session(), {**person, "username": person["username"] + "x"})

    assert again.status_code == 400
    assert "이미 가입된 회원" in again.text


def test_pages_behind_the_login_send_strangers_to_the_login_form(sandbox):
    answer = requests.get(f"{sandbox.url}/portal/link/", allow_redirects=False, timeout=10)

    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/portal/login/?next=")


def test_a_locked_member_unlocks_after_verifying_their_identity(sandbox):
    member = sandbox.new_member()
    sandbox.lock_member(member.portal_id)
    http = requests.Session()
    page = http.get(f"{sandbox.url}/portal/unlock/", timeout=10)
    answer = submit(
        http,
        page,
        form_with(page, "kor_name"),
        {
            "username": member.portal_id,
            "kor_name": member.kor_name,
            "birth_date": member.birth_date,
            "phone": member.phone,
            "password": "a-new-password",
        },
    )

    assert answer.status_code == 302
    assert sandbox.tokens_for(member.portal_id, "a-new-password")["access_token"]


def test_the_portal_cookies_are_named_apart_from_the_apps(sandbox):
    http = requests.Session()
    sign_up(sandbox, http, new_person())

    names = {cookie.name for cookie in http.cookies}
    assert names == {"sandbox_sessionid", "sandbox_csrftoken"}


# --- Identity verification stand-in ------------------------------------------------------------


def test_the_ci_is_88_base64_characters_and_the_same_for_the_same_person():
    first = identity.ci_for("김영희", "1985-05-05", "010-2345-6789")
    second = identity.ci_for(" 김영희 ", "19850505", "01023456789")

    assert first == second
    assert len(first) == 88
    assert len(base64.b64decode(first)) == 64
    assert first != identity.ci_for("김영희", "19850506", "01023456789")


def test_the_seed_persona_gets_the_ci_printed_in_the_seed():
    assert identity.ci_for("홍길동", "19800101", "01012345678") == identity.SEED_CI


@pytest.mark.parametrize(
    ("name", "birth", "phone"),
    [
        ("Kim", "19850505", "01023456789"),
        ("김영희", "19851305", "01023456789"),
        ("김영희", "19850505", "12345"),
    ],
)
def test_implausible_identities_are_refused(name, birth, phone):
    with pytest.raises(identity.IdentityError):
        identity.ci_for(name, birth, phone)


def test_the_identity_endpoint_answers_the_ci_of_a_persona(sandbox):
    park = sandbox.personas["park"]
    answer = requests.post(
        f"{sandbox.url}/sandbox/identity/verify",
        json={"korName": park.kor_name, "birthDate": park.birth_date, "phone": "010-4567-8901"},
        timeout=10,
    )
    refused = requests.post(
        f"{sandbox.url}/sandbox/identity/verify",
        json={"korName": "박민지", "birthDate": "1975", "phone": "01045678901"},
        timeout=10,
    )

    assert answer.json() == {
        "ci": park.ci,
        "korName": "박민지",
        "birthDate": "19750707",
        "phone": "01045678901",
    }
    assert refused.status_code == 400
    assert "생년월일" in refused.json()["message"]


def test_seeding_again_restores_the_personas_without_duplicating_them(sandbox):
    sandbox.unlock_member("choi")
    sandbox.restore_personas()
    sandbox.restore_personas()

    assert sandbox.tokens_for("hong")["scope"] == "account"
    assert len(sandbox.member_search("consent", ci=identity.SEED_CI).json()["vtAccList"]) == 4
    assert sandbox.member_search("consent", ci=sandbox.personas["park"].ci).json() == {
        "vtAccList": []
    }
    url = sandbox.authorize_url()
    with pytest.raises(AssertionError, match="portal login refused: 401"):
        sandbox.login_and_consent(url, username="choi")


def test_the_control_door_is_shut_without_its_token(sandbox):
    answer = requests.post(f"{sandbox.url}/sandbox/control/reset", json={}, timeout=10)

    assert answer.status_code == 404


# --- The sandbox in the app's admin --------------------------------------------------------------


@pytest.mark.django_db(databases=["default", "sandbox"])
def test_the_apps_admin_edits_sandbox_faults_in_the_sandbox_database(admin_client):
    from brokers.sandbox.models import Fault

    added = admin_client.post(
        "/admin/sandbox/fault/add/",
        {"kind": "3600", "broker": "cyber", "vt_acc_no": "", "api": "", "delay_ms": "0"},
    )
    listed = admin_client.get("/admin/sandbox/fault/")

    assert added.status_code == 302
    assert Fault.objects.using("sandbox").get().kind == "3600"
    assert "3600" in listed.content.decode()
