"""What the public page (/n/<token>/) reads beside the notice itself (notices.selectors.
public.notice_by_token): its attachments, which residents may download by the token."""

from __future__ import annotations

from notices.models import Notice, NoticeAttachment


def public_attachments(notice: Notice) -> list[NoticeAttachment]:
    """The attachments of the version shown, in the order they were added. One query."""
    return list(
        NoticeAttachment.objects.filter(notice=notice)
        .only("pk", "notice_id", "name", "kind", "size")
        .order_by("uploaded_at", "id")
    )


def public_attachment(notice: Notice, pk: int) -> NoticeAttachment | None:
    """One attachment of the version shown; None for any other (another notice's, even of
    the same series: the token opens what its page lists, nothing else)."""
    return NoticeAttachment.objects.filter(notice=notice, pk=pk).first()


def is_older_version(token: str, shown: Notice) -> bool:
    """Whether ``token`` is a version before the one shown (an old poster; not a draft
    correction's token, which leads to the version in force). One query, asked only when
    the token is not the shown version's own."""
    return Notice.objects.filter(token=token, version__lt=shown.version).exists()
