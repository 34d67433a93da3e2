from django.urls import path

from complaints.views import cases

urlpatterns = [
    path("new/", cases.create, name="case_create"),
    path("from-inquiry/<int:pk>/", cases.from_inquiry, name="case_from_inquiry"),
    path("<int:pk>/", cases.detail, name="case_detail"),
    path("<int:pk>/link/<int:other>/", cases.link, name="case_link"),
    # One of the page's actions (complaints.views.cases.ACTIONS): accept, pause, resolve …
    path("<int:pk>/<slug:action>/", cases.act, name="case_action"),
    path("photos/<int:pk>/", cases.photo, name="case_photo"),
]
