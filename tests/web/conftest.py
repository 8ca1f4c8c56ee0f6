"""The web view's tests run the app with [web] set up; `dashboard` is a scripted pair of chats."""

from __future__ import annotations

import pytest
from web_support import BASE_URL, SECRET

from genjin.config import load_settings


@pytest.fixture
def settings():
    return load_settings(None, environ={"GENJIN_WEB_BASE_URL": BASE_URL, "GENJIN_WEB_SECRET": SECRET})
