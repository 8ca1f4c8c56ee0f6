"""The retrospective reminder: five working days after a project closes, if no `/retro PROJECT`
was posted since, its lead is reminded once in the project's chat (through the one due index
and sweep, claimed once by its key in the reminders table).

Asia/Shanghai, working hours 09:00-18:00. 2026-10-01..07 is the National Day holiday and
Saturday 10-10 a make-up working day; 2026-11-27 is a Friday.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from project_support import TEAM, driver, messages
from sqlalchemy import select, update

from bot.followup.due_index import REVIEW
from storage.models import OutboxMessage, Project, Reminder

SH = ZoneInfo("Asia/Shanghai")
REMINDER = "📘 @wang，项目「618大促」已结束 5 个工作日，还没有复盘：请发送「/复盘 618大促」。"


def reminded(out: str) -> list[tuple[str, str, str]]:
    return [m for m in messages(out) if m[2].startswith("📘") and "还没有复盘" in m[2]]


def moment(app) -> datetime | None:
    with app.sessions() as s:
        return s.scalar(select(Project.next_due_at))


def closed_before_the_holiday(app):
    chat = driver(app, "2026-09-28 10:00")
    chat.run(TEAM + "@pm: /项目 新建 618大促 牵头 @Tech\n"
                    "@pm: /todo @lee page by 2026-09-29 standard: ok 项目 618大促\n"
                    ":now 2026-09-30 17:00\n@pm: /项目 关闭 618大促\n:now 2026-09-30 17:01")
    return chat


def test_reminded_once_five_working_days_after_closing_across_the_holiday(app):
    chat = closed_before_the_holiday(app)
    # 10-08, 10-09, 10-10 (make-up Saturday), 10-12, 10-13: Tuesday 10-13 at 17:00.
    assert moment(app) == datetime(2026, 10, 13, 17, 0, tzinfo=SH)
    assert reminded(chat.run(":now 2026-10-13 16:59")) == []
    out = chat.run(":now 2026-10-20 10:00")
    assert reminded(out) == [("#demo", "2026-10-13 17:00", REMINDER)]
    assert moment(app) is None
    with app.sessions.begin() as s:  # looked at again (another replica, a restart): the key is taken
        s.execute(update(Project).values(next_due_at=REVIEW))
    assert reminded(chat.run(":now 2026-10-21 10:00")) == []
    with app.sessions() as s:
        assert list(s.scalars(select(Reminder.key).where(Reminder.kind == "retro_reminder"))) == [
            f"retro_reminder:{s.scalar(select(Project.id))}"]
        assert s.scalar(select(OutboxMessage.chat_id).where(OutboxMessage.key.like("remind:retro_reminder:%"))) \
            == "demo"


def test_no_reminder_when_a_retro_was_posted_after_closing(app):
    chat = closed_before_the_holiday(app)
    chat.run(":now 2026-10-09 10:00\n@wang: /复盘 618大促")
    assert reminded(chat.run(":now 2026-10-20 10:00")) == []
    assert moment(app) is None


def test_a_retro_posted_before_closing_or_for_the_whole_chat_does_not_count(app):
    chat = driver(app, "2026-09-28 10:00")
    chat.run(TEAM + "@pm: /项目 新建 618大促 牵头 @Tech\n@pm: /复盘 618大促\n"
                    ":now 2026-09-30 17:00\n@pm: /项目 关闭 618大促\n:now 2026-10-09 10:00\n@pm: /复盘")
    assert [when for _, when, _ in reminded(chat.run(":now 2026-10-20 10:00"))] == ["2026-10-13 17:00"]


def test_an_open_project_is_never_reminded(app):
    chat = driver(app, "2026-09-28 10:00")
    chat.run(TEAM + "@pm: /项目 新建 618大促 牵头 @Tech\n:now 2026-09-28 10:01")
    assert moment(app) is None
    assert reminded(chat.run(":now 2026-10-30 10:00")) == []
    with app.sessions() as s:
        assert s.scalar(select(Reminder.key).where(Reminder.kind == "retro_reminder")) is None


def test_over_a_weekend_and_without_a_lead_the_creator_is_reminded(app):
    chat = driver(app, "2026-11-23 10:00")
    chat.run(TEAM + "@pm: /project new summer\n:now 2026-11-27 15:00\n@pm: /project close summer")
    # Mon 11-30, Tue, Wed, Thu, Fri 12-04 at 15:00; nobody leads it: its creator @pm is told.
    out = chat.run(":now 2026-12-07 10:00")
    assert reminded(out) == [("#demo", "2026-12-04 15:00",
                              "📘 @pm，项目「summer」已结束 5 个工作日，还没有复盘：请发送「/复盘 summer」。")]


def test_a_sweep_that_comes_late_at_night_holds_it_for_the_morning(app):
    chat = closed_before_the_holiday(app)
    with app.sessions.begin() as s:  # the sweep was down that evening; it looks again at 22:00
        s.execute(update(Project).values(next_due_at=datetime(2026, 10, 13, 22, 0, tzinfo=SH)))
    out = chat.run(":now 2026-10-13 22:00")
    assert reminded(out) == []
    assert moment(app) == datetime(2026, 10, 14, 9, 0, tzinfo=SH)
    assert [when for _, when, _ in reminded(chat.run(":now 2026-10-14 12:00"))] == ["2026-10-14 09:00"]


def test_english_chat(app):
    chat = driver(app, "2026-11-23 10:00")
    chat.run(TEAM + "@pm: /settings lang en\n@pm: /project new summer lead @Marketing\n"
                    ":now 2026-11-27 15:00\n@pm: /project close summer")
    [(_, when, body)] = [m for m in messages(chat.run(":now 2026-12-07 10:00")) if "retrospective" in m[2]]
    assert (when, body) == ("2026-12-04 15:00", "📘 @mia, project summer closed 5 working days ago and has no "
                                                "retrospective yet: /retro summer.")
