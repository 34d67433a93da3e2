from django.urls import path

from admin_tasks import views

app_name = "admin_tasks"

urlpatterns = [
    path("", views.index, name="index"),
]
