"""Where publishing reaches residents: the one hook a published notice goes through.

``notice_published`` is called by every service that publishes (``notice_publish``,
``notice_publish_now``), inside the publishing transaction, after the notice's row says
published (and a corrected version's predecessor says superseded). It writes, through the
core's channels (``frontdesk.channels``; no sender of our own):

- a message to the residents' group robot of each audience building (markdown: the
  title, a short excerpt, the effective date and the public link), one per robot when
  several buildings share a group; a building without a robot gets its skipped row, so
  the delivery log and the reach panel name it;
- when the notice's type says so (停水停电, 紧急通知) or the notice is urgent, an SMS to the
  owners of the audience houses through the site's approved template of the ``notice``
  purpose (notices.area), one per owner phone. Owners who opted out, have no phone or a
  landline are written as skipped with the channels' reason.

Being in the transaction, a publication that fails writes no delivery, and one that
commits has all of them written: the channels' periodic scan sends whatever a lost task
left. A correction (a new version) published is told to the groups again, marked 更正,
and texted again to the owners when its type or urgency calls for SMS: whatever changed,
a resident who acted on the first text must hear of the second.

The recipients are read in two queries whatever the audience's size (the buildings with
their robots; the owners of the audience houses), and written in bulk (message_send).
With the texts, each audience house gets its ``NoticeRecipient``: the text that stands
for it, if any, so the reach panel reads the households not reached from the texts not
sent (one more query, the audience's houses, and one more bulk insert).

Withdrawing a published notice (``notice_withdrawn``) tells the same groups, under its
own purpose so that the reach counts only the publication's messages.

The link a message carries is the notice's public path: the channels put the public
address in front of it when they send (frontdesk.links), outside any request.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django.utils.translation import gettext as _

from frontdesk.bulk import copy_create
from frontdesk.channels.models import Delivery
from frontdesk.channels.recipients import GroupRobot, Message, ResidentPhone
from frontdesk.channels.services.messages import message_send
from frontdesk.models import Site, User
from frontdesk.personal import mask_phone
from frontdesk.services import export_formats
from notices.models import Notice, NoticeRecipient
from notices.rendering import plain_text
from notices.selectors.audience import audience_buildings, audience_houses
from residents.models import Building, Occupancy, house_label

# The message purpose of every notice delivery (notices.area message_purposes): the SMS
# template recorded for it in admin is the one the owners' text is filled into.
PURPOSE = "notice"
# A published notice withdrawn: its groups are told (notice_withdrawn).
WITHDRAWN_PURPOSE = "notice_withdrawn"
# How much of the body the group message quotes; the link leads to the rest.
EXCERPT_CHARS = 120
# A template variable's length as SMS providers approve it for notification texts (20
# characters is the usual cap of a text variable); longer values are cut with "…" rather
# than the whole batch refused.
SMS_PARAM_CHARS = 20
# Providers refuse a web address in a template parameter (the link can only be part of
# the approved text); anything that looks like one is taken out of a parameter.
URL_LIKE = re.compile(r"(?:https?://|www\.)\S*", re.IGNORECASE)
# WeCom's markdown honours a few tags (<font …>): a notice's text never brings its own.
ANGLE_BRACKETS = str.maketrans({"<": "＜", ">": "＞"})


def notice_published(notice: Notice, *, user: User, now: datetime) -> None:
    """The deliveries of a notice just published (see the module)."""
    site = notice.site
    # A path: the channels make it absolute on the public address when they send.
    link = notice.public_path
    message_send(
        site=site,
        recipients=building_groups(notice),
        message=group_message(notice, link),
        about=notice,
        user=user,
    )
    if sms_wanted(notice):
        phones, houses = owner_phones(notice)
        texts = message_send(
            site=site,
            recipients=phones,
            message=sms_message(notice, link),
            about=notice,
            user=user,
        )
        recipients_write(notice, houses, texts)


def notice_withdrawn(notice: Notice, *, user: User) -> None:
    """A published notice taken back (撤回): each audience building's group is told it no
    longer holds, with the reason and the link (its public page says it was withdrawn);
    a building without a robot is named, skipped, as when publishing. In the withdrawing
    transaction, as publishing's are. The owners
    texted about it are not texted again: a text needs a template the provider approved
    for that purpose, and the groups and the boards are where a resident looks next."""
    message_send(
        site=notice.site,
        recipients=building_groups(notice),
        message=withdrawn_message(notice),
        about=notice,
        user=user,
    )


def sms_wanted(notice: Notice) -> bool:
    """Outages and urgent matters reach the owners by SMS too (NoticeType.sms)."""
    return notice.urgent or notice.type.sms


def recipients_write(notice: Notice, houses: dict[int, list[str]], texts: list[Delivery]) -> None:
    """One NoticeRecipient per audience house: the text that stands for it, the first of
    its owners' that was not skipped (it may arrive), else the first; none for a house
    without an owner's phone (one query: the audience's houses)."""
    by_phone = {t.phone: t for t in texts if t.phone}
    rows = []
    for house_id in audience_houses(notice).values_list("pk", flat=True).order_by():
        sent = [by_phone[p] for p in houses.get(house_id, ()) if p in by_phone]
        first = sent[0] if sent else None
        best = next((t for t in sent if t.state != Delivery.State.SKIPPED), first)
        rows.append(NoticeRecipient(notice=notice, house_id=house_id, sms=best))
    copy_create(rows, batch_size=5000)


# --- The group message ------------------------------------------------------------------


def building_groups(notice: Notice) -> list[GroupRobot]:
    """One recipient per residents' group of the audience buildings: a robot shared by
    several buildings is told once; a building without one is named (it is skipped)."""
    buildings = audience_buildings(notice).select_related("group_robot").order_by("number")
    groups: list[GroupRobot] = []
    seen: set[int] = set()
    for building in buildings:
        robot = building.group_robot
        if robot is None:
            groups.append(GroupRobot(None, name=group_name(building)))
        elif robot.pk not in seen:
            seen.add(robot.pk)
            groups.append(GroupRobot(robot, name=robot.name))
    return groups


def group_name(building: Building) -> str:
    return _("%(building)s residents' group") % {"building": building.label}


def group_message(notice: Notice, link: str) -> Message:
    """The group's markdown: the type and title (bold, by the robot adapter), an excerpt
    of the body, when it takes effect and who issues it; the link on its own last line."""
    title = _safe(notice.title)
    if notice.supersedes_id is not None:
        subject = _("【%(type)s · Correction】%(title)s") % {
            "type": notice.type.name,
            "title": title,
        }
    else:
        subject = f"【{notice.type.name}】{title}"
    lines = [
        excerpt(notice.body),
        "",
        _("Effective from: %(date)s") % {"date": chinese_date(notice.effective_from)},
        _safe(notice.issuer),
    ]
    return _group_markdown(notice, PURPOSE, subject, lines, link)


def withdrawn_message(notice: Notice) -> Message:
    """The group's markdown when a notice is withdrawn: which notice, why, and the link
    to its public page, which now says so."""
    subject = _("【Withdrawn】%(title)s") % {"title": _safe(notice.title)}
    lines = [
        _("The notice “%(title)s” (%(type)s) is withdrawn and no longer holds.")
        % {"type": notice.type.name, "title": _safe(notice.title)},
        _("Why withdrawn: %(reason)s") % {"reason": _safe(notice.withdraw_reason)},
        _safe(notice.issuer),
    ]
    return _group_markdown(notice, WITHDRAWN_PURPOSE, subject, lines, notice.public_path)


def _group_markdown(
    notice: Notice, purpose: str, subject: str, lines: list[str], link: str
) -> Message:
    """A message to the residents' groups about ``notice``: the subject as the robot
    adapter sets it in bold (cut to the column's 200), the lines, the link last."""
    return Message(
        purpose=purpose,
        subject=subject[:200],
        text="\n".join(lines),
        link=link,
        urgent=notice.urgent,
    )


def excerpt(body: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of the body as one plain paragraph, cut at ``limit`` characters."""
    text = " ".join(plain_text(body).split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return _safe(text)


def _safe(text: str) -> str:
    return text.translate(ANGLE_BRACKETS)


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- The owners' SMS --------------------------------------------------------------------


def owner_phones(notice: Notice) -> tuple[list[ResidentPhone], dict[int, list[str]]]:
    """One recipient per phone of the current owners of the audience houses (a couple
    sharing a number, an owner of three flats get one text), named with their first
    house; owners without a phone are each written too, to be skipped and counted. A
    number is opted out when any owner with it asked for no SMS. With them, each house's
    owners' phones, in the owners' order (for recipients_write)."""
    rows = (
        Occupancy.objects.filter(
            house__in=audience_houses(notice),
            relation=Occupancy.Relation.OWNER,
            moved_out__isnull=True,
        )
        .order_by("house__building__number", "house__unit", "house__room", "id")
        .values_list(
            "resident_id",
            "resident__name",
            "resident__phone",
            "resident__no_sms",
            "house__building__number",
            "house__building__name",
            "house__unit",
            "house__room",
            "house_id",
        )
    )
    by_phone: dict[str, list] = {}  # phone → [name, first house, houses, opted out]
    without_phone: dict[int, str] = {}
    houses: dict[int, list[str]] = {}
    for resident_id, name, phone, no_sms, number, building_name, unit, room, house_id in rows:
        label = house_label(number, building_name, unit, room)
        if not phone:
            without_phone.setdefault(resident_id, f"{name}（{label}）")
            continue
        houses.setdefault(house_id, []).append(phone)
        entry = by_phone.setdefault(phone, [name, label, set(), False])
        entry[2].add(label)
        entry[3] = entry[3] or no_sms
    recipients = [
        ResidentPhone(phone=phone, name=_owner_name(name, first, houses_of), no_sms=no_sms)
        for phone, (name, first, houses_of, no_sms) in by_phone.items()
    ]
    recipients += [ResidentPhone(phone="", name=name) for name in without_phone.values()]
    return recipients, houses


def _owner_name(name: str, first_house: str, houses: set[str]) -> str:
    if len(houses) > 1:
        named = _("%(name)s (%(house)s and others, %(count)s houses)") % {
            "name": name,
            "house": first_house,
            "count": len(houses),
        }
        return named[:100]
    return f"{name}（{first_house}）"[:100]


def sms_message(notice: Notice, link: str) -> Message:
    """The owners' text: the approved template filled with the site, type, title (更正:
    for a correction), effective date and service phone, each within the provider's
    length for a variable. The link cannot be a parameter (providers refuse one); the
    template's own text may name the site's public address. The row keeps the path, as
    the group's does, for the log to link to."""
    title = notice.title
    if notice.supersedes_id is not None:
        title = _("Correction: %(title)s") % {"title": title}
    site: Site = notice.site
    params = {
        "site": site.name,
        "type": notice.type.name,
        "title": title,
        "date": f"{notice.effective_from.month}月{notice.effective_from.day}日",
        "phone": site.service_phone,
    }
    params = {name: sms_param(value) for name, value in params.items()}
    return Message(
        purpose=PURPOSE,
        subject=title[:200],
        text=_("%(title)s, from %(date)s. %(site)s, %(phone)s") % params,
        link=link,
        params=params,
        urgent=notice.urgent,
    )


def sms_param(value: str, limit: int = SMS_PARAM_CHARS) -> str:
    """A template parameter the provider takes: one line, no web address, at most
    ``limit`` characters (cut with "…")."""
    value = " ".join(URL_LIKE.sub("", value or "").split())
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return value


# --- The export of the households not reached --------------------------------------------


def not_reached_export_formats(
    *, site: Site, user: User, notice: Notice, full: bool, rows: int, ip_address: str | None
):
    """How the owners' phones are written in the export of the households a notice did
    not reach: masked, or whole for a user who asks and may, which is logged
    (frontdesk.services.export_formats)."""
    formats = export_formats(
        site=site,
        user=user,
        full=full,
        maskers={"phone": mask_phone},
        description=_("Households not reached by notice %(id)s, %(rows)s rows, full phone numbers")
        % {"id": notice.pk, "rows": rows},
        ip_address=ip_address,
    )
    return formats["phone"]
