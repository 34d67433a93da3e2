"""Notice attachments: what is accepted (through the one upload gate, frontdesk.uploads) and
how it is stored."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.models import User
from frontdesk.uploads import (
    IMAGE_FORMATS,
    MB,
    UploadKind,
    clean_image,
    generated_name,
    validate_upload,
)

from .models import Notice, NoticeAttachment

ATTACHMENT_KINDS = {UploadKind.PDF, UploadKind.JPEG, UploadKind.PNG, UploadKind.WEBP}
MAX_ATTACHMENT_SIZE = 10 * MB
MAX_ATTACHMENTS = 5  # a map, a schedule, a letter: more belongs in another notice
NAME_LENGTH = 200


@dataclass
class CleanAttachment:
    """An upload judged by its content: an image re-encoded without its metadata, a PDF as
    it came; ``name`` is the uploader's file name, kept as text only."""

    content: IO[bytes]
    name: str
    kind: UploadKind
    size: int


def attachment_clean(upload) -> CleanAttachment:
    """ValidationError (in the user's language) for anything but a PDF or an image of at
    most MAX_ATTACHMENT_SIZE. Forms call this."""
    kind = validate_upload(upload, kinds=ATTACHMENT_KINDS, max_size=MAX_ATTACHMENT_SIZE)
    name = os.path.basename(getattr(upload, "name", "") or "")[:NAME_LENGTH] or kind.ext
    if kind in IMAGE_FORMATS:
        content = clean_image(upload)
        kind = UploadKind.PNG if content.name.endswith(".png") else UploadKind.JPEG
        return CleanAttachment(content, name, kind, content.size)
    upload.seek(0, os.SEEK_END)
    size = upload.tell()
    upload.seek(0)
    return CleanAttachment(upload, name, kind, size)


def check_attachment_count(existing: int, added: Sequence[CleanAttachment]) -> None:
    if existing + len(added) > MAX_ATTACHMENTS:
        raise ValidationError(
            {
                "attachments": _("A notice has at most %(count)s attachments.")
                % {"count": MAX_ATTACHMENTS}
            }
        )


def attachments_store(
    *, notice: Notice, user: User, files: Sequence[CleanAttachment]
) -> list[NoticeAttachment]:
    """Store cleaned files under generated names and record them. Called last in a
    service's transaction: should the rows fail, the files just stored are removed."""
    if not files:
        return []
    storage = NoticeAttachment._meta.get_field("file").storage
    stored: list[str] = []
    now = timezone.now()
    try:
        rows = []
        for clean in files:
            clean.content.seek(0)
            path = generated_name("notices", notice.site_id, clean.kind)
            stored.append(storage.save(path, File(clean.content)))
            rows.append(
                NoticeAttachment(
                    notice=notice,
                    file=stored[-1],
                    name=clean.name,
                    kind=clean.kind.value,
                    size=clean.size,
                    uploaded_by=user,
                    uploaded_at=now,
                )
            )
        return NoticeAttachment.objects.bulk_create(rows)
    except Exception:
        for name in stored:
            storage.delete(name)
        raise
