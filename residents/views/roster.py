"""Roster import: upload a spreadsheet, preview every row, confirm to save it all."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from frontdesk.access import site_view
from frontdesk.areas import area
from frontdesk.scoping import get_for_site_or_404
from frontdesk.uploads import file_response
from frontdesk.xlsx import Sheet, xlsx_response
from residents.forms.roster import RosterUploadForm
from residents.models import RosterImport
from residents.roster.specs import SPECS, template_columns
from residents.selectors.roster import roster_imports, roster_preview
from residents.services.roster import (
    RosterImportRefused,
    roster_import,
    roster_recheck,
    roster_upload,
)

RECENT = 10


@never_cache
@site_view("residents.import_roster")
def upload(request: HttpRequest) -> HttpResponse:
    if "template" in request.GET:
        return template_download(request.GET["template"])
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        imported, result = roster_upload(
            site=request.site,
            user=request.user,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
        )
        if imported is not None:
            return redirect("residents:import_preview", pk=imported.pk)
        form.add_error("file", result.file_error)
    kinds = [
        (kind, label, SPECS[kind].required, SPECS[kind].optional_columns)
        for kind, label in RosterImport.Kind.choices
    ]
    return render(
        request,
        "residents/import.html",
        {
            "area": area("residents"),
            "form": form,
            "kinds": kinds,
            "recent": roster_imports(request.site)[:RECENT],
        },
    )


def template_download(kind: str) -> HttpResponse:
    if kind not in SPECS:
        raise Http404
    name = RosterImport.Kind(kind).label
    return xlsx_response(
        _("%(kind)s import template.xlsx") % {"kind": name},
        Sheet(str(name), template_columns(kind)),
    )


@never_cache
@site_view("residents.import_roster")
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """GET shows the check made at upload; POST imports the file (all or nothing), or with
    ``recheck`` checks it again against the records as they are now."""
    imported = get_for_site_or_404(
        roster_imports(request.site, with_preview=True), request.site, pk=pk
    )
    if request.method == "POST" and "recheck" in request.POST:
        roster_recheck(site=request.site, pk=imported.pk)
        messages.info(request, _("The file has been checked again."))
        return redirect("residents:import_preview", pk=imported.pk)
    if request.method == "POST":
        try:
            imported = roster_import(site=request.site, pk=imported.pk)
        except RosterImportRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                _("Imported %(count)s rows from “%(name)s”.")
                % {"count": imported.row_count, "name": imported.original_name},
            )
        return redirect("residents:import_preview", pk=imported.pk)
    result = None
    if imported.status == RosterImport.Status.PREVIEWED:
        result = roster_preview(site=request.site, roster=imported)
    return render(
        request,
        "residents/import_preview.html",
        {"area": area("residents"), "roster_import": imported, "result": result},
    )


@never_cache
@site_view("residents.import_roster")
def original_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The file as uploaded, under the name it was uploaded with."""
    imported = get_for_site_or_404(RosterImport, request.site, pk=pk)
    try:
        return file_response(imported.file, imported.original_name or "roster")
    except Http404:
        # Storage lost it (a restore without media, say): say so on the import's own page.
        messages.error(request, _("The original file is no longer stored."))
        return render(
            request,
            "residents/import_preview.html",
            {"area": area("residents"), "roster_import": imported, "result": None},
            status=404,
        )
