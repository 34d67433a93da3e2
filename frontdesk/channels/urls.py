from django.urls import path

from frontdesk.channels import views

app_name = "channels"

urlpatterns = [
    # A member of staff's own messages (the header's 消息).
    path("", views.inbox, name="inbox"),
    path("read/", views.mark_read, name="mark_read"),
    path("<int:pk>/", views.open_item, name="open"),
]
