"""回访 page (complaints:case_callback): the clerk records the call-back's outcome, and a
12345 case's reply to the hotline and its verdict."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.models import CallbackAttempt, Case, CaseEvent
from complaints.services import handling
from residents.models import Resident
from tests import factories


def resolved(site, clerk, engineer, house, **fields) -> Case:
    resident = Resident.objects.filter(site=site, name="张三丰").first()
    case = factories.make_case(site, clerk, house=house, resident=resident, **fields)
    handling.case_accept(site=site, user=engineer, case=case)
    return handling.case_resolve(site=site, user=engineer, case=case, note="已更换三角阀")


@pytest.fixture
def case(site_a, clerk, engineer, house_a):
    return resolved(site_a, clerk, engineer, house_a)


def url(case) -> str:
    return reverse("complaints:case_callback", args=[case.pk])


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def test_it_shows_the_case_to_call_back_with_the_phone_masked(clerk_client, case):
    response = clerk_client.get(url(case))
    assert response.status_code == 200
    page = response.content.decode()
    assert case.number in page and "已更换三角阀" in page
    assert "张三丰" in page and "138****8000" in page and "13800138000" not in page
    assert 'id="callback-form"' in page
    assert f'name="version" value="{case.version}"' in page


def test_it_records_a_satisfied_resident_and_closes_the_case(clerk_client, clerk, case):
    response = clerk_client.post(
        url(case),
        {
            "action": "callback",
            "version": case.version,
            "reached": "yes",
            "rating": "4",
            "solved": "yes",
            "comment": "师傅很专业",
        },
    )
    assert response.status_code == 302 and response["Location"] == url(case)
    stored = fresh(case)
    assert (stored.state, stored.rating, stored.solved) == ("closed", 4, True)
    assert (stored.satisfaction_comment, stored.feedback_via) == ("师傅很专业", "phone")
    assert CallbackAttempt.objects.get(case=case).by == clerk
    page = clerk_client.get(response["Location"]).content.decode()
    assert "已结案" in page and 'id="callback-none"' in page


def test_an_unhappy_resident_reopens_the_case(clerk_client, case):
    response = clerk_client.post(
        url(case),
        {
            "action": "callback",
            "version": case.version,
            "reached": "yes",
            "rating": "2",
            "solved": "yes",
        },
        follow=True,
    )
    stored = fresh(case)
    assert (stored.state, stored.reopen_count) == ("reopened", 1)
    assert "重新打开" in response.content.decode()


def test_the_third_call_not_answered_closes_it_as_unreachable(clerk_client, case):
    for attempt in range(1, 4):
        response = clerk_client.post(
            url(case),
            {
                "action": "callback",
                "version": fresh(case).version,
                "reached": "no",
                "note": f"第{attempt}次无人接听",
            },
        )
        assert response.status_code == 302
    stored = fresh(case)
    assert (stored.state, stored.close_reason, stored.callback_attempts) == (
        "closed",
        "unreachable",
        3,
    )
    assert CallbackAttempt.objects.filter(case=case, reached=False).count() == 3


def test_a_reached_resident_needs_a_rating_and_an_answer(clerk_client, case):
    response = clerk_client.post(
        url(case),
        {"action": "callback", "version": case.version, "reached": "yes", "comment": "还行"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "请给出 1 到 5 的评分" in page or "1 到 5" in page
    assert "还行" in page  # what was typed is kept
    assert fresh(case).state == "resolved"
    assert not CallbackAttempt.objects.filter(case=case).exists()


def test_bad_choices_are_refused_beside_the_field(clerk_client, case):
    response = clerk_client.post(
        url(case),
        {"action": "callback", "version": case.version, "reached": "maybe", "rating": "9"},
    )
    assert response.status_code == 200
    assert fresh(case).state == "resolved"


def test_a_call_back_on_an_old_page_is_told_who_got_there_first(
    clerk_client, site_a, supervisor, case
):
    seen = case.version
    from complaints.services import callbacks

    callbacks.case_callback(
        site=site_a, user=supervisor, case=case, reached=False, note="无人接听", version=seen
    )
    response = clerk_client.post(
        url(case),
        {"action": "callback", "version": seen, "reached": "yes", "rating": "5", "solved": "yes"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "本次未作任何更改" in page
    stored = fresh(case)
    assert (stored.state, stored.rating, stored.callback_attempts) == ("resolved", None, 1)


def test_a_case_not_waiting_for_a_call_back_says_so(clerk_client, site_a, clerk, house_a):
    case = factories.make_case(site_a, clerk, house=house_a)
    response = clerk_client.get(url(case))
    assert response.status_code == 200
    assert 'id="callback-none"' in response.content.decode()
    response = clerk_client.post(
        url(case),
        {"action": "callback", "version": case.version, "reached": "no"},
    )
    assert response.status_code == 200
    assert "现在不能" in response.content.decode()
    assert fresh(case).state == "assigned"


def test_a_12345_case_is_closed_with_the_reply_and_the_hotlines_verdict(
    clerk_client, site_a, clerk, engineer, house_a
):
    from datetime import timedelta

    from django.utils import timezone

    case = resolved(
        site_a,
        clerk,
        engineer,
        house_a,
        source="hotline",
        hotline_ref="GD20261201-0042",
        hotline_deadline=timezone.now() + timedelta(days=5),
    )
    clerk_client.post(
        url(case),
        {
            "action": "callback",
            "version": case.version,
            "reached": "yes",
            "rating": "5",
            "solved": "yes",
        },
    )
    assert fresh(case).state == "called_back"
    page = clerk_client.get(url(case)).content.decode()
    assert 'id="hotline-form"' in page and "GD20261201-0042" in page
    # Nothing chosen: refused beside the fields, the reply kept.
    response = clerk_client.post(
        url(case),
        {"action": "close", "version": fresh(case).version, "hotline_reply": "已维修完毕"},
    )
    assert response.status_code == 200
    assert "12345" in response.content.decode() and "已维修完毕" in response.content.decode()
    assert fresh(case).state == "called_back"
    response = clerk_client.post(
        url(case),
        {
            "action": "close",
            "version": fresh(case).version,
            "hotline_reply": "已维修完毕，业主满意",
            "hotline_result": "satisfied",
        },
    )
    assert response.status_code == 302
    stored = fresh(case)
    assert (stored.state, stored.hotline_result, stored.hotline_reply) == (
        "closed",
        "satisfied",
        "已维修完毕，业主满意",
    )
    assert CaseEvent.objects.filter(case=case, kind="closed").exists()


def test_another_sites_clerk_gets_a_404(client, clerk_b, case):
    client.force_login(clerk_b)
    assert client.get(url(case)).status_code == 404
    response = client.post(
        url(case), {"action": "callback", "version": case.version, "reached": "no"}
    )
    assert response.status_code == 404
    assert fresh(case).state == "resolved"


def test_department_staff_cannot_record_call_backs(client, engineer, case):
    client.force_login(engineer)
    assert client.get(url(case)).status_code == 403


def test_it_reads_the_page_in_a_fixed_number_of_queries(clerk_client, case):
    clerk_client.get(url(case))  # the session's sites and permissions, read once a minute
    with CaptureQueriesContext(connection) as queries:
        assert clerk_client.get(url(case)).status_code == 200
    # The session, the user, the case with its category, house and resident (one query
    # of joins), its department, its people (handler and authors, one query), and the
    # header's unread messages.
    assert len(queries) == 6, "\n".join(q["sql"] for q in queries.captured_queries)
