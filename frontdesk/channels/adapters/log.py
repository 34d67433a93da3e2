"""The log channel: development and the demo write what would have been sent, and send
nothing (frontdesk.channels.backends chooses it where no provider is configured)."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from frontdesk.channels.adapters.outcome import Outcome

logger = logging.getLogger("frontdesk.channels.log")


def _written() -> Outcome:
    return Outcome.sent("log", _("Written to the log only: no provider is configured."))


class LogRobot:
    def send(self, key: str, *, subject: str, text: str, link: str = "", **kwargs) -> Outcome:
        logger.info("group robot ****%s: %s | %s | %s", key[-4:], subject, text, link)
        return _written()


class LogSms:
    def send(
        self, *, phones: list[str], sign_name: str, template_id: str, params: list[str]
    ) -> dict[str, Outcome]:
        logger.info("SMS %s 【%s】 %s to %d numbers", template_id, sign_name, params, len(phones))
        return {phone: _written() for phone in phones}


class LogEmail:
    def send(self, *, to: str, subject: str, text: str, link: str = "") -> Outcome:
        logger.info("email to %s: %s | %s | %s", to, subject, text, link)
        return _written()
