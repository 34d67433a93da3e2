"""The WeCom group robot (企业微信群机器人): one POST of JSON to its webhook per message.

What WeCom documents, and what this adapter does about it:

- The webhook is ``https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY``. The key is
  the robot's only credential: whoever has it can post to the group, so it is never logged
  and never put in an `Outcome` (nor is the provider's errmsg, if it ever echoes the key).
- A ``markdown`` message holds at most 4,096 bytes of UTF-8, a ``text`` message 2,048.
  Longer content is cut here, at a character boundary, with "…", keeping the link to the
  full page whole at the end, so the group always gets the message and a way to read all
  of it rather than a refusal (WeCom answers 40058 to content over the limit).
- Markdown cannot @ anyone by mobile number (only ``text`` has ``mentioned_mobile_list``),
  so a message that mentions mobiles is sent as text even when markdown is asked for.
  Markdown is also not shown to members on personal WeChat, which is why text exists.
- Each robot takes at most 20 messages a minute and answers 45009 beyond that. Keeping to
  the limit is the sender's job (it knows every message queued for a robot); here 45009
  only becomes a RETRY not before a minute.
- 93000 (webhook invalid or robot removed), 93004 (robot disabled) and 93008 (robot not in
  the group) mean the robot itself is gone: BROKEN, with what the supervisor should do.
- Anything that may pass (timeout, no connection, HTTP 5xx, a reply that is not WeCom's
  JSON) is RETRY; anything that cannot (other errcodes, other HTTP 4xx) is FAILED.
  `send` never raises for a provider problem.

Markdown is kept simple rather than escaped: WeCom's markdown has no reliable escape
character. The subject is put on one line and its asterisks replaced by the full-width
"＊" so that it cannot end the bold early; the link stands on its own last line and its
parentheses, brackets and spaces are percent-encoded so that nothing in it ends the link.
The text is sent as it is: whatever markdown it holds shapes only itself.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from urllib.parse import quote

import requests
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from frontdesk.channels.adapters.outcome import Outcome, Verdict

logger = logging.getLogger(__name__)

DEFAULT_URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"
MARKDOWN_MAX_BYTES = 4096
TEXT_MAX_BYTES = 2048
ELLIPSIS = "…"
# WeCom's 45009 says "try again in a minute": its window is a minute per robot.
RATE_LIMITED_RETRY_AFTER = 60
RATE_LIMITED = 45009
ROBOT_GONE = (93000, 93004, 93008)
# Enough of a provider message for a supervisor to quote to support; no more.
ERRMSG_MAX_CHARS = 300
# Characters a URL may keep as they are; "()[]" and spaces are encoded so that they cannot
# end the markdown link early (and spaces would end a plain-text link too).
URL_SAFE = ":/?#@!$&'*+,;=%~-._"


class WeComRobot:
    def __init__(self, base_url: str | None = None, timeout: float = 5) -> None:
        self.base_url = base_url or getattr(settings, "WECOM_ROBOT_URL", DEFAULT_URL)
        self.timeout = timeout

    def send(
        self,
        key: str,
        *,
        subject: str,
        text: str,
        link: str = "",
        markdown: bool = True,
        mentioned_mobiles: Sequence[str] = (),
    ) -> Outcome:
        """Post one message to the group of the robot whose webhook key is `key`."""
        mobiles = [str(mobile) for mobile in mentioned_mobiles]
        subject, text, link = (utf8(value) for value in (subject, text, link))
        if markdown and not mobiles:
            payload = {
                "msgtype": "markdown",
                "markdown": {"content": markdown_content(subject, text, link)},
            }
        else:
            body = {"content": text_content(subject, text, link)}
            if mobiles:
                body["mentioned_mobile_list"] = mobiles
            payload = {"msgtype": "text", "text": body}
        try:
            reply = requests.post(
                self.base_url,
                params={"key": key},
                json=payload,
                timeout=self.timeout,
                # A redirect would carry the key wherever it points.
                allow_redirects=False,
            )
        except requests.Timeout:
            logger.warning("WeCom robot: no answer within %ss", self.timeout)
            return Outcome(
                Verdict.RETRY,
                "timeout",
                _("WeCom did not answer within %(seconds)s seconds; it will be tried again.")
                % {"seconds": self.timeout},
            )
        except requests.RequestException as error:
            # The exception's text holds the URL, key included: only its type is kept.
            logger.warning("WeCom robot: %s", type(error).__name__)
            return Outcome(
                Verdict.RETRY,
                "connection",
                _("Could not connect to WeCom (%(error)s); it will be tried again.")
                % {"error": type(error).__name__},
            )
        return outcome_of(reply, key)


def outcome_of(reply: requests.Response, key: str) -> Outcome:
    status = reply.status_code
    if status == 429 or status >= 500 or 300 <= status < 400:
        logger.warning("WeCom robot: HTTP %s", status)
        return Outcome(
            Verdict.RETRY,
            f"http_{status}",
            _("WeCom answered with HTTP %(status)s; it will be tried again.") % {"status": status},
        )
    if status >= 400:
        logger.warning("WeCom robot: HTTP %s", status)
        return Outcome(
            Verdict.FAILED,
            f"http_{status}",
            _("WeCom answered with HTTP %(status)s; the message was not sent.")
            % {"status": status},
        )
    try:
        answer = reply.json()
        errcode = int(answer["errcode"])
    except (ValueError, TypeError, KeyError):
        logger.warning("WeCom robot: a reply that is not WeCom's JSON (HTTP %s)", status)
        return Outcome(
            Verdict.RETRY,
            "bad_reply",
            _("WeCom's reply could not be understood; it will be tried again."),
        )
    if errcode == 0:
        return Outcome.sent("0")
    errmsg = clean_errmsg(answer.get("errmsg"), key)
    logger.warning("WeCom robot: errcode %s %s", errcode, errmsg)
    facts = {"code": errcode, "errmsg": errmsg}
    if errcode == RATE_LIMITED:
        return Outcome(
            Verdict.RETRY,
            str(errcode),
            _(
                "WeCom is limiting this robot (more than 20 messages a minute); it will be "
                "tried again in a minute. WeCom said: %(errmsg)s"
            )
            % facts,
            retry_after=RATE_LIMITED_RETRY_AFTER,
        )
    if errcode == 93000:
        detail = _(
            "The robot's webhook address is invalid or the robot has been removed from the "
            "group. Add a robot to the group again and enter its new webhook key in the "
            "channel settings. WeCom said: %(errmsg)s"
        )
    elif errcode == 93004:
        detail = _(
            "The robot has been disabled. Ask the group owner or the WeCom administrator to "
            "enable it again, or add a new robot and enter its webhook key in the channel "
            "settings. WeCom said: %(errmsg)s"
        )
    elif errcode == 93008:
        detail = _(
            "The robot is no longer in the group. Add the robot to the group again, or add a "
            "new robot and enter its webhook key in the channel settings. WeCom said: "
            "%(errmsg)s"
        )
    else:
        return Outcome(
            Verdict.FAILED,
            str(errcode),
            _("WeCom refused the message (error %(code)s): %(errmsg)s") % facts,
        )
    return Outcome(Verdict.BROKEN, str(errcode), detail % facts)


def clean_errmsg(errmsg: object, key: str) -> str:
    text = str(errmsg or "").strip()
    if key:
        # Before the cut, which could otherwise leave half the key unrecognised.
        text = text.replace(key, "***")
    return text[:ERRMSG_MAX_CHARS]


def markdown_content(subject: str, text: str, link: str) -> str:
    """`**subject**`, the text, and `[View details](link)` on its own last line."""
    subject = " ".join(subject.split()).replace("*", "＊")
    head = "\n".join(part for part in (f"**{subject}**" if subject else "", text) if part)
    tail = f"\n[{pgettext('wecom', 'View details')}]({quote(link, safe=URL_SAFE)})" if link else ""
    return fit(head, tail, MARKDOWN_MAX_BYTES)


def text_content(subject: str, text: str, link: str) -> str:
    """The subject, the text, and `View details: link` on its own last line."""
    subject = " ".join(subject.split())
    head = "\n".join(part for part in (subject, text) if part)
    tail = ""
    if link:
        tail = "\n" + pgettext("wecom", "View details: %(link)s") % {
            "link": quote(link, safe=URL_SAFE)
        }
    return fit(head, tail, TEXT_MAX_BYTES)


def fit(head: str, tail: str, max_bytes: int) -> str:
    """`head + tail` within `max_bytes` of UTF-8: the head is cut with "…", the tail (the
    link) is kept whole. A tail that cannot fit at all is left off rather than cut."""
    if len((head + tail).encode()) <= max_bytes:
        return head + tail
    room = max_bytes - len(tail.encode()) - len(ELLIPSIS.encode())
    if room < 0:
        return fit(head, "", max_bytes)
    return cut_utf8(head, room) + ELLIPSIS + tail


def utf8(value: str) -> str:
    """`value` as UTF-8 can carry it: a lone surrogate (which no encoder takes) becomes "?"."""
    return value.encode(errors="replace").decode()


def cut_utf8(text: str, max_bytes: int) -> str:
    """The longest start of `text` within `max_bytes` of UTF-8, never half a character."""
    # A cut inside a character leaves an incomplete sequence at the end; "ignore" drops it.
    return text.encode()[:max_bytes].decode(errors="ignore")
