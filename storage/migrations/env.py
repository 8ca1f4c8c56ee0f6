"""Alembic environment: the engine is handed in by storage.db.upgrade (or built from -x url=...)."""

from alembic import context
from sqlalchemy import create_engine

from storage.models import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:
    engine = create_engine(context.get_x_argument(as_dictionary=True)["url"])



def _sqlite_foreign_keys(connection, on: bool) -> None:
    """SQLite rebuilds a table to alter it, and DROP TABLE with foreign keys enforced would
    cascade into (delete) the rows that point at it. The pragma only works outside a
    transaction, so it is set on the raw connection before ours begins."""
    connection.connection.dbapi_connection.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        _sqlite_foreign_keys(connection, False)
    try:
        with connection.begin():
            context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=sqlite)
            context.run_migrations()
            if sqlite:  # nothing may point nowhere after the rebuilds
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left rows pointing nowhere: {broken[:5]}")
    finally:
        if sqlite:
            _sqlite_foreign_keys(connection, True)
