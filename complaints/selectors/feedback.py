"""The resident's feedback link (/s/<token>/): the case it answers for, read without login."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from complaints.models import Case
from complaints.services.callbacks import TOKEN_SHAPE, FeedbackLinkError
from complaints.states import State


def feedback_case(token: str, now: datetime | None = None) -> Case:
    """The case waiting for the answer of the link ``token`` (one query), or
    FeedbackLinkError saying why the link cannot take one: the same checks, in the same
    order, as ``case_feedback_from_link``, so the page and the answer never disagree."""
    now = now or timezone.now()
    if not TOKEN_SHAPE.fullmatch(token or ""):
        raise FeedbackLinkError(FeedbackLinkError.INVALID)
    case = (
        Case.objects.select_related("site", "category__parent")
        .only(
            "number",
            "kind",
            "state",
            "resolution",
            "resolved_at",
            "feedback_at",
            "feedback_expires_at",
            "site__name",
            "site__service_phone",
            "category__name",
            "category__parent__name",
        )
        .filter(feedback_token=token)
        .first()
    )
    if case is None:
        raise FeedbackLinkError(FeedbackLinkError.INVALID)
    if case.feedback_at is not None:
        answered = FeedbackLinkError(FeedbackLinkError.ANSWERED)
        answered.case = case  # the page thanks for the answer it names
        raise answered
    if case.feedback_expires_at is None or case.feedback_expires_at <= now:
        raise FeedbackLinkError(FeedbackLinkError.EXPIRED)
    if case.state != State.RESOLVED:
        raise FeedbackLinkError(FeedbackLinkError.CLOSED)
    return case
