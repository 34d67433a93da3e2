"""Being built."""

from django.http import Http404


def visits_export(request, **kwargs):
    raise Http404
