"""Walks over every registered ModelAdmin, as the access matrix walks the URLconf.

- Another site's rows named by id (a raw-id widget's value, an add form's initial value
  from the query string, a posted value re-rendered after a refusal) never show that row's
  name or a link to it.
- A changelist takes only the filters it declares: a personal field is never filterable
  by a lookup typed into the query string (whether a row appears would tell its digits).
- A bad value for a declared filter is ignored or answered with admin's own "incorrect
  lookup" message, never a server error.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import ERROR_FLAG
from django.urls import NoReverseMatch, reverse

from complaints.models import Case, CaseEvent, Category
from frontdesk import revealable
from frontdesk.channels.models import Robot
from frontdesk.models import Department, Site, User
from notices.models import Notice, NoticeRequest, NoticeTemplate, NoticeType
from notices.services.drafts import notice_request_create
from residents.models import Bill, Building, House, Payment, Resident
from tests import factories
from visitors.models import Visit, WatchEntry

# A walk over every registered admin, as the access matrix and the fuzz test walk the site.
pytestmark = pytest.mark.slow

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def admin_id(item) -> str:
    return item[0]._meta.label_lower


def url_of(model, view: str, *args) -> str | None:
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)
    except NoReverseMatch:
        return None


@pytest.fixture
def superuser(site_a):
    root = factories.make_user(site_a, username="root")
    root.is_superuser = True
    root.is_staff = True
    root.save()
    return root


# --- Another site's rows named by id ------------------------------------------------


@pytest.fixture
def site_b_rows(site_b, clerk_b) -> dict[type, object]:
    """One row of site B for every model an admin form's foreign key can point at, each
    with a name found nowhere in site A (a leak is then its name in the page)."""
    house = factories.make_house(site_b, building=9, unit=8, room="9907")
    resident = factories.make_resident(site_b, "欧阳锋", "13600136000", house=house)
    bill = Bill.objects.create(
        site=site_b,
        house=house,
        kind="property",
        period=date(2026, 7, 1),
        amount=Decimal("321.00"),
        due_date=date(2026, 7, 31),
    )
    payment = Payment.objects.create(
        site=site_b,
        house=house,
        bill=bill,
        receipt_no="RB-77770001",
        paid_on=date(2026, 7, 2),
        amount=Decimal("321.00"),
        method="cash",
    )
    department = Department.objects.create(site=site_b, name="西毒部", kind="other")
    visit = factories.make_visit(site_b, clerk_b, "黄药师", house=house)
    entry = WatchEntry.objects.create(site=site_b, name="裘千仞", created_by=clerk_b)
    robot = factories.make_robot(site_b, "桃花岛住户群", key="robot-of-site-b-0001")
    clerk_b.full_name = "柯镇恶"
    clerk_b.save(update_fields=["full_name"])
    category = factories.make_category(site_b, "灵蛇岛/蛇毒", department="西毒部")
    case = factories.make_case(site_b, clerk_b, category="灵蛇岛/蛇毒", house=house)
    case.number = "TS19990101-9999"
    Case.objects.filter(pk=case.pk).update(number=case.number)
    notice_kind = NoticeType.objects.create(site=site_b, name="桃花岛专用类型")
    template = NoticeTemplate.objects.create(
        site=site_b, name="桃花岛模板", type=notice_kind, title="桃花岛", body="x"
    )
    asked = notice_request_create(site=site_b, user=clerk_b, requested_by="黄岛主", content="x")
    notice = factories.make_notice(site_b, clerk_b, title="桃花岛封岛通知", type=notice_kind)
    return {
        Site: site_b,
        Building: house.building,
        House: house,
        Resident: resident,
        Bill: bill,
        Payment: payment,
        Department: department,
        User: clerk_b,
        Visit: visit,
        WatchEntry: entry,
        Robot: robot,
        Category: category,
        Case: case,
        CaseEvent: CaseEvent.objects.filter(case=case).first(),
        NoticeType: notice_kind,
        NoticeTemplate: template,
        NoticeRequest: asked,
        Notice: notice,
    }


def foreign_keys(model) -> list:
    return [f for f in model._meta.fields if f.is_relation and f.many_to_one and f.editable]


def site_owned(model) -> bool:
    return model in (Site, User) or hasattr(model._default_manager, "for_user")


def assert_nothing_of(html: str, row) -> None:
    assert str(row) not in html, f"{type(row).__name__} {row} shown"
    change = url_of(type(row), "change", row.pk)
    assert change is None or change not in html, f"link to {change}"


def test_every_site_owned_foreign_key_target_has_a_row_of_site_b(site_b_rows):
    # A new foreign key to a site-owned model joins the walk below only with a row here.
    targets = {
        f.related_model
        for model, model_admin in admin.site._registry.items()
        for m in [model, *(i.model for i in model_admin.inlines)]
        for f in foreign_keys(m)
        if site_owned(f.related_model)
    }
    assert targets <= set(site_b_rows), targets - set(site_b_rows)


@pytest.mark.parametrize("item", REGISTERED, ids=admin_id)
def test_no_admin_form_names_another_sites_row(client, local_supervisor, site_b_rows, item):
    model, model_admin = item
    add = url_of(model, "add")
    client.force_login(local_supervisor)
    for field in foreign_keys(model):
        row = site_b_rows.get(field.related_model)
        if row is None:
            continue
        # As initial value of an add form, and posted (the refused form comes back).
        response = client.get(add, {field.name: row.pk})
        if response.status_code == 200:
            assert_nothing_of(response.content.decode(), row)
        response = client.post(add, {field.name: row.pk})
        if response.status_code == 200:
            assert_nothing_of(response.content.decode(), row)
    # The inlines' foreign keys, posted in one row of each inline.
    response = client.get(add)
    if response.status_code != 200:
        return
    for inline_formset in response.context["inline_admin_formsets"]:
        formset = inline_formset.formset
        for field in foreign_keys(formset.model):
            row = site_b_rows.get(field.related_model)
            if row is None or field.name == formset.fk.name:
                continue
            data = {}
            for other in response.context["inline_admin_formsets"]:
                prefix = other.formset.prefix
                data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
            data |= {
                f"{formset.prefix}-TOTAL_FORMS": "1",
                f"{formset.prefix}-0-{field.name}": row.pk,
            }
            posted = client.post(add, data)
            assert posted.status_code == 200
            assert_nothing_of(posted.content.decode(), row)


def test_the_raw_id_widget_still_names_the_supervisors_own_row(client, local_supervisor, site_a):
    house = factories.make_house(site_a, building=5, unit=1, room="502")
    client.force_login(local_supervisor)
    html = client.get(reverse("admin:residents_bill_add"), {"house": house.pk}).content.decode()
    assert str(house) in html


# --- Filters: only those declared, never a personal field --------------------------

PERSONAL_LOOKUPS = ["", "__exact", "__iexact", "__startswith", "__istartswith", "__regex", "__gt"]


def refused(response) -> bool:
    """Admin's answers to a lookup it does not take: 400 for one it does not allow, or the
    changelist again with its "incorrect lookup" flag."""
    if response.status_code == 400:
        return True
    return response.status_code == 302 and f"{ERROR_FLAG}=1" in response["Location"]


PERSONAL = [
    (item, name)
    for item in REGISTERED
    for name in revealable.fields_of(item[0]._meta.label_lower)
    if url_of(item[0], "changelist")
]


def test_the_walk_reaches_every_declared_personal_field():
    walked = {(model._meta.label_lower, name) for (model, _), name in PERSONAL}
    assert {
        ("residents.resident", "phone"),
        ("residents.resident", "id_number"),
        ("visitors.visit", "visitor_phone"),
        ("visitors.inquiry", "asker_phone"),
        ("visitors.watchentry", "phone"),
    } <= walked


@pytest.mark.parametrize(
    ("item", "name"), PERSONAL, ids=[f"{admin_id(i)}.{n}" for i, n in PERSONAL]
)
def test_no_changelist_filters_a_personal_field(client, superuser, item, name):
    model, _ = item
    client.force_login(superuser)
    for lookup in PERSONAL_LOOKUPS:
        response = client.get(url_of(model, "changelist"), {f"{name}{lookup}": "1"})
        assert refused(response), (name + lookup, response.status_code)


@pytest.mark.parametrize("item", REGISTERED, ids=admin_id)
def test_no_changelist_filters_by_a_field_it_does_not_declare(client, superuser, item):
    model, model_admin = item
    changelist = url_of(model, "changelist")
    client.force_login(superuser)
    request = client.get(changelist).wsgi_request
    declared = {
        path
        for item in [model_admin.date_hierarchy, *model_admin.get_list_filter(request)]
        for path in [item[0] if isinstance(item, (list, tuple)) else item]
        if isinstance(path, str)
    }
    for field in model._meta.concrete_fields:
        if field.name in declared:
            continue
        for lookup in (f"{field.attname}__startswith", f"{field.attname}__gt", field.attname):
            response = client.get(changelist, {lookup: "1"})
            assert refused(response), (lookup, response.status_code)


def test_a_raw_id_popup_still_filters_by_the_fields_limit(client, superuser, site_a):
    # Vehicle.parking_space offers houses used for parking: its popup filters by that.
    factories.make_house(site_a)
    client.force_login(superuser)
    response = client.get(
        reverse("admin:residents_house_changelist"),
        {"use__exact": "parking", "_to_field": "id", "_popup": "1"},
    )
    assert response.status_code == 200


# --- Bad filter values ---------------------------------------------------------------

BAD_VALUES = ["abc", "-1", "1.5", "99999999999999999999", "2026-13-45", "\x00", "", "1,x"]


@pytest.mark.parametrize("item", REGISTERED, ids=admin_id)
@pytest.mark.parametrize("who", ["superuser", "local_supervisor"])
def test_a_bad_filter_value_never_breaks_a_changelist(client, request, item, who, site_b_rows):
    model, _ = item
    user = request.getfixturevalue(who)
    changelist = url_of(model, "changelist")
    client.force_login(user)
    response = client.get(changelist)
    if response.status_code == 403:
        return
    params = {
        param
        for spec in response.context["cl"].filter_specs
        for param in spec.expected_parameters()
    }
    for param in sorted(params):
        for value in BAD_VALUES:
            response = client.get(changelist, {param: value})
            assert response.status_code == 200 or refused(response), (param, value)


# --- Whole numbers in a change form, whatever the method -----------------------------

PERSONAL_MODELS = sorted({item for item, _ in PERSONAL}, key=lambda item: item[0]._meta.label)


@pytest.fixture
def site_a_rows(site_a, clerk) -> dict[str, object]:
    """One row of site A with every personal field filled, per model that has them."""
    house = factories.make_house(site_a)
    resident = factories.make_resident(site_a, "张三丰", "13800138000", house=house)
    resident.phone2, resident.id_number = "13900139000", "110105199001011234"
    resident.save()
    visit = factories.make_visit(site_a, clerk, id_number="110105199001011234")
    inquiry = factories.make_inquiry(site_a, clerk)
    entry = WatchEntry.objects.create(
        site=site_a, name="裘千尺", phone="13700137000", id_number="110105199001011234"
    )
    return {
        "residents.resident": resident,
        "visitors.visit": visit,
        "visitors.inquiry": inquiry,
        "visitors.watchentry": entry,
        "channels.delivery": factories.make_delivery(site_a, phone="13700137001"),
    }


def test_every_model_with_personal_fields_has_a_row_of_site_a(site_a_rows):
    assert {model._meta.label_lower for model, _ in PERSONAL_MODELS} <= set(site_a_rows)


@pytest.mark.parametrize("item", PERSONAL_MODELS, ids=admin_id)
@pytest.mark.parametrize("method", ["options", "put", "patch", "delete", "trace"])
def test_a_change_form_is_shown_only_to_methods_that_log_it(
    client, local_supervisor, site_a_rows, item, method
):
    from frontdesk.models import PersonalDataAccess

    model, _ = item
    row = site_a_rows[model._meta.label_lower]
    client.force_login(local_supervisor)
    response = getattr(client, method)(url_of(model, "change", row.pk))
    shown = [
        getattr(row, name)
        for name in revealable.fields_of(model._meta.label_lower)
        if getattr(row, name) and getattr(row, name) in response.content.decode()
    ]
    logged = PersonalDataAccess.objects.filter(object_id=str(row.pk)).exists()
    assert not shown or logged, (method, shown)
    assert response.status_code == 405


@pytest.mark.parametrize("item", PERSONAL_MODELS, ids=admin_id)
@pytest.mark.parametrize("method", ["get", "head"])
def test_opening_a_change_form_is_logged(client, local_supervisor, site_a_rows, item, method):
    from frontdesk.models import PersonalDataAccess

    model, _ = item
    row = site_a_rows[model._meta.label_lower]
    client.force_login(local_supervisor)
    assert getattr(client, method)(url_of(model, "change", row.pk)).status_code == 200
    access = PersonalDataAccess.objects.get(object_id=str(row.pk))
    assert access.model == model._meta.label_lower
