"""关注名单: a match warns the clerk at registration, is logged, and needs confirming."""

import pytest
from django.urls import reverse

from tests.visitors.test_register import form
from visitors.models import Visit, VisitPurpose, WatchEntry, WatchHit

REGISTER = reverse("visitors:register")


@pytest.fixture
def plate_entry(site_a, supervisor):
    return WatchEntry.objects.create(
        site=site_a, plate="浙A12345", action="refuse", reason="多次强行闯杆", created_by=supervisor
    )


def test_a_match_warns_and_logs_and_registers_nothing(clerk_client, clerk, house_a, plate_entry):
    response = clerk_client.post(REGISTER, form(house_a))
    html = response.content.decode()
    assert "此访客在关注名单中" in html and "多次强行闯杆" in html and "拒绝进入" in html
    assert not Visit.objects.exists()
    hit = WatchHit.objects.get()
    assert (hit.entry, hit.user, hit.visit, hit.visitor_name) == (plate_entry, clerk, None, "李四")
    assert hit.matched_on == "车牌"
    # Everything typed is still there, for registering after the check.
    assert 'value="浙a·12345"' in html and 'value="139 1234 5678"' in html


def test_confirming_registers_and_the_warning_ends_in_the_visit(clerk_client, house_a, plate_entry):
    clerk_client.post(REGISTER, form(house_a))
    clerk_client.post(REGISTER, form(house_a, watch_ack="on", watch_seen=str(plate_entry.pk)))
    visit = Visit.objects.get()
    # One warning, logged once, and how it ended: the visitor was let in.
    hit = WatchHit.objects.get()
    assert (hit.entry, hit.visit) == (plate_entry, visit)


def test_a_warning_long_ago_is_not_the_one_confirmed(clerk_client, house_a, plate_entry):
    from datetime import timedelta

    from django.utils import timezone

    clerk_client.post(REGISTER, form(house_a))
    WatchHit.objects.update(created_at=timezone.now() - timedelta(hours=2))
    clerk_client.post(REGISTER, form(house_a, watch_ack="on", watch_seen=str(plate_entry.pk)))
    assert list(WatchHit.objects.order_by("id").values_list("visit", flat=True)) == [
        None,
        Visit.objects.get().pk,
    ]


def test_a_confirmation_covers_only_the_entries_seen(clerk_client, site_a, house_a, plate_entry):
    phone_entry = WatchEntry.objects.create(site=site_a, phone="13912345678", reason="欠款纠纷")
    clerk_client.post(REGISTER, form(house_a, watch_ack="on", watch_seen=str(plate_entry.pk)))
    assert not Visit.objects.exists()
    assert set(WatchHit.objects.values_list("entry", flat=True)) == {plate_entry.pk, phone_entry.pk}


def test_a_hand_made_confirmation_confirms_nothing(clerk_client, house_a, plate_entry):
    clerk_client.post(REGISTER, form(house_a, watch_ack="on", watch_seen=f"x,²,{'9' * 40}"))
    assert not Visit.objects.exists()


def test_the_service_registers_only_what_was_confirmed(site_a, clerk, house_a, plate_entry):
    from visitors.services.visits import WatchListUnconfirmed, visit_register

    visitor = {
        "site": site_a,
        "user": clerk,
        "visitor_name": "李四",
        "visitor_phone": "13912345678",
        "purpose": VisitPurpose.objects.get(name="走亲访友"),
        "expected_stay": 60,
        "house": house_a,
        "plate": "浙A12345",
    }
    with pytest.raises(WatchListUnconfirmed) as warning:
        visit_register(**visitor)
    assert [m.entry for m in warning.value.matches] == [plate_entry]
    assert not Visit.objects.exists() and WatchHit.objects.get().visit is None
    visit = visit_register(**visitor, watch_confirmed={plate_entry.pk})
    assert WatchHit.objects.get().visit == visit


def test_it_matches_phone_and_id_number_too(clerk_client, site_a, house_a):
    from visitors.models import ReceptionSettings

    ReceptionSettings.objects.create(site=site_a, id_number_required=True)
    WatchEntry.objects.create(site=site_a, id_number="11010519491231002X", reason="冒充维修人员")
    response = clerk_client.post(REGISTER, form(house_a, id_number="11010519491231002X", plate=""))
    assert "冒充维修人员" in response.content.decode()
    assert WatchHit.objects.get().matched_on == "身份证号"


def test_inactive_entries_and_other_sites_do_not_warn(clerk_client, site_a, site_b, house_a):
    WatchEntry.objects.create(site=site_a, plate="浙A12345", reason="旧记录", is_active=False)
    WatchEntry.objects.create(site=site_b, plate="浙A12345", reason="别的小区")
    response = clerk_client.post(REGISTER, form(house_a))
    assert response.status_code == 302 and not WatchHit.objects.exists()


def test_the_phone_lookup_warns_while_typing_and_logs_it(clerk_client, clerk, site_a, house_a):
    entry = WatchEntry.objects.create(site=site_a, phone="13912345678", reason="欠款纠纷")
    html = clerk_client.get(
        reverse("visitors:returning"), {"visitor_phone": "13912345678"}
    ).content.decode()
    assert "关注名单" in html and "欠款纠纷" in html
    hit = WatchHit.objects.get()
    assert (hit.entry, hit.user, hit.visit, hit.matched_on) == (entry, clerk, None, "电话")
    # Registered after confirming: the same warning, now ending in the visit.
    clerk_client.post(REGISTER, form(house_a, plate="", watch_ack="on", watch_seen=str(entry.pk)))
    assert WatchHit.objects.get().visit == Visit.objects.get()


def test_an_entry_must_name_someone(site_a):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        WatchEntry.objects.create(site=site_a, reason="空条目")
