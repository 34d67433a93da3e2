"""The table of allowed transitions, walked pair by pair: in the table, and through the
services on a real case in each state."""

from datetime import timedelta
from itertools import product

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from complaints import states
from complaints.models import Case, CaseEvent
from complaints.services import callbacks, handling
from complaints.services.cases import case_create
from complaints.states import Action, IllegalTransition, State
from tests import factories

S, A = State, Action

# The intended table, written out again: a change to complaints.states must change this.
EXPECTED = {
    (S.REGISTERED, A.ASSIGN): S.ASSIGNED,
    (S.REGISTERED, A.NOTE): S.REGISTERED,
    (S.REGISTERED, A.CHANGE_DEADLINE): S.REGISTERED,
    (S.REGISTERED, A.WITHDRAW): S.WITHDRAWN,
    (S.REGISTERED, A.CLOSE): S.CLOSED,
    (S.ASSIGNED, A.TRANSFER): S.ASSIGNED,
    (S.ASSIGNED, A.HAND_BACK): S.REGISTERED,
    (S.ASSIGNED, A.ACCEPT): S.IN_PROGRESS,
    (S.ASSIGNED, A.NOTE): S.ASSIGNED,
    (S.ASSIGNED, A.CHANGE_DEADLINE): S.ASSIGNED,
    (S.ASSIGNED, A.WITHDRAW): S.WITHDRAWN,
    (S.IN_PROGRESS, A.TRANSFER): S.ASSIGNED,
    (S.IN_PROGRESS, A.HAND_BACK): S.REGISTERED,
    (S.IN_PROGRESS, A.NOTE): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.PAUSE): S.PAUSED,
    (S.IN_PROGRESS, A.RESOLVE): S.RESOLVED,
    (S.IN_PROGRESS, A.CHANGE_DEADLINE): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.WITHDRAW): S.WITHDRAWN,
    (S.PAUSED, A.RESUME): S.IN_PROGRESS,
    (S.PAUSED, A.NOTE): S.PAUSED,
    (S.PAUSED, A.WITHDRAW): S.WITHDRAWN,
    (S.RESOLVED, A.CALL_BACK): S.CALLED_BACK,
    (S.RESOLVED, A.CALLBACK_FAILED): S.RESOLVED,
    (S.RESOLVED, A.REOPEN): S.REOPENED,
    (S.RESOLVED, A.CLOSE): S.CLOSED,
    (S.RESOLVED, A.NOTE): S.RESOLVED,
    (S.CALLED_BACK, A.CLOSE): S.CLOSED,
    (S.CALLED_BACK, A.REOPEN): S.REOPENED,
    (S.CALLED_BACK, A.NOTE): S.CALLED_BACK,
    (S.REOPENED, A.ACCEPT): S.IN_PROGRESS,
    (S.REOPENED, A.TRANSFER): S.ASSIGNED,
    (S.REOPENED, A.NOTE): S.REOPENED,
    (S.REOPENED, A.CHANGE_DEADLINE): S.REOPENED,
    (S.REOPENED, A.WITHDRAW): S.WITHDRAWN,
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
        states.transition(S.RESOLVED, A.TRANSFER)
    assert refused.value.messages == ["该工单当前为“已办结”，现在不能转办。"]
    assert refused.value.code == "illegal_transition"


def test_every_state_and_action_has_a_chinese_label():
    labels = [str(s.label) for s in State] + [str(a.label) for a in Action]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in labels), labels


def test_the_final_states_allow_nothing_and_every_other_state_is_reachable():
    assert states.actions_allowed(S.CLOSED) == states.actions_allowed(S.WITHDRAWN) == []
    reached, frontier = {S.REGISTERED}, [S.REGISTERED]
    while frontier:
        for target in states.TRANSITIONS[frontier.pop()].values():
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(State)


def test_every_open_state_can_be_withdrawn_and_no_other():
    assert {s for s in State if states.allowed(s, A.WITHDRAW)} == states.OPEN


def test_a_chain_is_refused_at_its_first_illegal_step():
    assert states.path(S.RESOLVED, [A.CALL_BACK, A.CLOSE]) == S.CLOSED
    with pytest.raises(IllegalTransition) as refused:
        states.path(S.RESOLVED, [A.CALL_BACK, A.RESOLVE])
    assert refused.value.state == S.CALLED_BACK


# --- Through the services -------------------------------------------------------------

# The steps that bring a fresh 12345 case (assigned to 工程部) to each state. 12345: so
# that a call-back that satisfies stops at called_back, as the table's single step does.
ROUTES = {
    S.REGISTERED: [A.HAND_BACK],
    S.ASSIGNED: [],
    S.IN_PROGRESS: [A.ACCEPT],
    S.PAUSED: [A.ACCEPT, A.PAUSE],
    S.RESOLVED: [A.ACCEPT, A.RESOLVE],
    S.CALLED_BACK: [A.ACCEPT, A.RESOLVE, A.CALL_BACK],
    S.CLOSED: [A.ACCEPT, A.RESOLVE, A.CALL_BACK, A.CLOSE],
    S.REOPENED: [A.ACCEPT, A.RESOLVE, A.REOPEN],
    S.WITHDRAWN: [A.WITHDRAW],
}


def do(action, case, user):
    """Call the service of ``action`` with good input."""
    site = case.site
    kw = {"site": site, "user": user, "case": case}
    security = site.departments.get(name="秩序部")
    match action:
        case A.ASSIGN:
            handling.case_assign(**kw, department=site.departments.get(name="工程部"))
        case A.TRANSFER:
            other = security if case.department != security else site.departments.get(name="环境部")
            handling.case_transfer(**kw, department=other, reason="不属于本部门")
        case A.HAND_BACK:
            handling.case_hand_back(**kw, reason="信息不全")
        case A.ACCEPT:
            handling.case_accept(**kw)
        case A.NOTE:
            handling.case_note(**kw, note="已联系业主")
        case A.PAUSE:
            handling.case_pause(**kw, kind=Case.PauseKind.WAITING_PARTS, reason="等配件")
        case A.RESUME:
            handling.case_resume(**kw)
        case A.RESOLVE:
            handling.case_resolve(**kw, note="已更换水管")
        case A.CALL_BACK:
            callbacks.case_callback(**kw, reached=True, rating=5, solved=True)
        case A.CALLBACK_FAILED:
            callbacks.case_callback(**kw, reached=False)
        case A.REOPEN:
            callbacks.case_reopen(**kw, reason="又漏了")
        case A.WITHDRAW:
            handling.case_withdraw(**kw, reason="业主自行处理")
        case A.CLOSE:
            callbacks.case_close(
                **kw, note="前台已答复", hotline_reply="已维修完毕", hotline_result="satisfied"
            )
        case A.CHANGE_DEADLINE:
            handling.case_deadline_change(
                **kw, resolve_due=timezone.now() + timedelta(days=20), reason="业主约定时间"
            )


@pytest.fixture
def hotline_case(site_a, clerk):
    def make(state: State) -> Case:
        case = case_create(
            site=site_a,
            user=clerk,
            kind=Case.Kind.REPAIR,
            source=Case.Source.HOTLINE,
            hotline_ref="12345-20261201-0007",
            hotline_deadline=timezone.now() + timedelta(days=15),
            category=factories.make_category(site_a, "工程维修/漏水"),
            description="楼上漏水",
            house=factories.make_house(site_a),
        ).case
        for action in ROUTES[state]:
            do(action, case, clerk)
        assert case.state == state
        return case

    return make


@pytest.mark.parametrize(("state", "action"), PAIRS, ids=[f"{s}-{a}" for s, a in PAIRS])
def test_each_service_follows_the_table(hotline_case, clerk, state, action):
    case = hotline_case(state)
    events = CaseEvent.objects.filter(case=case).count()
    expected = EXPECTED.get((state, action))
    if (state, action) == (S.RESOLVED, A.CLOSE):
        # Allowed by the table for praise alone; a complaint is closed by its call-back.
        with pytest.raises(ValidationError, match="回访"):
            do(action, case, clerk)
    elif expected is None:
        with pytest.raises(IllegalTransition):
            do(action, case, clerk)
    else:
        do(action, case, clerk)
    stored = Case.objects.get(pk=case.pk)
    if expected is None or (state, action) == (S.RESOLVED, A.CLOSE):
        assert stored.state == state
        assert CaseEvent.objects.filter(case=case).count() == events  # nothing half-saved
    else:
        assert stored.state == expected == case.state
        assert CaseEvent.objects.filter(case=case).count() == events + 1
