from django.urls import path

from complaints import views

app_name = "complaints"

urlpatterns = [
    path("", views.index, name="index"),
]
