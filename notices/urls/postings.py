"""张贴: the site's posting checklist, a notice's postings section and posters, recording
a copy posted or taken down. Part of the ``notices`` namespace (notices/urls/__init__.py),
before the notice's actions (``<pk>/<action>/`` would take ``<pk>/postings/``)."""

from django.urls import path

from notices.views import postings

urlpatterns = [
    path("postings/", postings.checklist, name="checklist"),
    path("postings/<int:pk>/remove/", postings.remove, name="posting_remove"),
    path("postings/<int:pk>/photo/", postings.photo, name="posting_photo"),
    path("<int:pk>/postings/", postings.section, name="postings"),
    # The section's forms post to "<its own URL><location>/" (templates/notices/_postings.html).
    path("<int:pk>/postings/<int:location>/", postings.record, name="posting_record"),
    path("<int:pk>/posters/", postings.posters, name="posters"),
]
