"""The access matrix: every page of the URLconf, asked for by every kind of user.

The pages come from the resolver, not from a list kept by hand, so a new page fails here
until it has a rule (how to build its URL for an object of site A) and an expected outcome
for each user. What a user gets is one of: a status code, LOGIN (sent to the login page
with ?next=), or "→ <path>" (a redirect to exactly that path).
"""

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.contrib.auth.views import redirect_to_login
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from frontdesk import roles
from frontdesk.middleware import SESSION_SITE_ID
from tests import factories

# Django admin's own pages are Django's; the matrix checks only that its door (the index)
# opens to supervisors alone. Its other pages are scoped by SiteScopedAdmin (test_admin).
ADMIN_NAMESPACE = "admin"
ADMIN_DOOR = "admin:index"


def pages_in_urlconf() -> set[str]:
    """Every page's full name ("ns:name"), or its path when it has no name."""
    return set(_walk(get_resolver().url_patterns)) | {ADMIN_DOOR}


def _walk(patterns, namespace: str = "", prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == ADMIN_NAMESPACE:
                continue
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, ns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            if pattern.name:
                yield f"{namespace}{pattern.name}"
            else:
                # An unnamed page cannot be reversed; its path stands for it (no parameters).
                yield "/" + prefix + str(pattern.pattern)


@dataclass(frozen=True)
class Rule:
    """How to ask for a page about site A's objects (``o``: the ``objects_of_a`` fixture)."""

    kwargs: Callable[[SimpleNamespace], dict] = lambda o: {}
    # POST-only pages are asked with POST (after checking that GET is a 405).
    method: str = "GET"
    data: Callable[[SimpleNamespace], dict] = lambda o: {}


GET = Rule()


def uploaders_message(o: SimpleNamespace) -> dict:
    """A message in the inbox of site A's uploader, whom no role of the matrix is: the
    inbox is its owner's alone, so everyone else is refused it, supervisors too."""
    from django.utils import timezone

    from frontdesk.channels.models import Delivery

    row = Delivery.objects.create(
        site=o.site,
        channel=Delivery.Channel.INBOX,
        audience=Delivery.Audience.STAFF,
        state=Delivery.State.SENT,
        purpose="test",
        subject="快递到了",
        text="3栋2单元1201 有一件快递待取。",
        link="/visitors/parcels/",
        user=o.roster_import.uploaded_by,
        not_before=timezone.now(),
    )
    return {"pk": row.pk}


def resolved_case(o: SimpleNamespace):
    """A case of site A resolved by its department: waiting for the desk's call-back and
    for its resident's answer from the feedback link."""
    from complaints.services import handling

    user = o.roster_import.uploaded_by
    case = factories.make_case(o.site, user, house=o.house)
    handling.case_accept(site=o.site, user=user, case=case)
    return handling.case_resolve(site=o.site, user=user, case=case, note="已更换三角阀")


def assigned_case(o: SimpleNamespace):
    """A leak at site A's house, assigned to 工程部 (the engineer's department)."""
    return factories.make_case(o.site, o.roster_import.uploaded_by, house=o.house)


def case_linked_to_itself(o: SimpleNamespace) -> dict:
    """Site A's case linked to itself: refused on its page, whoever may link."""
    case = assigned_case(o)
    return {"pk": case.pk, "other": case.pk}


def case_photo(o: SimpleNamespace) -> dict:
    """A photo of site A's case whose file is not in storage (as the import's)."""
    from complaints.models import CaseEvent, CasePhoto

    case = assigned_case(o)
    event = CaseEvent.objects.filter(case=case).first()
    return {
        "pk": CasePhoto.objects.create(
            case=case, event=event, kind="before", image="cases/x.jpg"
        ).pk
    }


def draft_notice(o: SimpleNamespace):
    """A draft notice of site A (a water outage for the whole site)."""
    from django.utils import timezone

    from notices.models import NoticeType
    from notices.services.drafts import notice_create

    today = timezone.localdate()
    return notice_create(
        site=o.site,
        user=o.roster_import.uploaded_by,
        type=NoticeType.objects.get(site=o.site, name="停水停电"),
        title="停水通知",
        body="周六 9:00–17:00 停水。",
        issuer="物业服务中心",
        effective_from=today,
        expires_on=today,
    )


def notice_attachment(o: SimpleNamespace) -> dict:
    """An attachment of site A's notice whose file is not in storage (as the import's)."""
    from notices.models import NoticeAttachment

    row = NoticeAttachment.objects.create(
        notice=draft_notice(o),
        file="notices/x.pdf",
        name="时间表.pdf",
        kind="pdf",
        size=10,
        uploaded_by=o.roster_import.uploaded_by,
    )
    return {"pk": row.pk}


RULES: dict[str, Rule] = {
    "desk": GET,
    "site_switch": Rule(method="POST", data=lambda o: {"site": o.site.pk}),
    "healthz": GET,
    "reveal": Rule(
        method="POST",
        kwargs=lambda o: {"label": "residents.resident", "pk": o.resident.pk, "field": "phone"},
    ),
    "login": GET,
    "logout": Rule(method="POST"),
    "password_change": GET,
    "password_change_done": GET,
    "channels:inbox": GET,
    "channels:mark_read": Rule(method="POST", data=lambda o: {"all": "1"}),
    "channels:open": Rule(kwargs=uploaders_message),
    "residents:index": GET,
    "residents:lookup_export": GET,
    "residents:house": Rule(kwargs=lambda o: {"pk": o.house.pk}),
    "residents:requests": GET,
    "residents:request_create": GET,
    "residents:arrears": GET,
    "residents:arrears_export": GET,
    "residents:arrears_reminders": GET,
    "residents:arrears_slips": GET,
    "residents:arrears_slips_record": Rule(
        method="POST", data=lambda o: {"houses": str(o.house.pk)}
    ),
    "residents:quality": GET,
    "residents:import": GET,
    "residents:import_preview": Rule(kwargs=lambda o: {"pk": o.roster_import.pk}),
    "residents:import_file": Rule(kwargs=lambda o: {"pk": o.roster_import.pk}),
    "visitors:index": GET,
    "visitors:register": GET,
    "visitors:returning": GET,
    "visitors:pick_house": GET,
    "visitors:scan": Rule(method="POST", data=lambda o: {"code": o.visit.pass_token}),
    "visitors:handover_close": Rule(method="POST"),
    "visitors:visits": GET,
    "visitors:visit": Rule(kwargs=lambda o: {"pk": o.visit.pk}),
    "visitors:check_out": Rule(method="POST", kwargs=lambda o: {"pk": o.visit.pk}),
    "visitors:pass": Rule(kwargs=lambda o: {"pk": o.visit.pk}),
    "visitors:by_pass": Rule(kwargs=lambda o: {"token": o.visit.pass_token}),
    "visitors:visits_export": GET,
    "visitors:reports": GET,
    "visitors:inquiries": GET,
    "visitors:inquiry_create": GET,
    "visitors:referrals": GET,
    "visitors:referral_done": Rule(
        method="POST", kwargs=lambda o: {"pk": o.inquiry.pk}, data=lambda o: {"reply": "已派人处理"}
    ),
    "visitors:parcels": GET,
    "visitors:parcel_create": GET,
    "visitors:parcel": Rule(kwargs=lambda o: {"pk": o.parcel.pk}),
    "visitors:parcel_notify": Rule(
        method="POST", kwargs=lambda o: {"pk": o.parcel.pk}, data=lambda o: {"method": "sms"}
    ),
    "visitors:parcel_handover": Rule(
        method="POST",
        kwargs=lambda o: {"pk": o.parcel.pk},
        data=lambda o: {"collected_by_name": "张三丰"},
    ),
    "visitors:parcel_photo": Rule(kwargs=lambda o: {"pk": o.parcel.pk}),
    "complaints:index": GET,
    "complaints:cases": GET,
    "complaints:cases_export": GET,
    "complaints:case_callback": Rule(kwargs=lambda o: {"pk": resolved_case(o).pk}),
    "complaints_public:feedback": Rule(kwargs=lambda o: {"token": resolved_case(o).feedback_token}),
    "complaints:case_create": GET,
    "complaints:case_from_inquiry": Rule(kwargs=lambda o: {"pk": o.inquiry.pk}),
    "complaints:case_detail": Rule(kwargs=lambda o: {"pk": assigned_case(o).pk}),
    "complaints:case_action": Rule(
        method="POST",
        kwargs=lambda o: {"pk": assigned_case(o).pk, "action": "note"},
        data=lambda o: {"version": 1, "note": ""},
    ),
    "complaints:case_photo": Rule(kwargs=case_photo),
    "complaints:case_link": Rule(method="POST", kwargs=case_linked_to_itself),
    "notices:index": GET,
    "notices:approvals": GET,
    "notices:requests": GET,
    "notices:request_create": GET,
    "notices:create": GET,
    "notices:template_start": GET,
    "notices:preview": Rule(method="POST", data=lambda o: {"body": "**停水**"}),
    "notices:attachment": Rule(kwargs=notice_attachment),
    "notices:detail": Rule(kwargs=lambda o: {"pk": draft_notice(o).pk}),
    "notices:edit": Rule(kwargs=lambda o: {"pk": draft_notice(o).pk}),
    "notices:group_text": Rule(kwargs=lambda o: {"pk": draft_notice(o).pk}),
    "notices:poster": Rule(kwargs=lambda o: {"pk": draft_notice(o).pk}),
    "notices:action": Rule(
        method="POST", kwargs=lambda o: {"pk": draft_notice(o).pk, "action": "submit"}
    ),
    "coordination:index": GET,
    "admin_tasks:index": GET,
    ADMIN_DOOR: GET,
    "/favicon.ico": GET,
}

LOGIN = "login"
TO_DESK = "→ /"
TO_LOGIN_PAGE = "→ /accounts/login/"
TO_ADMIN_LOGIN = "→ /admin/login/?next=/admin/"

# Who asks. nosite: a clerk who belongs to no site. supervisor: of sites A and B, with site
# A current. supervisor_b: of site B only, so that a page closed by a permission is also
# proved to be a 404 for another site's object (a clerk_b gets the 403 of the permission
# before any object is looked up).
ROLES = ("anonymous", "nosite", "clerk", "clerk_b", "engineer", "supervisor", "supervisor_b")

EVERYONE_200 = dict.fromkeys(ROLES, 200)
LOGGED_IN_200 = {**EVERYONE_200, "anonymous": LOGIN}
# Any member of a site: complaints and coordination, where the desk routes work to staff.
SITE_STAFF = {**LOGGED_IN_200, "nosite": 403}
# The desk's own areas need frontdesk.use_desk. These pages show the asker's current site,
# so clerk_b gets its own site's page: nothing of site A is in the URL.
DESK_AREA = {**SITE_STAFF, "engineer": 403}

# A desk page about one object of site A: another site's desk users get a 404.
DESK_OBJECT = {**DESK_AREA, "clerk_b": 404, "supervisor_b": 404}
# A public page (frontdesk.public): opened from a link or a QR code without logging in;
# its token is the access, so everyone gets it, whoever and wherever they are.
PUBLIC = EVERYONE_200
TO_VISITORS = "→ /visitors/"
TO_PARCEL = "→ /visitors/parcels/{pk}/"

EXPECTED: dict[str, dict[str, int | str]] = {
    "desk": SITE_STAFF,
    # The form refuses a site the user does not work at and redirects with a message.
    "site_switch": {**dict.fromkeys(ROLES, TO_DESK), "anonymous": LOGIN, "nosite": 403},
    "healthz": EVERYONE_200,
    # Revealing needs only membership of the record's site (site_view() without a
    # permission), so an engineer of site A may reveal; it is logged.
    # Department staff work on what the desk routes to them: no full phones or ID numbers.
    "reveal": {
        "anonymous": LOGIN,
        "nosite": 403,
        "clerk": 200,
        "clerk_b": 404,
        "engineer": 403,
        "supervisor": 200,
        "supervisor_b": 404,
    },
    # redirect_authenticated_user: a logged-in user goes to the desk.
    "login": {**dict.fromkeys(ROLES, TO_DESK), "anonymous": 200},
    "logout": dict.fromkeys(ROLES, TO_LOGIN_PAGE),
    # A user without a site may still change their password.
    "password_change": LOGGED_IN_200,
    "password_change_done": LOGGED_IN_200,
    # The inbox is the user's, not a site's: anyone logged in has one, with or without a
    # site, and only their own messages in it.
    "channels:inbox": LOGGED_IN_200,
    "channels:mark_read": {**dict.fromkeys(ROLES, "→ /inbox/"), "anonymous": LOGIN},
    "channels:open": {**dict.fromkeys(ROLES, 404), "anonymous": LOGIN},
    "residents:index": DESK_AREA,
    "residents:lookup_export": DESK_AREA,
    "residents:house": {
        "anonymous": LOGIN,
        "nosite": 403,
        "clerk": 200,
        "clerk_b": 404,
        "engineer": 403,
        "supervisor": 200,
        "supervisor_b": 404,
    },
    # The request log is reception's inquiry log now: its old addresses lead there.
    "residents:requests": dict.fromkeys(ROLES, "→ /visitors/inquiries/"),
    "residents:request_create": dict.fromkeys(ROLES, "→ /visitors/inquiries/new/"),
    "residents:arrears": DESK_AREA,
    "residents:arrears_export": DESK_AREA,
    # Payment reminders and door slips of the asker's current site's arrears list: a house
    # of site A posted at site B is no house there (nothing is recorded), back to the slips.
    "residents:arrears_reminders": DESK_AREA,
    "residents:arrears_slips": DESK_AREA,
    "residents:arrears_slips_record": {
        **dict.fromkeys(ROLES, "→ /residents/arrears/slips/"),
        "anonymous": LOGIN,
        "nosite": 403,
        "engineer": 403,
    },
    "residents:quality": DESK_AREA,
    # residents.import_roster: supervisors only.
    "residents:import": {
        **dict.fromkeys(ROLES, 403),
        "anonymous": LOGIN,
        "supervisor": 200,
        "supervisor_b": 200,
    },
    "residents:import_preview": {
        **dict.fromkeys(ROLES, 403),
        "anonymous": LOGIN,
        "supervisor": 200,
        "supervisor_b": 404,
    },
    # The fixture's import names a file that is not in storage, so even the supervisor
    # allowed to see it gets the page's “file no longer stored” 404; the 200 with the
    # file's bytes is test_roster_import's. supervisor_b's 404 is site scoping.
    "residents:import_file": {
        **dict.fromkeys(ROLES, 403),
        "anonymous": LOGIN,
        "supervisor": 404,
        "supervisor_b": 404,
    },
    "visitors:index": DESK_AREA,
    "visitors:register": DESK_AREA,
    "visitors:returning": DESK_AREA,
    "visitors:pick_house": DESK_AREA,
    # A pass of site A scanned at site B's desk is not found there: the form says so (400).
    "visitors:scan": {
        **DESK_AREA,
        "clerk": TO_VISITORS,
        "supervisor": TO_VISITORS,
        "clerk_b": 400,
        "supervisor_b": 400,
    },
    # Nothing ticked: back to the list with a message.
    "visitors:handover_close": {
        **DESK_AREA,
        "clerk": TO_VISITORS,
        "clerk_b": TO_VISITORS,
        "supervisor": TO_VISITORS,
        "supervisor_b": TO_VISITORS,
    },
    "visitors:visits": DESK_AREA,
    "visitors:visit": DESK_OBJECT,
    "visitors:check_out": {**DESK_OBJECT, "clerk": TO_VISITORS, "supervisor": TO_VISITORS},
    "visitors:pass": DESK_OBJECT,
    "visitors:by_pass": DESK_OBJECT,
    "visitors:visits_export": DESK_AREA,
    "visitors:reports": DESK_AREA,
    "visitors:inquiries": DESK_AREA,
    "visitors:inquiry_create": DESK_AREA,
    # Department staff receive the referrals: every member of the site opens the list.
    "visitors:referrals": SITE_STAFF,
    # Handled by the department it was referred to (the engineer's 工程部) or a supervisor;
    # a clerk logs referrals but does not close them.
    "visitors:referral_done": {
        "anonymous": LOGIN,
        "nosite": 403,
        "clerk": 403,
        "clerk_b": 404,
        "engineer": "→ /visitors/referrals/",
        "supervisor": "→ /visitors/referrals/",
        "supervisor_b": 404,
    },
    "visitors:parcels": DESK_AREA,
    "visitors:parcel_create": DESK_AREA,
    "visitors:parcel": DESK_OBJECT,
    "visitors:parcel_notify": {**DESK_OBJECT, "clerk": TO_PARCEL, "supervisor": TO_PARCEL},
    "visitors:parcel_handover": {
        **DESK_OBJECT,
        "clerk": "→ /visitors/parcels/",
        "supervisor": "→ /visitors/parcels/",
    },
    # The fixture's parcel has no photo: a 404 for those allowed to see it too (the 200
    # with the photo is test_parcel_page's).
    "visitors:parcel_photo": {**DESK_OBJECT, "clerk": 404, "supervisor": 404},
    "complaints:index": SITE_STAFF,
    # Every case and its export: of the asker's current site, and of their own department
    # for department staff (the engineer's list is 工程部's).
    "complaints:cases": SITE_STAFF,
    "complaints:cases_export": SITE_STAFF,
    # 回访 is the desk's: department staff resolve, the desk calls the resident back.
    "complaints:case_callback": DESK_OBJECT,
    "complaints_public:feedback": PUBLIC,
    # Recording is the desk's; a case is seen by the desk of its site and by the
    # department it is with (the engineer's 工程部), another department's staff get a 404.
    "complaints:case_create": DESK_AREA,
    "complaints:case_from_inquiry": DESK_OBJECT,
    "complaints:case_detail": {**SITE_STAFF, "clerk_b": 404, "supervisor_b": 404},
    # An empty note: the page again with the error beside the field, for whoever may act.
    "complaints:case_action": {**SITE_STAFF, "clerk_b": 404, "supervisor_b": 404},
    # The fixture's photo is not in storage: a 404 for those allowed to see it too (the
    # 200 with the photo is test_case_page's).
    "complaints:case_photo": {**dict.fromkeys(ROLES, 404), "anonymous": LOGIN, "nosite": 403},
    # Linking cases is the desk's (department staff get the permission's 403); the
    # fixture links a case to itself: the page again with the refusal, for the desk of
    # site A (the link that is made is test_case_page's).
    "complaints:case_link": {**DESK_OBJECT, "clerk": 400, "supervisor": 400},
    "notices:index": DESK_AREA,
    # notices.approve_notice: supervisors only, each their current site's queue.
    "notices:approvals": {
        **dict.fromkeys(ROLES, 403),
        "anonymous": LOGIN,
        "supervisor": 200,
        "supervisor_b": 200,
    },
    "notices:requests": DESK_AREA,
    "notices:request_create": DESK_AREA,
    "notices:create": DESK_AREA,
    "notices:template_start": DESK_AREA,
    # The body's preview (htmx) is about no object: any desk user's own site.
    "notices:preview": DESK_AREA,
    # The fixture's attachment is not in storage: a 404 for those allowed to see it too.
    "notices:attachment": {**DESK_OBJECT, "clerk": 404, "supervisor": 404},
    "notices:detail": DESK_OBJECT,
    "notices:edit": DESK_OBJECT,
    "notices:group_text": DESK_OBJECT,
    "notices:poster": DESK_OBJECT,
    # No revision posted: the page again with the error (400), for whoever may act.
    "notices:action": {**DESK_OBJECT, "clerk": 400, "supervisor": 400},
    "coordination:index": SITE_STAFF,
    "admin_tasks:index": DESK_AREA,
    # Admin is for staff users (supervisors); others go to admin's own login.
    ADMIN_DOOR: {
        **dict.fromkeys(ROLES, TO_ADMIN_LOGIN),
        "supervisor": 200,
        "supervisor_b": 200,
    },
    "/favicon.ico": dict.fromkeys(ROLES, "→ /static/favicon.svg"),
}

# (page, role) → why: access bugs found by this matrix, to be fixed in the app. strict, so
# the fix makes the test fail until its entry is removed.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


def cases() -> list:
    """Every page found, and every page the tables name, so either side missing fails."""
    return [
        pytest.param(
            page,
            role,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[page, role])]
            if (page, role) in KNOWN_BUGS
            else [],
            id=f"{page}-{role}",
        )
        for page in sorted(pages_in_urlconf() | RULES.keys() | EXPECTED.keys())
        for role in ROLES
    ]


@pytest.fixture
def nosite(db):
    return factories.make_user(username="nosite")


@pytest.fixture
def supervisor_b(site_b):
    return factories.make_user(site_b, role=roles.SUPERVISOR, username="boss_b")


def url_of(page: str, objects: SimpleNamespace) -> str:
    if page.startswith("/"):
        assert "<" not in page, f"give {page} a name, so that its rule can build its URL"
        return page
    return reverse(page, kwargs=RULES[page].kwargs(objects))


def outcome(response) -> int | str:
    if response.status_code in (301, 302):
        return f"→ {response['Location']}"
    return response.status_code


@pytest.mark.parametrize(("page", "role"), cases())
def test_access(page, role, request, client, objects_of_a):
    assert page in RULES, f"add a rule for {page} to RULES in {__name__} (how to build its URL)"
    assert page in EXPECTED, f"add the expected outcomes for {page} to EXPECTED in {__name__}"
    assert page in pages_in_urlconf(), f"{page} is no longer in the URLconf: remove its entries"
    rule, expected = RULES[page], EXPECTED[page][role]
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
        # Every user asks with site A current when they belong to it (else their first).
        session = client.session
        session[SESSION_SITE_ID] = objects_of_a.site.pk
        session.save()
    url = url_of(page, objects_of_a)
    if isinstance(expected, str) and "{pk}" in expected:
        expected = expected.format(pk=objects_of_a.parcel.pk)
    if expected == LOGIN:
        expected = f"→ {redirect_to_login(url).url}"
    if rule.method == "POST":
        assert client.get(url).status_code == 405, f"GET {url} should be refused"
        response = client.post(url, rule.data(objects_of_a))
    else:
        response = client.get(url)
    assert outcome(response) == expected, f"{rule.method} {url} as {role}"


def test_the_tables_name_exactly_the_pages_of_the_urlconf():
    pages = pages_in_urlconf()
    assert sorted(pages - RULES.keys()) == [], "add a rule for these pages to RULES"
    assert sorted(pages - EXPECTED.keys()) == [], "add expected outcomes for these pages"
    assert sorted(RULES.keys() - pages) == [], "these rules name no page: remove them"
    assert sorted(EXPECTED.keys() - pages) == [], "these outcomes name no page: remove them"
    incomplete = sorted(page for page, row in EXPECTED.items() if set(row) != set(ROLES))
    assert incomplete == [], f"give an outcome for each of {ROLES}"


# --- Notices: posting (张贴) and the public page (/n/<token>/) -----------------------------


def published_notice(o: SimpleNamespace):
    """Site A's draft notice, submitted, approved and published by its supervisor."""
    from notices.services import workflow

    notice = draft_notice(o)
    boss = o.roster_import.uploaded_by
    for step in (workflow.notice_submit, workflow.notice_approve, workflow.notice_publish):
        step(site=o.site, user=boss, notice=notice)
    return notice


def posting_location(o: SimpleNamespace):
    from notices.models import PostingLocation

    return PostingLocation.objects.create(site=o.site, name="南门公告栏", kind="gate")


def draft_and_board(o: SimpleNamespace) -> dict:
    """A draft of site A and one of its boards: posting it is refused (not published)."""
    return {"pk": draft_notice(o).pk, "location": posting_location(o).pk}


def posting_taken_down(o: SimpleNamespace) -> dict:
    """A copy of site A's published notice, already taken down (without a photo): taking
    it down again is the conflict's 409, its photo a 404."""
    from notices.services.postings import posting_record, posting_remove

    boss = o.roster_import.uploaded_by
    posting = posting_record(
        site=o.site, user=boss, notice=published_notice(o), location=posting_location(o)
    )
    posting_remove(site=o.site, user=boss, posting=posting)
    return {"pk": posting.pk}


def public_attachment(o: SimpleNamespace) -> dict:
    """An attachment of site A's published notice whose file is not in storage."""
    from notices.models import NoticeAttachment

    notice = published_notice(o)
    row = NoticeAttachment.objects.create(
        notice=notice,
        file="notices/x.pdf",
        name="时间表.pdf",
        kind="pdf",
        size=10,
        uploaded_by=o.roster_import.uploaded_by,
    )
    return {"token": notice.token, "pk": row.pk}


RULES.update(
    {
        "notices:checklist": GET,
        "notices:postings": Rule(kwargs=lambda o: {"pk": draft_notice(o).pk}),
        "notices:posting_record": Rule(method="POST", kwargs=draft_and_board),
        "notices:posting_remove": Rule(method="POST", kwargs=posting_taken_down),
        "notices:posting_photo": Rule(kwargs=posting_taken_down),
        "notices:posters": Rule(kwargs=lambda o: {"pk": draft_notice(o).pk}),
        "notices_public:notice": Rule(kwargs=lambda o: {"token": published_notice(o).token}),
        "notices_public:seen": Rule(kwargs=lambda o: {"token": published_notice(o).token}),
        "notices_public:attachment": Rule(kwargs=public_attachment),
    }
)

EXPECTED.update(
    {
        "notices:checklist": DESK_AREA,
        "notices:postings": DESK_OBJECT,
        # A draft is not posted: the section again with the refusal, for the desk of site A.
        "notices:posting_record": {**DESK_OBJECT, "clerk": 400, "supervisor": 400},
        # Taken down already: the section with who did it and when (the conflict).
        "notices:posting_remove": {**DESK_OBJECT, "clerk": 409, "supervisor": 409},
        # The fixture's copy has no photo: a 404 for those allowed to see it too.
        "notices:posting_photo": {**DESK_OBJECT, "clerk": 404, "supervisor": 404},
        "notices:posters": DESK_OBJECT,
        "notices_public:notice": PUBLIC,
        # The open's count (the page's 1×1 image).
        "notices_public:seen": PUBLIC,
        # The fixture's attachment is not in storage: a 404, whoever asks.
        "notices_public:attachment": dict.fromkeys(ROLES, 404),
    }
)

# A notice's reach (notices.views.reach): the panel and the households not reached as
# .xlsx, for the desk of the notice's site (a draft's: nothing sent, an empty list).
RULES.update(
    {
        "notices:reach": Rule(kwargs=lambda o: {"pk": draft_notice(o).pk}),
        "notices:reach_export": Rule(kwargs=lambda o: {"pk": draft_notice(o).pk}),
    }
)
EXPECTED.update({"notices:reach": DESK_OBJECT, "notices:reach_export": DESK_OBJECT})
