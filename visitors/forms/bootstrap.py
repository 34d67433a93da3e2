"""Bootstrap's classes on a form's widgets, set once in Python, so that a page draws its
fields with one plain template (templates/visitors/_field.html) rather than crispy-forms'
a dozen nested ones per field: those took about a third of the time of the register's and
the inquiry log's pages."""

from __future__ import annotations

from django import forms

# Drawn by hand where they are used (the inquiry's channel buttons), or not drawn.
UNSTYLED = (forms.HiddenInput, forms.RadioSelect, forms.CheckboxInput)


def _add_class(widget: forms.Widget, css: str) -> None:
    classes = widget.attrs.get("class", "").split()
    if css not in classes:
        widget.attrs["class"] = " ".join([*classes, css])


class BootstrapWidgets:
    """Form mixin: form-control or form-select on every drawn widget, is-invalid on those
    of fields with errors (the widgets are the form instance's own copies)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field.widget, UNSTYLED):
                select = isinstance(field.widget, forms.Select)
                _add_class(field.widget, "form-select" if select else "form-control")

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields and not isinstance(self.fields[name].widget, UNSTYLED):
                _add_class(self.fields[name].widget, "is-invalid")
