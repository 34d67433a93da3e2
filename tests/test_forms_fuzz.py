"""Every form, found by rendering every page, fed random and hostile values.

The forms are not listed here: each page of the access matrix that a role may open is
rendered, its <form>s are read from the HTML, and Hypothesis fills their fields with
very long strings, control characters, emoji, SQL and HTML fragments, wrong types and
missing fields. No answer may be a server error, and an answer that is not a redirect
(the form shown again with its errors) must not have saved anything.
"""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from axes.models import AccessAttempt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.middleware import SESSION_SITE_ID
from tests.test_access_matrix import EXPECTED, RULES, pages_in_urlconf, url_of

# Hypothesis walks every form of every page: a couple of minutes.
pytestmark = pytest.mark.slow

ROLES = ["anonymous", "clerk", "supervisor"]
# Logging out would end the very session the rest of the run uses; it takes no input.
SKIP_ACTIONS = {"/accounts/logout/", "/admin/logout/"}
# Tables that legitimately change when a form is refused: sessions, login-failure logs.
IGNORED_TABLES = ("django_session", "axes_")

HOSTILE = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=400),
    st.sampled_from(
        [
            "",
            " ",
            "x" * 10_000,
            "\x00",
            "\x00\x01\x02\x1f\x7f",
            "😀🏠👪",
            "'; DROP TABLE residents_resident; --",
            "1 OR 1=1",
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "-1",
            "0",
            "99999999999999999999",
            "1e309",
            "NaN",
            "2026-02-30",
            "../../etc/passwd",
            "%00",
            "３栋２单元１２０１",
        ]
    ),
    st.integers(min_value=-(2**63), max_value=2**63).map(str),
)


class FormParser(HTMLParser):
    """The forms of a page: action, method, and each field's name, kind and choices."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "action": attrs.get("action") or "",
                    "method": (attrs.get("method") or "get").lower(),
                    "fields": {},
                }
            )
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"] if self.forms else {}
        name = attrs.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = attrs.get("type", "text")
            if kind not in ("submit", "button", "image", "reset"):
                fields.setdefault(name, {"kind": kind, "choices": []})
                if attrs.get("value"):
                    fields[name]["choices"].append(attrs["value"])
        elif tag == "textarea" and name:
            fields[name] = {"kind": "text", "choices": []}
        elif tag == "select" and name:
            fields[name] = {"kind": "select", "choices": []}
            self._select = name
        elif tag == "option" and self._select and attrs.get("value"):
            fields[self._select]["choices"].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def forms_of(client, role: str, objects) -> dict[tuple, dict]:
    """Every distinct form on every page this role may open (GET, expected 200)."""
    found = {}
    for page in sorted(pages_in_urlconf()):
        if RULES[page].method != "GET" or EXPECTED[page][role] != 200:
            continue
        url = url_of(page, objects)
        response = client.get(url)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        parser = FormParser()
        parser.feed(response.content.decode())
        for form in parser.forms:
            action = urlsplit(urljoin(url, form["action"]) if form["action"] else url).path
            if action in SKIP_ACTIONS:
                continue
            key = (form["method"], action, tuple(sorted(form["fields"])))
            found.setdefault(key, form["fields"])
    return found


def row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_live_tup FROM pg_stat_user_tables ORDER BY relname")
        tables = [name for name, _ in cursor.fetchall() if not name.startswith(IGNORED_TABLES)]
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT %s, count(*) FROM {connection.ops.quote_name(t)}" for t in tables
            ),
            tables,
        )
        return dict(cursor.fetchall())


def values_for(data, fields: dict) -> dict:
    values = {}
    for name, field in fields.items():
        if data.draw(st.booleans().map(lambda b: b and len(fields) > 1), label=f"omit {name}"):
            continue  # a missing field
        if field["kind"] == "file":
            content = data.draw(st.binary(max_size=4096), label=name)
            values[name] = SimpleUploadedFile(
                data.draw(st.sampled_from(["a.xlsx", "a.csv", "a.png", "无.xlsx"])), content
            )
        elif field["choices"] and data.draw(st.booleans(), label=f"valid {name}"):
            values[name] = data.draw(st.sampled_from(field["choices"]), label=name)
        else:
            values[name] = data.draw(HOSTILE, label=name)
    return values


@pytest.mark.parametrize("role", ROLES)
def test_no_form_answers_hostile_input_with_an_error_or_a_half_save(
    role, request, client, objects_of_a
):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
        session = client.session
        session[SESSION_SITE_ID] = objects_of_a.site.pk
        session.save()
    forms = forms_of(client, role, objects_of_a)
    # The pages this role opens hold forms: finding none would mean the parser broke.
    assert forms, f"no forms found for {role}"

    for (method, action, _names), fields in forms.items():
        fuzz(client, role, method, action, fields)()


def fuzz(client, role: str, method: str, action: str, fields: dict):
    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def submit(data):
        if action == "/accounts/password/":
            # Five wrong current passwords lock the account and end the session, by design
            # (tests/frontdesk/test_login_protection.py): each example starts unlocked.
            AccessAttempt.objects.all().delete()
        before = row_counts()
        values = values_for(data, fields)
        if method == "post":
            response = client.post(action, values)
        else:
            response = client.get(action, {k: v for k, v in values.items() if isinstance(v, str)})
        assert response.status_code < 500, f"{method.upper()} {action} {values!r}"
        if method == "post" and response.status_code not in (301, 302, 303):
            assert row_counts() == before, f"refused but saved: {action} {values!r}"
        if role != "anonymous":
            # A hostile login form or a site switch must not leave the session broken.
            assert "_auth_user_id" in client.session, f"logged out by {action}"

    return submit
