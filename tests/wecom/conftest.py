"""WeCom fixtures: the loopback fake of the qyapi server API, a runtime wired to it."""

from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))  # wecom_fake and wecom_support live next to this file

from wecom_fake import FakeWeCom  # noqa: E402
from wecom_support import NOW, wecom_settings  # noqa: E402

from adapters.wecom.runtime import WeComRuntime  # noqa: E402
from genjin.serve import Runner  # noqa: E402


@pytest.fixture
def fake():
    server = FakeWeCom().start()
    yield server
    server.stop()


@pytest.fixture
def runner(app):
    """The real Runner, its workers not started: tests process stored rows with drain()."""
    r = Runner(app, clock=lambda: NOW)
    yield r
    r.stop()


@pytest.fixture
def runtime(runner, fake):
    rt = WeComRuntime(wecom_settings(fake), runner)
    yield rt
    rt.stop()
    rt.close()
