"""Jira fixtures: the loopback fake of its REST API, and an app whose [jira] points at it."""

from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))  # jira_fake and jira_support live next to this file

from jira_fake import FakeJira  # noqa: E402
from jira_support import jira_settings  # noqa: E402

from genjin.app import App  # noqa: E402


@pytest.fixture
def fake():
    server = FakeJira()
    yield server
    server.close()


@pytest.fixture
def jira_app(fake, db_url):
    application = App(jira_settings(fake.url), db_url=db_url)
    yield application
    application.close()
