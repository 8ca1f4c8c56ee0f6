"""DingTalk fixtures: the loopback fake of the open API and stream gateway, a runtime wired to it."""

from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))  # dingtalk_fake and dingtalk_support live next to this file

from dingtalk_fake import FakeDingTalk  # noqa: E402
from dingtalk_support import NOW, dingtalk_settings  # noqa: E402

from adapters.dingtalk.runtime import DingTalkRuntime  # noqa: E402
from genjin.serve import Runner  # noqa: E402


@pytest.fixture
def fake():
    server = FakeDingTalk().start()
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
    rt = DingTalkRuntime(dingtalk_settings(fake), runner)
    yield rt
    rt.stop()
    rt.close()
