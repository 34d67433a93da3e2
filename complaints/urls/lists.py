from django.urls import path

from complaints.views import lists

urlpatterns = [
    # The working views (my queue, my department's, call-backs, deadlines, paused).
    path("", lists.index, name="index"),
    # Every case, filtered, and the same as a spreadsheet.
    path("cases/", lists.cases, name="cases"),
    path("export/", lists.cases_export, name="cases_export"),
]
