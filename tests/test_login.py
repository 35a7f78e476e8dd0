"""Signing in and out: Chinese messages, the landing page by role, lockout after five wrong passwords."""

import pytest
from django.urls import reverse

from diagnosis.demo_accounts import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, username, password=DEMO_PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.parametrize(
    ("username", "landing"),
    [
        ("secretariat", None),
        ("viewer", None),
        ("admin", None),
        ("tianmu", "/units/shilin-tianmu/"),
        ("investigation", "/units/shilin-investigation/"),
    ],
)
def test_it_lands_each_role_where_its_work_is(client, username, landing):
    response = sign_in(client, username)
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/")
    if landing is None:  # staff and viewers: the plan dashboard itself
        assert home.status_code == 200 and "進度總覽" in home.content.decode()
    else:
        assert home["Location"] == landing


def test_it_explains_when_a_user_has_no_role(client, django_user_model):
    django_user_model.objects.create_user("nobody", password="a-Long-pass-123")
    client.post(reverse("login"), {"username": "nobody", "password": "a-Long-pass-123"})
    html = client.get("/").content.decode()
    assert "尚未設定角色" in html


def test_it_says_a_wrong_password_in_chinese(client):
    response = sign_in(client, "tianmu", "wrong-password")
    assert response.status_code == 200
    assert "請輸入正確的帳號與密碼（大小寫有別）。連續錯誤 5 次，帳號將鎖定 15 分鐘。" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_locks_an_account_after_five_wrong_passwords(client):
    for _ in range(5):
        sign_in(client, "investigation", "wrong-password")
    response = sign_in(client, "investigation")
    assert response.status_code == 429
    html = response.content.decode()
    assert "帳號暫時鎖定" in html and "15 分鐘" in html
    assert "_auth_user_id" not in client.session
    # Another account signs in as usual.
    assert sign_in(client, "tianmu").status_code == 302


def test_a_success_resets_the_count(client):
    for _ in range(4):
        sign_in(client, "tianmu", "wrong-password")
    assert sign_in(client, "tianmu").status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        sign_in(client, "tianmu", "wrong-password")
    assert sign_in(client, "tianmu").status_code == 302


def test_it_signs_out_with_a_post(client):
    sign_in(client, "viewer")
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get("/").status_code == 302


def test_the_login_page_is_in_chinese(client):
    html = client.get(reverse("login")).content.decode()
    assert "登入" in html and "使用者名稱" in html and "密碼" in html
    assert 'lang="zh-Hant-TW"' in html


def test_an_over_long_username_is_a_form_error_not_a_database_error(client):
    response = sign_in(client, "長" * 300, "x")
    assert response.status_code == 200
    assert "請確認這個值至多包含 150 個字" in response.content.decode()


def test_sign_in_pauses_for_an_address_with_many_failures_over_many_accounts(client, user, settings):
    """Per account: 5 failures lock it. Per address, at a higher threshold: failures from one address over any
    accounts pause sign-in from it (a station's shared address must not reach it by honest typing)."""
    from axes.models import AccessFailureLog

    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 6
    for number in range(6):  # six accounts, one wrong password each: no account is locked
        client.post(reverse("login"), {"username": f"guess{number}", "password": "wrong"})
    assert AccessFailureLog.objects.filter(ip_address="127.0.0.1").count() == 6
    paused = client.post(reverse("login"), {"username": "viewer", "password": DEMO_PASSWORD})
    assert paused.status_code == 200 and "此網路位址近 15 分鐘內登入失敗次數過多" in paused.content.decode()
    elsewhere = client.post(reverse("login"), {"username": "viewer", "password": DEMO_PASSWORD}, REMOTE_ADDR="10.20.30.40")
    assert elsewhere.status_code == 302


def test_an_address_below_the_limit_signs_in(client, user, settings):
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 6
    for number in range(5):
        client.post(reverse("login"), {"username": f"guess{number}", "password": "wrong"})
    assert client.post(reverse("login"), {"username": "viewer", "password": DEMO_PASSWORD}).status_code == 302
