"""Case photos: what is accepted (through the one upload gate, frontdesk.uploads) and how
it is stored."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from frontdesk.uploads import MB, UploadKind, clean_image, generated_name, validate_upload

from .models import Case, CaseEvent, CasePhoto

PHOTO_KINDS = {UploadKind.JPEG, UploadKind.PNG, UploadKind.WEBP}
MAX_PHOTO_SIZE = 10 * MB
MAX_PHOTOS = 9  # what a phone's picker sends at once; more is a mistake


def photo_clean(upload: IO[bytes]) -> ContentFile:
    """A photo as uploaded, checked by its content and re-encoded without its metadata;
    ValidationError (in the user's language) for anything else. Forms call this."""
    validate_upload(upload, kinds=PHOTO_KINDS, max_size=MAX_PHOTO_SIZE)
    return clean_image(upload)


def check_photo_count(photos: Sequence[ContentFile]) -> None:
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(
            {"photos": _("At most %(count)s photos at a time.") % {"count": MAX_PHOTOS}}
        )


def photos_attach(
    *, case: Case, event: CaseEvent, photos: Sequence[ContentFile], kind: str
) -> list[CasePhoto]:
    """Store already cleaned photos (``photo_clean``) under generated names and record
    them against the timeline entry. Called last in a service's transaction: should the
    rows fail, the files just stored are removed again."""
    if not photos:
        return []
    storage = CasePhoto._meta.get_field("image").storage
    stored: list[str] = []
    try:
        rows = []
        for photo in photos:
            ext = UploadKind.PNG if (photo.name or "").endswith(".png") else UploadKind.JPEG
            stored.append(storage.save(generated_name("cases", case.site_id, ext), photo))
            rows.append(
                CasePhoto(case=case, event=event, kind=kind, image=stored[-1], created_at=event.at)
            )
        return CasePhoto.objects.bulk_create(rows)
    except Exception:
        for name in stored:
            storage.delete(name)
        raise
