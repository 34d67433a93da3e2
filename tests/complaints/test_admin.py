"""Complaints in admin: each site's categories with their deadlines and the default tree,
its chasing rules, and the case table read only, with nothing of a case ever deletable."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from complaints.models import (
    CallbackAttempt,
    Case,
    CaseEvent,
    CasePhoto,
    CaseSettings,
    Category,
    CategoryDeadline,
)
from complaints.services import callbacks, handling
from frontdesk import roles
from tests import factories


@pytest.fixture
def boss(client, local_supervisor):
    client.force_login(local_supervisor)
    return client


@pytest.fixture
def root(client, site_a):
    user = factories.make_user(site_a, username="root")
    user.is_superuser = user.is_staff = True
    user.save()
    client.force_login(user)
    return client


@pytest.fixture
def case_a(site_a, clerk, engineer, house_a):
    return factories.make_case(site_a, clerk, house=house_a)


@pytest.fixture
def case_b(site_b, clerk_b):
    return factories.make_case(site_b, clerk_b, description="锦绣华庭的漏水")


def url(view: str, model: str = "category", *args) -> str:
    return reverse(f"admin:complaints_{model}_{view}", args=args)


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def category_post(site, **changes) -> dict:
    data = {
        "site": site.pk,
        "parent": "",
        "name": "电梯异响",
        "department": "",
        "sort_order": "0",
        "is_active": "on",
        "deadlines-TOTAL_FORMS": "1",
        "deadlines-INITIAL_FORMS": "0",
        "deadlines-0-urgency": "normal",
        "deadlines-0-respond_minutes": "30",
        "deadlines-0-resolve_minutes": "450",
    }
    return {k: v for k, v in {**data, **changes}.items() if v is not None}


# --- Categories ---------------------------------------------------------------------------


def test_it_lists_the_supervisors_categories_as_a_tree(boss, site_a, site_b):
    factories.make_category(site_a)
    factories.make_category(site_b)
    response = boss.get(url("changelist"))
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert {c.site_id for c in rows} == {site_a.pk}
    names = [c.full_name for c in rows]
    # Each top-level category followed by its own sub-categories.
    assert names.index("工程维修") < names.index("工程维修/漏水") < names.index("秩序安全")
    assert names.index("环境卫生/绿化养护") < names.index("工程维修")


def test_it_adds_a_category_with_its_deadlines(boss, site_a):
    parent = factories.make_category(site_a, "工程维修")
    engineering = site_a.departments.get(name="工程部")
    response = boss.post(
        url("add"), category_post(site_a, parent=parent.pk, department=engineering.pk)
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    category = Category.objects.get(site=site_a, name="电梯异响")
    assert (category.parent, category.department) == (parent, engineering)
    deadline = CategoryDeadline.objects.get(category=category)
    assert (deadline.urgency, deadline.respond_minutes, deadline.resolve_minutes) == (
        "normal",
        30,
        450,
    )


def test_it_refuses_a_parent_or_department_of_another_site(boss, site_a, site_b):
    theirs = factories.make_category(site_b, "工程维修")
    their_department = site_b.departments.get(name="工程部")
    for changes in ({"parent": theirs.pk}, {"department": their_department.pk}):
        response = boss.post(url("add"), category_post(site_a, **changes))
        assert response.status_code == 200
        field = next(iter(changes))
        assert response.context["adminform"].form.errors[field], changes
        assert "锦绣华庭" not in response.content.decode()
    assert not Category.objects.filter(name="电梯异响").exists()


def test_it_refuses_a_third_level_and_a_response_due_after_the_resolution(boss, site_a):
    leak = factories.make_category(site_a, "工程维修/漏水")
    response = boss.post(url("add"), category_post(site_a, parent=leak.pk))
    assert response.status_code == 200
    # Only top-level categories are offered as a parent.
    assert response.context["adminform"].form.errors["parent"]
    response = boss.post(
        url("add"), category_post(site_a, **{"deadlines-0-respond_minutes": "600"})
    )
    assert response.status_code == 200
    assert "响应时限不能晚于办结时限" in response.content.decode()
    response = boss.post(url("add"), category_post(site_a, **{"deadlines-0-resolve_minutes": "x"}))
    assert response.status_code == 200
    assert not Category.objects.filter(name="电梯异响").exists()


def test_a_category_is_retired_not_deleted(boss, root, site_a, case_a):
    leak = Category.objects.get(pk=case_a.category_id)
    for client in (boss, root):
        assert client.get(url("delete", "category", leak.pk)).status_code == 403
        response = client.get(url("changelist"))
        actions = [n for n, _ in response.context["action_form"].fields["action"].choices]
        assert "retire" in actions and "delete_selected" not in actions
    parent = leak.parent
    response = boss.post(
        url("changelist"), {"action": "retire", "_selected_action": [parent.pk]}, follow=True
    )
    assert response.status_code == 200
    parent.refresh_from_db()
    leak.refresh_from_db()
    # The parent takes its sub-categories with it.
    assert (parent.is_active, leak.is_active) == (False, False)
    assert Category.objects.filter(pk=leak.pk).exists()


def test_another_sites_category_is_not_found(boss, site_b):
    theirs = factories.make_category(site_b, "工程维修")
    response = boss.get(url("change", "category", theirs.pk))
    assert response.status_code == 302  # admin's "does not exist" back to its index
    assert "锦绣华庭" not in " ".join(texts(response))


# --- The default tree ------------------------------------------------------------------------


def test_the_changelist_offers_the_default_tree(boss, site_a):
    html = boss.get(url("changelist")).content.decode()
    assert url("create_defaults") in html
    assert "为小区创建默认分类" in html


def test_it_creates_the_default_tree_for_a_site(boss, site_a):
    page = boss.get(url("create_defaults"))
    assert page.status_code == 200
    assert "工程维修" in page.content.decode()
    response = boss.post(url("create_defaults"), {"site": site_a.pk})
    assert response.status_code == 302
    assert response["Location"].endswith(f"?site={site_a.pk}")
    tops = Category.objects.filter(site=site_a, parent=None)
    assert tops.get(name="工程维修").department == site_a.departments.get(name="工程部")
    assert Category.objects.filter(site=site_a).count() == 13
    assert "已添加默认分类 13 个" in texts(response)[0]
    # Again: nothing is added twice, and it says so.
    response = boss.post(url("create_defaults"), {"site": site_a.pk})
    assert Category.objects.filter(site=site_a).count() == 13
    assert "已有默认分类的全部分类" in texts(response)[-1]


def test_the_default_tree_refuses_another_site_and_a_bad_value(boss, site_b):
    for value in (site_b.pk, "abc", ""):
        response = boss.post(url("create_defaults"), {"site": value})
        assert response.status_code == 200
        assert response.context["form"].errors["site"]
    assert not Category.objects.filter(site=site_b).exists()
    assert "锦绣华庭" not in boss.get(url("create_defaults")).content.decode()


def test_only_those_who_add_categories_create_the_tree(client, site_a):
    staff = factories.make_user(site_a, role=roles.SUPERVISOR, username="viewer")
    staff.groups.clear()
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.post(url("create_defaults"), {"site": site_a.pk}).status_code == 403
    assert not Category.objects.filter(site=site_a).exists()


# --- Chasing rules ---------------------------------------------------------------------------


def test_each_site_has_its_rules_row(boss, site_a, site_b):
    response = boss.get(url("changelist", "casesettings"))
    assert response.status_code == 200
    assert [s.site for s in response.context["cl"].result_list] == [site_a]
    assert CaseSettings.objects.get(site=site_a).warn_percent == 75
    assert boss.get(url("add", "casesettings")).status_code == 403


def test_it_sets_the_rules_and_the_manager(boss, site_a, site_b):
    boss.get(url("changelist", "casesettings"))
    manager = factories.make_user(site_a, role=roles.SUPERVISOR, username="manager")
    change = url("change", "casesettings", site_a.pk)
    response = boss.post(change, {"warn_percent": "80", "idle_hours": "4", "manager": manager.pk})
    assert response.status_code == 302
    rules = CaseSettings.objects.get(site=site_a)
    assert (rules.warn_percent, rules.idle_hours, rules.manager) == (80, 4, manager)

    elsewhere = factories.make_user(site_b, role=roles.SUPERVISOR, username="manager_b")
    for bad in (
        {"warn_percent": "5"},
        {"warn_percent": "abc"},
        {"idle_hours": "0"},
        {"manager": elsewhere.pk},
    ):
        data = {"warn_percent": "80", "idle_hours": "4", "manager": manager.pk, **bad}
        response = boss.post(change, data)
        assert response.status_code == 200, bad
        assert response.context["adminform"].form.errors[next(iter(bad))], bad
    rules.refresh_from_db()
    assert (rules.warn_percent, rules.idle_hours, rules.manager) == (80, 4, manager)
    assert boss.get(url("delete", "casesettings", site_a.pk)).status_code == 403


# --- Cases, read only ----------------------------------------------------------------------


def test_the_case_table_shows_the_supervisors_sites_without_a_full_count(boss, case_a, case_b):
    response = boss.get(url("changelist", "case"))
    assert response.status_code == 200
    cl = response.context["cl"]
    assert list(cl.result_list) == [case_a]
    assert cl.show_full_result_count is False
    html = response.content.decode()
    assert case_a.number in html and "锦绣华庭" not in html
    # Number, kind, state, category, department, urgency, deadline, recorded.
    for shown in ("报修", "已派单", "工程维修/漏水", "工程部", "一般"):
        assert shown in html, shown


def test_the_case_table_lists_in_a_fixed_number_of_queries(boss, site_a, clerk, house_a):
    factories.make_case(site_a, clerk, house=house_a)
    # The first view of a session also writes the session: not a row's query.
    boss.get(url("changelist", "case"))
    with CaptureQueriesContext(connection) as one:
        boss.get(url("changelist", "case"))
    for _ in range(5):
        factories.make_case(site_a, clerk, house=house_a, category="秩序安全/噪音")
    with CaptureQueriesContext(connection) as six:
        boss.get(url("changelist", "case"))
    assert len(six) == len(one), [q["sql"] for q in six]


def test_a_case_is_found_by_its_number(boss, site_a, clerk, house_a, case_a):
    other = factories.make_case(site_a, clerk, house=house_a)
    response = boss.get(url("changelist", "case"), {"q": case_a.number.lower()})
    assert list(response.context["cl"].result_list) == [case_a]
    assert other.number not in response.content.decode()


def test_a_case_is_read_with_its_timeline_and_changed_nowhere_in_admin(
    boss, site_a, engineer, case_a
):
    handling.case_note(site=site_a, user=engineer, case=case_a, note="已到现场查看")
    response = boss.get(url("change", "case", case_a.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "已到现场查看" in html and case_a.number in html
    assert response.context["has_change_permission"] is False
    assert response.context["has_add_permission"] is False
    for inline in response.context["inline_admin_formsets"]:
        assert not inline.has_add_permission and not inline.has_delete_permission
    before = Case.objects.get(pk=case_a.pk).description
    boss.post(url("change", "case", case_a.pk), {"description": "改掉"})
    assert Case.objects.get(pk=case_a.pk).description == before
    assert boss.get(url("add", "case")).status_code == 403


@pytest.mark.parametrize("who", ["boss", "root"])
def test_nothing_of_a_case_can_be_deleted_in_admin(request, who, site_a, clerk, engineer, case_a):
    client = request.getfixturevalue(who)
    handling.case_accept(site=site_a, user=engineer, case=case_a)
    handling.case_resolve(site=site_a, user=engineer, case=case_a, note="修好了")
    callbacks.case_callback(site=site_a, user=clerk, case=case_a, reached=False)
    event = CaseEvent.objects.filter(case=case_a).first()
    attempt = CallbackAttempt.objects.get(case=case_a)

    for model, pk in (("case", case_a.pk), ("callbackattempt", attempt.pk)):
        assert client.get(url("delete", model, pk)).status_code == 403
        assert client.post(url("delete", model, pk), {"post": "yes"}).status_code == 403
        changelist = client.get(url("changelist", model))
        # No action at all: not even the checkboxes to select rows with.
        assert changelist.context["action_form"] is None
        # Asked for anyway: admin does not know the action, and nothing goes.
        response = client.post(
            url("changelist", model),
            {"action": "delete_selected", "_selected_action": [pk], "post": "yes"},
        )
        assert response.status_code in (200, 302)
    # The timeline and photos have no admin page of their own where a delete could hide.
    for model in (CaseEvent, CasePhoto):
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:complaints_{model._meta.model_name}_delete", args=[1])
    assert Case.objects.filter(pk=case_a.pk).exists()
    assert CaseEvent.objects.filter(pk=event.pk).exists()
    assert CallbackAttempt.objects.filter(pk=attempt.pk).exists()


def test_another_sites_case_is_not_shown(boss, case_b):
    response = boss.get(url("change", "case", case_b.pk))
    assert response.status_code == 302
    assert case_b.number not in " ".join(texts(response))


def test_the_call_back_log_is_read_only_and_scoped(boss, site_a, site_b, clerk, clerk_b, engineer):
    for site, desk in ((site_a, clerk), (site_b, clerk_b)):
        case = factories.make_case(site, desk)
        worker = factories.make_user(site, department="工程部")
        handling.case_accept(site=site, user=worker, case=case)
        handling.case_resolve(site=site, user=worker, case=case, note="修好了")
        callbacks.case_callback(site=site, user=desk, case=case, reached=False, note="无人接听")
    response = boss.get(url("changelist", "callbackattempt"))
    assert response.status_code == 200
    assert [a.case.site_id for a in response.context["cl"].result_list] == [site_a.pk]
    assert boss.get(url("add", "callbackattempt")).status_code == 403
