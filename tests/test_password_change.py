"""Every user changes their own password with Django's views: Chinese pages and validator messages, and the
account's other sessions end."""

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from diagnosis.demo_accounts import DEMO_PASSWORD

URL = reverse("password_change")


def test_a_unit_head_changes_their_password_and_their_other_sessions_end(client, user):
    elsewhere = Client()
    elsewhere.force_login(user("tianmu"))
    assert elsewhere.get(reverse("measures:plan", kwargs={"year": 106})).status_code == 200
    client.force_login(user("tianmu"))
    page = client.get(URL)
    assert page.status_code == 200 and "變更密碼" in page.content.decode()
    new = "天母所-新密碼-2026"
    response = client.post(URL, {"old_password": DEMO_PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    assert "密碼已變更" in client.get(response["Location"]).content.decode()
    assert get_user_model().objects.get(username="tianmu").check_password(new)
    assert client.get(reverse("measures:plan", kwargs={"year": 106})).status_code == 200  # this session stays
    ended = elsewhere.get(reverse("measures:plan", kwargs={"year": 106}))
    assert ended.status_code == 302 and "/accounts/login/" in ended["Location"]


def test_a_wrong_old_password_or_a_weak_new_one_changes_nothing_and_says_why_in_chinese(client, user):
    client.force_login(user("viewer"))
    wrong = client.post(URL, {"old_password": "not-it", "new_password1": "Xy-好密碼-9876", "new_password2": "Xy-好密碼-9876"})
    assert wrong.status_code == 200 and "舊密碼不正確" in wrong.content.decode()
    weak = client.post(URL, {"old_password": DEMO_PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    html = weak.content.decode()
    assert weak.status_code == 200 and "這個密碼太常見了" in html and "這個密碼只包含數字" in html
    differ = client.post(URL, {"old_password": DEMO_PASSWORD, "new_password1": "Xy-好密碼-9876", "new_password2": "Xy-好密碼-9875"})
    assert "輸入的兩個密碼不一致" in differ.content.decode()
    assert get_user_model().objects.get(username="viewer").check_password(DEMO_PASSWORD)


def test_someone_not_signed_in_is_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
