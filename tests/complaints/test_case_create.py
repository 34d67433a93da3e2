"""Recording a case: its number (also under concurrent recording), its department, its
deadlines in working time, repeats, 12345 cases, public places, and cases from inquiries."""

import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from complaints.models import Case, CaseCounter, CaseEvent, CasePhoto, Urgency
from complaints.photos import photo_clean
from complaints.services.cases import case_create, case_from_inquiry, case_link
from complaints.states import State
from frontdesk.channels.models import Delivery
from frontdesk.conflicts import Conflict
from residents.models import Building
from tests import factories
from tests.complaints.conftest import at, photo
from visitors.models import Inquiry


def record(site, user, *, category="工程维修/漏水", **fields):
    fields.setdefault("kind", Case.Kind.REPAIR)
    fields.setdefault("source", Case.Source.PHONE)
    fields.setdefault("description", "卫生间天花板漏水")
    return case_create(
        site=site, user=user, category=factories.make_category(site, category), **fields
    )


# --- Numbers --------------------------------------------------------------------------


def test_it_numbers_cases_per_site_per_day(site_a, site_b, clerk, clerk_b, house_a):
    monday = at("2026-12-07 09:00")
    first = record(site_a, clerk, house=house_a, now=monday).case
    second = record(site_a, clerk, house=house_a, now=monday + timedelta(hours=8)).case
    other_site = record(site_b, clerk_b, place="东门", now=monday).case
    # 00:30 in Shanghai is still the previous day in UTC: the desk's day counts.
    next_day = record(site_a, clerk, house=house_a, now=at("2026-12-08 00:30")).case
    assert [first.number, second.number] == ["TS20261207-0001", "TS20261207-0002"]
    assert other_site.number == "TS20261207-0001"
    assert next_day.number == "TS20261208-0001"


def test_a_case_that_is_not_saved_gives_its_number_back(site_a, clerk, house_a):
    now = at("2026-12-07 09:00")
    with pytest.raises(RuntimeError), transaction.atomic():
        assert record(site_a, clerk, house=house_a, now=now).case.number.endswith("-0001")
        raise RuntimeError("the page's transaction fails after the case was recorded")
    assert record(site_a, clerk, house=house_a, now=now).case.number == "TS20261207-0001"


def _in_thread(target, results, key):
    def run():
        try:
            results[key] = target()
        except Exception as exc:  # reported by the test, not lost in the thread
            results[key] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_two_clerks_recording_at_once_get_two_numbers(transactional_db, site_a, clerk):
    """The first clerk's transaction holds the day's counter while the second records: the
    second waits for the first to commit, then gets the next number (without the lock on
    the counter row both would read the same last number)."""
    category = factories.make_category(site_a)
    house = factories.make_house(site_a)
    drawn, release, results = threading.Event(), threading.Event(), {}

    def first():
        with transaction.atomic():
            case = case_create(
                site=site_a,
                user=clerk,
                kind="repair",
                source="phone",
                category=category,
                description="一号",
                house=house,
            ).case
            drawn.set()
            release.wait(10)
        return case.number, time.monotonic()

    def second():
        drawn.wait(10)
        case = case_create(
            site=site_a,
            user=clerk,
            kind="repair",
            source="phone",
            category=category,
            description="二号",
            house=house,
        ).case
        return case.number, time.monotonic()

    threads = [_in_thread(first, results, 1), _in_thread(second, results, 2)]
    drawn.wait(10)
    time.sleep(0.5)  # the second is now waiting on the counter row
    assert 2 not in results
    released_at = time.monotonic()
    release.set()
    for thread in threads:
        thread.join(20)
    assert not [r for r in results.values() if isinstance(r, Exception)], results
    today = timezone.localdate().strftime("%Y%m%d")
    assert results[1][0] == f"TS{today}-0001"
    assert results[2][0] == f"TS{today}-0002"
    assert results[2][1] >= released_at
    assert sorted(Case.objects.values_list("number", flat=True)) == [
        f"TS{today}-0001",
        f"TS{today}-0002",
    ]


def test_many_clerks_at_once_get_consecutive_numbers(transactional_db, site_a, clerk):
    category = factories.make_category(site_a)
    house = factories.make_house(site_a)
    barrier, results = threading.Barrier(6), {}

    def make(n):
        def go():
            barrier.wait(10)
            return case_create(
                site=site_a,
                user=clerk,
                kind="repair",
                source="phone",
                category=category,
                description=f"第{n}个",
                house=house,
            ).case.number

        return go

    threads = [_in_thread(make(n), results, n) for n in range(6)]
    for thread in threads:
        thread.join(30)
    assert not [r for r in results.values() if isinstance(r, Exception)], results
    today = timezone.localdate().strftime("%Y%m%d")
    assert sorted(results.values()) == [f"TS{today}-{n:04d}" for n in range(1, 7)]
    assert CaseCounter.objects.get(site=site_a).last == 6


# --- Routing --------------------------------------------------------------------------


def test_it_routes_by_category_and_tells_the_department(site_a, clerk, engineer, house_a):
    recorded = record(site_a, clerk, house=house_a, resident=house_a.residents.get())
    case = recorded.case
    assert case.state == State.ASSIGNED
    assert case.department.name == "工程部"
    events = list(CaseEvent.objects.filter(case=case).values_list("kind", "from_state", "to_state"))
    assert events == [("created", "", "registered"), ("assigned", "registered", "assigned")]
    inbox = Delivery.objects.get(user=engineer, channel="inbox")
    assert inbox.purpose == "case_assigned"
    assert inbox.subject == f"新工单 {case.number}：工程维修/漏水"
    assert "3栋2单元1201：卫生间天花板漏水" in inbox.text


def test_a_sub_category_goes_where_its_parent_goes_unless_it_names_its_own(site_a, clerk, house_a):
    noise = record(site_a, clerk, category="秩序安全/噪音", house=house_a).case
    assert noise.department.name == "秩序部"
    factories.make_category(site_a, "秩序安全/停车", department="客服部")
    parking = record(site_a, clerk, category="秩序安全/停车", house=house_a).case
    assert parking.department.name == "客服部"


def test_the_clerk_may_send_it_elsewhere(site_a, clerk, house_a):
    finance = site_a.departments.get(name="财务部")
    case = record(site_a, clerk, house=house_a, department=finance).case
    assert case.department == finance


def test_a_case_without_a_department_waits_at_the_desk(site_a, clerk, house_a):
    case = record(site_a, clerk, category="新分类", house=house_a).case
    assert case.state == State.REGISTERED and case.department is None
    assert not Delivery.objects.exists()


def test_it_refuses_another_sites_department_house_or_category(site_a, site_b, clerk, house_a):
    with pytest.raises(ValidationError) as refused:
        record(site_a, clerk, house=house_a, department=site_b.departments.get(name="工程部"))
    assert "department" in refused.value.message_dict
    other_house = factories.make_house(site_b)
    with pytest.raises(ValidationError) as refused:
        record(site_a, clerk, house=other_house)
    assert "house" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        case_create(
            site=site_a,
            user=clerk,
            kind="repair",
            source="phone",
            category=factories.make_category(site_b),
            description="漏水",
            house=house_a,
        )
    assert "category" in refused.value.message_dict
    assert not Case.objects.exists()


def test_it_refuses_a_retired_category_and_an_empty_description(site_a, clerk, house_a):
    category = factories.make_category(site_a)
    category.is_active = False
    category.save()
    with pytest.raises(ValidationError) as refused:
        record(site_a, clerk, house=house_a, description="  ")
    assert refused.value.message_dict == {
        "description": ["请填写业主反映的问题。"],
        "category": ["此分类已停用，请另选分类。"],
    }
    assert not Case.objects.exists() and not CaseCounter.objects.exists()


# --- Deadlines ------------------------------------------------------------------------


@pytest.fixture
def leak(site_a):
    """Respond within 2 working hours, resolve within one working day (450 minutes)."""
    return factories.make_category(
        site_a,
        "工程维修/漏水",
        deadlines={Urgency.NORMAL: (120, 450), Urgency.EMERGENCY: (15, 240)},
    )


def test_deadlines_skip_the_weekend(site_a, clerk, house_a, leak):
    friday = at("2026-12-04 16:30")
    case = record(site_a, clerk, house=house_a, now=friday).case
    # Friday 16:30–17:30 is one hour; Monday from 08:30 gives the rest.
    assert case.respond_due == at("2026-12-07 09:30")
    # 60 on Friday, 210 on Monday morning, 180 of Monday afternoon.
    assert case.resolve_due == at("2026-12-07 16:30")
    # 75% of 120 working minutes: 90, so Monday 09:00.
    assert case.respond_warn_at == at("2026-12-07 09:00")
    assert case.next_due == case.respond_warn_at


def test_deadlines_skip_the_spring_festival_and_count_its_make_up_saturdays(
    site_a, clerk, house_a, leak
):
    friday = at("2026-02-13 17:00")
    case = record(site_a, clerk, house=house_a, now=friday).case
    # Saturday 14 February 2026 is a make-up workday (班): 30 minutes on Friday, the
    # remaining 420 on the Saturday.
    assert case.resolve_due == at("2026-02-14 17:00")
    long = factories.make_category(
        site_a, "工程维修/水电维修", deadlines={Urgency.NORMAL: (120, 900)}
    )
    case = case_create(
        site=site_a,
        user=clerk,
        kind="repair",
        source="phone",
        category=long,
        description="停电",
        house=house_a,
        now=friday,
    ).case
    # 30 + 450 by Saturday night; then 15–23 February are off (the holiday, its Sunday,
    # its weekend and its 调休 Monday): the last 420 minutes fall on Tuesday 24 February.
    assert case.resolve_due == at("2026-02-24 17:00")


def test_deadlines_skip_national_day_and_count_its_make_up_saturday(site_a, clerk, house_a, leak):
    case = record(site_a, clerk, house=house_a, now=at("2026-09-30 17:00")).case
    # 1–7 October are off; Thursday 8 October is the next working day.
    assert case.respond_due == at("2026-10-08 10:00")
    case = record(site_a, clerk, house=house_a, now=at("2026-10-09 17:00")).case
    # Saturday 10 October 2026 is worked (国庆 调休上班).
    assert case.respond_due == at("2026-10-10 10:00")


def test_an_emergency_counts_in_calendar_time(site_a, clerk, house_a, leak):
    friday = at("2026-12-04 17:00")
    case = record(site_a, clerk, house=house_a, urgency=Urgency.EMERGENCY, now=friday).case
    assert case.respond_due == at("2026-12-04 17:15")
    assert case.resolve_due == at("2026-12-04 21:00")
    assert case.resolve_warn_at == at("2026-12-04 20:00")


def test_without_its_own_deadlines_a_category_uses_its_parents_then_the_defaults(
    site_a, clerk, house_a
):
    factories.make_category(site_a, "环境卫生", deadlines={Urgency.URGENT: (60, 300)})
    monday = at("2026-12-07 08:30")
    case = record(
        site_a, clerk, category="环境卫生/垃圾清运", house=house_a, urgency="urgent", now=monday
    ).case
    # 300: the morning's 210, then 90 from 13:30.
    assert (case.respond_due, case.resolve_due) == (at("2026-12-07 09:30"), at("2026-12-07 15:00"))
    case = record(site_a, clerk, category="新分类", house=house_a, now=monday).case
    # The defaults: 120 and 1350 working minutes (three working days).
    assert case.respond_due == at("2026-12-07 10:30")
    assert case.resolve_due == at("2026-12-09 17:30")


def test_praise_has_no_deadline(site_a, clerk, house_a):
    case = record(site_a, clerk, category="服务态度", house=house_a, kind=Case.Kind.PRAISE).case
    assert case.respond_due is None and case.resolve_due is None


# --- 12345, public places -------------------------------------------------------------


def test_a_12345_case_needs_its_reference_and_deadline(site_a, clerk, house_a):
    with pytest.raises(ValidationError) as refused:
        record(site_a, clerk, house=house_a, source=Case.Source.HOTLINE)
    assert refused.value.message_dict == {
        "hotline_ref": ["12345工单须填写热线工单编号。"],
        "hotline_deadline": ["12345工单须填写热线规定的办理时限。"],
    }
    with pytest.raises(ValidationError) as refused:
        record(
            site_a,
            clerk,
            house=house_a,
            source=Case.Source.HOTLINE,
            hotline_ref="HZ12345-001",
            hotline_deadline=timezone.now() - timedelta(minutes=1),
        )
    assert refused.value.message_dict == {"hotline_deadline": ["该时限已经过去。"]}
    assert not Case.objects.exists()


def test_the_hotlines_deadline_caps_the_cases(site_a, clerk, house_a, leak):
    monday = at("2026-12-07 09:00")
    case = record(
        site_a,
        clerk,
        house=house_a,
        source=Case.Source.HOTLINE,
        hotline_ref=" HZ12345-001 ",
        hotline_deadline=at("2026-12-07 10:00"),
        now=monday,
    ).case
    assert case.hotline_ref == "HZ12345-001"
    assert case.resolve_due == at("2026-12-07 10:00")
    # 120 working minutes would be 11:00: never after the resolution.
    assert case.respond_due == at("2026-12-07 10:00")


def test_a_case_about_a_public_place_has_no_house(site_a, clerk):
    building = Building.objects.create(site=site_a, number=5)
    case = record(site_a, clerk, building=building, place=" 地下车库 ").case
    assert (case.house, case.building, case.place) == (None, building, "地下车库")
    assert case.where == "5栋 地下车库"


def test_a_complaint_must_say_where(site_a, clerk):
    with pytest.raises(ValidationError) as refused:
        record(site_a, clerk, kind=Case.Kind.COMPLAINT)
    assert refused.value.message_dict == {"house": ["请选择房屋或填写公共区域。"]}
    # A suggestion about the service needs no place.
    assert record(site_a, clerk, category="服务态度", kind=Case.Kind.SUGGESTION).case.pk


def test_a_house_is_the_place(site_a, clerk, house_a):
    case = record(site_a, clerk, house=house_a, place="楼道").case
    assert case.place == "" and case.where == "3栋2单元1201"


# --- Repeats --------------------------------------------------------------------------


def test_it_flags_cases_of_the_same_house_and_category_within_30_days(site_a, clerk, house_a):
    now = at("2026-12-07 09:00")
    old = record(site_a, clerk, house=house_a, now=now - timedelta(days=31)).case
    recent = record(site_a, clerk, house=house_a, now=now - timedelta(days=29)).case
    record(site_a, clerk, category="秩序安全/噪音", house=house_a, now=now - timedelta(days=1))
    record(site_a, clerk, house=factories.make_house(site_a, room="1202"), now=now)
    recorded = record(site_a, clerk, house=house_a, now=now)
    assert recorded.similar == [recent]
    assert old not in recorded.similar


def test_it_flags_repeats_of_a_public_place(site_a, clerk):
    building = Building.objects.create(site=site_a, number=5)
    first = record(site_a, clerk, building=building, place="地下车库").case
    record(site_a, clerk, place="地下车库")  # no building: another place
    again = record(site_a, clerk, building=building, place="地下车库")
    assert again.similar == [first]


def test_it_links_the_similar_cases_it_is_asked_to(site_a, clerk, house_a):
    first = record(site_a, clerk, house=house_a).case
    second = record(site_a, clerk, house=house_a, link_to=[first.pk]).case
    assert list(second.linked.all()) == [first]
    assert list(first.linked.all()) == [second]
    assert CaseEvent.objects.filter(case=second, kind="linked").count() == 1
    # The older case's timeline says so too.
    assert CaseEvent.objects.filter(case=first, kind="linked").get().data["case"] == second.pk


def test_linking_later_writes_both_timelines_once(site_a, site_b, clerk, clerk_b, house_a):
    first = record(site_a, clerk, house=house_a).case
    second = record(site_a, clerk, place="东门", kind=Case.Kind.SUGGESTION).case
    case_link(site=site_a, user=clerk, case=second, other=first)
    with pytest.raises(ValidationError) as refused:
        case_link(site=site_a, user=clerk, case=first, other=second)
    assert refused.value.code == "linked"
    assert CaseEvent.objects.filter(kind="linked").count() == 2
    other = record(site_b, clerk_b, place="东门").case
    with pytest.raises(Case.DoesNotExist):
        case_link(site=site_a, user=clerk, case=first, other=other)
    with pytest.raises(ValidationError):
        record(site_a, clerk, house=house_a, link_to=[other.pk])


# --- Photos ---------------------------------------------------------------------------


def test_it_keeps_the_photos_as_found(site_a, clerk, house_a, media):
    case = record(site_a, clerk, house=house_a, photos=[photo("red"), photo("blue", "PNG")]).case
    photos = list(CasePhoto.objects.filter(case=case))
    assert [p.kind for p in photos] == ["before", "before"]
    assert {p.event.kind for p in photos} == {"created"}
    assert photos[0].image.name.startswith(f"cases/{site_a.pk}/")
    assert photos[1].image.name.endswith(".png")
    assert (media / photos[0].image.name).exists()


def test_a_file_that_is_not_a_photo_is_refused(tmp_path):
    from io import BytesIO

    with pytest.raises(ValidationError, match="不能上传"):
        photo_clean(BytesIO(b"%PDF-1.4 not a photo"))


def test_at_most_nine_photos(site_a, clerk, house_a, media):
    with pytest.raises(ValidationError) as refused:
        record(site_a, clerk, house=house_a, photos=[photo()] * 10)
    assert refused.value.message_dict == {"photos": ["每次最多上传 9 张照片。"]}
    assert not Case.objects.exists()


# --- From an inquiry ------------------------------------------------------------------


def test_an_inquiry_referred_to_a_department_becomes_a_case(site_a, clerk, engineer, house_a):
    resident = house_a.residents.get()
    inquiry = Inquiry.objects.create(
        site=site_a,
        channel=Inquiry.Channel.PHONE,
        house=house_a,
        resident=resident,
        question="厨房水管漏水",
        referred_to=site_a.departments.get(name="工程部"),
        created_by=clerk,
    )
    recorded = case_from_inquiry(
        site=site_a,
        user=clerk,
        inquiry=inquiry,
        kind=Case.Kind.REPAIR,
        category=factories.make_category(site_a, "工程维修/水电维修"),
    )
    case = recorded.case
    assert (case.house, case.resident, case.description) == (house_a, resident, "厨房水管漏水")
    assert case.source == Case.Source.PHONE and case.department.name == "工程部"
    inquiry.refresh_from_db()
    assert inquiry.case == case
    # Handled as a referral: the department's inbox does not hold it twice.
    assert inquiry.referral_done_at is not None
    assert inquiry.referral_reply == f"已转为工单 {case.number}。"
    with pytest.raises(Conflict) as conflict:
        case_from_inquiry(
            site=site_a,
            user=engineer,
            inquiry=inquiry,
            kind=Case.Kind.REPAIR,
            category=factories.make_category(site_a),
        )
    assert conflict.value.obj == case and conflict.value.by == clerk
    assert Case.objects.count() == 1


def test_an_inquiry_answered_at_the_desk_keeps_its_answer(site_a, clerk, house_a):
    inquiry = factories.make_inquiry(site_a, clerk)
    recorded = case_from_inquiry(
        site=site_a,
        user=clerk,
        inquiry=inquiry,
        kind=Case.Kind.SUGGESTION,
        category=factories.make_category(site_a, "其他"),
        description="建议增加停车月卡办理点",
    )
    inquiry.refresh_from_db()
    assert recorded.case.description == "建议增加停车月卡办理点"
    assert recorded.case.department.name == "客服部"
    assert inquiry.answer == "带行驶证到前台办理。" and inquiry.referral_done_at is None


def test_another_sites_inquiry_is_refused(site_a, site_b, clerk, clerk_b):
    inquiry = factories.make_inquiry(site_b, clerk_b)
    with pytest.raises(ValidationError):
        case_from_inquiry(
            site=site_a,
            user=clerk,
            inquiry=inquiry,
            kind=Case.Kind.SUGGESTION,
            category=factories.make_category(site_a, "其他"),
        )


def test_it_refuses_a_kind_source_or_urgency_it_does_not_know(site_a, clerk, house_a):
    with pytest.raises(ValidationError) as refused:
        record(site_a, clerk, house=house_a, kind="rant", source="fax", urgency="soon")
    assert refused.value.message_dict == {
        "kind": ["请从列表中选择。"],
        "source": ["请从列表中选择。"],
        "urgency": ["请从列表中选择。"],
    }
    assert not Case.objects.exists()
