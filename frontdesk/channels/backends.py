"""Which adapter each channel uses here: the real provider where one is configured
(settings, from the environment), else the log channel under DEBUG, else none."""

from __future__ import annotations

from django.conf import settings

from frontdesk.channels.adapters.email import SmtpEmail
from frontdesk.channels.adapters.log import LogEmail, LogRobot, LogSms
from frontdesk.channels.adapters.tencent_sms import TencentSms
from frontdesk.channels.adapters.wecom import WeComRobot


def robot_sender() -> WeComRobot | LogRobot:
    url = settings.WECOM_ROBOT_URL
    return WeComRobot(base_url=url) if url else LogRobot()


def sms_sender() -> TencentSms | LogSms | None:
    real = TencentSms.from_settings()
    if real is not None:
        return real
    return LogSms() if settings.DEBUG else None


def sms_configured() -> bool:
    return settings.DEBUG or TencentSms.from_settings() is not None


def email_configured() -> bool:
    return bool(settings.DEBUG or settings.CHANNELS_EMAIL)


def email_sender() -> SmtpEmail | LogEmail:
    return SmtpEmail() if settings.CHANNELS_EMAIL else LogEmail()
