"""/dept: naming people twice or moving them never crashes; a department belongs to one
workspace; once it has a head, only the head or an admin changes it, and the head is told.

The clock starts on Monday 2026-05-11 10:00 (Asia/Shanghai).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from test_bad_input import snapshot
from transcript import split

from bot.events import EventKind, IncomingEvent, Mention
from storage.models import Department, DepartmentMember, Item, OutboxMessage

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 5, 11, 10, 0, tzinfo=SH)
APOLOGY = "抱歉，处理这条消息时出错了"


def roles(app, name: str = "Tech") -> list[tuple[str, str]]:
    with app.sessions() as s:
        dept = s.scalar(select(Department).where(Department.name == name))
        return sorted((m.user.name, m.role) for m in dept.members)


@pytest.mark.parametrize(("setup", "line", "line_shown", "stored"), [
    ("/dept Tech liaison @carol", "/dept Tech liaison @carol", "对接人 @carol；成员 —", [("carol", "liaison")]),
    ("/dept Tech members @dan", "/dept Tech liaison @dan", "对接人 @dan；成员 —", [("dan", "liaison")]),
    ("/dept Tech liaison @dan", "/dept Tech members @dan", "对接人 —；成员 @dan", [("dan", "member")]),
    ("/dept Tech liaison @carol members @dan", "/dept Tech liaison @dan @carol",
     "对接人 @carol @dan；成员 —", [("carol", "liaison"), ("dan", "liaison")]),
    ("/dept Tech members @dan @eve", "/dept Tech liaison @eve members @dan @eve",
     "对接人 —；成员 @dan @eve", [("dan", "member"), ("eve", "member")]),
])
def test_naming_someone_again_or_moving_them_saves(chat, app, setup, line, line_shown, stored):
    chat.run(f"@pm: {setup}")
    new, _ = split(chat.run(f"@pm: {line}"))
    assert len(new) == 1 and APOLOGY not in new[0]
    assert "已更新部门 Tech" in new[0] and line_shown in new[0]
    assert roles(app) == stored


HEADED = "@pm: /dept Tech head @wang liaison @carol"


def test_once_a_department_has_a_head_others_are_refused_and_nothing_changes(chat, app):
    chat.run(HEADED)
    before = snapshot(app)
    for line in ("@pm: /dept Tech liaison @eve", "@eve: /dept Tech head @eve", ":chat elsewhere\n@eve: /部门 Tech 成员 @eve"):
        new, edits = split(chat.run(line))
        assert len(new) == 1 and edits == []
        assert "部门「Tech」由负责人 @wang 管理，只有 @wang 可以修改它。" in new[0]
        assert snapshot(app) == before
    # Looking is open to everyone, and is not a change.
    assert "Tech：负责人 @wang；对接人 @carol" in split(chat.run("@eve: /dept Tech"))[0][0]


def test_the_refusal_names_the_admins_and_speaks_the_chats_language(chat, app):
    app.policy = replace(app.policy, admins=("boss",))
    chat.run("@boss: /settings lang en\n@boss: /dept Tech head @wang")
    reply = split(chat.run("@pm: /dept Tech liaison @pm"))[0][0]
    assert "Department Tech is run by its head, @wang: only @wang or an admin (@boss) can change it." in reply


def test_the_head_is_told_of_every_change_they_did_not_make(chat, app):
    app.policy = replace(app.policy, admins=("boss",))
    chat.run("@boss: hi\n" + HEADED.replace("@pm:", "@boss:"))
    new, _ = split(chat.run("@boss: /dept Tech liaison @dan"))
    assert len(new) == 2
    assert new[1].startswith("[m3 → @wang ")  # a direct message, not the group
    assert "@boss 修改了部门「Tech」（在 demo）：Tech：负责人 @wang；对接人 @dan；成员 —" in new[1]
    assert "修改前：Tech：负责人 @wang；对接人 @carol；成员 —" in new[1]
    # The head's own changes need no message to the head.
    assert len(split(chat.run("@wang: /dept Tech members @eve"))[0]) == 1
    # Replacing the head: the head before and the head after are both told.
    new, _ = split(chat.run("@boss: /dept Tech head @zhou"))
    assert [m.split(" ·")[0] for m in new[1:]] == ["[m6 → @wang", "[m7 → @zhou"]
    # Nothing changed, nothing to tell.
    assert len(split(chat.run("@boss: /dept Tech liaison @dan"))[0]) == 1
    with app.sessions() as s:
        direct = s.scalars(select(OutboxMessage.user_id).where(OutboxMessage.user_id.is_not(None))
                           .order_by(OutboxMessage.id)).all()
    assert direct == ["wang", "wang", "zhou"]


def slack(tenant: str | None, n: int, text: str, mentions=()) -> IncomingEvent:
    return IncomingEvent(platform="slack", event_id=f"{tenant}-{n}", chat_id=f"C-{tenant}", user_id=f"U-pm-{tenant}",
                         user_name="pm", kind=EventKind.MESSAGE, received_at=NOW, text=text,
                         mentions=tuple(mentions), tenant=tenant)


def test_each_workspace_has_its_own_departments(app):
    ann, bob = Mention("U-ann", "ann"), Mention("U-bob", "bob")
    assert app.process(slack("T1", 1, "/dept Tech liaison <@U-ann|ann>", [ann]), now=NOW)
    assert app.process(slack("T2", 1, "/dept"), now=NOW)
    assert app.process(slack("T2", 2, "/dept Tech liaison <@U-bob|bob>", [bob]), now=NOW)
    assert app.process(slack("T2", 3, "/ask @Tech check the page"), now=NOW)
    assert app.process(slack(None, 1, "/ask @Tech check the page"), now=NOW)
    with app.sessions() as s:
        depts = {(d.tenant, d.name): [m.user.user_id for m in d.members] for d in s.scalars(select(Department))}
        assert depts == {("T1", "Tech"): ["U-ann"], ("T2", "Tech"): ["U-bob"]}
        [item] = s.scalars(select(Item)).all()  # T2's request went to T2's liaison ...
        assert item.owner.user_id == "U-bob" and item.department.tenant == "T2"
        replies = {m.key: (m.payload.get("text") or "") for m in s.scalars(select(OutboxMessage))}
    assert "No departments yet" in replies["reply:slack:T2-1:0"] or "还没有登记部门" in replies["reply:slack:T2-1:0"]
    assert "Tech" in replies["reply:slack:None-1:0"]  # ... and a workspace without Tech has none to ask


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db(request, tmp_path):
    """A database with no schema at all, to migrate step by step."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    from sqlalchemy import create_engine, text

    from tests.conftest import PG_ADMIN_URL, _pg_reachable

    if (reason := _pg_reachable()) is not None:
        pytest.skip(reason)
    name = f"genjin_mig_{tmp_path.name[-20:].replace('-', '_').lower()}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_departments_from_before_workspaces_keep_their_people_and_requests(empty_db):
    """An install upgraded past 0004 keeps its departments (tenant ""), their members, and the
    requests sent to them; on SQLite the table is rebuilt, which must not cascade or orphan."""
    from alembic import command
    from sqlalchemy import text

    from genjin.app import App
    from genjin.config import load_settings
    from storage.db import alembic_config, make_engine

    engine = make_engine(empty_db)
    command.upgrade(alembic_config(engine), "0003")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (platform, user_id, name) VALUES ('console', 'lee', 'lee')"))
        conn.execute(text("INSERT INTO chats (platform, chat_id, settings, created_at) "
                          "VALUES ('console', 'g', '{}', '2026-05-11 02:00:00+00:00')"))
        conn.execute(text("INSERT INTO departments (platform, name) VALUES ('console', 'Tech')"))
        conn.execute(text("INSERT INTO department_members (department_id, user_id, role) VALUES (1, 1, 'liaison')"))
        conn.execute(text("INSERT INTO items (kind, chat_id, title, initiator_id, owner_id, department_id, urgency, "
                          "status, progress, risk, rework_count, created_at, updated_at, version) VALUES "
                          "('request', 1, 'old request', 1, 1, 1, 'normal', 'open', 0, 'normal', 0, "
                          "'2026-05-11 02:00:00+00:00', '2026-05-11 02:00:00+00:00', 1)"))
    engine.dispose()
    app = App(load_settings(None, environ={}), db_url=empty_db)
    event = IncomingEvent(platform="console", event_id="e1", chat_id="g", user_id="pm", user_name="pm",
                          kind=EventKind.MESSAGE, received_at=NOW, text="/ask @Tech check it")
    assert app.process(event, now=NOW)
    with app.sessions() as s:
        old, new = s.scalars(select(Item).order_by(Item.id)).all()
        assert old.department.name == "Tech" and old.department.tenant == ""
        assert new.owner.user_id == "lee" and new.department_id == old.department_id
        assert [(m.user.user_id, m.role) for m in s.scalars(select(DepartmentMember))] == [("lee", "liaison")]
    app.close()
