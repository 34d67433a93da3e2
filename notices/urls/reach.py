"""A notice's reach (spliced into the ``notices`` URLconf before the actions' catch-all
``<pk>/<action>/``, which would otherwise take ``<pk>/reach/``)."""

from django.urls import path

from notices.views import reach

urlpatterns = [
    path("<int:pk>/reach/", reach.reach, name="reach"),
    path("<int:pk>/reach/export/", reach.reach_export, name="reach_export"),
]
