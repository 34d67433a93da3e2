"""A local Tencent Cloud SMS API (API 3.0, SendSms of 2021-01-11) on 127.0.0.1 for tests.

It answers as Tencent Cloud documents: a POST of JSON to ``/`` with the ``X-TC-Action``,
``X-TC-Version`` and ``X-TC-Timestamp`` headers and a TC3-HMAC-SHA256 ``Authorization``,
which it verifies with its own implementation of the documented algorithm and the known
test secret (so a passing test proves the request was really signed). The reply is
``{"Response": {"SendStatusSet": [...], "RequestId": ...}}`` or
``{"Response": {"Error": {"Code", "Message"}, "RequestId": ...}}``.

Scripting:

- ``server.phone_codes["13800000001"] = "LimitExceeded.PhoneNumberDailyLimit"``: that
  number's ``Code`` in SendStatusSet (the rest get ``Ok``).
- ``server.omit_phones.add("13800000002")``: leave that number out of SendStatusSet.
- ``server.script(["ok", "auth_error", "500", "garbage", "timeout"])``: what the next
  requests get, one entry each, then ``ok`` again. Entries: ``ok``, ``auth_error``,
  ``internal_error``, ``rate_limit``, ``template_unapproved``, ``sign_unapproved``,
  ``500``, ``garbage`` (200 with a body that is not JSON), ``no_response`` (JSON without
  ``Response``), ``html`` (a proxy's HTML page), ``timeout`` (answers after
  ``slow_seconds``), ``charset_auth_error`` (an auth error with ``; charset=utf-8`` in
  its Content-Type), or ``{"error": CODE, "message": TEXT}`` for any request-level error.
- ``server.approved_templates`` / ``server.approved_signs``: when not None, other
  template ids / sign names are refused as Tencent does.

Every request that reaches it is recorded in ``server.requests`` (an `SmsRequest`).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import itertools
import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET_ID = "AKIDfakeTencentSmsTestId0123456789"
SECRET_KEY = "fakeTencentSmsTestKey0123456789abcd"
APP_ID = "1400000001"
SIGN_NAME = "翠湖物业"
TEMPLATE_ID = "2000001"
SERVICE = "sms"
# Tencent refuses a request signed more than five minutes away from its clock.
MAX_CLOCK_SKEW = 300
MAX_PHONES = 200
MAINLAND = re.compile(r"(?:\+86|0086|86)?(1[3-9]\d{9})")
# What Tencent's filter takes for a link in a template parameter.
URL_LIKE = re.compile(
    r"https?://|www\.|\b[a-z0-9-]+\.(?:com|cn|net|org|top|xyz|cc|io)\b", re.IGNORECASE
)

MESSAGES = {
    "Ok": "send success",
    "LimitExceeded.PhoneNumberDailyLimit": "the number of sms messages sent from a single "
    "mobile number every day exceeds the upper limit",
    "LimitExceeded.PhoneNumberThirtySecondLimit": "the number of sms messages sent from a "
    "single mobile number within 30 seconds exceeds the upper limit",
    "LimitExceeded.PhoneNumberOneHourLimit": "the number of sms messages sent from a single "
    "mobile number within 1 hour exceeds the upper limit",
    "LimitExceeded.PhoneNumberSameContentDailyLimit": "the number of sms messages with the "
    "same content sent from a single mobile number every day exceeds the upper limit",
    "FailedOperation.PhoneNumberInBlacklist": "the mobile number is in the blacklist",
    "InvalidParameterValue.IncorrectPhoneNumber": "incorrect phone number",
    "AuthFailure.SignatureFailure": "The provided credentials could not be validated. "
    "Please check your signature is correct.",
    "AuthFailure.SecretIdNotFound": "The SecretId is not found, please ensure that your "
    "SecretId is correct.",
    "AuthFailure.SignatureExpire": "Signature expired. Timestamp and server time cannot "
    "differ by more than 5 minutes.",
    "InternalError.Timeout": "request timed out",
    "RequestLimitExceeded": "Your current request times equals to `21` in a second, which "
    "exceeds the frequency limit `20` for a second. Please reduce the frequency of calls.",
    "FailedOperation.TemplateIncorrectOrUnapproved": "template is not approved or request "
    "content does not match the approved template content",
    "FailedOperation.SignatureIncorrectOrUnapproved": "signature is not approved or "
    "signature format is incorrect",
    "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter": "the template parameter "
    "contains a url, which is prohibited",
    "UnauthorizedOperation.SmsSdkAppIdVerifyFail": "SmsSdkAppId verify fail",
    "LimitExceeded.PhoneNumberCountLimit": "the number of phone numbers in a single request "
    "exceeds the upper limit of 200",
    "MissingParameter.EmptyPhoneNumberSet": "the phone number set is empty",
    "InvalidAction": "The action requested was invalid.",
    "NoSuchVersion": "The requested version does not exist.",
    "FailedOperation.JsonParseFail": "failed to parse the request body as JSON",
}
SCRIPTED_ERRORS = {
    "auth_error": "AuthFailure.SignatureFailure",
    "charset_auth_error": "AuthFailure.SignatureFailure",
    "internal_error": "InternalError.Timeout",
    "rate_limit": "RequestLimitExceeded",
    "template_unapproved": "FailedOperation.TemplateIncorrectOrUnapproved",
    "sign_unapproved": "FailedOperation.SignatureIncorrectOrUnapproved",
}


@dataclass
class SmsRequest:
    """One request as the fake received it."""

    at: float
    headers: dict[str, str]
    body: bytes
    action: str = ""
    version: str = ""
    secret_id: str = ""
    signature_ok: bool = False
    phones: list[str] = field(default_factory=list)  # as sent, "+86…"
    app_id: str = ""
    sign_name: str = ""
    template_id: str = ""
    params: list[str] = field(default_factory=list)

    @property
    def mobiles(self) -> list[str]:
        """The phones as 11 digits."""
        return [phone.removeprefix("+86") for phone in self.phones]


class FakeTencentSms:
    def __init__(
        self,
        *,
        secret_id: str = SECRET_ID,
        secret_key: str = SECRET_KEY,
        app_id: str = APP_ID,
        slow_seconds: float = 2.0,
    ) -> None:
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.app_id = app_id
        self.slow_seconds = slow_seconds
        self.phone_codes: dict[str, str] = {}
        self.omit_phones: set[str] = set()
        self.approved_templates: set[str] | None = None
        self.approved_signs: set[str] | None = None
        self.requests: list[SmsRequest] = []
        self._script: list[str | dict] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._serials = itertools.count(1)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            # A short poll keeps stop() (and so each test) from waiting half a second.
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
        )

    # -- set-up ---------------------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def adapter_kwargs(self, **overrides) -> dict:
        """Keyword arguments for `TencentSms` that point at this fake."""
        kwargs = {
            "secret_id": self.secret_id,
            "secret_key": self.secret_key,
            "app_id": self.app_id,
            "endpoint": self.endpoint,
            "protocol": "http",
        }
        kwargs.update(overrides)
        return kwargs

    def settings(self) -> dict[str, str]:
        """Django settings that make `TencentSms.from_settings()` point at this fake."""
        return {
            "TENCENT_SMS_SECRET_ID": self.secret_id,
            "TENCENT_SMS_SECRET_KEY": self.secret_key,
            "TENCENT_SMS_APP_ID": self.app_id,
            "TENCENT_SMS_REGION": "ap-guangzhou",
            "TENCENT_SMS_ENDPOINT": self.endpoint,
            "TENCENT_SMS_PROTOCOL": "http",
        }

    def script(self, entries: list[str | dict]) -> None:
        with self._lock:
            self._script.extend(entries)

    def start(self) -> FakeTencentSms:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes a reply that is sleeping to time out
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    # -- answering ------------------------------------------------------------------------

    def _next_entry(self) -> str | dict:
        with self._lock:
            return self._script.pop(0) if self._script else "ok"

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status, content_type, reply = fake._answer(self, body)
                # A client that gave up waiting (the timeout script) has closed the socket.
                with contextlib.suppress(OSError):
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(reply)))
                    self.end_headers()
                    self.wfile.write(reply)

            def do_GET(self) -> None:
                self.send_response(405)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args) -> None:
                pass  # keep the test output quiet

        return Handler

    def _answer(self, handler: BaseHTTPRequestHandler, body: bytes) -> tuple[int, str, bytes]:
        headers = dict(handler.headers.items())
        request = SmsRequest(at=time.time(), headers=headers, body=body)
        with self._lock:
            self.requests.append(request)
        entry = self._next_entry()
        if entry == "timeout":
            self._stopping.wait(self.slow_seconds)
            entry = "ok"
        if entry == "500":
            return 500, "text/html", b"<html><body>500 Internal Server Error</body></html>"
        if entry == "garbage":
            return 200, "application/json", b'{"Response": {"SendStatusSet": [ oops'
        if entry == "html":
            return 200, "text/html", b"<html><body>502 Bad Gateway</body></html>"
        if entry == "no_response":
            return 200, "application/json", json.dumps({"RequestId": "x"}).encode()
        if isinstance(entry, dict):
            return self._error(entry["error"], entry.get("message"))
        if entry in SCRIPTED_ERRORS:
            content_type = "application/json"
            if entry == "charset_auth_error":
                content_type = "application/json; charset=utf-8"
            return self._error(SCRIPTED_ERRORS[entry], content_type=content_type)
        return self._send_sms(handler, request, body)

    def _send_sms(
        self, handler: BaseHTTPRequestHandler, request: SmsRequest, body: bytes
    ) -> tuple[int, str, bytes]:
        request.action = handler.headers.get("X-TC-Action", "")
        request.version = handler.headers.get("X-TC-Version", "")
        auth_error = self._check_signature(handler, request, body)
        if auth_error:
            return self._error(auth_error)
        if request.action != "SendSms":
            return self._error("InvalidAction")
        if request.version != "2021-01-11":
            return self._error("NoSuchVersion")
        try:
            data = json.loads(body)
        except ValueError:
            return self._error("FailedOperation.JsonParseFail")
        if not isinstance(data, dict):
            return self._error("FailedOperation.JsonParseFail")
        request.phones = list(data.get("PhoneNumberSet") or [])
        request.app_id = str(data.get("SmsSdkAppId", ""))
        request.sign_name = str(data.get("SignName", ""))
        request.template_id = str(data.get("TemplateId", ""))
        request.params = [str(param) for param in data.get("TemplateParamSet") or []]
        if not request.phones:
            return self._error("MissingParameter.EmptyPhoneNumberSet")
        if len(request.phones) > MAX_PHONES:
            return self._error("LimitExceeded.PhoneNumberCountLimit")
        if request.app_id != self.app_id:
            return self._error("UnauthorizedOperation.SmsSdkAppIdVerifyFail")
        if self.approved_signs is not None and request.sign_name not in self.approved_signs:
            return self._error("FailedOperation.SignatureIncorrectOrUnapproved")
        if (
            self.approved_templates is not None
            and request.template_id not in self.approved_templates
        ):
            return self._error("FailedOperation.TemplateIncorrectOrUnapproved")
        if any(URL_LIKE.search(param) for param in request.params):
            return self._error("InvalidParameterValue.ProhibitedUseUrlInTemplateParameter")
        statuses = []
        for phone in request.phones:
            match = MAINLAND.fullmatch(phone)
            mobile = match.group(1) if match else phone
            if mobile in self.omit_phones:
                continue
            code = self.phone_codes.get(mobile, "Ok")
            if not match:
                code = "InvalidParameterValue.IncorrectPhoneNumber"
            statuses.append(
                {
                    "SerialNo": f"3369:{next(self._serials):032d}" if code == "Ok" else "",
                    "PhoneNumber": "+86" + mobile if match else phone,
                    "Fee": 1 if code == "Ok" else 0,
                    "SessionContext": "",
                    "Code": code,
                    "Message": MESSAGES.get(code, code),
                    "IsoCode": "CN" if match else "DEF",
                }
            )
        return self._reply({"SendStatusSet": statuses})

    def _check_signature(
        self, handler: BaseHTTPRequestHandler, request: SmsRequest, body: bytes
    ) -> str:
        """The error code Tencent would answer about the signature, or "" when it is good."""
        authorization = handler.headers.get("Authorization", "")
        match = re.fullmatch(
            r"TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d{2}-\d{2})/([^/]+)/tc3_request, "
            r"SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})",
            authorization,
        )
        if not match:
            return "AuthFailure.InvalidAuthorization"
        secret_id, date, service, signed_headers, signature = match.groups()
        request.secret_id = secret_id
        if secret_id != self.secret_id:
            return "AuthFailure.SecretIdNotFound"
        try:
            timestamp = int(handler.headers.get("X-TC-Timestamp", ""))
        except ValueError:
            return "AuthFailure.InvalidAuthorization"
        if abs(time.time() - timestamp) > MAX_CLOCK_SKEW:
            return "AuthFailure.SignatureExpire"
        if date != datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d"):
            return "AuthFailure.SignatureFailure"
        if service != SERVICE or "host" not in signed_headers.split(";"):
            return "AuthFailure.SignatureFailure"
        names = signed_headers.split(";")
        canonical_headers = "".join(
            f"{name}:{(handler.headers.get(name) or '').strip().lower()}\n" for name in names
        )
        canonical_request = "\n".join(
            [
                handler.command,
                handler.path.split("?", 1)[0],
                handler.path.split("?", 1)[1] if "?" in handler.path else "",
                canonical_headers,
                signed_headers,
                hashlib.sha256(body).hexdigest(),
            ]
        )
        string_to_sign = "\n".join(
            [
                "TC3-HMAC-SHA256",
                str(timestamp),
                f"{date}/{service}/tc3_request",
                hashlib.sha256(canonical_request.encode()).hexdigest(),
            ]
        )
        key = ("TC3" + self.secret_key).encode()
        for part in (date, service, "tc3_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        expected = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            return "AuthFailure.SignatureFailure"
        request.signature_ok = True
        return ""

    def _error(
        self, code: str, message: str | None = None, content_type: str = "application/json"
    ) -> tuple[int, str, bytes]:
        error = {"Code": code, "Message": MESSAGES.get(code, code) if message is None else message}
        return self._reply({"Error": error}, content_type)

    def _reply(
        self, response: dict, content_type: str = "application/json"
    ) -> tuple[int, str, bytes]:
        response["RequestId"] = str(uuid.uuid4())
        return 200, content_type, json.dumps({"Response": response}).encode()


@contextlib.contextmanager
def running_fake_sms(**kwargs) -> Iterator[FakeTencentSms]:
    server = FakeTencentSms(**kwargs).start()
    try:
        yield server
    finally:
        server.stop()
