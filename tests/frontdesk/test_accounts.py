"""Login, logout and password change, in Chinese."""

from django.urls import reverse

from tests.factories import PASSWORD

LOGIN = reverse("login")


def test_it_shows_the_login_page_in_chinese(client, db):
    html = client.get(LOGIN).content.decode()
    assert "请使用员工账号登录" in html
    assert "用户名" in html and "密码" in html


def test_it_logs_in_and_lands_on_the_desk(client, clerk):
    response = client.post(LOGIN, {"username": clerk.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "今日工作台" in client.get("/").content.decode()


def test_it_follows_next_after_login(client, clerk):
    response = client.post(
        f"{LOGIN}?next=/visitors/",
        {"username": clerk.username, "password": PASSWORD, "next": "/visitors/"},
    )
    assert response["Location"] == "/visitors/"


def test_it_refuses_a_wrong_password_in_chinese_and_keeps_the_username(client, clerk):
    response = client.post(LOGIN, {"username": clerk.username, "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "请输入一个正确的" in html  # Django's own zh_Hans message
    assert f'value="{clerk.username}"' in html
    assert "_auth_user_id" not in client.session


def test_it_survives_hostile_input(client, db):
    response = client.post(LOGIN, {"username": "\x00<script>" + "长" * 5000, "password": ""})
    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode()


def test_it_logs_out_by_post(clerk_client):
    response = clerk_client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert clerk_client.get("/").status_code == 302


def test_it_changes_the_password_only_with_the_current_one(clerk_client, clerk):
    url = reverse("password_change")
    assert "修改密码" in clerk_client.get(url).content.decode()
    new = "Desk-shift-2026!"
    response = clerk_client.post(
        url, {"old_password": "not-it", "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 200
    assert "你的旧密码不正确" in response.content.decode()
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)

    response = clerk_client.post(
        url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response["Location"] == reverse("password_change_done")
    clerk.refresh_from_db()
    assert clerk.check_password(new)
    assert "您的密码已修改" in clerk_client.get(response["Location"]).content.decode()


def test_it_needs_login_for_password_change(client, db):
    response = client.get(reverse("password_change"))
    assert response["Location"].startswith(LOGIN)


def test_it_refuses_an_over_long_username_without_an_error_page(client, db):
    response = client.post(LOGIN, {"username": "0" * 300, "password": "x"})
    assert response.status_code == 200
    assert "最多 150 个字。" in response.content.decode()
