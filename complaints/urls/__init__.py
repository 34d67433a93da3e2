"""The complaints area's URLs (namespace ``complaints``), one module per group of pages."""

from complaints.urls import callbacks, cases, lists

app_name = "complaints"

# The call-back's own page before the case page's actions (<pk>/<action>/).
urlpatterns = [*lists.urlpatterns, *callbacks.urlpatterns, *cases.urlpatterns]
