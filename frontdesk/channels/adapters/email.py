"""Email over SMTP through Django's mail (settings.MAILERS, from the environment)."""

from __future__ import annotations

import smtplib
import socket

from django.core.mail import EmailMessage
from django.utils.translation import gettext as _

from frontdesk.channels.adapters.outcome import Outcome, Verdict


class SmtpEmail:
    def send(self, *, to: str, subject: str, text: str, link: str = "") -> Outcome:
        body = f"{text}\n\n{link}" if link else text
        try:
            # The default mailer: SMTP as settings.MAILERS says (host, port, timeout …).
            EmailMessage(subject, body, to=[to]).send()
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            return _refused(code, reply)
        except smtplib.SMTPResponseException as error:
            return _refused(error.smtp_code, error.smtp_error)
        except (OSError, smtplib.SMTPException) as error:  # refused, timed out, cut off
            code = "timeout" if isinstance(error, socket.timeout) else "connection"
            return Outcome(
                Verdict.RETRY, code, _("The mail server could not be reached: %s") % error
            )
        return Outcome.sent("250")


def _refused(code: int, reply: bytes | str) -> Outcome:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    # 4xx: try again later (greylisting, mailbox busy); 5xx: this will not go through.
    verdict = Verdict.RETRY if 400 <= code < 500 else Verdict.FAILED
    return Outcome(verdict, str(code), _("The mail server refused it: %s") % text)
