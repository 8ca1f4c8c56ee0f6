"""Feishu fixtures: the loopback fake platform and a runtime wired to it."""

from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))  # feishu_fake and feishu_support live next to this file

from feishu_fake import FakeFeishu  # noqa: E402
from feishu_support import NOW, feishu_settings  # noqa: E402

from adapters.feishu.runtime import FeishuRuntime  # noqa: E402
from genjin.serve import Runner  # noqa: E402


@pytest.fixture
def fake():
    server = FakeFeishu().start()
    server.users.update({"ou_pm": "王经理", "ou_lee": "李雷"})
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
    rt = FeishuRuntime(feishu_settings(fake), runner)
    rt.sender.pacer.sleep = lambda _s: None  # pacing is tested on its own
    yield rt
    rt.stop()
    rt.close()


