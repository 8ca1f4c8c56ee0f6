"""Upgrading a database that is in use keeps every row, links included."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, text

from storage.db import alembic_config, make_engine, upgrade


def test_upgrading_from_the_first_schema_keeps_reaction_links_and_departments(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = make_engine(url)
    command.upgrade(alembic_config(engine), "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO chats (id, platform, chat_id, settings, created_at) "
                          "VALUES (1, 'slack', 'C1', '{}', '2026-11-20 01:00:00')"))
        conn.execute(text("INSERT INTO users (id, platform, user_id, name) VALUES (1, 'slack', 'U1', 'pm')"))
        conn.execute(text("INSERT INTO departments (id, platform, name, head_id) VALUES (1, 'slack', 'Tech', 1)"))
        conn.execute(text("INSERT INTO department_members (id, department_id, user_id, role) "
                          "VALUES (1, 1, 1, 'liaison')"))
        conn.execute(text(
            "INSERT INTO items (id, kind, chat_id, title, initiator_id, department_id, urgency, status, progress, "
            "risk, rework_count, created_at, updated_at, version) VALUES (1, 'request', 1, 'ship it', 1, 1, "
            "'normal', 'open', 0, 'normal', 0, '2026-11-20 01:00:00', '2026-11-20 01:00:00', 1)"))
        conn.execute(text(
            "INSERT INTO outbox (id, key, platform, chat_id, payload, status, attempts, created_at, not_before, "
            "platform_message_id) VALUES (1, 'card:1', 'slack', 'C1', '{}', 'sent', 1, '2026-11-20 01:00:00', "
            "'2026-11-20 01:00:00', '1700000000.000100')"))
        conn.execute(text("INSERT INTO message_items (id, outbox_id, item_id) VALUES (1, 1, 1)"))
    engine.dispose()

    upgrade(make_engine(url))

    plain = create_engine(url)
    with plain.connect() as conn:
        assert conn.execute(text("SELECT outbox_id, item_id FROM message_items")).all() == [(1, 1)]
        assert conn.execute(text("SELECT department_id FROM items")).scalar() == 1
        assert conn.execute(text("SELECT user_id, role FROM department_members")).all() == [(1, "liaison")]
        assert conn.execute(text("SELECT target FROM outbox")).scalar() == "C1"
        # The open item is due for review by the first sweep, so nothing it owes is forgotten.
        assert conn.execute(text("SELECT next_due_at FROM items")).scalar().startswith("2000-01-01")
    plain.dispose()
    engine = make_engine(url)
    with engine.connect() as conn:  # and foreign keys are enforced again afterwards
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
