"""The escalation ladder: doer → liaison → department head → the chat's managers.

Each step once per item and deadline, in the item's history, saying who was told before.
Times are the simulated clock's (Asia/Shanghai); 2026-11-23 is a Monday.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from storage.models import Item
from tests.conftest import ChatDriver

TEAM = """
@pm: /dept Tech head @wang liaison @li members @bob
@pm: /settings managers @boss
"""


def driver(app, when: str) -> ChatDriver:
    return ChatDriver(app, datetime.strptime(when, "%Y-%m-%d %H:%M"))


def messages(out: str) -> list[tuple[str, str, str]]:
    """(where, when, body) of every new message."""
    found = []
    for m in re.finditer(r"^\[m\d+ → (\S+) · ([\d-]+ [\d:]+)\]\n(.*?)(?=^\[m|\Z)", out, re.M | re.S):
        found.append((m.group(1), m.group(2), m.group(3).strip()))
    return found


def with_text(out: str, needle: str) -> list[tuple[str, str]]:
    return [(where, when) for where, when, body in messages(out) if needle in body]


def steps(app) -> list[tuple[str, str, list[str]]]:
    with app.sessions() as s:
        item = s.scalar(select(Item).order_by(Item.id).limit(1))
        return [(h.action, h.data["kind"], h.data["names"]) for h in item.history if h.actor is None]


def test_an_unanswered_request_climbs_one_rung_per_response_window(app):
    out = driver(app, "2026-11-23 09:00").run(TEAM + "@pm: /需求 @bob confirm the schedule\n:advance 3d")
    assert with_text(out, "已等待回复 4 个工作小时") == [("#demo", "2026-11-23 13:00")]
    assert with_text(out, "仍未回复（已 8 个工作小时）") == [("#demo", "2026-11-23 17:00"), ("@bob", "2026-11-23 17:00")]
    assert with_text(out, "📣 @li：@bob 尚未回复 #1") == [("@li", "2026-11-23 17:00")]  # the liaison
    assert with_text(out, "📣 @wang：@bob 尚未回复 #1") == [("@wang", "2026-11-24 12:00")]  # the head
    assert with_text(out, "📣 @boss：@bob 尚未回复 #1") == [("@boss", "2026-11-24 16:00")]  # the managers
    # the group hears of each step, and each step says who was told before, and when
    assert "已告知 @li。" in out
    assert "📣 #1「confirm the schedule」仍未回复（已等 16 个工作小时），已告知 @boss。" \
           "此前已通知：@bob（11-23 13:00）、@li（11-23 17:00）、@wang（11-24 12:00）。" in out
    assert steps(app) == [("remind", "nudge1", ["bob"]), ("escalate", "nudge2", ["bob", "li"]),
                          ("escalate", "climb3", ["wang"]), ("escalate", "climb4", ["boss"])]
    assert len(with_text(out, "尚未回复 #1")) == 3  # and nothing more once the ladder is climbed


def test_an_emergency_climbs_every_thirty_minutes_day_and_night(app):
    out = driver(app, "2026-11-21 22:00").run(TEAM + "@pm: /需求 @bob 特急 checkout is down\n:advance 3h")
    assert with_text(out, "已等待回复 30 分钟") == [("#demo", "2026-11-21 22:30")]
    assert with_text(out, "📣 @li：") == [("@li", "2026-11-21 23:00")]
    assert with_text(out, "📣 @wang：") == [("@wang", "2026-11-21 23:30")]
    assert with_text(out, "📣 @boss：") == [("@boss", "2026-11-22 00:00")]


def test_a_missing_rung_is_skipped_and_the_chat_told_once_how_to_name_it(app):
    chat = driver(app, "2026-11-23 09:00")
    out = chat.run("@pm: /dept Tech liaison @li members @bob\n@pm: /settings managers @boss\n"
                   "@pm: /需求 @bob one\n@pm: /需求 @bob two\n:advance 2d")
    # no head: the managers are the next rung; both requests in one message to them
    assert [m for m in with_text(out, "@bob 尚未回复 #1「one」") if m[0] == "@boss"] == [("@boss", "2026-11-24 12:00")]
    assert [m for m in with_text(out, "@bob 尚未回复 #2「two」") if m[0] == "@boss"] == [("@boss", "2026-11-24 12:00")]
    hint = "部门「Tech」还没有负责人，升级时只能跳过：请用「/部门 Tech 负责人 @人」指定。"
    assert out.count(hint) == 1


def test_a_late_item_reaches_the_head_then_the_managers_once_each(app):
    out = driver(app, "2026-11-23 09:00").run(
        TEAM + "@pm: /todo @bob write spec by 2026-11-23 standard: ok\n:advance 14d")
    assert with_text(out, "已到截止时间") == [("#demo", "2026-11-24 09:00")]
    assert with_text(out, "🚨 升级提醒") == [("@wang", "2026-11-27 09:00"), ("@boss", "2026-11-30 09:00")]
    assert "🚨 #1「write spec」已逾期 3 个工作日，已上报 @wang。此前已通知：@bob（11-24 09:00）。" in out
    assert "🚨 #1「write spec」已逾期 4 个工作日，已上报 @boss。此前已通知：@bob（11-24 09:00）、" \
           "@wang（11-27 09:00）。" in out
    assert len(with_text(out, "🚨")) == 4  # 9 working days late: nobody is told twice
    assert steps(app) == [("remind", "overdue", ["bob"]), ("escalate", "escalate", ["wang"]),
                          ("escalate", "escalate2", ["boss"])]


def test_a_new_deadline_climbs_the_ladder_afresh(app):
    out = driver(app, "2026-11-23 09:00").run(TEAM + """
@pm: /todo @bob write spec by 2026-11-23 standard: ok
:advance 5d
@pm: /延期 #1 2026-11-30 vendor was late
:advance 7d
""")
    assert [when for _, when in with_text(out, "🚨 升级提醒")] == ["2026-11-27 09:00", "2026-12-04 09:00"]


def test_high_risk_reaches_the_head_at_once_and_the_managers_a_working_day_later(app):
    out = driver(app, "2026-11-23 10:00").run(TEAM + """
@pm: /todo @bob build the page by 2026-12-04 standard: ok
@bob: /受阻 #1 staging is down
:advance 3d
""")
    assert with_text(out, "被标记为高风险") == [
        ("#demo", "2026-11-23 10:00"), ("@wang", "2026-11-23 10:00"), ("#demo", "2026-11-24 10:00"),
        ("@boss", "2026-11-24 10:00")]


def test_a_risk_resolved_in_time_goes_no_higher(app):
    out = driver(app, "2026-11-23 10:00").run(TEAM + """
@pm: /todo @bob build the page by 2026-12-04 standard: ok
@bob: /受阻 #1 staging is down
:advance 2h
@bob: /进度 #1 50% staging is back
:advance 3d
""")
    assert [where for where, _ in with_text(out, "被标记为高风险")] == ["#demo", "@wang"]
