"""The `fake_sms` fixture: a local Tencent Cloud SMS API for one test.

Import it into a conftest (``from tests.channels.sms_fixture import fake_sms``) or a test
module. `sms_adapter` builds a `TencentSms` that talks to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from frontdesk.channels.adapters.tencent_sms import TencentSms
from frontdesk.channels.fakes.tencent_sms import FakeTencentSms, running_fake_sms


@pytest.fixture
def fake_sms() -> Iterator[FakeTencentSms]:
    with running_fake_sms() as server:
        yield server


def sms_adapter(server: FakeTencentSms, **overrides) -> TencentSms:
    """A `TencentSms` pointed at `server` (plain HTTP to 127.0.0.1); `overrides` replace
    any constructor argument (timeout=1, secret_key="wrong", …)."""
    return TencentSms(**server.adapter_kwargs(**overrides))
