"""A desk of clerks working at once (``make load``; loadtest/run.py starts the server).

Each Locust user is one clerk at the busiest site, logged in through the real login form
as an account of its own (``manage.py load_prepare`` makes them and writes data.json).
The mix is what a clerk does with what exists: type into the lookup (one request per
pause in the typing, as htmx sends them), open house pages, come back to today's desk,
read the request log and the arrears list, and now and then record a request; at
reception, look at who is on site, register visitors and check them out. Each later
area adds its own tasks here.

Every request expects one status (redirects are not followed): anything else, a redirect
to the login page (the session was lost) included, is a failure.
"""

import html
import itertools
import json
import os
import random
import re
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task
from locust.exception import StopUser
from locust.stats import StatsEntry
from urllib3.util.retry import Retry

DATA = json.loads((Path(__file__).parent / "data.json").read_text(encoding="utf-8"))
PASSWORD = os.environ.get("DEMO_PASSWORD", "frontdesk-demo")
# Users are started one by one in one process: each takes the next account.
ACCOUNTS = itertools.cycle(DATA["usernames"])

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# The house box of the inquiry form opened from a house page holds that house's code.
HOUSE_CODE = re.compile(r'name="house" value="([^"]+)"')
# The first purpose offered on the visit form (走亲访友).
PURPOSE = re.compile(r'name="purpose"[^>]*>\s*<option value="(\d+)"')
PASS_URL = re.compile(r"/visitors/visits/(\d+)/pass/")
# The headers htmx sends for the lookup box's results.
PARTIAL = {"HX-Request": "true", "HX-Target": "lookup-results"}
DEBOUNCE = 0.15  # the box's hx-trigger "input changed delay:150ms"
# Where loadtest/run.py wants the final figures (its summary and its verdict).
SUMMARY = os.environ.get("LOAD_SUMMARY")
_run = {}


class Clerk(HttpUser):
    wait_time = between(1, 3)  # a clerk at a desk, with a resident in front of them

    def on_start(self):
        # make load's HTTPS server has a certificate made for the run.
        self.client.verify = False
        # As a browser does (RFC 9112, 9.3.1): a GET sent on a kept-alive connection the
        # server closed at that moment is sent once more, on a new connection, rather than
        # counted as the server's failure. Nothing else is retried: a form post, an error
        # status or a second lost connection still fails the run.
        for adapter in self.client.adapters.values():
            adapter.max_retries = Retry(
                total=1, connect=1, read=1, status=0, other=0, redirect=0,
                allowed_methods={"GET"}, raise_on_status=False,
            )  # fmt: skip
        self.username = next(ACCOUNTS)
        self.visitors_on_site = []  # visits this clerk registered, to check them out later
        form = self.expect("get", "/accounts/login/", "login form")
        token = CSRF.search(form.text) if form.ok else None
        response = self.expect(
            "post",
            "/accounts/login/",
            "login (POST)",
            status=302,
            data={
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "username": self.username,
                "password": PASSWORD,
                "next": "",
            },
        )
        # A refused login answers 200 (wrong password) or 429 (locked); either has been
        # counted as a failure, and a clerk who cannot log in does nothing else.
        if response.status_code != 302:
            raise StopUser()

    def expect(self, method, path, name, status=200, **kwargs):
        """One request, a failure unless it answers ``status``."""
        if method == "post":
            # Over HTTPS, Django's CSRF check also wants the page the form was on.
            kwargs["headers"] = {"Referer": f"{self.host}{path}", **kwargs.get("headers", {})}
        with self.client.request(
            method, path, name=name, allow_redirects=False, catch_response=True, **kwargs
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != status:
                lost = "/accounts/login/" in location
                response.failure(
                    "redirected to login: session lost"
                    if lost
                    else f"HTTP {response.status_code}, expected {status}"
                    + (f" ({type(response.error).__name__})" if response.error else "")
                )
            elif status == 302 and "/accounts/login/" in location:
                response.failure("redirected to login: session lost")
            else:
                response.success()
            return response

    @task(10)
    def lookup(self):
        """Type one term: a request whenever the clerk pauses for the debounce's 150 ms."""
        typed = random.choice(DATA["typings"])
        for i, q in enumerate(typed):
            last = i == len(typed) - 1
            pause = None if last else random.uniform(0.08, 0.4)
            if last or pause >= DEBOUNCE:
                response = self.expect("get", "/residents/", "lookup (htmx)", params={"q": q},
                                       headers=PARTIAL)  # fmt: skip
                if response.ok and "<html" in response.text:
                    response.failure("full page instead of the htmx partial")
            if pause:
                gevent.sleep(pause)

    @task(4)
    def house_page(self):
        self.expect("get", f"/residents/houses/{random.choice(DATA['houses'])}/", "house page")

    @task(3)
    def desk(self):
        self.expect("get", "/", "today's desk")

    @task(2)
    def request_log(self):
        self.expect("get", "/visitors/inquiries/", "request log")

    @task(1)
    def arrears(self):
        self.expect("get", "/residents/arrears/", "arrears list")

    @task(1)
    def record_request(self):
        """Open the form from a house page and save it: the redirect goes to the house."""
        house = random.choice(DATA["houses"])
        back = f"/residents/houses/{house}/"
        form = self.expect(
            "get",
            "/visitors/inquiries/new/",
            "record request form",
            params={"house": house, "next": back},
        )
        token = CSRF.search(form.text) if form.ok else None
        code = HOUSE_CODE.search(form.text) if form.ok else None
        if not (token and code):
            return
        self.expect(
            "post",
            "/visitors/inquiries/new/",
            "record request (POST)",
            status=302,
            data={
                "csrfmiddlewaretoken": token.group(1),
                "next": back,
                "house": html.unescape(code.group(1)),
                "resident": "",
                "asker_name": "",
                "asker_phone": "",
                "channel": "walk_in",
                "question": "（压力测试）本月物业费可以在前台刷卡缴纳吗？",
                "answer": "可以，前台支持刷卡和扫码。",
                "referred_to": "",
            },
        )

    @task(3)
    def on_site(self):
        self.expect("get", "/visitors/", "visitors on site")

    @task(2)
    def register_visitor(self):
        """The visit form, the returning-visitor check as the phone is typed, the house
        picker, and the registration: the redirect goes to the pass."""
        form = self.expect("get", "/visitors/register/", "visit form")
        token = CSRF.search(form.text) if form.ok else None
        purpose = PURPOSE.search(form.text) if form.ok else None
        if not (token and purpose):
            return
        phone = f"139{random.randrange(10**8):08d}"
        self.expect("get", "/visitors/register/returning/", "returning visitor (htmx)",
                    params={"visitor_phone": phone})  # fmt: skip
        self.expect("get", "/visitors/register/houses/", "house picker (htmx)",
                    params={"q": random.choice(DATA["typings"])[-1]})  # fmt: skip
        response = self.expect(
            "post",
            "/visitors/register/",
            "register visitor (POST)",
            status=302,
            data={
                "csrfmiddlewaretoken": token.group(1),
                "visitor_phone": phone,
                "visitor_name": "（压力测试）访客",
                "party_size": "1",
                "purpose": purpose.group(1),
                "house": random.choice(DATA["houses"]),
                "resident": "",
                "plate": "",
                "expected_stay": "60",
                "notes": "",
            },
        )
        registered = PASS_URL.search(response.headers.get("Location", ""))
        if registered:
            self.visitors_on_site.append(registered.group(1))

    @task(2)
    def check_out(self):
        if not self.visitors_on_site:
            return
        page = self.expect("get", "/visitors/", "visitors on site")
        token = CSRF.search(page.text) if page.ok else None
        if not token:
            return
        visit = self.visitors_on_site.pop(0)
        self.expect("post", f"/visitors/visits/{visit}/checkout/", "check out (POST)",
                    status=302, data={"csrfmiddlewaretoken": token.group(1)})  # fmt: skip


@events.init.add_listener
def remember_environment(environment, **kwargs):
    _run["environment"] = environment  # the quit event below is not given it


@events.quit.add_listener
def write_summary(exit_code, **kwargs):
    """The final figures, read after the last request: Locust's --csv files are rewritten
    once a second and so miss the run's last second."""
    if not SUMMARY:
        return
    stats = _run["environment"].stats
    # The fifty logins all come in the first seconds (one password hash each): their own
    # row, and a total without them, so that they do not hide what a clerk waits for.
    pages = StatsEntry(stats, "TOTAL without login", "")
    for entry in stats.entries.values():
        if not entry.name.startswith("login"):
            pages.extend(entry)

    def row(entry, name):
        return {
            "name": name,
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "rps": round(entry.total_rps, 1),
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
        }

    rows = [row(e, e.name) for e in sorted(stats.entries.values(), key=lambda e: e.name)]
    summary = {
        "rows": [*rows, row(pages, pages.name), row(stats.total, "TOTAL")],
        "errors": [
            {"name": e.name, "error": str(e.error), "occurrences": e.occurrences}
            for e in stats.errors.values()
        ],
        "exit_code": exit_code,
    }
    Path(SUMMARY).write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
