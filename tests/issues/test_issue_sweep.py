"""The issue log's share of the sweep: paged, claimed once, never twice for two sweeps."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from issue_support import TEAM, driver
from sqlalchemy import func, select, update

from bot.followup.due_index import REVIEW
from bot.followup.sweep import sweep
from storage.models import Issue, OutboxMessage

SH = ZoneInfo("Asia/Shanghai")


def outbox_keys(app, prefix: str) -> list[str]:
    with app.sessions() as s:
        return sorted(s.scalars(select(OutboxMessage.key).where(OutboxMessage.key.like(prefix + "%"))))


def test_a_page_at_a_time_and_each_reminder_once(app):
    chat = driver(app, "2026-11-21 22:00")  # a Saturday night: emergencies still go out
    chat.run(TEAM + "@pm: /emergency one @bob\n@pm: /emergency two @bob\n@pm: /emergency three @bob")
    moment = datetime(2026, 11, 21, 22, 31, tzinfo=SH)
    pages = []
    while True:
        with app.sessions.begin() as s:
            page = sweep(session=s, now=moment, policy_for=app.policy_for, limit=1)
        pages.append(page.more)
        if not page.more:
            break
    assert pages[:3] == [True, True, True]  # one issue per page
    # a second sweep at the same moment (another replica, a restart) finds every key taken
    with app.sessions.begin() as s:
        s.execute(update(Issue).values(next_due_at=REVIEW))
    app.sweep(now=moment)
    groups = outbox_keys(app, "remind:emergency_response:")
    assert len([k for k in groups if ":dm:" not in k]) == 3
    assert len([k for k in groups if k.endswith(":dm:bob")]) == 3 and len(groups) == 9  # bob and wang each


def test_an_issue_held_by_the_night_goes_out_at_the_next_working_moment(app):
    chat = driver(app, "2026-11-20 17:30")  # Friday
    chat.run(TEAM + "@pm: /issue minor clash @Tech")  # due Monday 17:30
    with app.sessions.begin() as s:  # the sweep was down over Monday evening: it looks at night
        s.execute(update(Issue).values(next_due_at=REVIEW))
    app.sweep(now=datetime(2026, 11, 23, 22, 0, tzinfo=SH))
    assert outbox_keys(app, "remind:issue_escalate:") == []
    with app.sessions() as s:
        assert s.scalar(select(Issue.next_due_at)) == datetime(2026, 11, 24, 9, 0, tzinfo=SH)
    out = chat.run(":now 2026-11-24 10:00")
    assert "🚨 问题 #1「clash」（一般）已过解决期限" in out
    with app.sessions() as s:
        assert s.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.key.like("remind:issue_escalate:%"))) == 2  # the group and @wang


def test_a_failing_notice_spares_the_others_and_is_tried_again(app, monkeypatch):
    from bot.issues import notices

    chat = driver(app, "2026-11-21 22:00")
    chat.run(TEAM + "@pm: /emergency one @bob\n@pm: /emergency two @bob")
    real = notices.notice

    def broken(session, issue, due, policy, now):
        if issue.number == 1:
            raise RuntimeError("a bug in one notice")
        return real(session, issue, due, policy, now)

    monkeypatch.setattr(notices, "notice", broken)
    app.sweep(now=datetime(2026, 11, 21, 22, 30, tzinfo=SH))
    assert [k for k in outbox_keys(app, "remind:emergency_response:") if ":dm:" not in k] == [
        f"remind:emergency_response:{issue_id(app, 2)}"]
    with app.sessions() as s:  # #1's claim was rolled back; it is looked at again a minute later
        assert s.scalar(select(Issue.next_due_at).where(Issue.number == 1)) == datetime(2026, 11, 21, 22, 31,
                                                                                           tzinfo=SH)
    monkeypatch.setattr(notices, "notice", real)
    app.sweep(now=datetime(2026, 11, 21, 22, 31, tzinfo=SH))
    assert len([k for k in outbox_keys(app, "remind:emergency_response:") if ":dm:" not in k]) == 2


def issue_id(app, number: int) -> int:
    with app.sessions() as s:
        return s.scalar(select(Issue.id).where(Issue.number == number))
