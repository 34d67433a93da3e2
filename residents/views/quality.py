from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from frontdesk.access import site_view
from frontdesk.areas import area
from frontdesk.roles import USE_DESK
from residents.selectors import quality as selectors

PAGE_SIZE = 20
SECTIONS = {
    "no_phone": (_("Residents without a phone"), selectors.residents_without_phone),
    "bad_phone": (
        _("Phones that are not valid Chinese numbers"),
        selectors.residents_with_invalid_phone,
    ),
    "no_owner": (_("Houses without an owner"), selectors.houses_without_owner),
    "duplicates": (_("Possible duplicates (same name and phone)"), selectors.duplicate_people),
}


@never_cache
@site_view(USE_DESK)
def index(request: HttpRequest) -> HttpResponse:
    """One section at a time, paginated; the tabs show how many each holds."""
    section = request.GET.get("section")
    if section not in SECTIONS:
        section = "no_phone"
    title, select = SECTIONS[section]
    page = Paginator(select(request.site), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "residents/quality.html",
        {
            "area": area("residents"),
            "sections": [(key, label) for key, (label, _) in SECTIONS.items()],
            "section": section,
            "title": title,
            "page": page,
        },
    )
