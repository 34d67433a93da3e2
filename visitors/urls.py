from django.urls import path

from visitors.views import exports, inquiries, parcels, reports, visits

app_name = "visitors"

urlpatterns = [
    # Visits: on site now (the area's landing), registration, the register, the pass.
    path("", visits.on_site, name="index"),
    path("register/", visits.register, name="register"),
    path("register/returning/", visits.returning, name="returning"),
    path("register/houses/", visits.pick_house, name="pick_house"),
    path("scan/", visits.scan, name="scan"),
    path("handover/close/", visits.handover_close, name="handover_close"),
    path("visits/", visits.register_list, name="visits"),
    path("visits/<int:pk>/", visits.detail, name="visit"),
    path("visits/<int:pk>/checkout/", visits.check_out, name="check_out"),
    path("visits/<int:pk>/pass/", visits.visit_pass, name="pass"),
    path("p/<slug:token>/", visits.by_pass, name="by_pass"),
    path("visits/export/", exports.visits_export, name="visits_export"),
    path("reports/", reports.index, name="reports"),
    # Walk-in and phone inquiries, and the departments' side of their referrals.
    path("inquiries/", inquiries.index, name="inquiries"),
    path("inquiries/new/", inquiries.create, name="inquiry_create"),
    path("referrals/", inquiries.referrals, name="referrals"),
    path("referrals/<int:pk>/done/", inquiries.referral_done, name="referral_done"),
    # Parcels held at the desk.
    path("parcels/", parcels.index, name="parcels"),
    path("parcels/new/", parcels.create, name="parcel_create"),
    path("parcels/<int:pk>/", parcels.detail, name="parcel"),
    path("parcels/<int:pk>/notify/", parcels.notify, name="parcel_notify"),
    path("parcels/<int:pk>/handover/", parcels.hand_over, name="parcel_handover"),
    path("parcels/<int:pk>/photo/", parcels.photo, name="parcel_photo"),
]
