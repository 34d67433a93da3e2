from django.urls import path

from complaints.views import landing

urlpatterns = [
    path("", landing.index, name="index"),
]
