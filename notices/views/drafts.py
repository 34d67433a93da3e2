"""Drafting a notice: from scratch, from management's request or from a template; editing
a draft or a notice sent back; the body's preview."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from frontdesk.access import site_view
from frontdesk.areas import area
from frontdesk.conflicts import Conflict, conflict_message
from frontdesk.roles import USE_DESK
from notices.forms import drafts as forms
from notices.rendering import PLACEHOLDERS, SITE, fill_placeholders, render_body
from notices.selectors import notices as selectors
from notices.selectors.lists import notice_templates
from notices.services import drafts as services
from notices.states import IllegalTransition

CHANGED = pgettext_lazy("conflict", "changed")


def _form_page(
    request: HttpRequest, form: forms.NoticeForm, *, status: int = 200, **context
) -> HttpResponse:
    return render(
        request,
        "notices/notice_form.html",
        {"area": area("notices"), "form": form, "placeholders": PLACEHOLDERS, **context},
        status=status,
    )


def _from_template(request: HttpRequest) -> tuple[forms.TemplateStartForm | None, dict]:
    """The values a draft started from a template begins with (?template=&date=…)."""
    if "template" not in request.GET:
        return None, {}
    start = forms.TemplateStartForm(request.GET, site=request.site)
    if not start.is_valid():
        return start, {}
    template = start.cleaned_data["template"]
    values = {SITE: request.site.name, **start.values()}
    return start, {
        "type": template.type_id,
        "title": fill_placeholders(template.title, values),
        "body": fill_placeholders(template.body, values),
        "urgent": template.urgent,
    }


@never_cache
@site_view(USE_DESK)
def create(request: HttpRequest) -> HttpResponse:
    """A new draft; ?request= starts it from management's request, ?template= (and the
    placeholders' values) from a template."""
    start = forms.StartForm(request.GET, site=request.site)
    from_request = start.picked()
    template_form, initial = _from_template(request)
    if template_form is not None and not template_form.is_valid():
        # Back to the choice of template, with what is wrong beside the field.
        return template_start(request, template_form)
    template = template_form.cleaned_data["template"] if template_form else None
    if from_request is not None and "body" not in initial:
        initial["body"] = from_request.content
    form = forms.NoticeForm(
        request.POST or None, request.FILES or None, site=request.site, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.notice_create(
                site=request.site,
                user=request.user,
                request=from_request,
                template=template,
                **form.service_kwargs(),
            )
        except ValidationError as error:
            forms.errors_to_form(form, error)
        else:
            messages.success(request, _("Draft saved. Submit it for approval when it is ready."))
            return HttpResponseRedirect(reverse("notices:detail", args=[notice.pk]))
    return _form_page(request, form, from_request=from_request, template=template)


@never_cache
@site_view(USE_DESK)
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_detail(request.site, pk)
    if not selectors.may_edit(request.user, notice):
        messages.error(request, IllegalTransition(notice.state, "edit").messages[0])
        return HttpResponseRedirect(reverse("notices:detail", args=[notice.pk]))
    form = forms.NoticeForm(
        request.POST or None,
        request.FILES or None,
        site=request.site,
        notice=notice,
        initial=forms.notice_initial(notice),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.notice_update(
                site=request.site,
                user=request.user,
                notice=notice,
                revision=form.cleaned_data["revision"],
                **form.service_kwargs(),
            )
        except Conflict as conflict:
            # Nothing saved: the form keeps what was typed, above it who changed what.
            form.add_error(None, conflict_message(conflict, CHANGED))
            return _form_page(request, form, notice=notice, status=409)
        except IllegalTransition as error:
            messages.error(request, error.messages[0])
            return HttpResponseRedirect(reverse("notices:detail", args=[notice.pk]))
        except ValidationError as error:
            forms.errors_to_form(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return HttpResponseRedirect(reverse("notices:detail", args=[notice.pk]))
    return _form_page(request, form, notice=notice)


@never_cache
@site_view(USE_DESK)
def template_start(
    request: HttpRequest, form: forms.TemplateStartForm | None = None
) -> HttpResponse:
    """Choose a template and type its placeholders' values; the draft form opens with
    them filled in."""
    return render(
        request,
        "notices/template_start.html",
        {
            "area": area("notices"),
            "form": form or forms.TemplateStartForm(site=request.site),
            "templates": notice_templates(request.site),
        },
    )


@never_cache
@require_POST
@site_view(USE_DESK)
def preview(request: HttpRequest) -> HttpResponse:
    """The body as residents will see it (htmx, while writing). Saves nothing."""
    form = forms.PreviewForm(request.POST)
    body = form.cleaned_data["body"] if form.is_valid() else ""
    return render(request, "notices/_preview.html", {"html": render_body(body)})
