from django.contrib.auth.models import Group

from frontdesk import roles, services
from tests import factories


def perms_of(group_name):
    return set(
        Group.objects.get(name=group_name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    )


def test_it_creates_the_three_roles_with_permissions(db):
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL_ROLES)
    assert ("frontdesk", "use_desk") in perms_of(roles.CLERK)
    assert ("frontdesk", "change_department") in perms_of(roles.SUPERVISOR)
    assert ("django_celery_beat", "change_periodictask") in perms_of(roles.SUPERVISOR)
    assert ("frontdesk", "use_desk") not in perms_of(roles.DEPARTMENT_STAFF)


def test_it_gives_a_user_exactly_one_role(site_a):
    user = factories.make_user(site_a)
    assert user.has_perm(roles.USE_DESK) and not user.is_staff
    services.staff_set_role(user=user, role=roles.SUPERVISOR)
    assert list(user.groups.values_list("name", flat=True)) == [roles.SUPERVISOR]
    assert user.is_staff
    services.staff_set_role(user=user, role=roles.DEPARTMENT_STAFF)
    user = type(user).objects.get(pk=user.pk)
    assert not user.has_perm(roles.USE_DESK) and not user.is_staff


def test_it_starts_a_site_with_the_five_departments(db):
    site = services.site_create(name="新小区", address="某路 1 号", service_phone="0571-1")
    assert list(site.departments.values_list("name", flat=True)) == [
        "客服部",
        "工程部",
        "秩序部",
        "环境部",
        "财务部",
    ]
    services.departments_create_defaults(site=site)
    assert site.departments.count() == 5
