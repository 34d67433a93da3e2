"""The one way to say someone got there first: “已于 HH:MM 由 X 办理…”."""

from datetime import datetime

import pytest
from django.utils import translation
from django.utils.translation import pgettext_lazy

from frontdesk.conflicts import Conflict, conflict_message
from frontdesk.models import User

NOW = datetime.fromisoformat("2026-03-05T15:00:00+08:00")
CHECKED_OUT = pgettext_lazy("conflict", "checked out")
COLLECTED = pgettext_lazy("conflict", "collected")


@pytest.fixture
def clerk() -> User:
    # Never saved: the message needs only the name.
    return User(username="clerk_a", full_name="王丽")


def conflict(at: str, by: User | None) -> Conflict:
    return Conflict(object(), by=by, at=datetime.fromisoformat(at))


def test_it_says_the_time_of_day_for_today(clerk):
    message = conflict_message(conflict("2026-03-05T09:30:00+08:00", clerk), CHECKED_OUT, now=NOW)
    assert message == "已于 09:30 由 王丽 办理离场，本次未作任何更改。"


def test_it_adds_the_date_for_another_day(clerk):
    message = conflict_message(conflict("2026-03-04T23:50:00+08:00", clerk), CHECKED_OUT, now=NOW)
    assert message == "已于 2026-03-04 23:50 由 王丽 办理离场，本次未作任何更改。"


def test_it_speaks_shanghai_time_whatever_the_time_given(clerk):
    # 20:00 UTC on the 4th is 04:00 on the 5th at the desk: today.
    message = conflict_message(conflict("2026-03-04T20:00:00+00:00", clerk), CHECKED_OUT, now=NOW)
    assert message.startswith("已于 04:00 由 王丽")


def test_it_leaves_out_who_when_nobody_is_recorded():
    message = conflict_message(conflict("2026-03-05T09:30:00+08:00", None), COLLECTED, now=NOW)
    assert message == "已于 09:30 领取，本次未作任何更改。"


def test_it_names_the_subject_where_the_page_does_not(clerk):
    at = "2026-03-01T10:05:00+08:00"
    with_user = conflict_message(conflict(at, clerk), CHECKED_OUT, subject="李四", now=NOW)
    assert with_user == "李四 已于 2026-03-01 10:05 由 王丽 办理离场，本次未作任何更改。"
    without = conflict_message(conflict(at, None), CHECKED_OUT, subject="李四", now=NOW)
    assert without == "李四 已于 2026-03-01 10:05 办理离场，本次未作任何更改。"


def test_it_may_name_someone_outside_the_system(clerk):
    message = conflict_message(
        conflict("2026-03-05T09:30:00+08:00", clerk), COLLECTED, who="张三丰", now=NOW
    )
    assert message == "已于 09:30 由 张三丰 领取，本次未作任何更改。"


def test_a_user_without_a_full_name_is_named_by_login():
    nameless = User(username="desk2")
    message = conflict_message(conflict("2026-03-05T09:30:00+08:00", nameless), COLLECTED, now=NOW)
    assert "由 desk2 领取" in message


def test_its_source_strings_are_english(clerk):
    with translation.override("en"):
        message = conflict_message(
            conflict("2026-03-05T09:30:00+08:00", clerk), CHECKED_OUT, subject="李四", now=NOW
        )
    assert message == "李四 was already checked out at 09:30 by 王丽; nothing was changed."


def test_it_carries_the_object_who_and_when(clerk):
    obj = object()
    at = datetime.fromisoformat("2026-03-05T09:30:00+08:00")
    raised = Conflict(obj, by=clerk, at=at)
    assert (raised.obj, raised.by, raised.at) == (obj, clerk, at)


def test_it_refuses_a_time_without_a_zone(clerk):
    with pytest.raises(ValueError):
        Conflict(object(), by=clerk, at=datetime(2026, 3, 5, 9, 30))
