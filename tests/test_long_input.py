"""Over-long text at the desk: every text field of every form the desk shows refuses a
value longer than its column beside the field ("最多 50 个字。"), keeps what was typed,
saves nothing, and says its limit to the browser (``maxlength``). Nothing is cut to fit.

The forms are walked explicitly (FORMS); a test below fails when a form of the desk's
form modules gains a text field that is not walked here.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

import frontdesk.forms
import residents.forms.pickers
import residents.forms.roster
import visitors.forms.inquiries
import visitors.forms.parcels
import visitors.forms.reports
import visitors.forms.visits
from frontdesk.fields import IdNumberFormField, PhoneFormField, PlateFormField
from frontdesk.forms import LoginForm
from tests import factories
from visitors.forms.inquiries import InquiryForm, ReferralDoneForm
from visitors.forms.parcels import HandOverForm, ParcelFilterForm, ParcelForm
from visitors.forms.visits import ScanForm, VisitForm
from visitors.models import Inquiry, Parcel, Visit, VisitPurpose

FORM_MODULES = [
    frontdesk.forms,
    residents.forms.pickers,
    residents.forms.roster,
    visitors.forms.inquiries,
    visitors.forms.parcels,
    visitors.forms.reports,
    visitors.forms.visits,
]

# Never shown: where to go back to, read from the address or posted by the page itself;
# one that is not usable is ignored (frontdesk.forms.next_page).
NOT_TYPED = {(frontdesk.forms.NextPageForm, "next")}

# Personal fields normalise what is typed (spaces, dashes, full-width digits) before
# they check it: their inputs carry a maxlength of their own, their columns are checked
# after normalising (tests/frontdesk/test_personal_fields.py).
PERSONAL_FIELDS = (PhoneFormField, IdNumberFormField, PlateFormField)


@pytest.fixture
def desk(site_a, clerk, engineer):
    house = factories.make_house(site_a, building=3, unit=2, room="1201")
    factories.make_resident(site_a, "张三丰", "13800138000", house=house)
    return SimpleNamespace(
        site=site_a,
        clerk=clerk,
        engineer=engineer,
        house=house,
        visit=factories.make_visit(site_a, clerk, house=house),
        referral=factories.make_inquiry(site_a, clerk, referred_to="工程部"),
        parcel=factories.make_parcel(site_a, clerk, house),
    )


def nothing_changed(desk) -> bool:
    """The desk's records as the fixture made them: no new one, none changed."""
    desk.visit.refresh_from_db()
    desk.referral.refresh_from_db()
    desk.parcel.refresh_from_db()
    return (
        Visit.objects.count() == 1
        and desk.visit.checked_out_at is None
        and Inquiry.objects.count() == 1
        and desk.referral.referral_done_at is None
        and desk.referral.referral_reply == ""
        and Parcel.objects.count() == 1
        and desk.parcel.collected_at is None
        and desk.parcel.collected_by_name == ""
    )


@dataclass(frozen=True)
class Page:
    """Where a form is sent (and shown, when that is another page), as whom, and what
    else a valid post would carry."""

    url: Callable[[SimpleNamespace], str]
    fields: list[str]
    data: Callable[[SimpleNamespace], dict] = lambda desk: {}
    method: str = "post"
    user: str = "clerk"  # an attribute of ``desk``; "" for nobody logged in
    shown_at: Callable[[SimpleNamespace], str] | None = None


FORMS: dict[type[forms.BaseForm], Page] = {
    VisitForm: Page(
        url=lambda desk: reverse("visitors:register"),
        fields=["visitor_name", "notes"],
        data=lambda desk: {
            "visitor_phone": "13912340000",
            "visitor_name": "李四",
            "party_size": "1",
            "purpose": VisitPurpose.objects.get(name="走亲访友").pk,
            "house": desk.house.pk,
            "expected_stay": "60",
        },
    ),
    ScanForm: Page(
        url=lambda desk: reverse("visitors:scan"),
        fields=["code"],
        data=lambda desk: {"code": desk.visit.pass_token},
        shown_at=lambda desk: reverse("visitors:index"),
    ),
    InquiryForm: Page(
        url=lambda desk: reverse("visitors:inquiry_create"),
        fields=["asker_name", "house", "question", "answer"],
        data=lambda desk: {
            "channel": "walk_in",
            "asker_name": "李女士",
            "house": "3-2-1201",
            "question": "电梯几点检修？",
            "answer": "周三上午。",
        },
    ),
    ReferralDoneForm: Page(
        url=lambda desk: reverse("visitors:referral_done", args=[desk.referral.pk]),
        fields=["reply"],
        user="engineer",
        shown_at=lambda desk: reverse("visitors:referrals"),
    ),
    ParcelForm: Page(
        url=lambda desk: reverse("visitors:parcel_create"),
        fields=["house", "recipient_name", "tracking_number", "shelf"],
        data=lambda desk: {
            "house": "3-2-1201",
            "courier": "sf",
            "recipient_name": "张*丰",
            "tracking_number": "SF1234567899",
            "shelf": "A-3",
        },
    ),
    ParcelFilterForm: Page(
        url=lambda desk: reverse("visitors:parcels"),
        fields=["house", "tail"],
        data=lambda desk: {"status": "waiting"},
        method="get",
    ),
    HandOverForm: Page(
        url=lambda desk: reverse("visitors:parcel_handover", args=[desk.parcel.pk]),
        fields=["collected_by_name"],
        shown_at=lambda desk: reverse("visitors:parcel", args=[desk.parcel.pk]),
    ),
    LoginForm: Page(
        url=lambda desk: reverse("login"),
        fields=["username"],
        data=lambda desk: {"password": factories.PASSWORD},
        user="",
    ),
}

CASES = [
    pytest.param(form, field, id=f"{form.__name__}.{field}")
    for form, page in FORMS.items()
    for field in page.fields
]


def client_for(desk, page: Page) -> Client:
    client = Client()
    if page.user:
        client.force_login(getattr(desk, page.user))
    return client


def field_limit(form: type[forms.BaseForm], field: str) -> int:
    if form is LoginForm:  # Django sets the username's length when the form is made
        return LoginForm().fields[field].max_length
    return form.base_fields[field].max_length


def control(html: str, field: str) -> re.Match:
    """The input (or textarea) the clerk types ``field`` into."""
    not_hidden = r'(?![^>]*type="hidden")'
    found = re.search(rf'<(input|textarea)\b{not_hidden}[^>]*\bname="{field}"[^>]*>', html)
    assert found, f"no input named {field}"
    return found


def beside(html: str, field: str) -> str:
    """What the page shows from the field's input up to the next field or the form's end."""
    rest = html[control(html, field).end() :]
    end = re.search(r"<(input|textarea|select)\b|</form>", rest)
    return rest[: end.start() if end else None]


@pytest.mark.parametrize("form, field", CASES)
def test_it_refuses_an_over_long_text_beside_the_field_and_keeps_it(desk, form, field):
    page = FORMS[form]
    limit = field_limit(form, field)
    # As the issue found it: a 500-character name (or one more than a longer column).
    value = "李" * max(500, limit + 1)
    client = client_for(desk, page)
    data = {**page.data(desk), field: value}
    response = getattr(client, page.method)(page.url(desk), data)
    html = response.content.decode()
    assert response.status_code in (200, 400), response.get("Location")
    assert f"最多 {limit} 个字。" in beside(html, field)
    assert value in html  # kept as typed, whole
    assert nothing_changed(desk)
    if form is LoginForm:
        assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("form, field", CASES)
def test_it_takes_a_text_of_exactly_the_limit(desk, form, field):
    """The limit is the column's: a text of that length is not refused for its length."""
    page = FORMS[form]
    limit = field_limit(form, field)
    response = getattr(client_for(desk, page), page.method)(
        page.url(desk), {**page.data(desk), field: "李" * limit}
    )
    if response.status_code != 302:
        assert "个字。" not in beside(response.content.decode(), field)


@pytest.mark.parametrize(
    "form, field, stored",
    [
        pytest.param(form, field, stored, id=f"{form.__name__}.{field}")
        for form, field, stored in [
            (VisitForm, "visitor_name", lambda: Visit.objects.latest("pk").visitor_name),
            (InquiryForm, "asker_name", lambda: Inquiry.objects.latest("pk").asker_name),
            (ParcelForm, "recipient_name", lambda: Parcel.objects.latest("pk").recipient_name),
            (HandOverForm, "collected_by_name", lambda: Parcel.objects.get().collected_by_name),
        ]
    ],
)
def test_a_name_of_the_limit_is_saved_whole(desk, form, field, stored):
    page = FORMS[form]
    name = "欧阳" * (field_limit(form, field) // 2)
    response = client_for(desk, page).post(page.url(desk), {**page.data(desk), field: name})
    assert response.status_code == 302
    assert stored() == name


@pytest.mark.parametrize("form, field", CASES)
def test_its_input_says_the_limit_to_the_browser(desk, form, field):
    page = FORMS[form]
    client = client_for(desk, page)
    html = client.get((page.shown_at or page.url)(desk)).content.decode()
    assert f'maxlength="{field_limit(form, field)}"' in control(html, field).group(0)


# The column each text fills: the form's limit is the column's, whatever kind of form.
COLUMNS = {
    (VisitForm, "visitor_name"): (Visit, "visitor_name"),
    (VisitForm, "notes"): (Visit, "notes"),
    (InquiryForm, "asker_name"): (Inquiry, "asker_name"),
    (InquiryForm, "question"): (Inquiry, "question"),
    (InquiryForm, "answer"): (Inquiry, "answer"),
    (ReferralDoneForm, "reply"): (Inquiry, "referral_reply"),
    (ParcelForm, "recipient_name"): (Parcel, "recipient_name"),
    (ParcelForm, "tracking_number"): (Parcel, "tracking_number"),
    (ParcelForm, "shelf"): (Parcel, "shelf"),
    (HandOverForm, "collected_by_name"): (Parcel, "collected_by_name"),
}


@pytest.mark.parametrize(
    "form, field, model, name",
    [
        pytest.param(form, field, model, name, id=f"{form.__name__}.{field}")
        for (form, field), (model, name) in COLUMNS.items()
    ],
)
def test_its_limit_is_the_columns(form, field, model, name):
    assert field_limit(form, field) == model._meta.get_field(name).max_length


def desk_forms() -> list[type[forms.BaseForm]]:
    found = []
    for module in FORM_MODULES:
        for _, value in inspect.getmembers(module, inspect.isclass):
            if value.__module__ == module.__name__ and issubclass(value, forms.BaseForm):
                found.append(value)
    return found


def test_every_text_field_of_the_desks_forms_is_walked():
    """A text the clerk types, in any form of the desk's form modules, is in FORMS (and
    has a limit), so that a new field cannot be left to Django's wording or none."""
    missing = []
    for form in desk_forms():
        for name, field in form.base_fields.items():
            if (
                isinstance(field, forms.CharField)
                and not isinstance(field, PERSONAL_FIELDS)
                and not field.widget.is_hidden
                # Checked against the hash, never stored as typed.
                and not isinstance(field.widget, forms.PasswordInput)
                and (form, name) not in NOT_TYPED
            ) and name not in FORMS.get(form, Page(url=str, fields=[])).fields:
                missing.append(f"{form.__name__}.{name}")
    assert missing == []
    for form, page in FORMS.items():
        for field in page.fields:
            assert field_limit(form, field), f"{form.__name__}.{field} has no max_length"
