"""The resident's feedback link (/s/<token>/): no login, on a phone, one answer per case.

The page shows only what the resident needs to recognise the case (its number, its
category, what was done): no house, no name, no phone, since anyone holding the link
sees it. A link that cannot take an answer says why, in Chinese, never with a 500.
"""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import ensure_csrf_cookie

from complaints.forms.callbacks import FeedbackForm, form_error
from complaints.selectors.feedback import feedback_case
from complaints.services.callbacks import FeedbackLinkError, case_feedback_from_link
from frontdesk.public import public_page

# Unknown (mistyped, tampered with) is not found; expired or no longer waiting is gone;
# already answered is the resident's own answer, thanked for.
STATUS = {
    FeedbackLinkError.INVALID: 404,
    FeedbackLinkError.EXPIRED: 410,
    FeedbackLinkError.CLOSED: 410,
    FeedbackLinkError.ANSWERED: 200,
}


def _link_error(request: HttpRequest, error: FeedbackLinkError) -> HttpResponse:
    if getattr(error, "case", None) is not None:  # answered: thanks, whoever reloads it
        return render(request, "complaints/feedback_thanks.html", {"case": error.case})
    return render(
        request,
        "complaints/feedback_unavailable.html",
        {"code": error.code, "message": error.message},
        status=STATUS[error.code],
    )


@public_page("feedback")
@ensure_csrf_cookie
def feedback(request: HttpRequest, token: str) -> HttpResponse:
    try:
        case = feedback_case(token)
    except FeedbackLinkError as error:
        return _link_error(request, error)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case_feedback_from_link(token=token, **form.cleaned_data)
        except FeedbackLinkError as error:
            return _link_error(request, error)
        except ValidationError as error:
            form_error(form, error)
        else:
            # Post, then redirect: a reload or the back button never posts the answer again;
            # the link, answered, now thanks for it.
            return redirect(request.path)
    return render(request, "complaints/feedback.html", {"case": case, "form": form})
