"""Phones, ID numbers and plates: one normaliser, one check and one message each
(frontdesk.personal, frontdesk.fields), wherever they are typed."""

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from frontdesk.fields import (
    IdNumberField,
    IdNumberFormField,
    PhoneField,
    PhoneFormField,
    PlateField,
    PlateFormField,
)
from frontdesk.models import PersonalDataAccess, User
from frontdesk.personal import (
    canonical_phone,
    id_check_char,
    is_valid_id_number,
    is_valid_phone,
    is_valid_plate,
    normalize_id_number,
    normalize_plate,
    whole_phone,
)
from residents.models import Resident, SearchTerm
from residents.search import terms_for
from tests import factories
from tests.residents.conftest import make_xlsx
from visitors.filters import VisitFilter
from visitors.models import Visit, VisitPurpose, WatchEntry

PHONE_MESSAGE = "不是有效的中国电话号码：应为以 1 开头的 11 位手机号，或固定电话。"
ID_NUMBER_MESSAGE = "身份证号无效：应为 18 位，且最后一位校验码须正确。"
PLATE_MESSAGE = "车牌号格式不对：应写作 浙A12345 或 浙AD12345。"
ID_NUMBER = "11010519491231002X"


def error_of(field: forms.Field, value: str) -> str:
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        field.clean(value)
    return str(error.value.messages[0])


# --- Phones ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("139 1234 5678", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("+86 13912345678", "13912345678"),
        ("+86-139-1234-5678", "13912345678"),
        ("0086 138 0013 8000", "13800138000"),
        ("１３９１２３４５６７８", "13912345678"),  # typed with a full-width keyboard
        ("057188886601", "0571-88886601"),
        ("0571-88886601", "0571-88886601"),
        ("0571－88886601", "0571-88886601"),  # the full-width dash of Chinese input
        ("0571—88886601", "0571-88886601"),
        ("0571 8888 6601", "0571-88886601"),
        ("(0571) 88886601", "0571-88886601"),
        ("（0571）8888-6601", "0571-88886601"),
        ("0571-8888-6601", "0571-88886601"),
        ("01062345678", "010-62345678"),
        ("010-6234-5678", "010-62345678"),
        ("021-6123456", "021-6123456"),
        ("0571-88886601-123", "0571-88886601-123"),
        ("057188886601-123", "0571-88886601-123"),
        ("88886601", "88886601"),
        ("8888-6601", "88886601"),
    ],
)
def test_the_same_phone_typed_two_ways_is_stored_alike(typed, stored):
    assert canonical_phone(typed) == stored
    assert is_valid_phone(typed) and is_valid_phone(stored)
    assert PhoneFormField().clean(typed) == stored


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("13800138000", True),
        ("+86 138 0013 8000", True),
        ("19912345678", True),
        ("12800138000", False),  # no mobile starts with 12
        ("1380013800", False),
        ("138001380001", False),
        ("0571-88886601", True),
        ("010-62345678-123", True),
        ("0571-1888660", False),  # a number never starts with 1
        ("0571-888-86", False),
        ("8001", False),  # an extension alone
        ("12345", False),
        ("hello", False),
        ("139123456７8a", False),
    ],
)
def test_it_recognises_chinese_phone_numbers(value, valid):
    assert is_valid_phone(value) is valid


def test_a_search_term_is_a_phone_only_when_whole():
    assert whole_phone(" 139-1234-5678 ") == "13912345678"
    assert whole_phone("057188886601") == "0571-88886601"
    assert whole_phone("5678") == whole_phone("张三") == ""


@pytest.mark.parametrize("value", ["12345", "hello", "0571-888-86", "1" * 200])
def test_a_bad_phone_gets_one_chinese_message(value):
    assert error_of(PhoneFormField(), value) == PHONE_MESSAGE


def test_a_phone_may_be_left_out_unless_required():
    assert PhoneFormField(required=False).clean("  ") == ""
    required = PhoneFormField(error_messages={"required": "请询问访客的电话号码。"})
    assert error_of(required, "") == "请询问访客的电话号码。"


class PhoneForm(forms.Form):
    phone = PhoneFormField()


def test_the_phone_input_takes_what_people_type():
    html = str(PhoneForm()["phone"])
    assert 'inputmode="tel"' in html and 'autocomplete="off"' in html
    assert 'maxlength="30"' in html  # room for "+86 (0571) 8888-6601"


# --- ID numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("11010519491231002X", True),
        ("11010519491231002x", True),
        ("110105 19491231 002X", True),
        ("１１０１０５１９４９１２３１００２Ｘ", True),
        ("110105194912310021", False),  # wrong check character
        ("11010519491231002", False),
        ("1101051949123100211", False),
        ("abcdefghijklmnopqr", False),
        ("X10105194912310021", False),
    ],
)
def test_it_checks_the_gb11643_check_character(value, valid):
    assert is_valid_id_number(value) is valid


def test_it_computes_the_check_character():
    assert id_check_char("11010519491231002") == "X"


def test_an_id_number_is_stored_upper_case_without_spaces():
    assert normalize_id_number(" 110105 19491231 002x ") == ID_NUMBER
    assert IdNumberFormField().clean("11010519491231002x") == ID_NUMBER


@pytest.mark.parametrize("value", ["110105194912310021", "11010519491231002", "hello"])
def test_a_bad_id_number_gets_one_chinese_message(value):
    assert error_of(IdNumberFormField(), value) == ID_NUMBER_MESSAGE


# --- Plates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("浙A·12345", "浙A12345"),
        ("浙a 12345", "浙A12345"),
        ("浙A-12345", "浙A12345"),
        ("浙A.12345", "浙A12345"),
        ("浙A•12345", "浙A12345"),
        ("浙A－12345", "浙A12345"),
        ("浙Ａ１２３４５", "浙A12345"),
        ("浙a·8k3m7", "浙A8K3M7"),
    ],
)
def test_a_plate_is_stored_one_way(typed, stored):
    assert normalize_plate(typed) == stored
    assert PlateFormField().clean(typed) == stored


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("浙A12345", True),
        ("京N8P8F8", True),
        ("浙AD12345", True),  # small new-energy vehicle
        ("浙A12345F", True),  # large new-energy vehicle
        ("浙A1234挂", True),
        ("浙A1234学", True),
        ("浙A1234警", True),
        ("粤Z1234港", True),
        ("粤Z1234澳", True),
        ("沪A1234领", True),
        ("使014578", True),
        ("ABC123", False),
        ("浙Z", False),
        ("浙A1234", False),  # one character short
        ("浙AD123456", False),
        ("浙I12345", False),  # I and O are never used
        ("浙AO1234", False),
        ("港A12345", False),  # not a province
        ("浙A1234港港", False),
    ],
)
def test_it_recognises_chinese_plates(value, valid):
    assert is_valid_plate(value) is valid


@pytest.mark.parametrize("value", ["ABC123", "浙Z", "garbage"])
def test_a_bad_plate_gets_one_chinese_message(value):
    assert error_of(PlateFormField(), value) == PLATE_MESSAGE


def test_the_lookup_keys_a_plate_written_any_way_alike():
    for typed in ("浙A·12345", "浙a－12345", "浙Ａ１２３４５"):
        keys = {t for t, kind, _ in terms_for("王五", [], [typed]) if kind == SearchTerm.Kind.PLATE}
        assert keys == {"浙a12345", "a12345"}


# --- Model fields ----------------------------------------------------------------------

PERSONAL_FIELDS = {
    ("residents.resident", "phone"): PhoneField,
    ("residents.resident", "phone2"): PhoneField,
    ("residents.resident", "id_number"): IdNumberField,
    ("residents.vehicle", "plate"): PlateField,
    ("visitors.visit", "visitor_phone"): PhoneField,
    ("visitors.visit", "id_number"): IdNumberField,
    ("visitors.visit", "plate"): PlateField,
    ("visitors.inquiry", "asker_phone"): PhoneField,
    ("visitors.watchentry", "phone"): PhoneField,
    ("visitors.watchentry", "id_number"): IdNumberField,
    ("visitors.watchentry", "plate"): PlateField,
    ("frontdesk.user", "phone"): PhoneField,
}
FORM_FIELDS = {
    PhoneField: PhoneFormField,
    IdNumberField: IdNumberFormField,
    PlateField: PlateFormField,
}


@pytest.mark.parametrize(("label", "name"), list(PERSONAL_FIELDS))
def test_every_personal_column_is_its_field_and_gets_its_form_field(label, name):
    field = apps.get_model(label)._meta.get_field(name)
    kind = PERSONAL_FIELDS[label, name]
    assert type(field) is kind
    # Still a plain varchar column: existing rows stay as they are.
    assert field.get_internal_type() == "CharField"
    assert field.max_length == {PhoneField: 20, IdNumberField: 18, PlateField: 10}[kind]
    assert type(field.formfield()) is FORM_FIELDS[kind]


def test_a_model_form_cleans_them_without_a_line_of_its_own():
    form_class = forms.modelform_factory(Resident, fields=["name", "phone", "phone2", "id_number"])
    form = form_class({"name": "张三", "phone": "139 1234 5678", "phone2": "057188886601"})
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["phone"], form.cleaned_data["phone2"]) == (
        "13912345678",
        "0571-88886601",
    )
    with translation.override("zh-hans"):
        form = form_class({"name": "张三", "phone": "12345", "id_number": "110105194912310021"})
        assert form.errors == {"phone": [PHONE_MESSAGE], "id_number": [ID_NUMBER_MESSAGE]}


def test_full_clean_checks_them_too(site_a):
    resident = Resident(site=site_a, name="张三", phone="12345", id_number=ID_NUMBER)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        resident.full_clean()
    assert error.value.message_dict == {"phone": [PHONE_MESSAGE]}


# --- Where they are typed: admin, the roster, the register, the filters -----------------


def test_admin_refuses_a_bad_resident_phone_beside_the_field(client, supervisor, site_a):
    resident = factories.make_resident(site_a, "张三丰", "13800138000")
    client.force_login(supervisor)
    url = reverse("admin:residents_resident_change", args=[resident.pk])
    response = client.post(url, factories.resident_admin_data(resident, phone="12345"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"phone": [PHONE_MESSAGE]}
    html = response.content.decode()
    row = html[html.index('field-phone"') : html.index("field-phone2")]
    assert PHONE_MESSAGE in row and 'value="12345"' in row  # beside it, as typed
    resident.refresh_from_db()
    assert resident.phone == "13800138000"

    data = factories.resident_admin_data(resident, phone="139 1234 5678", phone2="(0571) 8888-6601")
    assert client.post(url, data).status_code == 302
    resident.refresh_from_db()
    assert (resident.phone, resident.phone2) == ("13912345678", "0571-88886601")


def test_admin_checks_a_vehicles_plate_and_a_staff_phone(client, supervisor, site_a, clerk):
    resident = factories.make_resident(site_a, "张三丰", "13800138000")
    client.force_login(supervisor)
    url = reverse("admin:residents_resident_change", args=[resident.pk])
    data = factories.resident_admin_data(
        resident, **{"vehicles-TOTAL_FORMS": "1", "vehicles-0-plate": "浙Z"}
    )
    response = client.post(url, data)
    assert response.status_code == 200 and PLATE_MESSAGE in response.content.decode()
    data["vehicles-0-plate"] = "浙a·ad1234"
    assert client.post(url, data).status_code == 302
    assert resident.vehicles.get().plate == "浙AAD1234"

    form = User._meta.get_field("phone").formfield()
    assert type(form) is PhoneFormField


def test_the_roster_stores_a_landline_as_the_visitor_form_does(
    client, settings, tmp_path, supervisor, clerk, site_a
):
    settings.MEDIA_ROOT = tmp_path / "media"
    house = factories.make_house(site_a, building=3, unit=2, room="1201")
    header = ["楼栋", "单元", "房号", "姓名", "电话", "备用电话", "身份证号", "关系", "入住日期"]
    content = make_xlsx(
        header,
        [3, 2, "1201", "张三丰", "0571 8888 6601", "0571－8888－6601", "", "业主", ""],
    )
    client.force_login(supervisor)
    upload = client.post(
        reverse("residents:import"),
        {"kind": "residents", "file": SimpleUploadedFile("roster.xlsx", content)},
    )
    assert upload.status_code == 302, upload.content.decode()
    client.post(upload["Location"])
    resident = Resident.objects.get(name="张三丰")
    assert (resident.phone, resident.phone2) == ("0571-88886601", "0571-88886601")

    desk = Client()
    desk.force_login(clerk)
    desk.post(
        reverse("visitors:register"),
        {
            "visitor_phone": "057188886601",
            "visitor_name": "李四",
            "party_size": "1",
            "purpose": VisitPurpose.objects.get(name="走亲访友").pk,
            "house": house.pk,
            "resident": "",
            "plate": "",
            "expected_stay": "60",
        },
    )
    assert Visit.objects.get().visitor_phone == resident.phone


def test_the_roster_knows_a_landline_stored_before_without_its_dash(
    client, settings, tmp_path, supervisor, site_a
):
    settings.MEDIA_ROOT = tmp_path / "media"
    house = factories.make_house(site_a, building=3, unit=2, room="1201")
    known = factories.make_resident(site_a, "张三丰", "057188886601", house=house)
    content = make_xlsx(
        ["楼栋", "单元", "房号", "姓名", "电话", "备用电话", "身份证号", "关系", "入住日期"],
        [3, 2, "1201", "张三丰", "0571-88886601", "", ID_NUMBER, "业主", ""],
    )
    client.force_login(supervisor)
    upload = client.post(
        reverse("residents:import"),
        {"kind": "residents", "file": SimpleUploadedFile("roster.xlsx", content)},
    )
    client.post(upload["Location"])
    assert list(Resident.objects.all()) == [known]  # not a second 张三丰
    known.refresh_from_db()
    assert known.id_number == ID_NUMBER


def test_the_roster_keeps_its_per_row_messages(client, settings, tmp_path, supervisor, site_a):
    settings.MEDIA_ROOT = tmp_path / "media"
    factories.make_house(site_a, building=3, unit=2, room="1201")
    header = ["楼栋", "单元", "房号", "姓名", "电话", "备用电话", "身份证号", "关系", "入住日期"]
    content = make_xlsx(
        header, [3, 2, "1201", "张三丰", "12345", "", "110105194912310021", "业主", ""]
    )
    client.force_login(supervisor)
    upload = client.post(
        reverse("residents:import"),
        {"kind": "residents", "file": SimpleUploadedFile("roster.xlsx", content)},
    )
    html = client.get(upload["Location"]).content.decode()
    assert "第 2 行：电话“12345”不是有效的手机号或固话" in html
    assert "第 2 行：身份证号“110105********0021”不是有效的身份证号" in html


def test_the_register_filter_finds_a_phone_typed_another_way(site_a, clerk):
    visit = factories.make_visit(site_a, clerk, phone="0571-88886601")
    visits = Visit.objects.for_site(site_a)
    for typed in ("057188886601", "(0571) 8888 6601", "0571－88886601"):
        assert list(VisitFilter({"q": typed}, queryset=visits).qs) == [visit]


# --- Opening personal data in admin is logged, for the fields the areas declare ---------


def test_opening_a_record_with_personal_data_in_admin_is_logged(client, supervisor, site_a):
    entry = WatchEntry.objects.create(
        site=site_a, phone="13912345678", id_number=ID_NUMBER, reason="冒用"
    )
    plate_only = WatchEntry.objects.create(site=site_a, plate="浙A12345", reason="冲卡")
    client.force_login(supervisor)
    client.get(reverse("admin:visitors_watchentry_change", args=[plate_only.pk]))
    assert not PersonalDataAccess.objects.exists()  # nothing personal was shown
    client.get(reverse("admin:visitors_watchentry_change", args=[entry.pk]))
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.site, access.model, access.object_id, access.field) == (
        supervisor,
        site_a,
        "visitors.watchentry",
        str(entry.pk),
        "phone,id_number",
    )


def test_the_admin_pages_keep_no_list_of_their_own():
    from django.contrib import admin

    from frontdesk.admin import PersonalDataOpenedLog

    for model, model_admin in admin.site._registry.items():
        assert not hasattr(model_admin, "personal_fields"), model
    scoped = [
        admin.site._registry[apps.get_model(label)]
        for label in ("residents.resident", "visitors.visit", "visitors.inquiry")
    ]
    assert all(isinstance(a, PersonalDataOpenedLog) for a in scoped)
