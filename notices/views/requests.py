"""Recording management's request as it came."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from frontdesk.access import site_view
from frontdesk.areas import area
from frontdesk.roles import USE_DESK
from notices.forms.drafts import NoticeRequestForm, errors_to_form
from notices.services import drafts as services


@never_cache
@site_view(USE_DESK)
def request_create(request: HttpRequest) -> HttpResponse:
    form = NoticeRequestForm(request.POST or None, site=request.site)
    if request.method == "POST" and form.is_valid():
        try:
            recorded = services.notice_request_create(
                site=request.site, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Request recorded: now draft the notice."))
            return HttpResponseRedirect(f"{reverse('notices:create')}?request={recorded.pk}")
    return render(request, "notices/request_form.html", {"area": area("notices"), "form": form})
