"""Login lockout (django-axes): per account at five failures, per address at twenty within an
hour; the supervisor unlocks in admin; logins, failures and logouts are logged, read-only."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.factories import PASSWORD

LOGIN = reverse("login")
ATTEMPTS = reverse("admin:axes_accessattempt_changelist")
HOUR = timedelta(hours=1, minutes=1)


def log_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def fail(client, username, times, **extra):
    for _ in range(times):
        response = log_in(client, username, "wrong-password", **extra)
    return response


def test_it_locks_an_account_after_five_wrong_passwords(client, clerk):
    response = fail(client, clerk.username, 4)
    assert response.status_code == 200 and "请输入一个正确的" in response.content.decode()

    response = fail(client, clerk.username, 1)
    assert response.status_code == 429
    html = response.content.decode()
    assert "登录已锁定" in html
    assert "账号“clerk_a”因连续 5 次密码错误已被锁定" in html
    assert "请联系客服主管解锁" in html
    assert '<main class="container-fluid' in html  # our layout, not axes' bare text

    # The sixth attempt, with the right password, is refused too.
    response = log_in(client, clerk.username)
    assert response.status_code == 429
    assert "即使密码正确也无法登录" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_locks_the_account_from_every_computer(client, clerk):
    fail(client, clerk.username, 5)
    response = log_in(Client(), clerk.username, REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 429


def test_it_does_not_lock_the_desk_for_one_clerks_typos(client, clerk, site_a):
    colleague = factories.make_user(site_a, username="colleague")
    fail(client, clerk.username, 5)
    # Same desk PC (the test client's REMOTE_ADDR is 127.0.0.1), another account.
    response = log_in(Client(), colleague.username)
    assert response.status_code == 302 and response["Location"] == "/"


def test_it_forgets_the_failures_after_a_successful_login(client, clerk):
    fail(client, clerk.username, 4)
    assert log_in(client, clerk.username).status_code == 302
    client.post(reverse("logout"))
    response = fail(client, clerk.username, 4)
    assert response.status_code == 200
    assert log_in(client, clerk.username).status_code == 302


def test_it_keeps_the_failures_when_a_colleague_logs_in_from_the_same_desk(client, clerk, clerk_b):
    # Otherwise anyone with an account could clear the count between guesses.
    fail(client, clerk.username, 4)
    assert log_in(Client(), clerk_b.username).status_code == 302
    assert fail(client, clerk.username, 1).status_code == 429


def test_it_locks_an_address_after_twenty_failures_within_an_hour(client, clerk):
    for name in ("a1", "a2", "a3", "a4"):
        assert fail(client, name, 4).status_code == 200
    response = fail(client, "a5", 4)
    assert response.status_code == 429
    assert "已禁止从这台电脑登录" in response.content.decode()
    # Every account is refused from this address, even with the right password ...
    assert log_in(Client(), clerk.username).status_code == 429
    # ... but not from another one.
    assert log_in(Client(), clerk.username, REMOTE_ADDR="10.0.0.2").status_code == 302

    # The address lock lifts an hour after the last failure.
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - HOUR)
    assert log_in(Client(), clerk.username).status_code == 302


def test_it_can_leave_only_the_account_lock(client, clerk, settings):
    # For a reverse proxy that hides the desks' addresses.
    settings.LOGIN_IP_FAILURE_LIMIT = 0
    for name in ("a1", "a2", "a3", "a4", "a5", "a6"):
        fail(client, name, 4)
    assert log_in(client, clerk.username).status_code == 302


def test_it_protects_the_admin_login_too(client, supervisor):
    url = reverse("admin:login")
    for _ in range(5):
        response = client.post(url, {"username": supervisor.username, "password": "x"})
    assert response.status_code == 429
    response = client.post(url, {"username": supervisor.username, "password": PASSWORD})
    assert response.status_code == 429


def test_the_supervisor_unlocks_an_account_in_admin(client, clerk, local_supervisor):
    fail(client, clerk.username, 5)
    boss = Client()
    boss.force_login(local_supervisor)
    html = boss.get(ATTEMPTS).content.decode()
    assert "登录保护" in html and "登录尝试" in html
    assert clerk.username in html and "已锁定" in html
    attempt = AccessAttempt.objects.get(username=clerk.username)

    response = boss.post(
        ATTEMPTS,
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [attempt.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert log_in(client, clerk.username).status_code == 302


def test_the_supervisor_sees_only_their_sites_staff_and_unknown_usernames(
    client, clerk, clerk_b, local_supervisor
):
    fail(client, clerk.username, 1)
    fail(client, clerk_b.username, 1)
    fail(client, "no-such-user", 1)
    boss = Client()
    boss.force_login(local_supervisor)
    for url in (ATTEMPTS, reverse("admin:axes_accessfailurelog_changelist")):
        shown = {row.username for row in boss.get(url).context["cl"].result_list}
        assert shown == {clerk.username, "no-such-user"}
    other = AccessAttempt.objects.get(username=clerk_b.username)
    url = reverse("admin:axes_accessattempt_delete", args=[other.pk])
    assert boss.post(url, {"post": "yes"}).status_code == 302
    assert AccessAttempt.objects.filter(pk=other.pk).exists()


def test_it_is_closed_to_clerks(clerk_client):
    response = clerk_client.get(ATTEMPTS)
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_it_records_logins_failures_and_logouts(client, clerk):
    log_in(client, clerk.username, "wrong-password")
    failure = AccessFailureLog.objects.get()
    assert (failure.username, failure.ip_address, failure.locked_out) == (
        clerk.username,
        "127.0.0.1",
        False,
    )
    assert "wrong-password" not in AccessAttempt.objects.get().post_data

    log_in(client, clerk.username)
    entry = AccessLog.objects.get()
    assert (entry.username, entry.ip_address, entry.logout_time) == (
        clerk.username,
        "127.0.0.1",
        None,
    )
    client.post(reverse("logout"))
    entry.refresh_from_db()
    assert entry.logout_time is not None


def test_it_records_a_refused_login_as_locked_out(client, clerk):
    fail(client, clerk.username, 5)
    log_in(client, clerk.username)
    assert list(AccessFailureLog.objects.order_by("id").values_list("locked_out", flat=True)) == [
        False,
        False,
        False,
        False,
        True,
        True,
    ]
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("model", ["accesslog", "accessfailurelog"])
def test_the_logs_cannot_be_changed_or_deleted(client, clerk, supervisor, admin_user, model):
    log_in(Client(), clerk.username, "wrong-password")
    log_in(Client(), clerk.username)
    pk = {"accesslog": AccessLog, "accessfailurelog": AccessFailureLog}[model].objects.get().pk
    for user in (supervisor, admin_user):
        client.force_login(user)
        changelist = client.get(reverse(f"admin:axes_{model}_changelist"))
        assert changelist.status_code == 200
        assert clerk.username in changelist.content.decode()
        change = reverse(f"admin:axes_{model}_change", args=[pk])
        assert client.get(change).status_code == 200  # shown read-only
        assert client.post(change, {"username": "forged"}).status_code == 403
        delete = reverse(f"admin:axes_{model}_delete", args=[pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert client.get(reverse(f"admin:axes_{model}_add")).status_code == 403
    assert not AccessLog.objects.filter(username="forged").exists()
    assert AccessFailureLog.objects.get().username == clerk.username


def test_it_refuses_a_locked_account_in_a_fixed_number_of_queries(
    client, clerk, django_assert_num_queries
):
    fail(client, clerk.username, 5)
    # Axes, twice (its check, then its failure handler): the failures of the username and
    # of the address; then the attempt updated, or the failure logged and counted, in a
    # savepoint (4).
    with django_assert_num_queries(12):
        assert log_in(client, clerk.username).status_code == 429


# --- the password form: a wrong current password is a failed login ----------------------

PASSWORD_CHANGE = reverse("password_change")
NEW_PASSWORD = "Desk-shift-2026!"


def change_password(client, old, times=1):
    for _ in range(times):
        response = client.post(
            PASSWORD_CHANGE,
            {"old_password": old, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
    return response


def test_it_locks_the_account_after_five_wrong_passwords_on_the_password_form(clerk_client, clerk):
    response = change_password(clerk_client, "guess", times=4)
    assert response.status_code == 200
    assert "你的旧密码不正确" in response.content.decode()

    response = change_password(clerk_client, "guess")
    assert response.status_code == 429
    html = response.content.decode()
    assert "账号“clerk_a”因连续 5 次密码错误已被锁定" in html
    # The session ends: the right password cannot be tried from it any more ...
    assert "_auth_user_id" not in clerk_client.session
    response = change_password(clerk_client, PASSWORD)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)
    # ... nor can the account log in, from anywhere, until a supervisor unlocks it.
    assert log_in(Client(), clerk.username, REMOTE_ADDR="10.0.0.2").status_code == 429
    # Logged as login failures are, with the page they were made on.
    failures = AccessFailureLog.objects.filter(username=clerk.username, path_info=PASSWORD_CHANGE)
    assert list(failures.order_by("id").values_list("locked_out", flat=True)) == [
        False,
        False,
        False,
        False,
        True,
    ]


def test_it_counts_the_password_forms_failures_with_the_logins(client, clerk):
    fail(client, clerk.username, 3)
    session = Client()
    assert log_in(session, clerk.username).status_code == 302  # clears the three
    fail(client, clerk.username, 3)
    assert change_password(session, "guess", times=2).status_code == 429
    assert log_in(client, clerk.username).status_code == 429


def test_it_refuses_the_password_form_of_a_locked_account_even_with_the_right_password(
    clerk_client, clerk
):
    fail(Client(), clerk.username, 5)  # someone else, at another desk
    response = change_password(clerk_client, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in clerk_client.session
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)


def test_the_right_current_password_ends_a_run_of_wrong_ones(clerk_client, clerk):
    change_password(clerk_client, "guess", times=4)
    # The right password with a new one too short to accept: nothing changes, but the
    # run of wrong passwords is over, as after a successful login.
    response = clerk_client.post(
        PASSWORD_CHANGE, {"old_password": PASSWORD, "new_password1": "x", "new_password2": "x"}
    )
    assert response.status_code == 200
    assert change_password(clerk_client, "guess", times=4).status_code == 200
    # A blank current password is no proof of knowing it: it ends nothing.
    clerk_client.post(PASSWORD_CHANGE, {"old_password": "", "new_password1": "x"})
    assert change_password(clerk_client, "guess").status_code == 429


def test_it_never_stores_what_was_typed_into_the_password_form(clerk_client, clerk):
    clerk_client.post(
        PASSWORD_CHANGE,
        {"old_password": "guess-1", "new_password1": "New-1-xyz!", "new_password2": "New-1-xyz!"},
    )
    attempt = AccessAttempt.objects.get(username=clerk.username)
    assert attempt.path_info == PASSWORD_CHANGE
    assert "guess-1" not in attempt.post_data and "New-1-xyz!" not in attempt.post_data
