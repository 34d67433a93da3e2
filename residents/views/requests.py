from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from frontdesk.access import site_view
from frontdesk.areas import area
from frontdesk.roles import USE_DESK
from residents import selectors, services
from residents.filters import RecordRequestFilter
from residents.forms import RecordRequestForm

PAGE_SIZE = 30


@never_cache
@site_view(USE_DESK)
def index(request: HttpRequest) -> HttpResponse:
    filterset = RecordRequestFilter(
        request.GET or None, queryset=selectors.record_requests(request.site), site=request.site
    )
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "residents/requests.html",
        {"area": area("residents"), "filter": filterset, "page": page},
    )


@never_cache
@site_view(USE_DESK)
def create(request: HttpRequest) -> HttpResponse:
    form = RecordRequestForm(
        request.POST or None,
        site=request.site,
        initial={"house": request.GET.get("house"), "resident": request.GET.get("resident")},
    )
    if request.method == "POST" and form.is_valid():
        entry = services.record_request_create(
            site=request.site, user=request.user, **form.cleaned_data
        )
        messages.success(request, _("The request has been recorded."))
        if entry.house_id:
            return redirect("residents:house", pk=entry.house_id)
        return redirect("residents:requests")
    return render(request, "residents/request_form.html", {"area": area("residents"), "form": form})
