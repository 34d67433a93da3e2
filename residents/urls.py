from django.urls import path

from residents.views import arrears, exports, houses, lookup, quality, requests, roster

app_name = "residents"

urlpatterns = [
    path("", lookup.index, name="index"),
    path("export/", exports.lookup_export, name="lookup_export"),
    path("houses/<int:pk>/", houses.detail, name="house"),
    path("requests/", requests.index, name="requests"),
    path("requests/new/", requests.create, name="request_create"),
    path("arrears/", arrears.index, name="arrears"),
    path("arrears/export/", exports.arrears_export, name="arrears_export"),
    path("arrears/reminders/", arrears.reminders, name="arrears_reminders"),
    path("arrears/slips/", arrears.slips, name="arrears_slips"),
    path("arrears/slips/delivered/", arrears.slips_record, name="arrears_slips_record"),
    path("quality/", quality.index, name="quality"),
    path("import/", roster.upload, name="import"),
    path("import/<int:pk>/", roster.preview, name="import_preview"),
    path("import/<int:pk>/file/", roster.original_file, name="import_file"),
]
