"""The case's page (complaints:case_detail), its actions (complaints:case_action), its
links to other cases (complaints:case_link) and its photos (complaints:case_photo).

Access: the desk (clerks, supervisors) sees every case of its site and may take every
action the state allows. Department staff see their own department's cases only: another
department's case is a 404, as another site's is (it is not theirs to know of); on their
own case, an action that is the desk's (transfer, withdraw, a new deadline) is a 403.
"""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from complaints.models import Case, CaseEvent, CasePhoto
from complaints.photos import photo_clean
from complaints.services import handling
from tests import factories


@pytest.fixture
def case(site_a, clerk, engineer):
    """A leak at 3-2-1201 with its resident, assigned to 工程部 (the engineer's)."""
    house = factories.make_house(site_a)
    resident = factories.make_resident(site_a, "张三丰", "13800138000", house=house)
    return factories.make_case(site_a, clerk, house=house, resident=resident)


@pytest.fixture
def engineer_client(client, engineer):
    client.force_login(engineer)
    return client


def page(case) -> str:
    return reverse("complaints:case_detail", args=[case.pk])


def action(case, name: str) -> str:
    return reverse("complaints:case_action", args=[case.pk, name])


def link(case, other) -> str:
    return reverse("complaints:case_link", args=[case.pk, other.pk])


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def jpeg(name: str = "after.jpg") -> SimpleUploadedFile:
    data = BytesIO()
    Image.new("RGB", (40, 30), "green").save(data, "JPEG")
    return SimpleUploadedFile(name, data.getvalue(), content_type="image/jpeg")


def test_it_shows_the_case_to_the_desk(clerk_client, case):
    response = clerk_client.get(page(case))
    assert response.status_code == 200
    body = response.content.decode()
    assert case.number in body
    assert "3栋2单元1201" in body and "138****8000" in body
    assert "工程部" in body and "已派单" in body
    assert 'id="case-resolve-due"' in body and "剩余" in body
    # Assigned: the desk may transfer, withdraw, change the deadline; not assign again.
    shown = [a for a, _label, _form in response.context["action_forms"]]
    assert "transfer" in shown and "withdraw" in shown and "change_deadline" in shown
    assert "assign" not in shown and "resume" not in shown
    events = response.context["events"]
    assert [e.kind for e in events] == ["created", "assigned"]


def test_it_shows_the_engineer_his_departments_part(engineer_client, case):
    response = engineer_client.get(page(case))
    assert response.status_code == 200
    shown = [a for a, _label, _form in response.context["action_forms"]]
    assert shown == ["accept", "note", "hand_back"]
    # Department staff do not reveal phones: masked, without the reveal button.
    assert "138****8000" in response.content.decode()
    assert 'class="btn btn-link btn-sm p-0 ms-1 align-baseline reveal"' not in (
        response.content.decode()
    )


def test_it_is_a_404_for_another_department(client, site_a, case):
    guard = factories.make_user(site_a, role="部门员工", username="guard", department="秩序部")
    client.force_login(guard)
    assert client.get(page(case)).status_code == 404
    assert client.post(action(case, "accept"), {"version": case.version}).status_code == 404
    assert fresh(case).state == "assigned"


def test_it_is_a_404_for_another_site(client, clerk_b, case):
    client.force_login(clerk_b)
    assert client.get(page(case)).status_code == 404
    assert client.post(action(case, "withdraw"), {"version": 1, "reason": "x"}).status_code == 404


def test_it_refuses_the_desks_actions_to_the_department(engineer_client, case):
    response = engineer_client.post(
        action(case, "withdraw"), {"version": case.version, "reason": "不修了"}
    )
    assert response.status_code == 403
    assert fresh(case).state == "assigned"


def test_it_is_a_404_for_an_unknown_action(clerk_client, case):
    assert clerk_client.post(action(case, "explode"), {"version": 1}).status_code == 404


def test_the_engineer_works_the_case_through(engineer_client, engineer, case, media):
    response = engineer_client.post(action(case, "accept"), {"version": case.version})
    assert response.status_code == 302 and response["Location"] == page(case)
    stored = fresh(case)
    assert (stored.state, stored.handler) == ("in_progress", engineer)

    response = engineer_client.post(
        action(case, "pause"),
        {"version": stored.version, "kind": "waiting_parts", "reason": "等阀门到货"},
    )
    assert response.status_code == 302
    stored = fresh(case)
    assert stored.state == "paused"
    body = engineer_client.get(page(case)).content.decode()
    assert "等阀门到货" in body and "等待配件" in body

    engineer_client.post(action(case, "resume"), {"version": stored.version})
    stored = fresh(case)
    assert stored.state == "in_progress"

    engineer_client.post(
        action(case, "note"), {"version": stored.version, "note": "已关闭总阀", "photos": jpeg()}
    )
    response = engineer_client.post(
        action(case, "resolve"),
        {"version": fresh(case).version, "note": "已更换水管", "photos": jpeg()},
    )
    assert response.status_code == 302
    stored = fresh(case)
    assert (stored.state, stored.resolution) == ("resolved", "已更换水管")
    assert list(CasePhoto.objects.filter(case=case).values_list("kind", flat=True)) == [
        "progress",
        "after",
    ]
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == ["created", "assigned", "accepted", "paused", "resumed", "note", "resolved"]


def test_it_sends_a_handed_back_case_to_the_desk(engineer_client, case):
    response = engineer_client.post(
        action(case, "hand_back"), {"version": case.version, "reason": "不属于工程部"}
    )
    # No longer the department's to see.
    assert response["Location"] == reverse("desk")
    assert (fresh(case).state, fresh(case).department) == ("registered", None)


def test_it_transfers_with_a_reason(clerk_client, site_a, case):
    security = site_a.departments.get(name="秩序部")
    response = clerk_client.post(
        action(case, "transfer"),
        {"version": case.version, "department": security.pk, "reason": "是噪音问题"},
    )
    assert response.status_code == 302
    assert fresh(case).department == security


def test_it_refuses_a_department_of_another_site(clerk_client, site_b, case):
    other = site_b.departments.get(name="秩序部")
    response = clerk_client.post(
        action(case, "transfer"),
        {"version": case.version, "department": other.pk, "reason": "x"},
    )
    assert response.status_code == 200
    assert "请选择本小区的部门" in response.content.decode()
    assert fresh(case).department.name == "工程部"


def test_it_keeps_what_was_typed_beside_the_field(engineer_client, case):
    handling.case_accept(site=case.site, user=case.created_by, case=case)
    response = engineer_client.post(
        action(case, "pause"),
        {"version": fresh(case).version, "kind": "waiting_parts", "reason": ""},
    )
    assert response.status_code == 200
    assert response.context["open_action"] == "pause"
    body = response.content.decode()
    assert "请填写暂停原因" in body
    assert 'id="action-pause" open' in body
    assert fresh(case).state == "in_progress"


def test_it_says_who_got_there_first(engineer_client, clerk, case):
    seen = case.version
    handling.case_transfer(
        site=case.site,
        user=clerk,
        case=case,
        department=case.site.departments.get(name="环境部"),
        reason="是绿化问题",
    )
    # Still on the engineer's page before the transfer? He is told, nothing is changed.
    case.department = case.site.departments.get(name="工程部")
    Case.objects.filter(pk=case.pk).update(department=case.department)
    response = engineer_client.post(action(case, "accept"), {"version": seen})
    assert response.status_code == 409
    body = response.content.decode()
    assert "已于" in body and "王丽" in body and "本次未作任何更改" in body
    assert fresh(case).state == "assigned" and fresh(case).handler is None


def test_it_refuses_an_illegal_transition_in_chinese(clerk_client, case):
    response = clerk_client.post(action(case, "resume"), {"version": case.version})
    assert response.status_code == 409
    assert "该工单当前为“已派单”，现在不能" in response.content.decode()
    assert fresh(case).state == "assigned"


def test_it_serves_a_photo_to_those_who_see_the_case(
    client, clerk, clerk_b, engineer, site_a, case, media
):
    handling.case_note(
        site=site_a,
        user=clerk,
        case=case,
        note="现场照片",
        photos=[photo_clean(jpeg())],
    )
    photo = CasePhoto.objects.get()
    url = reverse("complaints:case_photo", args=[photo.pk])
    client.force_login(clerk)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    client.force_login(engineer)
    assert client.get(url).status_code == 200
    client.force_login(clerk_b)
    assert client.get(url).status_code == 404
    guard = factories.make_user(site_a, role="部门员工", username="guard", department="秩序部")
    client.force_login(guard)
    assert client.get(url).status_code == 404


def queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_it_reads_a_long_timeline_in_as_many_queries_as_a_short_one(
    clerk_client, clerk, site_a, case
):
    other = factories.make_case(site_a, clerk, house=case.house)  # a similar case
    case.linked.add(other)
    handling.case_note(site=site_a, user=clerk, case=case, note="已联系住户")
    assert CaseEvent.objects.filter(case=case).count() == 3
    queries_of(clerk_client, page(case))  # the working-time calendar, read once a process
    with CaptureQueriesContext(connection) as short:
        clerk_client.get(page(case))
    for n in range(27):
        handling.case_note(site=site_a, user=clerk, case=case, note=f"进展 {n}")
    with CaptureQueriesContext(connection) as long:
        clerk_client.get(page(case))
    # Session, user, the case with its category (and parent), house and resident, then
    # its department, its people (handler and authors: one query; no inquiry to read),
    # the site's departments (the transfer's select),
    # the site's working hours (time left), the timeline with who and which department,
    # its photos, the similar cases, the linked ones (with their categories, and whether
    # each similar one is linked), the header's unread messages.
    assert len(long) == len(short), [q["sql"] for q in long.captured_queries]
    assert len(short) == 12, "\n".join(q["sql"] for q in short.captured_queries)


def test_it_reads_many_linked_and_similar_cases_in_as_many_queries_as_one(
    clerk_client, clerk, site_a, case
):
    similar = factories.make_case(site_a, clerk, house=case.house)
    linked = factories.make_case(site_a, clerk, category="秩序安全/噪音", house=case.house)
    case.linked.add(linked)
    queries_of(clerk_client, page(case))  # the working-time calendar, read once a process
    with CaptureQueriesContext(connection) as few:
        response = clerk_client.get(page(case))
    assert response.context["to_link"] == [similar]
    assert response.context["linked"] == [linked]
    more_similar = [factories.make_case(site_a, clerk, house=case.house) for _ in range(6)]
    more_linked = [
        factories.make_case(site_a, clerk, category="秩序安全/噪音", house=case.house)
        for _ in range(6)
    ]
    case.linked.add(*more_linked, *more_similar[:3])
    with CaptureQueriesContext(connection) as many:
        response = clerk_client.get(page(case))
    # Each similar case is either offered to link or listed as linked, never both.
    assert len(response.context["to_link"]) == 4
    assert len(response.context["linked"]) == 10
    body = response.content.decode()
    assert body.count('class="list-group-item case-linked"') == 10
    assert body.count('id="link-') == 4
    assert len(many) == len(few) == 12, "\n".join(q["sql"] for q in many.captured_queries)


# Linking from the page: the desk's, for cases of its site.


def test_it_offers_to_link_a_similar_case(clerk_client, clerk, site_a, case):
    other = factories.make_case(site_a, clerk, house=case.house)
    body = clerk_client.get(page(case)).content.decode()
    form = body[body.index(f'action="{link(case, other)}"') :]
    form = form[: form.index("</form>")]
    assert 'name="csrfmiddlewaretoken"' in form
    assert f'id="link-{other.pk}"' in form and "关联" in form
    assert other.number in body


def timeline_of(body: str) -> list[str]:
    """The timeline's detail lines (what a link names), oldest first."""
    timeline = body[body.index('id="case-timeline"') :]
    timeline = timeline[: timeline.index("</ol>")]
    return [line.strip() for line in timeline.splitlines() if 'class="small"' in line]


def test_it_links_a_similar_case_and_both_pages_list_it(clerk_client, clerk, site_a, case):
    other = factories.make_case(site_a, clerk, house=case.house)
    handling.case_accept(site=site_a, user=clerk, case=other)
    response = clerk_client.post(link(case, other))
    assert response.status_code == 302 and response["Location"] == page(case)
    assert list(fresh(case).linked.all()) == [other]
    assert list(fresh(other).linked.all()) == [case]
    for a, b in ((case, other), (other, case)):
        event = CaseEvent.objects.get(case=a, kind="linked")
        assert (event.by, event.data["number"]) == (clerk, b.number)

    response = clerk_client.get(page(case))
    body = response.content.decode()
    assert "已关联工单 " + other.number in body  # the message once done
    assert response.context["linked"] == [other] and response.context["to_link"] == []
    row = body[body.index(f'id="linked-{other.pk}"') :]
    row = row[: row.index("</li>")]
    assert other.number in row and page(other) in row and "处理中" in row
    assert f'id="link-{other.pk}"' not in body
    assert timeline_of(body)[-1] == f'<div class="small">关联工单 {other.number}</div>'

    # The other case's page lists it too (the link runs both ways), not as one to link.
    response = clerk_client.get(page(other))
    body = response.content.decode()
    row = body[body.index(f'id="linked-{case.pk}"') :]
    row = row[: row.index("</li>")]
    assert case.number in row and page(case) in row and "已派单" in row
    assert f'id="link-{case.pk}"' not in body
    assert timeline_of(body)[-1] == f'<div class="small">关联工单 {case.number}</div>'


def test_it_refuses_to_link_twice(clerk_client, clerk, site_a, case):
    other = factories.make_case(site_a, clerk, house=case.house)
    assert clerk_client.post(link(other, case)).status_code == 302
    events = CaseEvent.objects.count()
    response = clerk_client.post(link(case, other))
    assert response.status_code == 409
    assert f"{other.number} 已与本工单关联，本次未作任何更改。" in response.content.decode()
    assert CaseEvent.objects.count() == events
    assert Case.linked.through.objects.count() == 2  # one row each way


def test_it_refuses_to_link_a_case_to_itself(clerk_client, case):
    events = CaseEvent.objects.count()
    response = clerk_client.post(link(case, case))
    assert response.status_code == 400
    assert "工单不能关联自己。" in response.content.decode()
    assert CaseEvent.objects.count() == events
    assert not Case.linked.through.objects.exists()


def test_linking_a_case_of_another_site_is_a_404(client, clerk_client, clerk, clerk_b, case):
    theirs = factories.make_case(clerk_b.sites.get(), clerk_b)
    assert clerk_client.post(link(case, theirs)).status_code == 404
    client.force_login(clerk_b)
    assert client.post(link(theirs, case)).status_code == 404
    assert not Case.linked.through.objects.exists()
    assert not CaseEvent.objects.filter(kind="linked").exists()


def test_linking_is_the_desks(engineer_client, clerk, site_a, case):
    other = factories.make_case(site_a, clerk, house=case.house)
    # He sees the similar case on his own case's page, without the button.
    body = engineer_client.get(page(case)).content.decode()
    assert other.number in body and f'id="link-{other.pk}"' not in body
    assert engineer_client.post(link(case, other)).status_code == 403
    assert not Case.linked.through.objects.exists()


def test_linking_needs_the_pages_csrf_token(clerk, site_a, case):
    other = factories.make_case(site_a, clerk, house=case.house)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(clerk)
    assert browser.post(link(case, other)).status_code == 403
    assert not Case.linked.through.objects.exists()


def test_a_similar_case_linked_long_ago_is_not_offered_again(clerk_client, clerk, site_a, case):
    similar = factories.make_case(site_a, clerk, house=case.house)
    case.linked.add(similar)
    # More cases linked since than the page lists, all newer than the similar one.
    case.linked.add(
        *(
            factories.make_case(site_a, clerk, category="秩序安全/噪音", house=case.house)
            for _ in range(20)
        )
    )
    response = clerk_client.get(page(case))
    assert response.context["to_link"] == []
    linked = response.context["linked"]
    assert len(linked) == 20 and similar in linked
    assert linked == sorted(linked, key=lambda c: (c.created_at, c.pk), reverse=True)
