"""来访登记: on site now, registration, check-out (at the desk or by the pass), the register."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from frontdesk.access import site_view
from frontdesk.areas import area
from frontdesk.conflicts import Conflict, conflict_message
from frontdesk.forms import next_page
from frontdesk.links import url_prefix
from frontdesk.pagination import CappedPaginator
from frontdesk.qr import qr_svg
from frontdesk.roles import USE_DESK
from frontdesk.timetext import duration_text
from residents.search import MAX_QUERY
from residents.selectors import lookup as records
from visitors.filters import VisitFilter
from visitors.forms.visits import (
    HandoverForm,
    ReturningVisitorForm,
    ScanForm,
    VisitForm,
)
from visitors.models import ReceptionSettings, Visit
from visitors.selectors import visits as selectors
from visitors.selectors.exports import EXPORT_LIMIT
from visitors.services import visits as services

REGISTER_PAGE = 30
# The register is counted exactly as far as an export holds (a month of the busiest
# desk); beyond, it says "more than 10000" rather than count a year of visits each view.
REGISTER_COUNT_CAP = EXPORT_LIMIT
# How many house and resident matches the picker offers while the clerk types.
PICK_LIMIT = 8


def _area(**context) -> dict:
    return {"area": area("visitors"), **context}


def _visits_url() -> str:
    """/visitors/visits/: a row's links are this, its id and a suffix; reversed once a
    page, not once or three times a row (10–40 µs a reversal, 150 on a full page)."""
    return url_prefix("visitors:visit")


def _on_site_page(request: HttpRequest, scan_form: ScanForm, status: int = 200) -> HttpResponse:
    page = Paginator(selectors.on_site_today(request.site), selectors.ON_SITE_PAGE).get_page(
        request.GET.get("page")
    )
    page.object_list = selectors.visit_rows(page.object_list)
    handover = selectors.for_handover(request.site)[: selectors.HANDOVER_LIMIT]
    return render(
        request,
        "visitors/on_site.html",
        _area(
            page=page,
            handover=selectors.visit_rows(handover, residents=False),
            today=selectors.start_of_today(),
            scan_form=scan_form,
            visits_url=_visits_url(),
        ),
        status=status,
    )


@never_cache
@site_view(USE_DESK)
def on_site(request: HttpRequest) -> HttpResponse:
    return _on_site_page(request, ScanForm(site=request.site))


@never_cache
@site_view(USE_DESK)
def register(request: HttpRequest) -> HttpResponse:
    policy = ReceptionSettings.of(request.site)
    form = VisitForm(
        request.POST or None, site=request.site, id_number_required=policy.id_number_required
    )
    matches = []
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_register(
                site=request.site, user=request.user, **form.service_arguments()
            )
        except services.WatchListUnconfirmed as warning:
            matches = warning.matches
        else:
            messages.success(
                request, _("%(name)s is registered; print the pass.") % {"name": visit.visitor_name}
            )
            return redirect(reverse("visitors:pass", args=[visit.pk]) + "?new=1")
    return render(
        request,
        "visitors/register.html",
        _area(form=form, policy=policy, watch_matches=matches, house_label=form.house_label()),
    )


@never_cache
@site_view(USE_DESK)
def returning(request: HttpRequest) -> HttpResponse:
    """While the phone is typed: the visitor's last visit here (to fill the form in) and
    any watch-list entry for that number."""
    form = ReturningVisitorForm(request.GET)
    if not form.is_valid():
        return HttpResponse("")
    phone = form.cleaned_data["visitor_phone"]
    matches = services.watch_list_warn(site=request.site, user=request.user, phone=phone)
    return render(
        request,
        "visitors/_returning.html",
        {"last": selectors.returning_visitor(request.site, phone), "watch_matches": matches},
    )


@never_cache
@site_view(USE_DESK)
def pick_house(request: HttpRequest) -> HttpResponse:
    """The records lookup, as a list of houses (and residents at them) to pick from."""
    q = request.GET.get("q", "")[:MAX_QUERY]
    return render(
        request,
        "visitors/_house_picks.html",
        {"q": q, "result": records.lookup(request.site, q, limit=PICK_LIMIT)},
    )


@never_cache
@require_POST
@site_view(USE_DESK)
def scan(request: HttpRequest) -> HttpResponse:
    """A pass scanned at the desk checks its visitor out at once."""
    form = ScanForm(request.POST, site=request.site)
    if not form.is_valid():
        return _on_site_page(request, form, status=400)
    _check_out(request, form.cleaned_data["visit"].pk, Visit.Exit.PASS)
    return redirect("visitors:index")


def _check_out(request: HttpRequest, visit_id: int, via: str) -> None:
    try:
        visit = services.visit_check_out(
            site=request.site, visit_id=visit_id, user=request.user, via=via
        )
    except Visit.DoesNotExist:
        raise Http404 from None
    except Conflict as conflict:
        messages.warning(request, _already_out_message(conflict))
    else:
        messages.success(
            request,
            _("%(name)s has left (on site %(duration)s).")
            % {"name": visit.visitor_name, "duration": duration_text(visit.time_on_site)},
        )


def _already_out_message(conflict: Conflict) -> str:
    visit = conflict.obj
    if visit.exit == Visit.Exit.HANDOVER:
        action = pgettext_lazy("conflict", "closed at the handover")
    else:
        action = pgettext_lazy("conflict", "checked out")
    return conflict_message(conflict, action, subject=visit.visitor_name)


@never_cache
@require_POST
@site_view(USE_DESK)
def check_out(request: HttpRequest, pk: int) -> HttpResponse:
    _check_out(request, pk, Visit.Exit.DESK)
    # Back to the page it was done on: a path of this site, never a view name.
    return HttpResponseRedirect(next_page(request, request.POST) or reverse("visitors:index"))


@never_cache
@require_POST
@site_view(USE_DESK)
def handover_close(request: HttpRequest) -> HttpResponse:
    form = HandoverForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["visits"][0])
        return redirect("visitors:index")
    # The service closes only this site's visits still open from before today.
    closed = services.visits_close_for_handover(
        site=request.site,
        user=request.user,
        visit_ids=form.cleaned_data["visits"],
        before=selectors.start_of_today(),
    )
    messages.success(request, _("%(count)d visits closed as not seen leaving.") % {"count": closed})
    return redirect("visitors:index")


@never_cache
@site_view(USE_DESK)
def register_list(request: HttpRequest) -> HttpResponse:
    filterset = VisitFilter(request.GET or None, queryset=selectors.register(request.site))
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    paginator = CappedPaginator(queryset, REGISTER_PAGE, cap=REGISTER_COUNT_CAP)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = selectors.visit_rows(page.object_list)
    return render(
        request,
        "visitors/visits.html",
        _area(filter=filterset, page=page, visits_url=_visits_url()),
    )


def _visit_page(request: HttpRequest, visit: Visit) -> HttpResponse:
    return render(
        request,
        "visitors/visit.html",
        _area(
            visit=visit,
            duration=duration_text(visit.time_on_site),
            scanned=request.resolver_match.url_name,
        ),
    )


@never_cache
@site_view(USE_DESK)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _visit_page(request, selectors.visit_detail(request.site, pk=pk))


@never_cache
@site_view(USE_DESK)
def by_pass(request: HttpRequest, token: str) -> HttpResponse:
    """The pass's QR code opened on a desk phone or browser: the visit, and its check-out."""
    visit = selectors.visit_detail(request.site, pass_token=token)
    if request.method == "POST":
        _check_out(request, visit.pk, Visit.Exit.PASS)
        return redirect("visitors:index")
    return _visit_page(request, visit)


@never_cache
@site_view(USE_DESK)
def visit_pass(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_detail(request.site, pk=pk)
    pass_url = request.build_absolute_uri(reverse("visitors:by_pass", args=[visit.pass_token]))
    return render(
        request,
        "visitors/pass.html",
        _area(visit=visit, qr=qr_svg(pass_url), new=request.GET.get("new") == "1"),
    )
