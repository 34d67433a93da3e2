"""Builders and fixtures of the notices tests: a notice in any state, through the services,
and a supervisor of site A alone (``approver``)."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from frontdesk import roles
from notices.models import Notice
from notices.services import versions, workflow
from notices.states import State
from tests import factories

# The builders are the factories module's (one builder per model); named here too, as the
# notices tests import them.
notice_type = factories.notice_type
make_notice = factories.make_notice


def bring_to(notice: Notice, state: str, *, clerk, boss) -> Notice:
    """``notice`` (a draft) moved by the services to ``state``."""
    site = notice.site
    if state == State.DRAFT:
        return notice
    if state in (State.SUBMITTED, State.RETURNED, State.APPROVED):
        workflow.notice_submit(site=site, user=clerk, notice=notice)
        if state == State.RETURNED:
            workflow.notice_send_back(site=site, user=boss, notice=notice, comment="请补充时间段")
        if state == State.APPROVED:
            workflow.notice_approve(site=site, user=boss, notice=notice)
        return notice
    if state == State.WITHDRAWN:
        workflow.notice_withdraw(site=site, user=clerk, notice=notice, reason="不再需要")
        return notice
    bring_to(notice, State.APPROVED, clerk=clerk, boss=boss)
    workflow.notice_publish(site=site, user=clerk, notice=notice)
    if state == State.EXPIRED:
        from notices.services.expiry import notices_expire

        Notice.objects.filter(pk=notice.pk).update(
            effective_from=date(2020, 1, 1), expires_on=date(2020, 1, 2)
        )
        notices_expire()
        notice.refresh_from_db()
    if state == State.SUPERSEDED:
        correction = versions.notice_new_version(site=site, user=clerk, notice=notice)
        bring_to(correction, State.PUBLISHED, clerk=clerk, boss=boss)
        notice.refresh_from_db()
    return notice


def jpeg(name: str = "map.jpg") -> SimpleUploadedFile:
    data = BytesIO()
    Image.new("RGB", (40, 30), "green").save(data, "JPEG")
    return SimpleUploadedFile(name, data.getvalue(), content_type="image/jpeg")


def pdf(name: str = "schedule.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%test\n", content_type="application/pdf")


@pytest.fixture
def approver(site_a):
    """A supervisor of site A alone."""
    return factories.make_user(site_a, role=roles.SUPERVISOR, username="approver", full_name="陈静")


@pytest.fixture
def approver_client(client, approver):
    client.force_login(approver)
    return client


@pytest.fixture
def draft(site_a, clerk):
    return make_notice(site_a, clerk)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
