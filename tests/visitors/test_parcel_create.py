"""快递登记: logging a pile of parcels fast, with an optional photo and notice."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests import factories
from visitors.models import Parcel

CREATE = reverse("visitors:parcel_create")


@pytest.fixture
def house(site_a):
    house = factories.make_house(site_a, building=3, unit=2, room="1201")
    factories.make_resident(site_a, "张三丰", "13800138000", house=house)
    return house


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def image_bytes(kind: str = "JPEG", exif: bool = False) -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        image.save(out, kind, exif=data)
    else:
        image.save(out, kind)
    return out.getvalue()


def post(client, **data):
    return client.post(CREATE, {"house": "3-2-1201", "courier": "sf", **data})


def test_it_logs_a_parcel_and_comes_back_for_the_next(clerk_client, clerk, site_a, house):
    response = post(
        clerk_client,
        recipient_name="张*丰",
        tracking_number="sf 1234 5678 9012",
        shelf="A-3",
        courier="zto",
    )
    assert response["Location"] == f"{CREATE}?courier=zto"
    parcel = Parcel.objects.get()
    assert (parcel.site, parcel.house, parcel.received_by) == (site_a, house, clerk)
    assert (parcel.courier, parcel.tracking_number, parcel.shelf) == (
        "zto",
        "SF123456789012",
        "A-3",
    )
    assert parcel.recipient_name == "张*丰"
    assert parcel.collected_at is None and parcel.notified_at is None
    assert not parcel.photo
    html = clerk_client.get(response["Location"]).content.decode()
    assert "已登记：3栋2单元1201，中通 SF123456789012，货架 A-3。" in html
    assert '<option value="zto" selected>' in html  # the same courier for the next one
    assert 'value="3-2-1201"' not in html  # but an empty house
    assert reverse("visitors:parcels") in html


def test_it_notifies_the_household_at_once_when_asked(clerk_client, clerk, house):
    response = post(clerk_client, notify_now="on", notice_method="sms")
    parcel = Parcel.objects.get()
    assert (parcel.notice_method, parcel.notified_by) == ("sms", clerk)
    assert parcel.notified_at is not None
    assert "已通知住户（短信）" in clerk_client.get(response["Location"]).content.decode()


def test_it_asks_how_when_notifying(clerk_client, house):
    response = post(clerk_client, notify_now="on", tracking_number="SF9999")
    assert response.status_code == 200
    html = response.content.decode()
    assert "请选择通知住户的方式" in html
    assert 'value="SF9999"' in html
    assert not Parcel.objects.exists()


def test_it_ignores_the_method_when_not_notifying(clerk_client, house):
    post(clerk_client, notice_method="phone")
    assert Parcel.objects.get().notified_at is None


def test_it_keeps_a_photo_without_its_metadata(clerk_client, site_a, house, media):
    upload = SimpleUploadedFile("IMG_2024.jpg", image_bytes(exif=True), "image/jpeg")
    post(clerk_client, photo=upload)
    parcel = Parcel.objects.get()
    assert parcel.photo.name.startswith(f"parcels/{site_a.pk}/")
    assert parcel.photo.name.endswith(".jpg") and "IMG_2024" not in parcel.photo.name
    with Image.open(parcel.photo.path) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif()


def test_it_keeps_a_png_as_png(clerk_client, house, media):
    post(clerk_client, photo=SimpleUploadedFile("label.png", image_bytes("PNG"), "image/png"))
    assert Parcel.objects.get().photo.name.endswith(".png")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("label.jpg", b"just some text, not a photo", "这里不能上传"),
        ("label.jpg", b"%PDF-1.4 fake", "这里不能上传"),
        ("label.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 50, "图片已损坏"),
    ],
)
def test_it_refuses_a_photo_that_is_not_an_image(
    clerk_client, house, media, name, content, message
):
    response = post(
        clerk_client,
        tracking_number="SF5555",
        photo=SimpleUploadedFile(name, content, "image/jpeg"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="SF5555"' in html
    assert not Parcel.objects.exists()
    assert not (media / "parcels").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"house": ""}, "请填写收件房号"),
        ({"house": "9-9-9999"}, "本小区没有房屋 9-9-9999"),
        ({"house": "楼下"}, "请按 3-2-1201 或 3栋2单元1201 的格式填写房号"),
        ({"courier": ""}, "请选择快递公司"),
        ({"courier": "ups"}, "请从列表中选择快递公司"),
        ({"tracking_number": "单号？"}, "运单号应为 4 到 40 位字母、数字或短横线"),
    ],
)
def test_it_says_what_is_wrong_and_saves_nothing(clerk_client, house, data, message):
    response = post(clerk_client, recipient_name="王五", **data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="王五"' in html
    assert not Parcel.objects.exists()


def test_it_refuses_another_sites_house(clerk_client, site_b):
    factories.make_house(site_b, building=7, unit=1, room="0701")
    response = post(clerk_client, house="7-1-0701")
    assert "本小区没有房屋" in response.content.decode()
    assert not Parcel.objects.exists()


def test_it_starts_on_the_house(clerk_client):
    html = clerk_client.get(CREATE).content.decode()
    assert 'name="house"' in html
    tag = html[html.index('name="house"') - 200 : html.index('name="house"') + 200]
    assert "autofocus" in tag


@pytest.mark.parametrize(
    "value", ["x" * 10_000, "<script>alert(1)</script>", "'; DROP TABLE x; --", "\x00", "😀"]
)
def test_it_survives_hostile_input(clerk_client, house, value):
    response = clerk_client.post(
        CREATE,
        {
            "house": value,
            "recipient_name": value,
            "courier": value,
            "tracking_number": value,
            "shelf": value,
            "notify_now": value,
            "notice_method": value,
            "photo": value,
        },
    )
    assert response.status_code == 200
    assert not Parcel.objects.exists()


def test_it_is_for_the_desk_only(client, engineer, house):
    client.force_login(engineer)
    assert post(client).status_code == 403
    assert not Parcel.objects.exists()


def test_it_needs_login(client, db):
    assert client.get(CREATE)["Location"].startswith(reverse("login"))
    assert client.post(CREATE)["Location"].startswith(reverse("login"))


def test_the_courier_list_asks_in_chinese(clerk_client):
    html = clerk_client.get(reverse("visitors:parcel_create")).content.decode()
    assert "—请选择—" in html and "Select an option" not in html
