"""Email over SMTP, against a real SMTP server (aiosmtpd) on 127.0.0.1 started here."""

import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from frontdesk.channels import backends, sending
from frontdesk.channels.adapters.email import SmtpEmail
from frontdesk.channels.adapters.outcome import Verdict
from frontdesk.channels.models import Delivery
from frontdesk.channels.recipients import Message, Staff
from frontdesk.channels.services.messages import message_send
from tests.factories import make_site, make_user


class Mailbox:
    """Takes every message, unless told to answer a recipient with an SMTP error."""

    def __init__(self) -> None:
        self.messages: list[Envelope] = []
        self.refuse: dict[str, str] = {}  # address → "550 …" / "451 …"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    # The tests' mailer is Django's in-memory one: SMTP to this server instead.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 1},
        }
    }
    settings.CHANNELS_EMAIL = True
    yield mailbox
    controller.stop()


def test_it_sends_a_message(smtp):
    outcome = SmtpEmail().send(
        to="wang@example.com", subject="新的转办", text="3栋2单元1201 漏水", link="https://desk/x"
    )

    assert outcome.verdict == Verdict.SENT
    [envelope] = smtp.messages
    assert envelope.rcpt_tos == ["wang@example.com"]
    body = envelope.content.decode()
    assert "https://desk/x" in body and "Subject:" in body


@pytest.mark.parametrize(
    ("reply", "verdict"),
    [("550 5.1.1 No such user", Verdict.FAILED), ("451 4.3.0 Try later", Verdict.RETRY)],
)
def test_it_reads_the_servers_refusal(smtp, reply, verdict):
    smtp.refuse["gone@example.com"] = reply

    outcome = SmtpEmail().send(to="gone@example.com", subject="s", text="t")

    assert outcome.verdict == verdict and outcome.code == reply[:3]
    assert reply[4:] in outcome.detail and smtp.messages == []


def test_it_retries_when_no_server_answers(settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 1},
        }
    }

    outcome = SmtpEmail().send(to="a@example.com", subject="s", text="t")

    assert outcome.verdict == Verdict.RETRY and outcome.code == "connection"
    assert "无法连接邮件服务器" in outcome.detail


@pytest.mark.django_db
def test_staff_with_an_address_get_it_by_email_too(smtp):
    site = make_site()
    user = make_user(site)
    user.email = "clerk@example.com"
    user.save()

    message_send(site=site, recipients=[Staff(user)], message=Message("test", "交接", "夜班交接"))
    sending.send_due()

    email = Delivery.objects.get(channel=Delivery.Channel.EMAIL)
    assert email.state == Delivery.State.SENT and email.backend == "smtp"
    assert Delivery.objects.get(channel=Delivery.Channel.INBOX).state == Delivery.State.SENT
    assert [e.rcpt_tos for e in smtp.messages] == [["clerk@example.com"]]


@pytest.mark.django_db
def test_without_a_mail_server_staff_get_the_inbox_only(settings):
    settings.CHANNELS_EMAIL = False
    site = make_site()
    user = make_user(site)
    user.email = "clerk@example.com"
    user.save()

    message_send(site=site, recipients=[Staff(user)], message=Message("test", "交接", "夜班交接"))

    assert list(Delivery.objects.values_list("channel", flat=True)) == ["inbox"]
    assert not backends.email_configured()
