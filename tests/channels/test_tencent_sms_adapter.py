"""The Tencent Cloud SMS adapter against a local Tencent Cloud API that checks signatures."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator

import pytest
from django.utils import translation

from frontdesk.channels.adapters.outcome import Verdict
from frontdesk.channels.adapters.tencent_sms import TencentSms, is_mainland_mobile
from frontdesk.channels.fakes.tencent_sms import (
    APP_ID,
    SECRET_ID,
    SECRET_KEY,
    SIGN_NAME,
    TEMPLATE_ID,
    FakeTencentSms,
    running_fake_sms,
)
from tests.channels.sms_fixture import sms_adapter

pytestmark = [
    # The SDK signs with datetime.utcfromtimestamp, deprecated since Python 3.12.
    pytest.mark.filterwarnings("ignore:datetime.datetime.utcfromtimestamp:DeprecationWarning"),
]

PHONE = "13800000001"


@pytest.fixture
def fake_sms() -> Iterator[FakeTencentSms]:
    with running_fake_sms() as server:
        yield server


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def send(adapter: TencentSms, phones: list[str], params: list[str] | None = None):
    return adapter.send(
        phones=phones,
        sign_name=SIGN_NAME,
        template_id=TEMPLATE_ID,
        params=["3栋2单元", "周五停水"] if params is None else params,
    )


def phones(count: int) -> list[str]:
    return [f"139{n:08d}" for n in range(count)]


def test_it_sends_one_signed_request(fake_sms):
    outcomes = send(sms_adapter(fake_sms), [PHONE])

    assert list(outcomes) == [PHONE]
    outcome = outcomes[PHONE]
    assert outcome.verdict == Verdict.SENT
    assert outcome.code == "Ok"
    assert "3369:" in outcome.detail  # the serial number, for support
    assert "流水号" in outcome.detail
    [request] = fake_sms.requests
    assert request.signature_ok
    assert request.secret_id == SECRET_ID
    assert request.headers["X-TC-Action"] == "SendSms"
    assert request.headers["X-TC-Version"] == "2021-01-11"
    assert request.headers["X-TC-Region"] == "ap-guangzhou"
    assert request.headers["Content-Type"] == "application/json"
    assert request.phones == ["+86" + PHONE]
    assert request.app_id == APP_ID
    assert request.sign_name == SIGN_NAME
    assert request.template_id == TEMPLATE_ID
    assert request.params == ["3栋2单元", "周五停水"]
    assert SECRET_KEY.encode() not in request.body


def test_it_sends_200_numbers_in_one_request(fake_sms):
    numbers = phones(200)

    outcomes = send(sms_adapter(fake_sms), numbers)

    assert list(outcomes) == numbers
    assert {outcome.verdict for outcome in outcomes.values()} == {Verdict.SENT}
    assert len({outcome.detail for outcome in outcomes.values()}) == 200  # a serial each
    [request] = fake_sms.requests
    assert request.mobiles == numbers


def test_it_refuses_more_than_200_numbers(fake_sms):
    with pytest.raises(ValueError, match="200"):
        send(sms_adapter(fake_sms), phones(201))

    assert fake_sms.requests == []


def test_it_answers_each_number_by_its_own_code(fake_sms):
    daily, thirty, hourly, blocked, ok = phones(5)
    fake_sms.phone_codes[daily] = "LimitExceeded.PhoneNumberDailyLimit"
    fake_sms.phone_codes[thirty] = "LimitExceeded.PhoneNumberThirtySecondLimit"
    fake_sms.phone_codes[hourly] = "LimitExceeded.PhoneNumberOneHourLimit"
    fake_sms.phone_codes[blocked] = "FailedOperation.PhoneNumberInBlacklist"

    outcomes = send(sms_adapter(fake_sms), [daily, thirty, hourly, blocked, ok])

    assert len(fake_sms.requests) == 1
    assert outcomes[ok].verdict == Verdict.SENT
    assert outcomes[daily].verdict == Verdict.FAILED
    assert outcomes[daily].code == "LimitExceeded.PhoneNumberDailyLimit"
    assert "今天不能再发送" in outcomes[daily].detail
    # The provider's own message is kept for support.
    assert "every day exceeds the upper limit" in outcomes[daily].detail
    assert outcomes[thirty].verdict == Verdict.RETRY
    assert outcomes[thirty].retry_after == 60
    assert outcomes[hourly].verdict == Verdict.RETRY
    assert outcomes[hourly].retry_after == 3600
    assert outcomes[blocked].verdict == Verdict.FAILED
    assert outcomes[blocked].code == "FailedOperation.PhoneNumberInBlacklist"
    assert "黑名单" in outcomes[blocked].detail


def test_it_fails_a_number_on_a_code_it_does_not_know(fake_sms):
    fake_sms.phone_codes[PHONE] = "FailedOperation.SomethingNew"

    outcome = send(sms_adapter(fake_sms), [PHONE])[PHONE]

    assert outcome.verdict == Verdict.FAILED
    assert outcome.code == "FailedOperation.SomethingNew"
    assert "FailedOperation.SomethingNew" in outcome.detail


def test_it_retries_a_number_the_answer_leaves_out(fake_sms):
    missing, ok = phones(2)
    fake_sms.omit_phones.add(missing)

    outcomes = send(sms_adapter(fake_sms), [missing, ok])

    assert outcomes[ok].verdict == Verdict.SENT
    assert outcomes[missing].verdict == Verdict.RETRY
    assert outcomes[missing].code == "missing_status"


def test_it_fails_every_number_when_tencent_refuses_the_credentials(fake_sms):
    fake_sms.script(["auth_error"])
    numbers = phones(3)

    outcomes = send(sms_adapter(fake_sms), numbers)

    assert list(outcomes) == numbers
    for outcome in outcomes.values():
        assert outcome.verdict == Verdict.FAILED
        assert outcome.code == "AuthFailure.SignatureFailure"
        assert "SecretKey" in outcome.detail
        assert "could not be validated" in outcome.detail


def test_it_is_refused_when_signed_with_another_key(fake_sms):
    outcome = send(sms_adapter(fake_sms, secret_key="anotherKey0123456789"), [PHONE])[PHONE]

    assert outcome.verdict == Verdict.FAILED
    assert outcome.code == "AuthFailure.SignatureFailure"
    [request] = fake_sms.requests
    assert not request.signature_ok


def test_it_is_refused_with_an_unknown_secret_id(fake_sms):
    outcome = send(sms_adapter(fake_sms, secret_id="AKIDunknown"), [PHONE])[PHONE]

    assert outcome.verdict == Verdict.FAILED
    assert outcome.code == "AuthFailure.SecretIdNotFound"


def test_it_reads_an_error_whatever_the_content_type_says(fake_sms):
    fake_sms.script(["charset_auth_error"])

    outcome = send(sms_adapter(fake_sms), [PHONE])[PHONE]

    assert outcome.verdict == Verdict.FAILED
    assert outcome.code == "AuthFailure.SignatureFailure"


def test_it_fails_on_an_unapproved_template(fake_sms):
    fake_sms.approved_templates = {"1999999"}

    outcomes = send(sms_adapter(fake_sms), phones(2))

    for outcome in outcomes.values():
        assert outcome.verdict == Verdict.FAILED
        assert outcome.code == "FailedOperation.TemplateIncorrectOrUnapproved"
        assert "模板" in outcome.detail
        assert "template is not approved" in outcome.detail


def test_it_fails_on_an_unapproved_signature(fake_sms):
    fake_sms.approved_signs = {"锦绣物业"}

    outcome = send(sms_adapter(fake_sms), [PHONE])[PHONE]

    assert outcome.verdict == Verdict.FAILED
    assert outcome.code == "FailedOperation.SignatureIncorrectOrUnapproved"
    assert "签名" in outcome.detail


def test_it_fails_on_an_app_id_of_another_account(fake_sms):
    outcome = send(sms_adapter(fake_sms, app_id="1400999999"), [PHONE])[PHONE]

    assert outcome.verdict == Verdict.FAILED
    assert outcome.code == "UnauthorizedOperation.SmsSdkAppIdVerifyFail"


def test_it_fails_on_a_link_in_the_params(fake_sms):
    outcomes = send(sms_adapter(fake_sms), phones(2), ["详见 https://example.com/n/abc"])

    for outcome in outcomes.values():
        assert outcome.verdict == Verdict.FAILED
        assert outcome.code == "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter"
        assert "网址" in outcome.detail


@pytest.mark.parametrize(
    ("script", "code"),
    [
        ("500", "ServerNetworkError"),
        ("garbage", "bad_reply"),
        ("html", "bad_reply"),
        ("no_response", "bad_reply"),
        ("internal_error", "InternalError.Timeout"),
        ("rate_limit", "RequestLimitExceeded"),
    ],
)
def test_it_retries_every_number_when_the_reply_may_pass(fake_sms, script, code):
    fake_sms.script([script])
    numbers = phones(3)

    outcomes = send(sms_adapter(fake_sms), numbers)

    assert list(outcomes) == numbers
    for outcome in outcomes.values():
        assert outcome.verdict == Verdict.RETRY
        assert outcome.code == code
        assert "重试" in outcome.detail
    # The next request is answered normally: nothing sticks in the adapter.
    assert send(sms_adapter(fake_sms), [PHONE])[PHONE].verdict == Verdict.SENT


def test_it_waits_a_minute_after_a_rate_limit(fake_sms):
    fake_sms.script(["rate_limit"])

    assert send(sms_adapter(fake_sms), [PHONE])[PHONE].retry_after == 60


def test_it_retries_when_tencent_answers_too_late(fake_sms):
    fake_sms.script(["timeout"])
    started = time.monotonic()

    outcomes = send(sms_adapter(fake_sms, timeout=1), phones(2))

    assert time.monotonic() - started < fake_sms.slow_seconds
    for outcome in outcomes.values():
        assert outcome.verdict == Verdict.RETRY
        assert outcome.code == "timeout"


def test_it_retries_when_nothing_listens():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    adapter = TencentSms(
        secret_id=SECRET_ID,
        secret_key=SECRET_KEY,
        app_id=APP_ID,
        endpoint=f"127.0.0.1:{port}",
        protocol="http",
        timeout=1,
    )

    outcomes = send(adapter, phones(2))

    for outcome in outcomes.values():
        assert outcome.verdict == Verdict.RETRY
        assert outcome.code == "ClientNetworkError"


def test_it_never_shows_the_secrets(fake_sms, caplog):
    caplog.set_level(logging.DEBUG)
    echo = f"bad credential {SECRET_ID} / {SECRET_KEY}"
    fake_sms.script(
        [
            {"error": "AuthFailure.SecretIdNotFound", "message": echo},
            {"error": "InternalError.OtherError", "message": echo},
            "auth_error",
            "500",
            "garbage",
            "ok",
        ]
    )
    adapter = sms_adapter(fake_sms)
    fake_sms.phone_codes[PHONE] = "FailedOperation.PhoneNumberInBlacklist"

    details = [send(adapter, [PHONE, "13900000001"]) for _ in range(6)]

    shown = [
        f"{outcome.code} {outcome.detail}" for outcomes in details for outcome in outcomes.values()
    ]
    shown += [caplog.text, repr(adapter), str(vars(adapter).get("app_id"))]
    assert "AuthFailure.SecretIdNotFound" in shown[0]  # the secrets were really echoed
    for text in shown:
        assert SECRET_ID not in text
        assert SECRET_KEY not in text


def test_it_sends_nothing_to_landlines(fake_sms):
    landline = "02112345678"

    outcomes = send(sms_adapter(fake_sms), [PHONE, landline])

    assert outcomes[PHONE].verdict == Verdict.SENT
    assert outcomes[landline].verdict == Verdict.FAILED
    assert outcomes[landline].code == "not_mobile"
    assert "手机号码" in outcomes[landline].detail
    [request] = fake_sms.requests
    assert request.mobiles == [PHONE]

    assert send(sms_adapter(fake_sms), [landline])[landline].code == "not_mobile"
    assert len(fake_sms.requests) == 1


def test_it_sends_a_number_given_twice_once(fake_sms):
    outcomes = send(sms_adapter(fake_sms), [PHONE, PHONE])

    assert list(outcomes) == [PHONE]
    [request] = fake_sms.requests
    assert request.mobiles == [PHONE]


def test_it_sends_nothing_for_no_numbers(fake_sms):
    assert send(sms_adapter(fake_sms), []) == {}
    assert fake_sms.requests == []


def test_it_tells_mainland_mobiles():
    assert is_mainland_mobile("13800138000")
    assert is_mainland_mobile("19912345678")
    assert not is_mainland_mobile("12800138000")  # no such mobile prefix
    assert not is_mainland_mobile("02112345678")  # a Shanghai landline
    assert not is_mainland_mobile("1380013800")
    assert not is_mainland_mobile("138001380001")
    assert not is_mainland_mobile("+8613800138000")
    assert not is_mainland_mobile("138 0013 8000")
    assert not is_mainland_mobile("")


def test_it_is_not_configured_without_credentials(settings):
    settings.TENCENT_SMS_SECRET_ID = SECRET_ID
    settings.TENCENT_SMS_SECRET_KEY = ""
    settings.TENCENT_SMS_APP_ID = APP_ID

    assert TencentSms.from_settings() is None


def test_it_reads_its_settings(settings, fake_sms):
    for name, value in fake_sms.settings().items():
        setattr(settings, name, value)

    adapter = TencentSms.from_settings()

    assert adapter is not None
    assert send(adapter, [PHONE])[PHONE].verdict == Verdict.SENT
    assert fake_sms.requests[0].signature_ok
