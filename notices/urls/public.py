"""The page residents open from a notice's QR code, mounted at the root (Area.public_urls
"n/"): /n/<token>/ (the contract's URL), the count of its opens, its attachments."""

from django.urls import path

from notices.views import public

app_name = "notices_public"

urlpatterns = [
    path("<str:token>/", public.notice, name="notice"),
    # Asked for by the page itself (an image), never cached: counts the open.
    path("<str:token>/seen", public.seen, name="seen"),
    path("<str:token>/files/<int:pk>/", public.attachment, name="attachment"),
]
