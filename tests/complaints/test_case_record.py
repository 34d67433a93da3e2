"""Recording a case (complaints:case_create) and turning an inquiry into one
(complaints:case_from_inquiry)."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from complaints.models import Case, CaseEvent, CasePhoto
from frontdesk import roles, worktime
from tests import factories

CREATE = reverse("complaints:case_create")


def jpeg(name: str = "leak.jpg") -> SimpleUploadedFile:
    data = BytesIO()
    Image.new("RGB", (40, 30), "blue").save(data, "JPEG")
    return SimpleUploadedFile(name, data.getvalue(), content_type="image/jpeg")


@pytest.fixture
def leak(site_a):
    return factories.make_category(site_a, "工程维修/漏水")


@pytest.fixture
def house(site_a):
    house = factories.make_house(site_a)
    factories.make_resident(site_a, "张三丰", "13800138000", house=house)
    return house


def form_data(leak, **changes) -> dict:
    data = {
        "kind": "complaint",
        "source": "walk_in",
        "urgency": "normal",
        "house": "3-2-1201",
        "category": leak.pk,
        "description": "卫生间天花板漏水，已滴到地板",
    }
    data.update(changes)
    return data


def test_it_prefills_the_house_and_resident_from_the_lookup(clerk_client, house, leak):
    resident = house.occupancies.get().resident
    response = clerk_client.get(f"{CREATE}?house={house.pk}&resident={resident.pk}")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="3栋2单元1201"' in body
    assert "张三丰" in body and "138****8000" in body
    # The two-level select, grouped by the top level.
    assert '<optgroup label="工程维修">' in body
    assert "工程维修/漏水" in body


def test_it_ignores_a_house_of_another_site_in_the_link(clerk_client, site_b, leak):
    other = factories.make_house(site_b)
    response = clerk_client.get(f"{CREATE}?house={other.pk}")
    assert response.status_code == 200
    assert 'value="3栋2单元1201"' not in response.content.decode()


def test_it_records_a_leak_and_sends_it_to_engineering(clerk_client, site_a, house, leak, media):
    resident = house.occupancies.get().resident
    response = clerk_client.post(
        f"{CREATE}?house={house.pk}",
        {**form_data(leak, resident=resident.pk), "photos": [jpeg(), jpeg("b.jpg")]},
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:case_detail", args=[case.pk])
    assert case.number.startswith("TS")
    assert (case.house, case.resident, case.state) == (house, resident, "assigned")
    assert case.department.name == "工程部"
    assert case.resolve_due is not None
    assert CasePhoto.objects.filter(case=case, kind="before").count() == 2
    page = clerk_client.get(response["Location"]).content.decode()
    assert case.number in page and "工程部" in page


def test_it_flags_similar_recent_cases(clerk_client, clerk, site_a, house, leak):
    earlier = factories.make_case(site_a, clerk, house=house)
    response = clerk_client.post(CREATE, form_data(leak), follow=True)
    body = response.content.decode()
    assert 'id="case-repeat"' in body
    assert earlier.number in body


def test_it_records_a_public_place(clerk_client, site_a, leak):
    building = factories.make_house(site_a).building
    response = clerk_client.post(
        CREATE, form_data(leak, house="", building=building.pk, place="地下车库")
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.house, case.building, case.place) == (None, building, "地下车库")


def test_it_needs_the_hotlines_reference_and_deadline(clerk_client, leak, house):
    response = clerk_client.post(CREATE, form_data(leak, source="hotline"))
    assert response.status_code == 200
    body = response.content.decode()
    form = response.context["form"]
    assert {"hotline_ref", "hotline_deadline"} <= form.errors.keys()
    assert 'id="case-refused"' in body
    assert not Case.objects.exists()


def hotline_parts(body: str) -> list[str]:
    """The parts of the form drawn for a 12345 case only: each with its field inside."""
    return re.findall(r'<div [^>]*data-source-only="hotline"[^>]*>.*?</div>\n</div>', body, re.S)


def test_it_draws_the_hotline_fields_for_the_script_to_show_for_12345_only(clerk_client, leak):
    body = clerk_client.get(CREATE).content.decode()
    # Drawn and not hidden: without JS they are simply there (complaints.js hides them
    # unless 12345 is chosen, as the browser test shows).
    ref, deadline = hotline_parts(body)
    assert 'name="hotline_ref"' in ref and 'name="hotline_deadline"' in deadline
    assert "hidden" not in ref + deadline and "disabled" not in ref + deadline
    # From static/, as every page's script (the CSP allows no inline one).
    assert f'<script src="{static("js/complaints.js")}"></script>' in body
    assert finders.find("js/complaints.js")


def test_it_draws_the_hotline_fields_again_with_their_errors(clerk_client, leak, house):
    response = clerk_client.post(CREATE, form_data(leak, source="hotline", hotline_ref=" "))
    body = response.content.decode()
    assert '<option value="hotline" selected>' in body
    ref, deadline = hotline_parts(body)
    assert "12345工单须填写热线工单编号。" in ref and "invalid-feedback" in ref
    assert "12345工单须填写热线规定的办理时限。" in deadline


def test_it_records_a_hotline_case(clerk_client, leak, house):
    deadline = timezone.localtime() + timedelta(days=3)
    response = clerk_client.post(
        CREATE,
        form_data(
            leak,
            source="hotline",
            hotline_ref="ZW2026120100123",
            hotline_deadline=deadline.strftime("%Y-%m-%dT%H:%M"),
        ),
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.hotline_ref == "ZW2026120100123"
    assert case.resolve_due <= case.hotline_deadline


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"description": "  "}, "description", "请填写业主反映的问题"),
        ({"category": ""}, "category", "请选择分类"),
        ({"house": "99-9-9999"}, "house", "本小区没有"),
        ({"house": "", "place": ""}, "house", "请选择房屋或填写公共区域"),
        ({"kind": "nonsense"}, "kind", "请从列表中选择"),
        ({"description": "漏" * 2001}, "description", None),
    ],
)
def test_it_refuses_bad_input_beside_the_field(clerk_client, leak, house, changes, field, message):
    response = clerk_client.post(CREATE, form_data(leak, **changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    if message:
        assert any(message in e for e in form.errors[field]), form.errors[field]
    assert not Case.objects.exists()


def test_it_refuses_a_file_that_is_not_a_photo(clerk_client, leak, house):
    fake = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    response = clerk_client.post(CREATE, {**form_data(leak), "photos": [fake]})
    assert response.status_code == 200
    assert "photos" in response.context["form"].errors
    assert not Case.objects.exists()


def test_it_refuses_a_category_of_another_site(clerk_client, site_b, house, leak):
    other = factories.make_category(site_b, "工程维修/漏水")
    response = clerk_client.post(CREATE, form_data(leak, category=other.pk))
    assert "category" in response.context["form"].errors
    assert not Case.objects.exists()


def test_it_is_the_desks_page(client, engineer):
    client.force_login(engineer)
    assert client.get(CREATE).status_code == 403


# --- From an inquiry ------------------------------------------------------------------


@pytest.fixture
def inquiry(site_a, clerk, house):
    inquiry = factories.make_inquiry(site_a, clerk, referred_to="工程部")
    inquiry.house = house
    inquiry.save(update_fields=["house"])
    return inquiry


def from_inquiry(inquiry) -> str:
    return reverse("complaints:case_from_inquiry", args=[inquiry.pk])


def test_it_prefills_the_form_from_the_inquiry(clerk_client, inquiry, leak):
    response = clerk_client.get(from_inquiry(inquiry))
    assert response.status_code == 200
    body = response.content.decode()
    assert "楼道灯坏了" in body and "3栋2单元1201" in body
    assert response.context["form"].initial["department"] == inquiry.referred_to_id


def test_it_turns_the_inquiry_into_a_case(clerk_client, inquiry, leak):
    response = clerk_client.post(
        from_inquiry(inquiry),
        {"kind": "repair", "urgency": "normal", "category": leak.pk, "description": "楼道灯坏了"},
    )
    case = Case.objects.get()
    assert response["Location"] == reverse("complaints:case_detail", args=[case.pk])
    assert (case.inquiry, case.house, case.department.name) == (inquiry, inquiry.house, "工程部")
    inquiry.refresh_from_db()
    assert inquiry.referral_done_at is not None


def test_it_says_when_the_inquiry_was_already_turned_into_a_case(
    clerk_client, clerk, inquiry, leak
):
    data = {"kind": "repair", "urgency": "normal", "category": leak.pk, "description": "灯坏了"}
    clerk_client.post(from_inquiry(inquiry), data)
    case = Case.objects.get()
    response = clerk_client.post(from_inquiry(inquiry), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("complaints:case_detail", args=[case.pk])
    assert "转为工单" in response.content.decode()
    assert Case.objects.count() == 1
    assert CaseEvent.objects.filter(case=case, kind="created").count() == 1


def test_it_finds_no_inquiry_of_another_site(client, clerk_b, inquiry):
    client.force_login(clerk_b)
    assert client.get(from_inquiry(inquiry)).status_code == 404


def test_the_referrals_page_offers_to_turn_an_inquiry_into_a_case(
    clerk_client, client, engineer, inquiry
):
    body = clerk_client.get(reverse("visitors:referrals")).content.decode()
    assert f'href="{from_inquiry(inquiry)}"' in body and "转为工单" in body
    # Department staff answer referrals; turning one into a case is the desk's.
    client.force_login(engineer)
    assert from_inquiry(inquiry) not in client.get(reverse("visitors:referrals")).content.decode()


@pytest.mark.parametrize("staff", [1, 4])
def test_it_records_in_a_fixed_number_of_queries(
    clerk_client, site_a, house, leak, staff, django_assert_num_queries
):
    engineering = site_a.departments.get(name="工程部")
    for n in range(staff):
        factories.make_user(
            site_a, role=roles.DEPARTMENT_STAFF, username=f"eng{n}", department="工程部"
        )
    resident = house.occupancies.get().resident
    clerk_client.get(CREATE)  # the first request renews the session and caches access
    # Each read once a process: the holiday calendar, the deliveries' content type.
    worktime.load_calendar()
    ContentType.objects.get_for_model(Case)
    # session, user; the form's house, resident and category (with its routing); the
    # site's working hours and chasing rules together, the category's deadlines, similar
    # cases; the day's number, the case, its timeline entries; the department's robot
    # and members, and their deliveries; two savepoints (the service's); the sending
    # writes within the service's change, with no savepoint of its own
    with django_assert_num_queries(16):
        response = clerk_client.post(CREATE, form_data(leak, resident=resident.pk))
    assert response.status_code == 302
    assert Case.objects.get().department == engineering
