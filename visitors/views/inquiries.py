"""Being built."""

from django.http import Http404


def index(request, **kwargs):
    raise Http404


def create(request, **kwargs):
    raise Http404


def referrals(request, **kwargs):
    raise Http404


def referral_done(request, **kwargs):
    raise Http404
