"""Being built."""

from django.http import Http404


def on_site(request, **kwargs):
    raise Http404


def register(request, **kwargs):
    raise Http404


def returning(request, **kwargs):
    raise Http404


def pick_house(request, **kwargs):
    raise Http404


def scan(request, **kwargs):
    raise Http404


def handover_close(request, **kwargs):
    raise Http404


def register_list(request, **kwargs):
    raise Http404


def detail(request, **kwargs):
    raise Http404


def check_out(request, **kwargs):
    raise Http404


def visit_pass(request, **kwargs):
    raise Http404


def by_pass(request, **kwargs):
    raise Http404
