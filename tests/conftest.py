"""Shared fixtures: the database (SQLite and PostgreSQL), the app, and a console chat.

PostgreSQL tests use a database of their own (created per test run, dropped after)
on the server at GENJIN_TEST_PG (default 127.0.0.1:5432, trust auth, database
`test`); they skip with the reason when no server answers.
"""

from __future__ import annotations

import io
import os
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from adapters.console.simulator import Simulator
from genjin.app import App
from genjin.config import load_settings

PG_ADMIN_URL = os.environ.get("GENJIN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_reachable() -> str | None:
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return None
    except Exception as err:  # any failure to connect means: skip, and say why
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(err).__name__}"


@pytest.fixture(scope="session")
def pg_url():
    """A fresh PostgreSQL database for this test run."""
    reason = _pg_reachable()
    if reason:
        pytest.skip(reason)
    name = f"genjin_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _reset_pg(url: str) -> None:
    """Empty the test database: truncate once migrated (fast), else start from no schema."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        tables = conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
        )).scalars().all()
        if tables and conn.execute(text("SELECT to_regclass('public.alembic_version')")).scalar():
            names = ", ".join(f'"{t}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """Each test using this runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'genjin.sqlite3'}"
    url = request.getfixturevalue("pg_url")
    _reset_pg(url)
    return url


@pytest.fixture
def settings():
    return load_settings(None, environ={})


@pytest.fixture
def app(settings, db_url):
    application = App(settings, db_url=db_url)
    yield application
    application.close()


class ChatDriver:
    """A synchronous fake chat: play script lines, get back what the bot said."""

    def __init__(self, app: App, now: datetime, files_dir: Path | None = None) -> None:
        self.app = app
        self.buffer = io.StringIO()
        self.sim = Simulator(app, out=self.buffer, now=now, files_dir=files_dir)

    def run(self, script: str) -> str:
        """Play `script` (lines of the console language); return only the new output."""
        start = self.buffer.tell()
        self.sim.run_script(script.strip().splitlines(), echo=False)
        self.buffer.seek(start)
        out = self.buffer.read()
        self.buffer.seek(0, io.SEEK_END)
        return out


@pytest.fixture
def chat(app):
    """A console chat whose clock starts on Monday 2026-05-11 10:00 (Asia/Shanghai)."""
    return ChatDriver(app, datetime(2026, 5, 11, 10, 0))
