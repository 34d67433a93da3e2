"""One way for every area's state machine: a table of what each action leads to from each
state, and one refusal, in Chinese, for an action the state does not allow.

An area declares its states and actions (``TextChoices``), its table, and its refusal
naming what it changes::

    class IllegalTransition(transitions.IllegalTransition):
        states, actions = State, Action
        message = gettext_lazy("This case is “%(state)s”: it cannot %(action)s now.")

    MACHINE = transitions.Transitions(TRANSITIONS, IllegalTransition)

and its services ask ``MACHINE.transition(state, action)`` before they write. Its pages
show a record's state as a badge coloured by the area's ``Badges`` (``{% state_badge %}``,
frontdesk/templatetags/states.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import format_html
from django.utils.safestring import SafeString


class IllegalTransition(ValidationError):
    """The action is not allowed in the state; nothing was changed."""

    states: type[models.TextChoices]
    actions: type[models.TextChoices]
    # Lazy, with %(state)s and %(action)s: the state's and the action's labels.
    message: str

    def __init__(self, state: str, action: str):
        self.state, self.action = self.states(state), self.actions(action)
        super().__init__(
            str(self.message) % {"state": self.state.label, "action": self.action.label},
            code="illegal_transition",
        )


class Transitions:
    """A table {state: {action: the state it leads to}} and the questions asked of it."""

    def __init__(self, table: Mapping, illegal: type[IllegalTransition]):
        self.table, self.illegal = table, illegal

    def allowed(self, state: str, action: str) -> bool:
        return self.illegal.actions(action) in self.table[self.illegal.states(state)]

    def actions_allowed(self, state: str) -> list:
        """What may be done in ``state``, in the table's order (for a page's buttons)."""
        return list(self.table[self.illegal.states(state)])

    def transition(self, state: str, action: str):
        """The state ``action`` leads to; the area's IllegalTransition if not allowed."""
        try:
            return self.table[self.illegal.states(state)][self.illegal.actions(action)]
        except KeyError:
            raise self.illegal(state, action) from None

    def path(self, state: str, actions: Iterable[str]):
        """The state a chain of actions leads to, refused at its first illegal step."""
        for action in actions:
            state = self.transition(state, action)
        return self.illegal.states(state)


@dataclass(frozen=True)
class Badges:
    """How an area's states show as badges: each state's Bootstrap colour (a state not
    named is light), and the class that says whose state it is (``case-state``).

    Drawn in Python, with the state's label from its enum: an included template and
    ``get_state_display()`` (which rebuilds the table of choices each call) cost a list
    of thirty rows ~5 ms.
    """

    states: type[models.TextChoices]
    colours: Mapping[str, str]
    css: str

    def html(self, state: str, css_id: str = "") -> SafeString:
        colour = self.colours.get(state, "text-bg-light border")
        return format_html(
            '<span class="badge {} {}"{}>{}</span>',
            colour,
            self.css,
            format_html(' id="{}"', css_id) if css_id else "",
            self.states(state).label,
        )
