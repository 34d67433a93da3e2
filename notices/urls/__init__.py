"""The notices area's URLs (namespace ``notices``)."""

from django.urls import path

from notices.urls import postings, reach
from notices.views import drafts, lists, notices, requests

app_name = "notices"

urlpatterns = [
    # The list (filtered by state and type), the approvals queue, management's requests.
    path("", lists.index, name="index"),
    path("approvals/", lists.approvals, name="approvals"),
    path("requests/", lists.requests, name="requests"),
    path("requests/new/", requests.request_create, name="request_create"),
    # Drafting: from scratch, a request (?request=) or a template (?template=&date=…).
    path("new/", drafts.create, name="create"),
    path("from-template/", drafts.template_start, name="template_start"),
    path("preview/", drafts.preview, name="preview"),
    path("attachments/<int:pk>/", notices.attachment, name="attachment"),
    path("<int:pk>/", notices.detail, name="detail"),
    path("<int:pk>/edit/", drafts.edit, name="edit"),
    path("<int:pk>/group-text/", notices.group_text, name="group_text"),
    path("<int:pk>/poster/", notices.poster, name="poster"),
    # 张贴: the checklist, a notice's boards and posters (before <pk>/<action>/).
    *postings.urlpatterns,
    # What a published notice reached, and the households it did not (before the actions).
    *reach.urlpatterns,
    # One of the page's actions (notices.views.notices.ACTIONS): submit, approve …
    path("<int:pk>/<slug:action>/", notices.act, name="action"),
]
