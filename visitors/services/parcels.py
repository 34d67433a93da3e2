"""Every write to the parcels held at the desk: logged, the household told, handed over."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.channels.recipients import Message
from frontdesk.channels.services.messages import message_send
from frontdesk.models import Site, User
from frontdesk.scoping import check_same_site
from frontdesk.uploads import UploadKind, generated_name
from residents.models import House
from residents.selectors.recipients import building_group, household_phones
from visitors.models import Parcel
from visitors.selectors.parcels import collected_conflict


@transaction.atomic
def parcel_create(
    *,
    site: Site,
    user: User,
    house: House,
    courier: str,
    recipient_name: str = "",
    tracking_number: str = "",
    shelf: str = "",
    photo: ContentFile | None = None,
    notice_method: str = "",
) -> Parcel:
    """Log a parcel; ``photo`` is an already cleaned image (frontdesk.uploads.clean_image).

    With ``notice_method`` the household is told at once (``parcel_notify``).
    """
    check_same_site(site, house=house)
    parcel = Parcel(
        site=site,
        house=house,
        courier=courier,
        recipient_name=recipient_name,
        tracking_number=tracking_number,
        shelf=shelf,
        received_by=user,
    )
    storage = Parcel._meta.get_field("photo").storage
    if photo is not None:
        kind = UploadKind.PNG if (photo.name or "").endswith(".png") else UploadKind.JPEG
        # Stored under a generated name (not upload_to, which would prefix it again).
        parcel.photo.name = storage.save(generated_name("parcels", site.pk, kind), photo)
    try:
        parcel.save()
        if notice_method:
            parcel_notify(parcel=parcel, user=user, method=notice_method)
    except Exception:
        # A stored photo whose row is not saved would stay with nothing naming it.
        if parcel.photo.name:
            storage.delete(parcel.photo.name)
        raise
    return parcel


@transaction.atomic
def parcel_notify(*, parcel: Parcel, user: User, method: str) -> Parcel:
    """Tell the household their parcel is at the desk; Conflict once it has been collected.

    A text message goes to the household's mobile(s) and WeChat to the building's
    residents' group (the person @-ed), through the channels, after commit; a call or a
    note at the door the desk makes itself, and this records it.
    """
    now = timezone.now()
    updated = Parcel.objects.filter(pk=parcel.pk, collected_at__isnull=True).update(
        notified_at=now, notified_by=user, notice_method=method
    )
    if not updated:
        raise collected_conflict(parcel)
    parcel.notified_at, parcel.notified_by, parcel.notice_method = now, user, method
    if method in (Parcel.NoticeMethod.SMS, Parcel.NoticeMethod.WECHAT):
        _send_parcel_message(parcel, user, method)
    return parcel


def _send_parcel_message(parcel: Parcel, user: User, method: str) -> None:
    house = parcel.house
    household = household_phones(house, name=parcel.recipient_name)
    if method == Parcel.NoticeMethod.SMS:
        recipients = household
    else:
        mention = next((r.phone for r in household if r.phone), "")
        recipients = [building_group(house.building, mention=mention)]
    values = {
        "house": house.label,
        "courier": parcel.get_courier_display(),
        "tail": parcel.tracking_number[-4:],
        "shelf": parcel.shelf,
    }
    text = _("%(house)s: your %(courier)s parcel is waiting at the property service desk.") % values
    if values["tail"]:
        text += _(" Tracking number ending %(tail)s.") % values
    message_send(
        site=parcel.site,
        recipients=recipients,
        message=Message(
            purpose="parcel_waiting",
            subject=_("Parcel waiting at the desk"),
            text=text,
            params=values,
        ),
        about=parcel,
        user=user,
    )


@transaction.atomic
def parcel_hand_over(*, parcel: Parcel, user: User, collected_by_name: str) -> Parcel:
    """Record who took the parcel; Conflict if it was already handed over (nothing changed).

    One conditional UPDATE, so a parcel is handed over once even from two desks at once.
    """
    now = timezone.now()
    updated = Parcel.objects.filter(pk=parcel.pk, collected_at__isnull=True).update(
        collected_at=now, collected_by_name=collected_by_name, handed_over_by=user
    )
    if not updated:
        raise collected_conflict(parcel)
    parcel.collected_at, parcel.collected_by_name = now, collected_by_name
    parcel.handed_over_by = user
    return parcel
