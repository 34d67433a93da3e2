"""{% state_badge record %} (frontdesk.transitions.Badges): a record's state drawn as its
area's badge, with the state's label in Chinese, without an included template."""

import pytest
from django.template import Context, Template

from complaints.models import Case
from complaints.states import State as CaseState
from notices.models import Notice
from notices.states import State as NoticeState


def badge(record, *args: str) -> str:
    extra = "".join(f' "{a}"' for a in args)
    return Template("{% load states %}{% state_badge record" + extra + " %}").render(
        Context({"record": record})
    )


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            Notice(state=NoticeState.SUBMITTED),
            '<span class="badge text-bg-primary notice-state">待审核</span>',
        ),
        (
            Notice(state=NoticeState.SUPERSEDED),
            '<span class="badge text-bg-dark notice-state">已被新版本替换</span>',
        ),
        (
            Case(state=CaseState.REOPENED),
            '<span class="badge text-bg-danger case-state">已重开</span>',
        ),
        # A state the table does not colour is light.
        (
            Case(state=CaseState.WITHDRAWN),
            '<span class="badge text-bg-light border case-state">已撤销</span>',
        ),
    ],
)
def test_a_state_is_its_areas_badge_with_its_label(record, expected):
    assert badge(record) == expected


def test_the_pages_own_record_gets_an_id():
    html = badge(Case(state=CaseState.PAUSED), "case-state")
    assert html == '<span class="badge text-bg-warning case-state" id="case-state">已暂停</span>'


def test_every_state_has_a_label_in_chinese():
    for record in [Case(state=s) for s in CaseState] + [Notice(state=s) for s in NoticeState]:
        html = badge(record)
        label = html.split(">", 1)[1].removesuffix("</span>")
        assert label and label.isascii() is False, html
