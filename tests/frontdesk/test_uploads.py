"""The shared upload gate: kinds judged by content, photos without EXIF, safe downloads."""

import io
import random

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.fields.files import FieldFile
from django.http import Http404
from PIL import Image

from frontdesk.uploads import (
    UploadKind,
    clean_image,
    file_response,
    generated_name,
    validate_upload,
)
from tests.residents.conftest import make_xlsx

MB = 1024 * 1024
SHEETS = {"xlsx", "csv"}
IMAGES = {"jpeg", "png", "webp"}
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def image_bytes(fmt: str, size=(40, 30), mode="RGB", exif: Image.Exif | None = None) -> bytes:
    buffer = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    Image.new(mode, size, "white").save(buffer, fmt, **options)
    return buffer.getvalue()


def refusal(content: bytes, name: str, kinds: set[str], max_size: int = 10 * MB) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_upload(SimpleUploadedFile(name, content), kinds=kinds, max_size=max_size)
    return caught.value.messages[0]


def test_it_judges_by_content_not_by_name():
    xlsx, png = make_xlsx(["楼栋"], [3]), image_bytes("PNG")
    assert validate_upload(SimpleUploadedFile("a.png", xlsx), kinds=SHEETS, max_size=MB) == "xlsx"
    assert validate_upload(SimpleUploadedFile("a.xlsx", png), kinds=IMAGES, max_size=MB) == "png"

    message = refusal(png, "roster.xlsx", SHEETS)
    assert message == (
        "这个文件是PNG 图片，这里不能上传。请上传：Excel 工作簿（.xlsx）、CSV 文件（.csv）。"
    )
    message = refusal(xlsx, "photo.png", IMAGES)
    assert message.startswith("这个文件是Excel 工作簿（.xlsx），这里不能上传")
    assert "JPEG 图片、PNG 图片、WebP 图片" in message


def test_it_accepts_gb18030_and_utf8_csv():
    text = "楼栋,单元,房号\n3栋,2,1201\n"
    for content in (text.encode("gb18030"), text.encode("utf-8-sig"), text.encode()):
        upload = SimpleUploadedFile("x.csv", content)
        assert validate_upload(upload, kinds=SHEETS, max_size=MB) is UploadKind.CSV
        assert upload.read() == content  # left at the start for whoever reads it next


@pytest.mark.parametrize(
    "content",
    [
        random.Random(7).randbytes(4096),
        b"PK\x03\x04" + random.Random(8).randbytes(200),
        b"\x7fELF\x02\x01\x01" + bytes(100),
        "楼栋,单元".encode("utf-16"),
    ],
    ids=["random bytes", "broken zip", "program", "utf-16 text"],
)
def test_it_refuses_what_it_does_not_recognise(content):
    assert "这里不能上传" in refusal(content, "x.jpg", IMAGES | {"pdf"})


def test_it_refuses_an_empty_file():
    assert refusal(b"", "x.csv", SHEETS) == "文件是空的。"


def test_it_refuses_an_oversize_file_before_looking_inside():
    assert refusal(b"a" * (2 * MB + 1), "x.csv", SHEETS, max_size=2 * MB).startswith(
        "文件超过 2 MB"
    )


def test_it_refuses_a_damaged_image():
    png = image_bytes("PNG")
    assert "图片已损坏" in refusal(png[:60] + bytes(40), "x.png", IMAGES)
    # A cut-off JPEG passes verify(); decoding its pixels finds the flaw.
    jpeg = image_bytes("JPEG", size=(400, 300))
    with pytest.raises(ValidationError, match="图片已损坏"):
        clean_image(io.BytesIO(jpeg[:400]))


def test_it_refuses_a_decompression_bomb():
    bomb = image_bytes("PNG", size=(10_000, 6_000), mode="1")  # 60 MP in a few KB
    assert len(bomb) < 100_000
    assert "图片像素过多" in refusal(bomb, "x.png", IMAGES)
    with pytest.raises(ValidationError, match="图片像素过多"):
        clean_image(io.BytesIO(bomb))


def test_it_drops_exif_with_gps_and_turns_the_photo_upright():
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # taken sideways: to be shown turned 90° clockwise
    exif[0x010F] = "Camera maker"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)})
    photo = image_bytes("JPEG", size=(40, 30), exif=exif)
    assert GPS_IFD in Image.open(io.BytesIO(photo)).getexif()

    cleaned = clean_image(SimpleUploadedFile("p.jpg", photo))
    assert isinstance(cleaned, ContentFile) and cleaned.name == "image.jpg"
    with Image.open(cleaned) as image:
        assert image.format == "JPEG"
        assert image.size == (30, 40)
        assert "exif" not in image.info
        assert not image.getexif()
    assert b"Exif" not in cleaned.read()


def test_it_keeps_a_png_a_png_and_shrinks_a_huge_image():
    cleaned = clean_image(io.BytesIO(image_bytes("PNG", size=(6000, 3000), mode="RGBA")))
    with Image.open(cleaned) as image:
        assert (image.format, image.size, image.mode) == ("PNG", (4096, 2048), "RGBA")


def test_it_makes_a_webp_or_cmyk_photo_a_jpeg():
    for content in (image_bytes("WEBP"), image_bytes("JPEG", mode="CMYK")):
        with Image.open(clean_image(io.BytesIO(content))) as image:
            assert (image.format, image.mode) == ("JPEG", "RGB")


def test_it_generates_stored_names():
    name = generated_name("complaints", 7, UploadKind.JPEG)
    prefix, site, rest = name.split("/")
    assert (prefix, site) == ("complaints", "7")
    assert rest.endswith(".jpg") and len(rest) == 32 + 4
    assert generated_name("roster", 7, None) != generated_name("roster", 7, None)


@pytest.fixture
def stored(tmp_path):
    storage = FileSystemStorage(location=tmp_path)

    def store(content: bytes):
        name = storage.save(generated_name("scans", 1, None), ContentFile(content))
        field = type("Field", (), {"storage": storage})()
        return FieldFile(None, field, name)

    return store


def test_it_serves_a_file_as_a_typed_attachment(stored):
    pdf = b"%PDF-1.7\n% a scan\n"
    response = file_response(stored(pdf), "扫描件 2026.pdf")
    assert b"".join(response.streaming_content) == pdf
    assert response["Content-Type"] == "application/pdf"  # from the bytes
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E6%89%AB%E6%8F%8F%E4%BB%B6%202026.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store, private"


def test_it_never_types_a_download_by_its_name(stored):
    html = b"<script>alert(1)</script>\x00"
    response = file_response(stored(html), "page.html")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="page.html"'


def test_it_is_a_404_when_the_file_is_gone(stored):
    field_file = stored(b"x")
    field_file.storage.delete(field_file.name)
    with pytest.raises(Http404):
        file_response(field_file, "x.pdf")
