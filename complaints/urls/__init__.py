"""The complaints area's URLs (namespace ``complaints``), one module per group of pages."""

from complaints.urls import cases, lists

app_name = "complaints"

urlpatterns = [*lists.urlpatterns, *cases.urlpatterns]
