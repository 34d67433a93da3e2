"""What a provider said about one message, in the words the sender acts on."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    SENT = "sent"  # the provider took it
    RETRY = "retry"  # transient: try again later (timeout, 5xx, rate limit, garbage reply)
    FAILED = "failed"  # permanent for this message: retrying cannot help
    BROKEN = "broken"  # the robot/account itself is unusable (removed, disabled): stop using it


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    # The provider's own code ("0", "45009", "LimitExceeded.PhoneNumberDailyLimit", "timeout")
    code: str = ""
    # What a supervisor reads, in Chinese (through gettext), with the provider's message kept.
    detail: str = ""
    # For RETRY: at least this many seconds before the next try (45009 says a minute).
    retry_after: int | None = None

    @classmethod
    def sent(cls, code: str = "", detail: str = "") -> Outcome:
        return cls(Verdict.SENT, code, detail)
