"""来访登记: on site now, registration, check-out (at the desk or by the pass), the register."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from frontdesk.access import site_view
from frontdesk.areas import area
from frontdesk.personal import canonical_phone, is_valid_phone
from frontdesk.roles import USE_DESK
from residents import selectors as records
from residents.search import MAX_QUERY
from visitors.filters import VisitFilter
from visitors.forms.visits import ScanForm, VisitForm
from visitors.models import ReceptionSettings, Visit
from visitors.qr import qr_svg
from visitors.selectors import visits as selectors
from visitors.services import visits as services

REGISTER_PAGE = 30
# How many house and resident matches the picker offers while the clerk types.
PICK_LIMIT = 8


def _area(**context) -> dict:
    return {"area": area("visitors"), **context}


def _on_site_page(request: HttpRequest, scan_form: ScanForm, status: int = 200) -> HttpResponse:
    page = Paginator(selectors.on_site_today(request.site), selectors.ON_SITE_PAGE).get_page(
        request.GET.get("page")
    )
    handover = list(selectors.for_handover(request.site)[: selectors.HANDOVER_LIMIT])
    return render(
        request,
        "visitors/on_site.html",
        _area(
            page=page,
            handover=handover,
            today=selectors.start_of_today(),
            scan_form=scan_form,
            now=timezone.now(),
        ),
        status=status,
    )


@never_cache
@site_view(USE_DESK)
def on_site(request: HttpRequest) -> HttpResponse:
    return _on_site_page(request, ScanForm())


@never_cache
@site_view(USE_DESK)
def register(request: HttpRequest) -> HttpResponse:
    policy = ReceptionSettings.of(request.site)
    form = VisitForm(
        request.POST or None, site=request.site, id_number_required=policy.id_number_required
    )
    matches = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        matches = selectors.watch_matches(
            request.site,
            name=data["visitor_name"],
            phone=data["visitor_phone"],
            id_number=data.get("id_number", ""),
            plate=data["plate"],
        )
        seen = set(request.POST.get("watch_seen", "").split(","))
        confirmed = data["watch_ack"] and {str(m.entry.pk) for m in matches} <= seen
        if matches and not confirmed:
            services.watch_hits_log(
                site=request.site,
                user=request.user,
                matches=matches,
                visitor_name=data["visitor_name"],
            )
        else:
            data.pop("watch_ack")
            visit = services.visit_register(
                site=request.site, user=request.user, watch_matches=matches, **data
            )
            messages.success(
                request, _("%(name)s is registered; print the pass.") % {"name": visit.visitor_name}
            )
            return redirect(reverse("visitors:pass", args=[visit.pk]) + "?new=1")
    return render(
        request,
        "visitors/register.html",
        _area(form=form, policy=policy, watch_matches=matches, house_label=_house_label(form)),
    )


def _house_label(form: VisitForm) -> str:
    """The picked house (and resident), shown again when the form comes back with errors."""
    house = form.cleaned_data.get("house") if hasattr(form, "cleaned_data") else None
    if house is None:
        return ""
    resident = form.cleaned_data.get("resident")
    return f"{house.label} · {resident.name}" if resident else house.label


@never_cache
@site_view(USE_DESK)
def returning(request: HttpRequest) -> HttpResponse:
    """While the phone is typed: the visitor's last visit here (to fill the form in) and
    any watch-list entry for that number."""
    phone = canonical_phone(request.GET.get("visitor_phone", ""))[:20]
    if not is_valid_phone(phone):
        return HttpResponse("")
    matches = selectors.watch_matches(request.site, phone=phone)
    # A warning shown is logged, whether the clerk then registers the visitor or not.
    services.watch_hits_log(site=request.site, user=request.user, matches=matches, visitor_name="")
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
    form = ScanForm(request.POST)
    if not form.is_valid():
        return _on_site_page(request, form, status=400)
    visit = (
        Visit.objects.for_site(request.site).filter(pass_token=form.cleaned_data["code"]).first()
    )
    if visit is None:
        form.add_error("code", _("No visit of this site has this pass. Check the site chosen."))
        return _on_site_page(request, form, status=400)
    _check_out(request, visit.pk, Visit.Exit.PASS)
    return redirect("visitors:index")


def _check_out(request: HttpRequest, visit_id: int, via: str) -> Visit:
    try:
        visit = services.visit_check_out(
            site=request.site, visit_id=visit_id, user=request.user, via=via
        )
    except Visit.DoesNotExist:
        raise Http404 from None
    except services.AlreadyCheckedOut as already:
        visit = already.visit
        messages.warning(request, _already_out_message(visit))
    else:
        messages.success(
            request,
            _("%(name)s has left (on site %(duration)s).")
            % {"name": visit.visitor_name, "duration": _duration(visit)},
        )
    return visit


def _already_out_message(visit: Visit) -> str:
    if visit.exit == Visit.Exit.HANDOVER:
        return _("%(name)s's visit was already closed at the handover.") % {
            "name": visit.visitor_name
        }
    return _("%(name)s was already checked out at %(time)s by %(clerk)s.") % {
        "name": visit.visitor_name,
        "time": date_format(timezone.localtime(visit.checked_out_at), "H:i"),
        "clerk": visit.checked_out_by.get_full_name() if visit.checked_out_by else "—",
    }


def _duration(visit: Visit) -> str:
    minutes = int(visit.time_on_site.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


@never_cache
@require_POST
@site_view(USE_DESK)
def check_out(request: HttpRequest, pk: int) -> HttpResponse:
    _check_out(request, pk, Visit.Exit.DESK)
    # Back to the page it was done on: a path of this site, never a view name.
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect("visitors:index")


@never_cache
@require_POST
@site_view(USE_DESK)
def handover_close(request: HttpRequest) -> HttpResponse:
    # Ticked rows; the service closes only this site's visits still open from before today.
    ids = [
        int(v)
        for v in request.POST.getlist("visits")
        if v.isascii() and v.isdigit() and len(v) < 10
    ]
    if not ids:
        messages.error(request, _("Tick the visits to close."))
        return redirect("visitors:index")
    closed = services.visits_close_for_handover(
        site=request.site,
        user=request.user,
        visit_ids=ids[: selectors.HANDOVER_LIMIT],
        before=selectors.start_of_today(),
    )
    messages.success(request, _("%(count)d visits closed as not seen leaving.") % {"count": closed})
    return redirect("visitors:index")


@never_cache
@site_view(USE_DESK)
def register_list(request: HttpRequest) -> HttpResponse:
    filterset = VisitFilter(request.GET or None, queryset=selectors.register(request.site))
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page = Paginator(queryset, REGISTER_PAGE).get_page(request.GET.get("page"))
    return render(request, "visitors/visits.html", _area(filter=filterset, page=page))


def _visit_page(request: HttpRequest, visit: Visit) -> HttpResponse:
    return render(
        request,
        "visitors/visit.html",
        _area(visit=visit, duration=_duration(visit), scanned=request.resolver_match.url_name),
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
