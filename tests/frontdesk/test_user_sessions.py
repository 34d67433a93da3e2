"""Ending a user's sessions: the supervisor's admin action, deactivation, password change."""

from axes.models import AccessLog
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from frontdesk import services
from tests import factories
from tests.factories import PASSWORD

USERS = reverse("admin:frontdesk_user_changelist")


def logged_in_client(user) -> Client:
    """A client logged in through the login page, as on a desk PC."""
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def is_logged_in(client: Client) -> bool:
    return client.get(reverse("desk")).status_code == 200


def end_sessions(client, *users):
    return client.post(
        USERS, {"action": "end_sessions", ACTION_CHECKBOX_NAME: [u.pk for u in users]}
    )


def test_the_supervisor_ends_all_sessions_of_a_clerk(clerk, local_supervisor):
    desk, phone = logged_in_client(clerk), logged_in_client(clerk)
    bystander = logged_in_client(factories.make_user(*clerk.sites.all(), username="bystander"))
    boss = logged_in_client(local_supervisor)
    assert boss.get(USERS).content.decode().count("结束所选员工的所有会话") == 1

    response = end_sessions(boss, clerk)
    assert response.status_code == 302
    assert "已结束 1 名员工的会话" in boss.get(response["Location"]).content.decode()
    assert not is_logged_in(desk) and not is_logged_in(phone)
    assert is_logged_in(bystander) and is_logged_in(boss)
    # Their login log entries are closed, as by a logout.
    assert not AccessLog.objects.filter(username=clerk.username, logout_time=None).exists()
    # Logging in again works.
    assert is_logged_in(logged_in_client(clerk))


def test_it_leaves_other_sites_staff_alone(clerk_b, local_supervisor):
    theirs = logged_in_client(clerk_b)
    boss = logged_in_client(local_supervisor)
    # Not in the supervisor's list, so not in the action's queryset.
    end_sessions(boss, clerk_b)
    assert is_logged_in(theirs)


def test_a_supervisor_cannot_end_a_superusers_sessions(site_a, local_supervisor, admin_user):
    admin_user.sites.add(site_a)
    root = Client()
    root.force_login(admin_user)
    boss = logged_in_client(local_supervisor)
    end_sessions(boss, admin_user)
    assert root.get(reverse("admin:index")).status_code == 200


def test_a_superuser_ends_anyones_sessions(clerk_b, admin_user):
    theirs = logged_in_client(clerk_b)
    root = Client()
    root.force_login(admin_user)
    end_sessions(root, clerk_b)
    assert not is_logged_in(theirs)


def test_staff_without_the_change_permission_get_no_such_action(site_a, clerk):
    viewer = factories.make_user(site_a, username="viewer")
    viewer.is_staff = True
    viewer.save(update_fields=["is_staff"])
    viewer.user_permissions.add(Permission.objects.get(codename="view_user"))
    client = Client()
    client.force_login(viewer)
    assert "结束所选员工的所有会话" not in client.get(USERS).content.decode()
    theirs = logged_in_client(clerk)
    assert end_sessions(client, clerk).status_code == 200
    assert is_logged_in(theirs)


def test_deactivating_a_clerk_in_admin_ends_their_sessions(clerk, local_supervisor):
    theirs = logged_in_client(clerk)
    boss = Client()
    boss.force_login(local_supervisor)
    url = reverse("admin:frontdesk_user_change", args=[clerk.pk])
    # The form as shown, with "active" unticked (an unticked box is not posted).
    data = {
        "username": clerk.username,
        "full_name": clerk.full_name,
        "sites": [site.pk for site in clerk.sites.all()],
        "groups": [group.pk for group in clerk.groups.all()],
    }
    response = boss.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    clerk.refresh_from_db()
    assert not clerk.is_active
    assert not is_logged_in(theirs)
    assert not AccessLog.objects.filter(username=clerk.username, logout_time=None).exists()


def test_a_password_change_ends_the_other_sessions_only(clerk):
    desk, other = logged_in_client(clerk), logged_in_client(clerk)
    new = "Desk-shift-2026!"
    response = desk.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response["Location"] == reverse("password_change_done")
    assert is_logged_in(desk)
    assert not is_logged_in(other)


def test_a_password_change_needs_the_current_password(clerk):
    desk = logged_in_client(clerk)
    new = "Desk-shift-2026!"
    response = desk.post(
        reverse("password_change"),
        {"old_password": "not-it", "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200 and "你的旧密码不正确" in response.content.decode()
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)


def test_the_service_ends_sessions_in_constant_queries(clerk, django_assert_num_queries):
    sessions = [logged_in_client(clerk) for _ in range(3)]
    with django_assert_num_queries(5):  # savepoint, update, refresh, close log, release
        services.user_sessions_end(user=clerk)
    assert clerk.session_generation == 1
    assert not any(is_logged_in(client) for client in sessions)


def test_sessions_from_before_the_generation_existed_stay_valid(clerk):
    # Generation 0 is Django's own session hash, so deploying this logs no one out.
    assert clerk.get_session_auth_hash() == AbstractBaseUser.get_session_auth_hash(clerk)
    services.user_sessions_end(user=clerk)
    assert clerk.get_session_auth_hash() != AbstractBaseUser.get_session_auth_hash(clerk)
