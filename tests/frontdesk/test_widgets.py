"""The form renderer draws a plain select, the inputs and the textarea in Python to exactly
the markup Django's own templates give, and leaves every other widget to its template."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from frontdesk.widgets import Renderer


class Choices(forms.Form):
    plain = forms.ChoiceField(choices=[("", "全部"), ("a", "甲 & <乙>"), ("b", "丙")])
    grouped = forms.ChoiceField(
        choices=[
            ("x", "独立"),
            ("工程", [("p", "漏水"), ("q", "停电")]),
            ("秩序", [("r", '噪音"')]),
        ]
    )
    many = forms.MultipleChoiceField(choices=[(1, "一"), (2, "二"), (3, "三")])
    disabled = forms.ChoiceField(choices=[("a", "甲")], disabled=True, required=False)
    number = forms.IntegerField()
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(max_length=50, widget=forms.TextInput(attrs={"autofocus": True}))
    email = forms.EmailField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    agree = forms.BooleanField(required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plain"].widget.attrs.update({"class": "form-select", "data-x": "1"})


def drawn(renderer, data=None) -> dict[str, str]:
    form = Choices(data, renderer=renderer)
    return {name: str(form[name]) for name in form.fields}


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"plain": "a", "grouped": "q", "many": ["1", "3"], "number": "x", "when": "2026-12-01"},
        {
            "name": '张"三" <b>&',
            "email": "not an address",
            "secret": "p<w>",
            "hidden": "h&1",
            "agree": "on",
            "note": "第一行\n<script>第二行</script>",
        },
    ],
)
def test_it_draws_what_the_templates_draw(data):
    assert drawn(Renderer(), data) == drawn(DjangoTemplates(), data)


def test_selects_are_drawn_without_their_templates(monkeypatch):
    seen = []
    original = DjangoTemplates.render

    def spy(self, template_name, context, request=None):
        seen.append(template_name)
        return original(self, template_name, context, request)

    monkeypatch.setattr(DjangoTemplates, "render", spy)
    drawn(Renderer())
    assert "django/forms/widgets/select.html" not in seen
    assert "django/forms/widgets/number.html" not in seen
    assert "django/forms/widgets/textarea.html" not in seen
    assert "django/forms/widgets/checkbox.html" not in seen


def test_radios_keep_their_templates():
    def radios(renderer) -> str:
        form = forms.Form(renderer=renderer)
        form.fields["how"] = forms.ChoiceField(
            choices=[("walk_in", "来访"), ("phone", "来电")], widget=forms.RadioSelect
        )
        return str(form["how"])

    assert 'type="radio"' in radios(Renderer())
    assert radios(Renderer()) == radios(DjangoTemplates())


def test_a_select_with_its_own_option_template_keeps_it():
    class Own(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    def own(renderer) -> str:
        form = forms.Form(renderer=renderer)
        form.fields["own"] = forms.ChoiceField(choices=[("a", "甲")], widget=Own)
        return str(form["own"])

    assert "<label" in own(Renderer())  # input_option.html's, not an <option>
    assert own(Renderer()) == own(DjangoTemplates())
