"""The table of allowed transitions (notices.states), walked pair by pair."""

from itertools import product

import pytest
from django.core.exceptions import ValidationError

from notices import states
from notices.states import Action, IllegalTransition, State

S, A = State, Action

# The intended table, written out again: a change to notices.states must change this.
EXPECTED = {
    (S.DRAFT, A.EDIT): S.DRAFT,
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.DRAFT, A.PUBLISH_NOW): S.PUBLISHED,
    (S.DRAFT, A.WITHDRAW): S.WITHDRAWN,
    (S.SUBMITTED, A.APPROVE): S.APPROVED,
    (S.SUBMITTED, A.SEND_BACK): S.RETURNED,
    (S.SUBMITTED, A.PUBLISH_NOW): S.PUBLISHED,
    (S.SUBMITTED, A.WITHDRAW): S.WITHDRAWN,
    (S.RETURNED, A.EDIT): S.RETURNED,
    (S.RETURNED, A.SUBMIT): S.SUBMITTED,
    (S.RETURNED, A.WITHDRAW): S.WITHDRAWN,
    (S.APPROVED, A.PUBLISH): S.PUBLISHED,
    (S.APPROVED, A.SEND_BACK): S.RETURNED,
    (S.APPROVED, A.WITHDRAW): S.WITHDRAWN,
    (S.PUBLISHED, A.NEW_VERSION): S.PUBLISHED,
    (S.PUBLISHED, A.SUPERSEDE): S.SUPERSEDED,
    (S.PUBLISHED, A.EXPIRE): S.EXPIRED,
    (S.PUBLISHED, A.WITHDRAW): S.WITHDRAWN,
}
PAIRS = list(product(State, Action))


@pytest.mark.parametrize(("state", "action"), PAIRS, ids=[f"{s}-{a}" for s, a in PAIRS])
def test_it_allows_exactly_the_pairs_of_the_table(state, action):
    expected = EXPECTED.get((state, action))
    assert states.allowed(state, action) is (expected is not None)
    if expected is not None:
        assert states.transition(state, action) == expected
    else:
        with pytest.raises(IllegalTransition) as refused:
            states.transition(state, action)
        assert refused.value.state == state and refused.value.action == action


def test_it_refuses_in_chinese_naming_the_state_and_the_action():
    with pytest.raises(ValidationError) as refused:
        states.transition(S.PUBLISHED, A.EDIT)
    assert refused.value.messages == ["该通知当前为“已发布”，现在不能修改。"]
    assert refused.value.code == "illegal_transition"


def test_only_drafts_and_notices_sent_back_are_editable():
    assert {s for s in State if states.allowed(s, A.EDIT)} == states.EDITABLE


def test_the_final_states_allow_nothing():
    for state in states.FINAL:
        assert states.actions_allowed(state) == []


def test_every_state_and_action_has_a_chinese_label():
    from django.utils import translation

    with translation.override("zh-hans"):
        labels = [str(s.label) for s in State] + [str(a.label) for a in Action]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in labels), labels
