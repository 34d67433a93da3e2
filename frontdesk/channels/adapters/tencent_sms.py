"""Tencent Cloud SMS (腾讯云短信) through its official SDK: API 2021-01-11, action ``SendSms``.

What Tencent Cloud documents, and what this adapter does about it:

- One ``SendSms`` takes at most 200 numbers, all mainland or all abroad, in E.164. Mainland
  mobiles are given here as 11 digits and sent as ``+86…``; more than 200 is the caller's
  mistake (it batches) and raises ValueError. A number that is not a mainland mobile is
  not sent and gets its own FAILED, so one landline cannot sink the rest of the batch.
- The request is signed with TC3-HMAC-SHA256 by the SDK and sent as JSON. The answer is
  ``{"Response": {...}}``: either ``Error`` (the whole request was refused) or
  ``SendStatusSet``, one ``Code`` per number (``Ok`` or why not). Each number gets its own
  `Outcome`; a number the answer does not mention is RETRY.
- A refused request (bad credentials, unapproved template or signature, a link in a
  template parameter, …) gives every number the same FAILED; anything that may pass
  (Tencent's internal errors, rate limits, timeouts, no connection, HTTP errors, a reply
  that is not Tencent's JSON) gives every number RETRY. `send` never raises for a provider
  problem.
- The SecretKey signs and is never sent, logged or put in an `Outcome`; the SecretId is
  never logged nor put in an `Outcome` either, and both are cut out of any provider or
  network message that is kept.

The SDK's own ``_check_error`` only reads ``Response.Error`` when the reply's Content-Type
is exactly ``application/json``; the raw JSON (``call_json``) is read here, so an error
behind a proxy that adds ``; charset=utf-8`` is still seen as the error it is.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from django.conf import settings
from django.utils.translation import gettext as _
from tencentcloud.common.abstract_client import LOGGER_NAME as SDK_LOGGER_NAME
from tencentcloud.common.credential import Credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
    TencentCloudSDKException,
)
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models
from tencentcloud.sms.v20210111.sms_client import SmsClient

from frontdesk.channels.adapters.outcome import Outcome, Verdict

logger = logging.getLogger(__name__)
# The SDK logs only at DEBUG, and what it logs is every request and reply whole: the
# Authorization header (SecretId), the phone numbers and any message echoing a secret.
# Nothing it says is needed here, whatever level the rest of the project logs at.
logging.getLogger(SDK_LOGGER_NAME).setLevel(logging.INFO)

DEFAULT_REGION = "ap-guangzhou"
DEFAULT_ENDPOINT = "sms.tencentcloudapi.com"
DEFAULT_TIMEOUT = 10
MAX_PHONES = 200
MAINLAND_MOBILE = re.compile(r"1[3-9]\d{9}")
# Enough of a provider message for a supervisor to quote to support; no more.
MESSAGE_MAX_CHARS = 300

OK = "Ok"
MISSING_STATUS = "missing_status"
NOT_MOBILE = "not_mobile"
TIMEOUT = "timeout"
NETWORK_ERROR = "ClientNetworkError"
HTTP_ERROR = "ServerNetworkError"
BAD_REPLY = "bad_reply"
# Codes of this adapter or the SDK, not Tencent's answer: their details do not quote Tencent.
LOCAL_CODES = frozenset({MISSING_STATUS, NOT_MOBILE, TIMEOUT, NETWORK_ERROR, HTTP_ERROR, BAD_REPLY})

# code -> (verdict, seconds before the next try). Codes Tencent answers per number in
# SendStatusSet and for a whole request share one table: the same code means the same.
VERDICTS: dict[str, tuple[Verdict, int | None]] = {
    "LimitExceeded.PhoneNumberThirtySecondLimit": (Verdict.RETRY, 60),
    "LimitExceeded.PhoneNumberOneHourLimit": (Verdict.RETRY, 3600),
    "LimitExceeded.PhoneNumberDailyLimit": (Verdict.FAILED, None),
    "LimitExceeded.PhoneNumberSameContentDailyLimit": (Verdict.FAILED, None),
    "LimitExceeded.DeliveryFrequencyLimit": (Verdict.RETRY, 3600),
    "LimitExceeded.GlobalSmsSendingRateLimit": (Verdict.RETRY, 60),
    # Signature problems dressed as internal errors: retrying signs the same way again.
    "InternalError.SigVerificationFail": (Verdict.FAILED, None),
    "InternalError.SigFieldMissing": (Verdict.FAILED, None),
    MISSING_STATUS: (Verdict.RETRY, None),
    TIMEOUT: (Verdict.RETRY, None),
    NETWORK_ERROR: (Verdict.RETRY, None),
    HTTP_ERROR: (Verdict.RETRY, None),
    BAD_REPLY: (Verdict.RETRY, None),
}
# Families of codes that may pass on a later try; every other code is FAILED.
RETRY_PREFIXES: dict[str, int | None] = {
    "InternalError": None,
    "RequestLimitExceeded": 60,
    "ServiceUnavailable": None,
}


def is_mainland_mobile(phone: str) -> bool:
    """An 11-digit mainland China mobile number (1[3-9]…), the only kind sent here."""
    return bool(MAINLAND_MOBILE.fullmatch(phone))


def verdict_of(code: str) -> tuple[Verdict, int | None]:
    if code == OK:
        return Verdict.SENT, None
    if code in VERDICTS:
        return VERDICTS[code]
    family = code.split(".", 1)[0]
    if family in RETRY_PREFIXES:
        return Verdict.RETRY, RETRY_PREFIXES[family]
    return Verdict.FAILED, None


def meaning_of(code: str) -> str:
    """What the code means for a supervisor, and what to do about it."""
    meanings = {
        "LimitExceeded.PhoneNumberThirtySecondLimit": _(
            "This number received an SMS less than 30 seconds ago; it will be tried again "
            "in a minute."
        ),
        "LimitExceeded.PhoneNumberOneHourLimit": _(
            "This number has had as many SMS this hour as Tencent Cloud allows; it will be "
            "tried again in an hour."
        ),
        "LimitExceeded.PhoneNumberDailyLimit": _(
            "This number has had as many SMS today as Tencent Cloud allows; it cannot be "
            "sent again today."
        ),
        "LimitExceeded.PhoneNumberSameContentDailyLimit": _(
            "This number has already had this same text too many times today; it cannot be "
            "sent again today."
        ),
        "FailedOperation.TemplateIncorrectOrUnapproved": _(
            "The SMS template is wrong or not approved: check the template ID and the "
            "signature of the SMS channel in admin against the Tencent Cloud console."
        ),
        "FailedOperation.SignatureIncorrectOrUnapproved": _(
            "The SMS signature is wrong or not approved: check the signature of the SMS "
            "channel in admin against the approved signatures in the Tencent Cloud console."
        ),
        "InvalidParameterValue.TemplateParameterFormatError": _(
            "A template parameter does not fit its variable in the approved template: "
            "check the text of the message."
        ),
        "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter": _(
            "A template parameter contains a web address, which Tencent Cloud refuses: "
            "remove the link from the text."
        ),
        "InvalidParameterValue.IncorrectPhoneNumber": _(
            "Tencent Cloud says the phone number is not valid: check the resident's number."
        ),
        "FailedOperation.PhoneNumberInBlacklist": _(
            "This number is on Tencent Cloud's block list (its owner unsubscribed or "
            "complained); it cannot receive SMS."
        ),
        "UnauthorizedOperation.SmsSdkAppIdVerifyFail": _(
            "The SMS application ID (SmsSdkAppId) does not belong to this Tencent Cloud "
            "account: check the SMS settings."
        ),
        "FailedOperation.InsufficientBalanceInSmsPackage": _(
            "The SMS package is used up: buy or top up an SMS package in the Tencent Cloud console."
        ),
        "FailedOperation.ContainSensitiveWord": _(
            "The text contains words Tencent Cloud does not allow: change the wording."
        ),
        "UnauthorizedOperation.ServiceSuspendDueToArrears": _(
            "The Tencent Cloud account is in arrears and its SMS service is suspended: pay "
            "the account."
        ),
        MISSING_STATUS: _(
            "Tencent Cloud's answer said nothing about this number; it will be tried again."
        ),
        NOT_MOBILE: _("Not a mainland China mobile number, so no SMS can be sent to it."),
        TIMEOUT: _("Tencent Cloud SMS did not answer in time; it will be tried again."),
        NETWORK_ERROR: _("Could not connect to Tencent Cloud SMS; it will be tried again."),
        HTTP_ERROR: _("Tencent Cloud SMS answered with an HTTP error; it will be tried again."),
        BAD_REPLY: _(
            "Tencent Cloud SMS gave an answer that could not be understood; it will be tried again."
        ),
    }
    if code in meanings:
        return meanings[code]
    family = code.split(".", 1)[0]
    if family == "AuthFailure" or code.startswith("InternalError.Sig"):
        return _(
            "Tencent Cloud refused the credentials: check the SMS SecretId and SecretKey settings."
        )
    if family == "UnauthorizedOperation":
        return _(
            "Tencent Cloud does not allow this account to send this SMS: check the account "
            "and the SMS application in the Tencent Cloud console."
        )
    if family == "RequestLimitExceeded" or code == "LimitExceeded.GlobalSmsSendingRateLimit":
        return _("Too many requests to Tencent Cloud at once; it will be tried again shortly.")
    if family in RETRY_PREFIXES:
        return _("Tencent Cloud SMS had an internal error; it will be tried again.")
    return _("Tencent Cloud SMS refused this message.")


class TencentSms:
    """Sends one template to up to 200 mainland mobiles per call, answering per number."""

    def __init__(
        self,
        *,
        secret_id: str,
        secret_key: str,
        app_id: str,
        region: str = DEFAULT_REGION,
        endpoint: str = DEFAULT_ENDPOINT,
        protocol: str = "https",
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        if protocol not in ("https", "http"):
            raise ValueError("protocol must be https or http")
        for name, value in (("secret_id", secret_id), ("secret_key", secret_key)):
            if not value or value.strip() != value:
                raise ValueError(f"{name} must be set, without spaces")
        if not app_id:
            raise ValueError("app_id must be set")
        self.app_id = str(app_id)
        self.region = region
        self.endpoint = endpoint
        self.protocol = protocol
        self.timeout = timeout
        # Kept only to cut them out of messages; the SDK keeps its own copy to sign with.
        self._secrets = (secret_id, secret_key)
        profile = ClientProfile(
            httpProfile=HttpProfile(
                protocol=protocol, endpoint=endpoint, reqMethod="POST", reqTimeout=timeout
            )
        )
        self._client = SmsClient(Credential(secret_id, secret_key), region, profile)

    @classmethod
    def from_settings(cls) -> TencentSms | None:
        """The configured account, or None when SMS is not configured."""
        secret_id = getattr(settings, "TENCENT_SMS_SECRET_ID", "") or ""
        secret_key = getattr(settings, "TENCENT_SMS_SECRET_KEY", "") or ""
        app_id = getattr(settings, "TENCENT_SMS_APP_ID", "") or ""
        if not (secret_id and secret_key and app_id):
            return None
        return cls(
            secret_id=secret_id,
            secret_key=secret_key,
            app_id=app_id,
            region=getattr(settings, "TENCENT_SMS_REGION", "") or DEFAULT_REGION,
            endpoint=getattr(settings, "TENCENT_SMS_ENDPOINT", "") or DEFAULT_ENDPOINT,
            protocol=getattr(settings, "TENCENT_SMS_PROTOCOL", "") or "https",
            timeout=getattr(settings, "TENCENT_SMS_TIMEOUT", None) or DEFAULT_TIMEOUT,
        )

    def __repr__(self) -> str:
        return f"TencentSms(app_id={self.app_id!r}, endpoint={self.endpoint!r})"

    def send(
        self, *, phones: Sequence[str], sign_name: str, template_id: str, params: Sequence[str]
    ) -> dict[str, Outcome]:
        """Send the template with `params` to `phones` (11 digits each) in one request.

        Answers one `Outcome` per phone, keyed by the phone as given (a phone given twice
        is sent once)."""
        if isinstance(phones, str):
            raise TypeError("phones must be a list of phone numbers")
        if len(phones) > MAX_PHONES:
            raise ValueError(f"at most {MAX_PHONES} phones per request, got {len(phones)}")
        outcomes: dict[str, Outcome] = {}
        mobiles: list[str] = []
        for phone in dict.fromkeys(phones):
            if is_mainland_mobile(phone):
                mobiles.append(phone)
            else:
                outcomes[phone] = self._outcome(NOT_MOBILE)
        if not mobiles:
            return outcomes

        request = models.SendSmsRequest()
        request.PhoneNumberSet = ["+86" + phone for phone in mobiles]
        request.SmsSdkAppId = self.app_id
        request.SignName = sign_name
        request.TemplateId = str(template_id)
        request.TemplateParamSet = [str(param) for param in params]
        statuses = self._call(request._serialize())
        if isinstance(statuses, Outcome):
            outcomes.update(dict.fromkeys(mobiles, statuses))
            return outcomes
        for phone in mobiles:
            status = statuses.get(phone)
            if status is None:
                logger.warning("Tencent SMS: no status for one number of %s", len(mobiles))
                outcomes[phone] = self._outcome(MISSING_STATUS)
            else:
                outcomes[phone] = self._status_outcome(status)
        return outcomes

    def _call(self, params: dict) -> dict[str, dict] | Outcome:
        """Each number's status by its 11 digits, or one Outcome for the whole request."""
        try:
            answer = self._client.call_json("SendSms", params)
        except TencentCloudSDKException as error:
            return self._request_error(error)
        except (ValueError, KeyError, TypeError) as error:
            # call_json lets through what it met reading the reply: not JSON, no Response.
            logger.warning("Tencent SMS: unreadable reply (%s)", type(error).__name__)
            return self._outcome(BAD_REPLY, type(error).__name__)
        response = answer.get("Response") if isinstance(answer, dict) else None
        if not isinstance(response, dict):
            logger.warning("Tencent SMS: reply without a Response")
            return self._outcome(BAD_REPLY)
        request_id = str(response.get("RequestId", ""))
        error = response.get("Error")
        if error is not None:
            if not isinstance(error, dict) or not error.get("Code"):
                return self._outcome(BAD_REPLY)
            return self._refused(str(error["Code"]), str(error.get("Message", "")), request_id)
        status_set = response.get("SendStatusSet")
        if not isinstance(status_set, list) or not all(isinstance(s, dict) for s in status_set):
            logger.warning("Tencent SMS: reply without a SendStatusSet (%s)", request_id)
            return self._outcome(BAD_REPLY)
        statuses = {}
        for status in status_set:
            number = str(status.get("PhoneNumber", ""))
            # Tencent answers "+86…" for a mainland number, whichever form it was sent in.
            for prefix in ("+86", "0086", "86"):
                if number.startswith(prefix) and len(number) == len(prefix) + 11:
                    number = number.removeprefix(prefix)
                    break
            statuses[number] = status
        return statuses

    def _request_error(self, error: TencentCloudSDKException) -> Outcome:
        code = str(error.code or "")
        message = self._clean(error.message)
        if code == NETWORK_ERROR:
            if "timed out" in message.lower():
                logger.warning("Tencent SMS: no answer within %ss", self.timeout)
                return self._outcome(TIMEOUT)
            logger.warning("Tencent SMS: could not connect to %s", self.endpoint)
            return self._outcome(NETWORK_ERROR, message)
        if code == HTTP_ERROR:
            # The message is the body of the HTTP error page: not worth keeping.
            logger.warning("Tencent SMS: HTTP error from %s", self.endpoint)
            return self._outcome(HTTP_ERROR)
        if not code:
            return self._outcome(BAD_REPLY, message)
        return self._refused(code, message, str(error.requestId or ""))

    def _refused(self, code: str, message: str, request_id: str) -> Outcome:
        message = self._clean(message)
        logger.warning("Tencent SMS: request refused: %s %s (%s)", code, message, request_id)
        return self._outcome(code, message)

    def _status_outcome(self, status: dict) -> Outcome:
        code = str(status.get("Code", "")) or BAD_REPLY
        if code == OK:
            serial = self._clean(status.get("SerialNo", ""))
            return Outcome.sent(
                OK,
                _("Accepted by Tencent Cloud SMS (serial number %(serial)s).") % {"serial": serial},
            )
        return self._outcome(code, self._clean(status.get("Message", "")))

    def _outcome(self, code: str, message: str = "") -> Outcome:
        verdict, retry_after = verdict_of(code)
        facts = {"meaning": meaning_of(code), "code": code, "message": message}
        if code in LOCAL_CODES:
            detail = (
                _("%(meaning)s (details: %(message)s)") % facts if message else facts["meaning"]
            )
        elif message:
            detail = _("%(meaning)s (Tencent Cloud: %(code)s %(message)s)") % facts
        else:
            detail = _("%(meaning)s (Tencent Cloud: %(code)s)") % facts
        return Outcome(verdict, code, detail, retry_after)

    def _clean(self, message: object) -> str:
        if isinstance(message, bytes):
            message = message.decode("utf-8", "replace")
        text = " ".join(str(message or "").split())
        for secret in self._secrets:
            text = text.replace(secret, "***")
        if len(text) > MESSAGE_MAX_CHARS:
            text = text[: MESSAGE_MAX_CHARS - 1] + "…"
        return text
