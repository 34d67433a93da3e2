"""Reception in Django admin: scoped to the supervisor's sites, phones masked in the lists,
searches an index can answer, lists whose queries do not grow with their rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from frontdesk import roles
from frontdesk.models import PersonalDataAccess
from tests import factories
from tests.factories import make_inquiry, make_parcel, make_visit, purpose
from visitors.models import ReceptionSettings, Visit, VisitPurpose, WatchEntry, WatchHit


@pytest.fixture
def supervisor_a(site_a):
    return factories.make_user(site_a, role=roles.SUPERVISOR, username="boss_a")


@pytest.fixture
def supervisor_b(site_b):
    return factories.make_user(site_b, role=roles.SUPERVISOR, username="boss_b")


@pytest.fixture
def rows(site_a, site_b, clerk, clerk_b, house_a):
    """A visit, an inquiry and a parcel at each site."""
    house_b = factories.make_house(site_b, building=9, unit=0, room="909")
    return {
        "visit_a": make_visit(site_a, clerk, name="甲访客", house=house_a),
        "visit_b": make_visit(site_b, clerk_b, name="乙访客", house=house_b),
        "inquiry_a": make_inquiry(site_a, clerk),
        "inquiry_b": make_inquiry(site_b, clerk_b, phone="13511112222"),
        "parcel_a": make_parcel(site_a, clerk, house_a, tracking="SFAAA0001"),
        "parcel_b": make_parcel(site_b, clerk_b, house_b, tracking="SFBBB0002"),
    }


def changelist(client, model: str, **params):
    response = client.get(reverse(f"admin:visitors_{model}_changelist"), params)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_a_supervisor_sees_only_their_sites_rows(client, supervisor_b, rows):
    client.force_login(supervisor_b)
    assert changelist(client, "visit") == [rows["visit_b"]]
    assert changelist(client, "inquiry") == [rows["inquiry_b"]]
    assert changelist(client, "parcel") == [rows["parcel_b"]]


def test_a_supervisor_of_both_sites_sees_both(client, supervisor, rows):
    client.force_login(supervisor)
    assert set(changelist(client, "visit")) == {rows["visit_a"], rows["visit_b"]}


@pytest.mark.parametrize("key", ["visit_a", "inquiry_a", "parcel_a"])
def test_another_sites_row_does_not_open(client, supervisor_b, rows, key):
    client.force_login(supervisor_b)
    obj = rows[key]
    url = reverse(f"admin:visitors_{obj._meta.model_name}_change", args=[obj.pk])
    # Django admin redirects to its index with a "does not exist" message.
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert not PersonalDataAccess.objects.exists()


def test_another_sites_settings_are_out_of_reach(client, supervisor_b, site_a):
    settings = ReceptionSettings.objects.create(site=site_a, retention_days=30)
    client.force_login(supervisor_b)
    assert changelist(client, "receptionsettings") == []
    url = reverse("admin:visitors_receptionsettings_change", args=[site_a.pk])
    assert client.get(url)["Location"] == reverse("admin:index")
    client.post(url, {"retention_days": 1, "parcel_overdue_days": 3})
    settings.refresh_from_db()
    assert settings.retention_days == 30


def test_a_supervisor_sets_their_own_sites_retention(client, supervisor_b, site_a, site_b):
    client.force_login(supervisor_b)
    url = reverse("admin:visitors_receptionsettings_add")
    data = {"retention_days": 14, "parcel_overdue_days": 3}
    response = client.post(url, {**data, "site": site_a.pk})
    assert response.status_code == 200  # the form again: site A is not theirs to choose
    assert not ReceptionSettings.objects.exists()
    response = client.post(url, {**data, "site": site_b.pk, "retention_days": 400})
    assert response.status_code == 200
    assert not ReceptionSettings.objects.exists()
    assert client.post(url, {**data, "site": site_b.pk}).status_code == 302
    assert ReceptionSettings.of(site_b).retention_days == 14
    # Changing them keeps them the site's: the site is the key, shown but not editable.
    change = reverse("admin:visitors_receptionsettings_change", args=[site_b.pk])
    assert client.post(change, {**data, "retention_days": 10}).status_code == 302
    assert ReceptionSettings.of(site_b).retention_days == 10


def test_phones_are_masked_in_the_lists_and_opening_one_is_logged(client, supervisor_a, rows):
    client.force_login(supervisor_a)
    for model in ("visit", "inquiry"):
        html = client.get(reverse(f"admin:visitors_{model}_changelist")).content.decode()
        assert "****" in html
        assert "13912345678" not in html and "13712345678" not in html
    visit = rows["visit_a"]
    response = client.get(reverse("admin:visitors_visit_change", args=[visit.pk]))
    assert response.status_code == 200
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.object_id, access.field) == (
        supervisor_a,
        str(visit.pk),
        "visitor_phone",
    )


def test_the_visit_search_reads_name_beginnings_whole_phones_and_plates(
    client, supervisor_a, site_a, clerk
):
    li = make_visit(site_a, clerk, name="李四", phone="13900001111")
    xiao = make_visit(site_a, clerk, name="小李", phone="13900002222", plate="浙A12345")
    client.force_login(supervisor_a)
    assert changelist(client, "visit", q="李") == [li]
    assert changelist(client, "visit", q="139-0000-2222") == [xiao]
    assert changelist(client, "visit", q="浙a·12345") == [xiao]
    # Part of a phone is not a phone: no scan of every number for a substring.
    assert changelist(client, "visit", q="0000") == []


def test_the_inquiry_and_parcel_searches(client, supervisor_a, rows):
    client.force_login(supervisor_a)
    assert changelist(client, "inquiry", q="陈") == [rows["inquiry_a"]]
    assert changelist(client, "inquiry", q="13712345678") == [rows["inquiry_a"]]
    assert changelist(client, "parcel", q="sfaaa0001") == [rows["parcel_a"]]
    assert changelist(client, "parcel", q="张") == [rows["parcel_a"]]
    assert changelist(client, "parcel", q="SFBBB0002") == []


def test_the_lists_filter_by_status(client, supervisor_a, site_a, clerk, house_a):
    on_site = make_visit(site_a, clerk, stay=None)
    left = make_visit(
        site_a, clerk, at=timezone.now() - timedelta(hours=2), stay=timedelta(hours=1)
    )
    parcel = make_parcel(site_a, clerk, house_a)
    client.force_login(supervisor_a)
    assert changelist(client, "visit", status="on_site") == [on_site]
    assert changelist(client, "visit", status="left") == [left]
    assert changelist(client, "parcel", status="waiting") == [parcel]
    assert changelist(client, "parcel", status="collected") == []


def test_a_watch_entry_records_who_added_it_and_checks_what_is_typed(client, supervisor_a, site_a):
    client.force_login(supervisor_a)
    url = reverse("admin:visitors_watchentry_add")
    data = {"site": site_a.pk, "action": "refuse", "reason": "多次强行冲卡。", "is_active": "on"}
    response = client.post(url, {**data, "plate": "浙Z", "phone": "12345"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "车牌号格式不对" in html and "不是有效的中国电话号码" in html
    response = client.post(url, data)
    assert "请至少填写姓名、电话、身份证号或车牌号中的一项。" in response.content.decode()
    assert not WatchEntry.objects.exists()
    response = client.post(url, {**data, "plate": "浙a·8k3m7", "phone": "139-1234-5678"})
    assert response.status_code == 302
    entry = WatchEntry.objects.get()
    assert (entry.plate, entry.phone) == ("浙A8K3M7", "13912345678")
    assert (entry.created_by, entry.site) == (supervisor_a, site_a)


def test_the_watch_list_warnings_are_a_read_only_log(client, supervisor_a, site_a, clerk):
    entry = WatchEntry.objects.create(site=site_a, plate="浙A8K3M7", reason="冲卡")
    hit = WatchHit.objects.create(site=site_a, entry=entry, matched_on="plate", user=clerk)
    client.force_login(supervisor_a)
    assert changelist(client, "watchhit") == [hit]
    assert client.get(reverse("admin:visitors_watchhit_add")).status_code == 403
    change = reverse("admin:visitors_watchhit_change", args=[hit.pk])
    assert client.post(change, {"matched_on": "x"}).status_code == 403
    assert client.post(reverse("admin:visitors_watchhit_delete", args=[hit.pk])).status_code == 403


def test_a_sites_supervisor_reads_the_company_purposes_but_does_not_change_them(
    client, supervisor_a
):
    # One list for every site: a supervisor of one site must not rename another's purposes.
    client.force_login(supervisor_a)
    purpose = VisitPurpose.objects.get(name="看房")
    assert client.get(reverse("admin:visitors_visitpurpose_changelist")).status_code == 200
    change = reverse("admin:visitors_visitpurpose_change", args=[purpose.pk])
    response = client.post(change, {"name": "改名", "sort_order": 1, "is_active": "on"})
    assert response.status_code == 403
    assert VisitPurpose.objects.get(pk=purpose.pk).name == "看房"


def test_purposes_are_reordered_in_the_list_and_never_deleted(client, db):
    from frontdesk.models import User

    client.force_login(User.objects.create_superuser("company_admin", password="x" * 12))
    purposes = list(VisitPurpose.objects.order_by("id"))
    data = {
        "form-TOTAL_FORMS": len(purposes),
        "form-INITIAL_FORMS": len(purposes),
        "_save": "保存",
    }
    for n, p in enumerate(purposes):
        data |= {f"form-{n}-id": p.pk, f"form-{n}-sort_order": 100 - n}
        if p.name != "看房":
            data[f"form-{n}-is_active"] = "on"
    response = client.post(reverse("admin:visitors_visitpurpose_changelist"), data)
    assert response.status_code == 302
    assert VisitPurpose.objects.first().name == "其他"
    assert not VisitPurpose.objects.get(name="看房").is_active
    assert VisitPurpose.objects.count() == len(purposes)


def test_visits_are_never_deleted_in_admin(client, supervisor_a, rows):
    client.force_login(supervisor_a)
    url = reverse("admin:visitors_visit_delete", args=[rows["visit_a"].pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Visit.objects.filter(pk=rows["visit_a"].pk).exists()


def test_admin_is_closed_to_clerks(clerk_client):
    response = clerk_client.get(reverse("admin:visitors_visit_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def add_rows(site, clerk, n: int, first: int = 0) -> None:
    for i in range(first, first + n):
        house = factories.make_house(site, building=10 + i, unit=0, room=f"{i + 1}01")
        resident = factories.make_resident(site, "王芳", f"1360000{i:04d}", house=house)
        make_visit(
            site,
            clerk,
            at=timezone.now() - timedelta(hours=i + 1),
            house=house,
            resident=resident,
            purpose_name=["走亲访友", "快递外卖", "其他"][i % 3],
            stay=timedelta(hours=1),
        )
        make_inquiry(site, clerk, phone=f"1370000{i:04d}")
        make_parcel(site, clerk, house, tracking=f"YT{i:010d}")
        entry = WatchEntry.objects.create(
            site=site, name=f"某{i}", plate=f"浙A{i:05d}", reason="冲卡", created_by=clerk
        )
        WatchHit.objects.create(site=site, entry=entry, matched_on="plate", user=clerk)


# Each list: session, user, then what the comment says. Site-scoped lists read the user's
# sites and the site filter's; big tables are counted with an EXPLAIN estimate first.
QUERIES = {
    "visit": 8,  # sites, site filter, purpose filter, estimate, count, page
    "inquiry": 8,  # sites, site filter, department filter, estimate, count, page
    "parcel": 7,  # sites, site filter, estimate, count, page
    "watchentry": 7,  # sites, site filter, the filtered and the total count, page
    "watchhit": 7,  # sites, site filter, the filtered and the total count, page
    "receptionsettings": 5,  # the filtered and the total count, page
    "visitpurpose": 5,  # the filtered and the total count, page
}


def test_the_lists_queries_do_not_grow_with_their_rows(client, supervisor_a, site_a, clerk):
    ReceptionSettings.objects.create(site=site_a)
    add_rows(site_a, clerk, 1)
    client.force_login(supervisor_a)
    expected = {reverse(f"admin:visitors_{model}_changelist"): n for model, n in QUERIES.items()}
    client.get(next(iter(expected)))
    few = {url: count_queries(client, url) for url in expected}
    add_rows(site_a, clerk, 6, first=1)
    VisitPurpose.objects.create(name="送水", sort_order=99)
    assert purpose("送水").is_active
    assert {url: count_queries(client, url) for url in expected} == few == expected


def test_a_visit_edited_in_admin_is_checked_as_the_desk_checks_it(client, supervisor_a, rows):
    client.force_login(supervisor_a)
    visit = rows["visit_a"]
    url = reverse("admin:visitors_visit_change", args=[visit.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    for key, value in list(data.items()):
        if isinstance(value, list):  # split date/time widgets
            data.pop(key)
            data[f"{key}_0"], data[f"{key}_1"] = value
    data |= {"visitor_phone": "hello", "id_number": "110105194912310026", "plate": "garbage"}
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "不是有效的中国电话号码" in html and "身份证号无效" in html and "车牌号格式不对" in html
    visit.refresh_from_db()
    assert visit.visitor_phone != "hello"


def test_watch_entries_never_show_a_full_number(client, supervisor_a, site_a):
    entry = WatchEntry.objects.create(site=site_a, phone="13912345678", reason="欠款纠纷")
    by_id = WatchEntry.objects.create(site=site_a, id_number="11010519491231002X", reason="冒用")
    assert (str(entry), str(by_id)) == ("139****5678", "110105********002X")
    client.force_login(supervisor_a)
    html = client.get(reverse("admin:visitors_watchentry_changelist")).content.decode()
    assert "13912345678" not in html and "11010519491231002X" not in html


def test_the_visit_form_labels_its_pass_code_in_chinese(client, supervisor_a, rows):
    client.force_login(supervisor_a)
    url = reverse("admin:visitors_visit_change", args=[rows["visit_a"].pk])
    html = client.get(url).content.decode()
    assert "Pass token" not in html and "访客单编码" in html
    assert rows["visit_a"].pass_token in html
    assert 'name="pass_token"' not in html  # shown, never edited


def test_the_referral_filter_says_whose_site_each_department_is(client, supervisor, site_a):
    client.force_login(supervisor)  # of both sites: each has its 工程部
    response = client.get(reverse("admin:visitors_inquiry_changelist"))
    spec = next(
        f
        for f in response.context["cl"].filter_specs
        if getattr(f, "field_path", "") == "referred_to"
    )
    labels = [label for _, label in spec.lookup_choices]
    assert "翠湖花园 · 工程部" in labels and "锦绣华庭 · 工程部" in labels
    assert "工程部" not in labels


def test_the_referral_filter_names_departments_alone_for_a_one_site_supervisor(
    client, supervisor_a, site_a
):
    client.force_login(supervisor_a)
    response = client.get(reverse("admin:visitors_inquiry_changelist"))
    spec = next(
        f
        for f in response.context["cl"].filter_specs
        if getattr(f, "field_path", "") == "referred_to"
    )
    assert "工程部" in [label for _, label in spec.lookup_choices]


def test_the_inquiry_form_says_whose_site_each_department_is(client, supervisor, site_a):
    client.force_login(supervisor)
    html = client.get(reverse("admin:visitors_inquiry_add")).content.decode()
    assert "翠湖花园 · 工程部" in html and "锦绣华庭 · 工程部" in html
