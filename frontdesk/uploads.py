"""Uploaded files: one gate for every upload field, one way to store and serve them.

Roster spreadsheets use it now; complaint photos, notice attachments and scans will.

- ``validate_upload`` judges a file by its content, never by its name or the browser's
  content type (a photo renamed .xlsx is still a photo), and refuses it with a message in
  the user's language beside the field.
- ``clean_image`` re-encodes a photo: a phone's EXIF carries where it was taken (GPS),
  which is not ours to keep or hand on.
- ``generated_name`` names stored files: the uploader's name may hold personal data or
  path tricks, so it is kept only as text on the record.
- ``file_response`` serves a stored file as a download. Media is never served publicly
  (frontdesk/urls.py has no MEDIA_URL route): a view checks access to the parent record
  first, then calls this.
"""

from __future__ import annotations

import io
import uuid
import warnings
import zipfile
from enum import StrEnum
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps

MB = 1024 * 1024
# A 48-megapixel phone photo passes; a tiny file that unpacks to gigabytes of pixels
# (a decompression bomb) does not.
MAX_IMAGE_PIXELS = 50_000_000
# Stored photos are shrunk to this longest side: enough to read a meter or a crack.
MAX_IMAGE_SIDE = 4096
JPEG_QUALITY = 85
# Text control characters other than tab, line feed, carriage return and form feed mean
# binary content that happened to decode.
TEXT_CONTROLS = {chr(c) for c in range(32) if chr(c) not in "\t\n\r\f"} | {"\x7f"}


class UploadKind(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"  # any plain text in UTF-8 (with or without BOM) or GB18030
    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"
    WEBP = "webp"

    @property
    def ext(self) -> str:
        return "jpg" if self is UploadKind.JPEG else self.value

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self]

    @property
    def label(self) -> str:
        return str(LABELS[self])


CONTENT_TYPES = {
    UploadKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    UploadKind.CSV: "text/csv",
    UploadKind.PDF: "application/pdf",
    UploadKind.JPEG: "image/jpeg",
    UploadKind.PNG: "image/png",
    UploadKind.WEBP: "image/webp",
}
LABELS = {
    UploadKind.XLSX: gettext_lazy("Excel workbook (.xlsx)"),
    UploadKind.CSV: gettext_lazy("CSV file (.csv)"),
    UploadKind.PDF: gettext_lazy("PDF file"),
    UploadKind.JPEG: gettext_lazy("JPEG image"),
    UploadKind.PNG: gettext_lazy("PNG image"),
    UploadKind.WEBP: gettext_lazy("WebP image"),
}
# Pillow's format names; Image.open is limited to these decoders.
IMAGE_FORMATS = {UploadKind.JPEG: "JPEG", UploadKind.PNG: "PNG", UploadKind.WEBP: "WEBP"}


def validate_upload(file: IO[bytes], *, kinds: set[str], max_size: int) -> UploadKind:
    """The kind of an uploaded file, judged by its content; ValidationError if refused."""
    file.seek(0)
    data = file.read(max_size + 1)
    file.seek(0)
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    if len(data) > max_size:
        raise ValidationError(
            _("The file is larger than %(size)s MB. Split it into smaller files.")
            % {"size": f"{max_size / MB:g}"},
            code="too_large",
        )
    accepted = [kind for kind in UploadKind if kind in kinds]
    kind = detect_kind(file)
    if kind in accepted:
        if kind in IMAGE_FORMATS:
            verify_image(file, kind)
        return kind
    # The two mistakes offices make with spreadsheets get a message that says what to do.
    if UploadKind.XLSX in accepted and data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValidationError(
            _("This is an old Excel 97–2003 (.xls) file. Save it as .xlsx and upload it again."),
            code="xls",
        )
    if UploadKind.XLSX in accepted and kind is None and data.startswith(b"PK\x03\x04"):
        raise ValidationError(
            _("The file is not a valid Excel workbook. Open it in Excel and save it again."),
            code="bad_xlsx",
        )
    params = {"found": kind.label if kind else "", "allowed": "、".join(k.label for k in accepted)}
    if kind is None:
        message = _("This kind of file cannot be uploaded here. Upload: %(allowed)s.")
    else:
        message = _("This file is a %(found)s, which cannot be uploaded here. Upload: %(allowed)s.")
    raise ValidationError(message % params, code="kind")


def detect_kind(file: IO[bytes]) -> UploadKind | None:
    """What the bytes say they are, whatever the name says; None for anything else.

    Images are told by their signature only: ``verify_image`` checks them in full.
    """
    try:
        file.seek(0)
        head = file.read(16)
        file.seek(0)
        if head.startswith(b"%PDF-"):
            return UploadKind.PDF
        if head.startswith(b"\xff\xd8\xff"):
            return UploadKind.JPEG
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return UploadKind.PNG
        if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
            return UploadKind.WEBP
        if head.startswith(b"PK\x03\x04"):
            return UploadKind.XLSX if is_xlsx(file) else None
        return UploadKind.CSV if is_text(file.read()) else None
    finally:
        file.seek(0)


def is_xlsx(file: IO[bytes]) -> bool:
    # Only the zip's directory is read: size checks belong to whoever unpacks it.
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)


def is_text(data: bytes) -> bool:
    if not data or b"\x00" in data:  # binary, or UTF-16 text: neither is a CSV Excel writes
        return False
    # Excel on a Chinese Windows saves “CSV” in GB18030 (GBK); “CSV UTF-8” adds a BOM.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not TEXT_CONTROLS.intersection(text)
    return False


def verify_image(file: IO[bytes], kind: UploadKind) -> None:
    with open_image(file) as image:
        try:
            image.verify()
            ok = image.format == IMAGE_FORMATS[kind]
        except Exception:  # any decoder failure on an untrusted file means “damaged”
            ok = False
    file.seek(0)
    if not ok:
        raise damaged_image()


def open_image(file: IO[bytes]) -> Image.Image:
    """Open an image lazily, refusing one whose pixels would not fit in memory."""
    file.seek(0)
    with warnings.catch_warnings():
        # Pillow only warns between its limit and twice it; make that a refusal too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(file, formats=list(IMAGE_FORMATS.values()))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise too_many_pixels() from exc
        except Exception as exc:  # not decodable as any of the accepted formats
            raise damaged_image() from exc
    if image.width * image.height > MAX_IMAGE_PIXELS:
        image.close()
        raise too_many_pixels()
    return image


def damaged_image() -> ValidationError:
    return ValidationError(
        _("The image is damaged and cannot be opened. Take or save it again."), code="bad_image"
    )


def too_many_pixels() -> ValidationError:
    return ValidationError(
        _("The image has too many pixels (at most %(count)s million). Send a smaller photo.")
        % {"count": MAX_IMAGE_PIXELS // 1_000_000},
        code="too_many_pixels",
    )


def clean_image(file: IO[bytes]) -> ContentFile:
    """The photo re-encoded without its metadata (EXIF with GPS, XMP, comments).

    It is turned the way the camera meant, shrunk to MAX_IMAGE_SIDE, and saved as PNG if
    it was a PNG or has transparency, else as JPEG. The ContentFile's name ("image.jpg" or
    "image.png") tells its kind; store it under ``generated_name``.
    """
    with open_image(file) as source:
        try:
            image = ImageOps.exif_transpose(source)
            image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE), Image.Resampling.LANCZOS)
        except Exception as exc:  # verify() cannot see every flaw; decoding the pixels does
            raise damaged_image() from exc
        keep_png = source.format == "PNG" or image.has_transparency_data
    # Encoders copy some of these into the new file; keep only what draws the pixels.
    image.info = {k: v for k, v in image.info.items() if k == "transparency"}
    out = io.BytesIO()
    if keep_png:
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
        return ContentFile(out.getvalue(), name="image.png")
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return ContentFile(out.getvalue(), name="image.jpg")


def generated_name(prefix: str, site_id: int | None, kind: UploadKind | None) -> str:
    """``<prefix>/<site_id>/<uuid>.<ext>``: nothing of the uploader's file name survives."""
    ext = f".{kind.ext}" if kind else ""
    return f"{prefix}/{site_id}/{uuid.uuid4().hex}{ext}"


def file_response(field_file, download_name: str) -> FileResponse:
    """A stored file as a download named ``download_name``; Http404 if it is not stored.

    The content type comes from the file's content (the kind it was accepted as), never
    from a name; anything else is served as plain bytes. The caller must already have
    checked that the user may see the record the file belongs to.
    """
    try:
        handle = field_file.open("rb")
    except (OSError, ValueError) as exc:  # gone from storage, or never stored
        raise Http404(_("The file is no longer stored.")) from exc
    kind = detect_kind(handle)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name,
        content_type=kind.content_type if kind else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response
