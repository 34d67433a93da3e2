"""The resident's feedback link (/s/<token>/): no login, on a phone, one answer per case,
nothing personal shown, limited per address, never indexed."""

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints.models import Case, CaseEvent
from complaints.services import callbacks, handling
from tests import factories
from tests.conftest import CLOSED_BROKER

# Each test asks from addresses of its own: the per-address counts live in Redis, which
# outlives a test's transaction.
_addresses = (
    f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
    for n in itertools.count(int(timezone.now().timestamp()) % 2**20 * 16)
)


@pytest.fixture
def resident_client():
    """A phone that opens the link: no login, an address of its own, CSRF enforced."""
    return Client(enforce_csrf_checks=True, REMOTE_ADDR=next(_addresses))


@pytest.fixture
def case(site_a, clerk, engineer, house_a):
    case = factories.make_case(site_a, clerk, house=house_a, description="卫生间天花板漏水")
    handling.case_accept(site=site_a, user=engineer, case=case)
    return handling.case_resolve(site=site_a, user=engineer, case=case, note="已更换三角阀")


def url(token: str) -> str:
    return reverse("complaints_public:feedback", args=[token])


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def answer(client: Client, case, **data):
    """Open the link, then send the form with the CSRF cookie the page set."""
    assert client.get(url(case.feedback_token)).status_code == 200
    token = client.cookies["csrftoken"].value
    # An answer taken is a redirect to the link, which then thanks for it (a reload never
    # posts it again); a refused one is the form again.
    response = client.post(url(case.feedback_token), {"csrfmiddlewaretoken": token, **data})
    if response.status_code == 302:
        assert response["Location"] == url(case.feedback_token)
        return client.get(response["Location"])
    return response


def test_it_shows_the_case_and_nothing_personal(resident_client, case):
    response = resident_client.get(url(case.feedback_token))
    assert response.status_code == 200
    page = response.content.decode()
    assert case.number in page and "工程维修/漏水" in page and "已更换三角阀" in page
    # No house, no name, no phone, not even the description (it may name people).
    for personal in (
        "3栋2单元1201",
        "1201",
        "张三丰",
        "13800138000",
        "138****8000",
        "卫生间天花板",
    ):
        assert personal not in page, personal
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    assert "csrftoken" in response.cookies  # for the anonymous POST


def test_a_satisfied_answer_closes_the_case(resident_client, case):
    response = answer(resident_client, case, rating="5", solved="yes", comment="修得很快，谢谢")
    assert response.status_code == 200
    assert "感谢您的评价" in response.content.decode()
    stored = fresh(case)
    assert (stored.state, stored.rating, stored.solved, stored.feedback_via) == (
        "closed",
        5,
        True,
        "link",
    )
    assert stored.satisfaction_comment == "修得很快，谢谢"
    called_back = CaseEvent.objects.get(case=case, kind="called_back")
    assert called_back.by is None and called_back.data["via"] == "link"


def test_an_unhappy_answer_reopens_the_case(resident_client, case):
    response = answer(resident_client, case, rating="2", solved="no", comment="还在滴水")
    assert response.status_code == 200
    assert 'id="feedback-reopened"' in response.content.decode()
    stored = fresh(case)
    assert (stored.state, stored.reopen_count, stored.department.name) == ("reopened", 1, "工程部")


def test_a_second_answer_is_refused_and_thanked(resident_client, case):
    answer(resident_client, case, rating="4", solved="yes")
    before = fresh(case)
    token = resident_client.cookies["csrftoken"].value
    response = resident_client.post(
        url(case.feedback_token), {"csrfmiddlewaretoken": token, "rating": "1", "solved": "no"}
    )
    assert response.status_code == 200
    assert "感谢您的评价" in response.content.decode()
    stored = fresh(case)
    assert (stored.state, stored.rating, stored.version) == ("closed", 4, before.version)


def test_bad_input_is_refused_in_chinese_keeping_the_comment(resident_client, case):
    response = answer(resident_client, case, rating="9", comment="还行")
    assert response.status_code == 200
    page = response.content.decode()
    assert "请打 1 到 5 分。" in page and "请说明问题是否已解决。" in page
    assert "还行" in page
    assert fresh(case).state == "resolved" and fresh(case).feedback_at is None


@pytest.mark.parametrize(
    "token",
    ["x" * 32, "short", "a" * 65, "../../etc/passwd", "%00" * 12, "tämpered-token-ümlaut-0123456"],
)
def test_an_unknown_or_tampered_link_is_not_found(resident_client, case, token):
    response = resident_client.get(f"/s/{token}/")
    assert response.status_code == 404
    assert "链接无效" in response.content.decode() or response.status_code == 404


def test_a_link_of_another_case_with_one_letter_changed_is_not_found(resident_client, case):
    token = case.feedback_token
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = resident_client.get(url(tampered))
    assert response.status_code == 404
    assert "链接无效" in response.content.decode()


def test_an_expired_link_says_so(resident_client, case):
    Case.objects.filter(pk=case.pk).update(feedback_expires_at=timezone.now() - timedelta(days=1))
    response = resident_client.get(url(case.feedback_token))
    assert response.status_code == 410
    assert "链接已过期" in response.content.decode()


def test_a_link_of_a_case_reopened_meanwhile_says_so(resident_client, site_a, clerk, case):
    callbacks.case_reopen(site=site_a, user=clerk, case=case, reason="业主来电说还在漏")
    response = resident_client.get(url(case.feedback_token))
    assert response.status_code == 410
    assert "无需再评价" in response.content.decode()


def test_a_post_without_the_csrf_token_is_refused(resident_client, case):
    response = resident_client.post(url(case.feedback_token), {"rating": "5", "solved": "yes"})
    assert response.status_code == 403
    assert fresh(case).state == "resolved"


def test_logged_in_staff_see_the_same_page(clerk_client, case):
    assert clerk_client.get(url(case.feedback_token)).status_code == 200


def test_too_many_requests_from_one_address_are_slowed_down(settings, resident_client, case):
    settings.PUBLIC_RATE_LIMIT = (3, 60)
    for _ in range(3):
        assert resident_client.get(url(case.feedback_token)).status_code == 200
    response = resident_client.get(url(case.feedback_token))
    assert response.status_code == 429
    assert "请求过于频繁" in response.content.decode()
    assert response["Retry-After"] == "60" and response["X-Robots-Tag"]
    # Another address is not held up.
    other = Client(REMOTE_ADDR=next(_addresses))
    assert other.get(url(case.feedback_token)).status_code == 200


def test_the_page_keeps_working_and_limiting_without_redis(settings, resident_client, case):
    settings.CELERY_BROKER_URL = CLOSED_BROKER
    settings.PUBLIC_RATE_LIMIT = (3, 60)
    for _ in range(3):
        assert resident_client.get(url(case.feedback_token)).status_code == 200
    assert resident_client.get(url(case.feedback_token)).status_code == 429
    response = answer(Client(REMOTE_ADDR=next(_addresses)), case, rating="5", solved="yes")
    assert response.status_code == 200 and fresh(case).state == "closed"


def test_it_opens_in_one_query(resident_client, case):
    with CaptureQueriesContext(connection) as queries:
        assert resident_client.get(url(case.feedback_token)).status_code == 200
    # The case with its site and category (no session, no user: nobody is logged in).
    assert len(queries) == 1, "\n".join(q["sql"] for q in queries.captured_queries)
