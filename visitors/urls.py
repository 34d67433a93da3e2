from django.urls import path

from visitors import views

app_name = "visitors"

urlpatterns = [
    path("", views.index, name="index"),
]
