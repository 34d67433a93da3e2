from django.urls import path

from complaints.views import callbacks

urlpatterns = [
    # 回访: the outcome of the call, and a 12345 case's reply to the hotline.
    path("<int:pk>/callback/", callbacks.callback, name="case_callback"),
]
