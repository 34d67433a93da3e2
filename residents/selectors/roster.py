"""Reads of roster imports and of their stored files, always within one site."""

from __future__ import annotations

from django.db.models import QuerySet

from frontdesk.models import Site
from residents.models import RosterImport
from residents.roster.files import MAX_FILE_SIZE
from residents.roster.parse import RosterResult, roster_parse


def roster_imports(site: Site, *, with_preview: bool = False) -> QuerySet:
    imports = RosterImport.objects.for_site(site).select_related("uploaded_by")
    # The kept check holds up to a few hundred rows and messages: only its page reads it.
    return imports if with_preview else imports.defer("preview")


def roster_preview(*, site: Site, roster: RosterImport) -> RosterResult:
    """The check made at upload; a file uploaded before it was kept is checked now."""
    if roster.preview is not None:
        return RosterResult.from_summary(roster.kind, roster.preview)
    return roster_parse(site=site, kind=roster.kind, data=stored_data(roster))


def stored_data(roster: RosterImport) -> bytes:
    try:
        with roster.file.open("rb") as stored:
            return stored.read(MAX_FILE_SIZE + 1)
    except (OSError, ValueError):  # gone from storage, or never stored
        return b""  # reads as “empty”: the user is asked for the file again
