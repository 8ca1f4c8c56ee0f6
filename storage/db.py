"""Engine and session factory; the schema is brought up to date by Alembic on start."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import URL, Engine, create_engine, delete, event, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from storage.models import ProcessedEvent
from storage.write_gate import WriteGate

MIGRATIONS = Path(__file__).parent / "migrations"
CONNECT_TIMEOUT = 10  # seconds; libpq would otherwise wait for a silent server forever
EXAMPLES = "e.g. sqlite:///genjin.sqlite3 or postgresql://user@host/genjin"


class DatabaseUnavailable(Exception):
    """The database URL leads to no usable database; the message says why, in one line."""


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys and a busy timeout.

    Raises DatabaseUnavailable for a URL that is no URL or names a driver we don't have.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUnavailable(f"database URL {url!r} is not a URL ({EXAMPLES})") from None
    try:
        return _make_engine(url, parsed)
    except (NoSuchModuleError, ImportError):
        raise DatabaseUnavailable(f"database {_shown(parsed)}: unknown or uninstalled driver "
                                  f"{parsed.drivername!r} ({EXAMPLES})") from None


def _shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _make_engine(url: str, parsed: URL) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            # pysqlite opens transactions lazily and so breaks SAVEPOINTs (a RELEASE before any
            # BEGIN commits); take transaction control away from it (SQLAlchemy's own recipe).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            if ":memory:" not in url:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        gate = WriteGate()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            # IMMEDIATE: take the write lock up front, so concurrent events on one item queue
            # instead of both reading stale state and failing at commit. In-process writers
            # queue at the gate first (fair, acknowledgements first), then at SQLite's lock.
            gate.enter()
            conn.info["gated"] = True
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                _sqlite_end(conn)
                raise

        @event.listens_for(engine, "commit")
        @event.listens_for(engine, "rollback")
        def _sqlite_end(conn):
            if conn.info.pop("gated", False):
                gate.leave()

        return engine
    if url.startswith("postgresql://"):
        # psycopg 3 is the driver we install; plain postgresql:// would ask for psycopg2.
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    timeout = {"connect_timeout": CONNECT_TIMEOUT} if parsed.get_backend_name() == "postgresql" and \
        "connect_timeout" not in parsed.query else {}
    return create_engine(url, pool_pre_ping=True, connect_args=timeout)


def alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def newest_revision() -> str:
    """The head revision, from the migration files' names (NNNN_what.py) — no Alembic import."""
    return max(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def _at_head(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == newest_revision()
    except Exception:  # no schema yet (or no such table): let Alembic look
        return False


def upgrade(engine: Engine) -> None:
    """Bring the database schema to the newest migration.

    A database already there costs one query: Alembic (a fifth of a second to import and
    read its scripts) is loaded only when there is something to migrate.
    """
    try:
        if _at_head(engine):
            return
        from alembic import command

        command.upgrade(alembic_config(engine), "head")
    except DBAPIError as err:  # unreachable server, no such database, unwritable file, no rights
        raise DatabaseUnavailable(f"database {_shown(engine.url)}: {_reason(engine, err)}") from None


def _reason(engine: Engine, err: DBAPIError) -> str:
    """The driver's own first line, plus a hint where SQLite's is cryptic."""
    lines = [ln.strip() for ln in str(err.orig or err).splitlines() if ln.strip()]
    reason = lines[0] if lines else type(err.orig or err).__name__
    path = engine.url.database
    if engine.dialect.name == "sqlite" and path and "unable to open" in reason:
        file = Path(path).resolve()
        reason += (f" ({str(file)!r} is a folder)" if file.is_dir()
                   else f" (does the folder {str(file.parent)!r} exist, and may Genjin write to it?)")
    return reason


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def prune_processed(*, session: Session, before: datetime) -> int:
    """Forget incoming event ids recorded before `before`; returns how many."""
    return session.execute(delete(ProcessedEvent).where(ProcessedEvent.processed_at < before)).rowcount
