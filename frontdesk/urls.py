from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from frontdesk import views
from frontdesk.areas import all_areas
from frontdesk.forms import LoginForm

urlpatterns = [
    path("", views.desk, name="desk"),
    path("sites/switch/", views.site_switch, name="site_switch"),
    path("healthz", views.healthz, name="healthz"),
    path("reveal/<str:label>/<int:pk>/<str:field>/", views.reveal, name="reveal"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=LoginForm
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # Each member of staff's own messages (frontdesk.channels).
    path("inbox/", include("frontdesk.channels.urls")),
    # Each area's pages, where its declaration puts them (frontdesk.areas).
    *[path(area.url_prefix, include(f"{area.key}.urls")) for area in all_areas()],
    # Pages residents open from a QR code or a link (/n/<token>/, /s/<token>/).
    *[
        path(prefix, include(module))
        for area in all_areas()
        for prefix, module in area.public_urls.items()
    ],
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on pages (admin) that do not name an icon.
    path("favicon.ico", views.favicon),
]
