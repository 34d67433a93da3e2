"""The request log (查询登记) is one with reception's inquiry log: the old addresses lead
there, with their query (a bookmarked filter, ?house=&resident= of a link) and, for a form
posted from a page opened before the change, the post itself (307 repeats it)."""

from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse


def _moved(url_name: str):
    def view(request: HttpRequest) -> HttpResponseRedirect:
        target = reverse(url_name)
        if request.META.get("QUERY_STRING"):
            target += "?" + request.META["QUERY_STRING"]
        response = HttpResponseRedirect(target)
        if request.method == "POST":
            response.status_code = 307
        return response

    return view


index = _moved("visitors:inquiries")
create = _moved("visitors:inquiry_create")
