"""Alembic environment: the engine is handed in by storage.db.upgrade (or built from -x url=...)."""

from alembic import context
from sqlalchemy import create_engine

from storage.models import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:
    engine = create_engine(context.get_x_argument(as_dictionary=True)["url"])

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
