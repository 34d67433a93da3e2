"""Pages residents open without logging in, mounted at the root (Area.public_urls "s/")."""

from django.urls import path

from complaints.views import public

app_name = "complaints_public"

urlpatterns = [
    path("<str:token>/", public.feedback, name="feedback"),
]
