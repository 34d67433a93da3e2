"""Fixtures of the channels tests: local servers standing in for the providers."""

import pytest

from frontdesk.channels.fakes.wecom import FakeWeCom


@pytest.fixture
def fake_wecom():
    """A WeCom robot webhook on 127.0.0.1; `.url` is the base_url to send to."""
    server = FakeWeCom().start()
    yield server
    server.stop()
