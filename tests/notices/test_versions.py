"""Corrections (notices.services.versions) and the token lookup the public page will use
(notices.selectors.public): a published notice's text is never changed; its new version
replaces it when published, and the old token (on the posters already up) leads there."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notices.models import Notice, NoticeAttachment, NoticeEvent
from notices.selectors.public import notice_by_token
from notices.services import versions, workflow
from notices.states import State
from residents.models import Building

from .conftest import bring_to, make_notice, pdf


@pytest.fixture
def published(site_a, clerk, approver, media):
    from notices.attachments import attachment_clean, attachments_store

    buildings = [Building.objects.create(site=site_a, number=n) for n in (3, 5)]
    notice = make_notice(site_a, clerk, audience="buildings", buildings=buildings)
    attachments_store(notice=notice, user=clerk, files=[attachment_clean(pdf())])
    return bring_to(Notice.objects.get(pk=notice.pk), State.PUBLISHED, clerk=clerk, boss=approver)


def test_a_new_version_is_a_draft_copy_of_the_published_one(site_a, clerk, published):
    correction = versions.notice_new_version(site=site_a, user=clerk, notice=published)

    assert (correction.state, correction.version, correction.supersedes) == (
        State.DRAFT,
        2,
        published,
    )
    assert correction.series == published.series and correction.token != published.token
    assert (correction.title, correction.body) == (published.title, published.body)
    assert sorted(b.number for b in correction.buildings.all()) == [3, 5]
    assert list(correction.attachments.values_list("file", flat=True)) == list(
        published.attachments.values_list("file", flat=True)
    )
    # The published one is untouched, and in force until the correction is published.
    assert Notice.objects.get(pk=published.pk).state == State.PUBLISHED
    assert NoticeEvent.objects.filter(notice=published).last().kind == "new_version"


def test_only_one_correction_is_prepared_at_a_time(site_a, clerk, published):
    versions.notice_new_version(site=site_a, user=clerk, notice=published)
    with pytest.raises(ValidationError) as refused:
        versions.notice_new_version(site=site_a, user=clerk, notice=published)
    assert "已有正在准备的新版本" in refused.value.messages[0]
    assert Notice.objects.filter(series=published.series).count() == 2


def test_publishing_the_correction_supersedes_the_old_version(site_a, clerk, approver, published):
    correction = versions.notice_new_version(site=site_a, user=clerk, notice=published)
    bring_to(correction, State.PUBLISHED, clerk=clerk, boss=approver)

    old = Notice.objects.get(pk=published.pk)
    assert old.state == State.SUPERSEDED and old.ended_at is not None
    event = NoticeEvent.objects.filter(notice=old).last()
    assert (event.kind, event.data) == ("superseded", {"by": correction.pk, "version": 2})
    # The attachments' rows are the new version's own; the old keeps its own.
    assert NoticeAttachment.objects.filter(notice=old).count() == 1


def test_the_old_token_leads_to_the_newest_published_version(site_a, clerk, approver, published):
    assert notice_by_token(published.token) == published
    correction = versions.notice_new_version(site=site_a, user=clerk, notice=published)
    # While the correction is a draft, both tokens lead to the version in force.
    assert notice_by_token(published.token) == published
    assert notice_by_token(correction.token) == published

    bring_to(correction, State.PUBLISHED, clerk=clerk, boss=approver)
    assert notice_by_token(published.token) == correction
    assert notice_by_token(correction.token) == correction

    third = versions.notice_new_version(site=site_a, user=clerk, notice=correction)
    bring_to(third, State.PUBLISHED, clerk=clerk, boss=approver)
    assert notice_by_token(published.token) == third


def test_a_withdrawn_notice_is_found_to_say_so(site_a, approver, published):
    workflow.notice_withdraw(site=site_a, user=approver, notice=published, reason="延期")
    found = notice_by_token(published.token)
    assert (found, found.state) == (published, State.WITHDRAWN)


def test_an_expired_notice_is_found_to_say_so(site_a, clerk, approver):
    notice = bring_to(make_notice(site_a, clerk), State.EXPIRED, clerk=clerk, boss=approver)
    assert notice_by_token(notice.token).state == State.EXPIRED


@pytest.mark.parametrize("state", [State.DRAFT, State.SUBMITTED, State.APPROVED, State.WITHDRAWN])
def test_a_notice_never_published_is_not_found(site_a, clerk, approver, state):
    notice = bring_to(make_notice(site_a, clerk), state, clerk=clerk, boss=approver)
    assert notice_by_token(notice.token) is None


@pytest.mark.parametrize("token", ["", "unknown-token", "x" * 200, "' OR 1=1 --"])
def test_an_unknown_or_tampered_token_is_not_found(published, token):
    assert notice_by_token(token) is None
    assert notice_by_token(published.token[:-1] + "A") is None or published.token.endswith("A")


def test_the_lookup_is_one_query(published):
    with CaptureQueriesContext(connection) as queries:
        found = notice_by_token(published.token)
        assert (found.site.name, found.type.name) == ("翠湖花园", "停水停电")
    assert len(queries) == 1


def test_tokens_are_unguessable_and_unique(site_a, clerk):
    tokens = {make_notice(site_a, clerk).token for _ in range(20)}
    assert len(tokens) == 20 and all(len(t) >= 22 for t in tokens)
