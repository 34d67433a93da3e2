"""Being built."""

from django.http import Http404


def index(request, **kwargs):
    raise Http404


def create(request, **kwargs):
    raise Http404


def detail(request, **kwargs):
    raise Http404


def notify(request, **kwargs):
    raise Http404


def hand_over(request, **kwargs):
    raise Http404


def photo(request, **kwargs):
    raise Http404
