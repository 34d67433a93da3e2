from django.urls import path

from residents import views

app_name = "residents"

urlpatterns = [
    path("", views.index, name="index"),
]
