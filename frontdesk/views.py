from django.apps import apps
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from frontdesk import lockout, revealable, selectors, services
from frontdesk.access import site_view
from frontdesk.forms import SiteSwitchForm, next_page
from frontdesk.middleware import SESSION_SITE_ID
from frontdesk.roles import USE_DESK
from frontdesk.scoping import get_for_site_or_404


@site_view()
def desk(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "frontdesk/desk.html",
        {
            "areas": selectors.areas_for_user(request.user),
            "waiting": selectors.waiting_on(request.site, request.user),
            "items": selectors.desk_items(request.site, request.user),
        },
    )


@require_POST
@site_view()
def site_switch(request: HttpRequest) -> HttpResponse:
    form = SiteSwitchForm(request.POST, sites=request.sites)
    if form.is_valid():
        site = form.cleaned_data["site"]
        request.session[SESSION_SITE_ID] = site.pk
        messages.success(request, _("Switched to %(site)s.") % {"site": site.name})
    else:
        messages.error(request, form.errors["site"][0])
    # Back to the page the switch was made on: a path of this site, never a view name.
    return HttpResponseRedirect(next_page(request, request.POST) or reverse("desk"))


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    health = selectors.health()
    body = {"db": health.db, "broker": health.broker, "worker": health.worker}
    if health.heartbeat_at:
        body["heartbeat_at"] = health.heartbeat_at.isoformat()
    return JsonResponse(body, status=200 if health.ok else 503)


def favicon(request: HttpRequest) -> HttpResponse:
    return redirect(static("favicon.svg"), permanent=True)


@never_cache
@require_POST
@site_view(USE_DESK)
def reveal(request: HttpRequest, label: str, pk: int, field: str) -> HttpResponse:
    """The full value of one masked field of one record of the current site; logged."""
    if revealable.masker(label, field) is None:
        raise Http404
    obj = get_for_site_or_404(apps.get_model(label), request.site, pk=pk)
    services.personal_data_access_log(
        user=request.user,
        site=request.site,
        obj=obj,
        field=field,
        ip_address=request.META.get("REMOTE_ADDR"),
    )
    return render(request, "frontdesk/revealed.html", {"value": getattr(obj, field)})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, where a wrong current password is a failed login.

    A locked account (or address) is refused before any password is checked, even the
    right one; the failure that reaches the limit ends the session (frontdesk.lockout).
    """

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if lockout.password_locked(request, user):
            return lockout.lock_out(request, user)
        form = self.get_form()
        valid = form.is_valid()
        if form.has_error("old_password", "password_incorrect"):
            if lockout.password_failed(request, user):
                return lockout.lock_out(request, user)
        elif "old_password" not in form.errors:  # checked, and right
            lockout.password_right(user)
        return self.form_valid(form) if valid else self.form_invalid(form)
