"""张贴: recording each copy of a notice put up on a board, and its taking down.

- A notice is posted only while it is published and in force: a draft may be printed to
  check it, but what goes on a board is what residents may rely on.
- A board holds one copy of a notice at a time: recording it again while it is up is
  refused, naming who recorded it and when (the core ``Conflict``), also when two clerks
  record it at the same moment (the partial unique constraint decides).
- Taking down is one conditional UPDATE on "still up": of two clerks, the second gets the
  ``Conflict``. A copy taken down may be posted again (a torn poster replaced).
- The board and the notice are of the site the desk works at; another site's is refused
  beside its field (the views' 404 comes first).

The optional photo is judged by its content and re-encoded without its metadata
(``posting_photo_clean``, frontdesk.uploads) and stored under a generated name.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from frontdesk.conflicts import Conflict
from frontdesk.models import Site, User
from frontdesk.scoping import check_same_site
from frontdesk.uploads import MB, UploadKind, clean_image, generated_name, validate_upload
from notices.models import Notice, Posting, PostingLocation
from notices.states import State

PHOTO_KINDS = {UploadKind.JPEG, UploadKind.PNG, UploadKind.WEBP}
MAX_PHOTO_SIZE = 10 * MB


def posting_photo_clean(upload: IO[bytes]) -> ContentFile:
    """The photo checked by its content and re-encoded without its metadata (a phone's
    EXIF says where it was taken); ValidationError in the user's language for anything
    else. Forms call this."""
    validate_upload(upload, kinds=PHOTO_KINDS, max_size=MAX_PHOTO_SIZE)
    return clean_image(upload)


def may_post(notice: Notice, today: date) -> bool:
    """Whether copies of ``notice`` may be recorded now (the section offers the forms)."""
    try:
        check_postable(notice, today)
    except ValidationError:
        return False
    return True


def check_postable(notice: Notice, today: date) -> None:
    """Only a notice published and not past its last day goes on a board."""
    if notice.state != State.PUBLISHED:
        raise ValidationError(
            _("Only a published notice is posted; this one is “%(state)s”.")
            % {"state": notice.get_state_display()},
            code="not_published",
        )
    if notice.expires_on < today:
        raise ValidationError(
            _("This notice expired on %(day)s: it is taken down, not posted.")
            % {"day": date_format(notice.expires_on, "Y-m-d")},
            code="expired",
        )


def posting_up(notice: Notice, location: PostingLocation) -> Posting | None:
    """The copy of ``notice`` up on ``location`` now, with who posted it."""
    return (
        Posting.objects.filter(notice=notice, location=location, removed_at__isnull=True)
        .select_related("posted_by", "location")
        .first()
    )


@transaction.atomic
def posting_record(
    *,
    site: Site,
    user: User,
    notice: Notice,
    location: PostingLocation,
    photo: ContentFile | None = None,
    now: datetime | None = None,
) -> Posting:
    """A copy of ``notice`` posted on ``location`` by ``user`` (with ``photo``, already
    cleaned by ``posting_photo_clean``, as proof)."""
    check_same_site(site, notice=notice, location=location)
    now = now or timezone.now()
    # The state as the page read it: a notice withdrawn in the same second gets its copy
    # listed to take down (the checklist), which is what the clerk would do anyway.
    check_postable(notice, timezone.localdate(now))
    if not location.is_active:
        raise ValidationError(
            {"location": _("This posting location is no longer in use.")}, code="inactive"
        )
    stored = _store_photo(site, photo)
    try:
        with transaction.atomic():
            return Posting.objects.create(
                notice=notice, location=location, posted_by=user, posted_at=now, photo=stored
            )
    except Exception as error:
        # Nothing recorded: no photo kept either.
        if stored:
            Posting._meta.get_field("photo").storage.delete(stored)
        if not isinstance(error, IntegrityError):
            raise
        up = posting_up(notice, location)
        if up is None:  # recorded and taken down again in between: rare, and harmless
            raise ValidationError(
                _("Someone recorded this board at the same moment: look again and retry."),
                code="busy",
            ) from None
        raise Conflict(up, by=up.posted_by, at=up.posted_at) from None


def _store_photo(site: Site, photo: ContentFile | None) -> str:
    if photo is None:
        return ""
    storage = Posting._meta.get_field("photo").storage
    kind = UploadKind.PNG if (photo.name or "").endswith(".png") else UploadKind.JPEG
    photo.seek(0)
    return storage.save(generated_name("postings", site.pk, kind), photo)


@transaction.atomic
def posting_remove(
    *, site: Site, user: User, posting: Posting, now: datetime | None = None
) -> Posting:
    """撤下: the copy taken down from its board by ``user``. Whatever the notice's state: a
    board is cleared of an expired, withdrawn or replaced notice, and a damaged copy of
    one in force is taken down to be posted again."""
    now = now or timezone.now()
    updated = Posting.objects.filter(
        pk=posting.pk, notice__site=site, removed_at__isnull=True
    ).update(removed_at=now, removed_by=user)
    if not updated:
        current = (
            Posting.objects.for_site(site)
            .select_related("removed_by", "location")
            .get(pk=posting.pk)
        )
        raise Conflict(current, by=current.removed_by, at=current.removed_at)
    posting.removed_at, posting.removed_by = now, user
    return posting
