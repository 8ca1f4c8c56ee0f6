"""Reminders that respect people: bundled per person and hour, capped per working day across chats.

Times are the simulated clock's (Asia/Shanghai); 2026-11-23 is a Monday.
"""

from __future__ import annotations

from dataclasses import replace

from test_ladder import driver, messages

from genjin.app import App

SEVEN = "\n".join(f"@pm: /需求 @bob question {n}\n:advance 10m" for n in range(1, 8))


def to_bob(out: str, day: str) -> list[tuple[str, str, str]]:
    """Reminders addressed to bob that day: (where, time, first line)."""
    return [(where, when[11:], body.split("\n")[0]) for where, when, body in messages(out)
            if when.startswith(day) and (body.startswith(("⏰", "🔔 @bob", "🔔 有")) and "@bob" in body
                                         or where == "@bob")]


def test_seven_requests_in_one_morning_do_not_flood_their_owner(app):
    out = driver(app, "2026-11-23 09:00").run(SEVEN + "\n:advance 1d")
    assert to_bob(out, "2026-11-23") == [
        ("#demo", "13:00", "⏰ @bob，#1「question 1」已等待回复 4 个工作小时，请回复「/收到 #1」或点 👀。"),
        ("#demo", "14:00", "🔔 @bob，有 6 项需要你关注："),  # 13:10 … 14:00: held for the hour, then together
        ("#demo", "17:00", "⏰⏰ @bob，#1「question 1」仍未回复（已 8 个工作小时），发起人 @pm 在等。请回复「/收到 #1」。"),
        ("@bob", "17:00", "⏰⏰ @bob，#1「question 1」仍未回复（已 8 个工作小时），发起人 @pm 在等。请回复「/收到 #1」。"),
    ]
    # the second reminders of #2-#7 fall due from 17:10 on: the next working morning, as one
    assert to_bob(out, "2026-11-24") == [("#demo", "09:00", "🔔 @bob，有 6 项需要你关注："),
                                         ("@bob", "09:00", "🔔 有 6 项需要你关注：")]


def first_reminded(out: str, title: str) -> str:
    """When the group first reminded bob of `title` (alone or in a bundle)."""
    return next(when for where, when, body in messages(out)
                if where != "@bob" and body.startswith(("⏰", "🔔")) and f"「{title}」" in body)


def capped(settings, db_url, cap: int) -> App:
    app = App(settings, db_url=db_url)
    app.policy = replace(app.policy, nudges_per_person_per_day=cap)
    return app


def test_the_daily_cap_counts_every_chat(settings, db_url):
    app = capped(settings, db_url, 1)
    out = driver(app, "2026-11-23 09:00").run(
        "@pm: /需求 @bob in the first group\n:advance 1h\n:chat sales\n@amy: /需求 @bob in the second group\n"
        ":advance 1d")
    app.close()
    assert first_reminded(out, "in the first group") == "2026-11-23 13:00"
    # one reminder for bob on Monday: the second group's (due 14:00) waits for Tuesday
    assert first_reminded(out, "in the second group") == "2026-11-24 09:00"


def test_urgent_reminders_go_out_at_once_and_count(settings, db_url):
    app = capped(settings, db_url, 2)
    out = driver(app, "2026-11-23 09:00").run(
        "@pm: /需求 @bob 紧急 u-one\n@pm: /需求 @bob n-one\n:advance 2h\n"
        "@pm: /需求 @bob n-two\n:advance 1d")
    app.close()
    # the urgent one is never held; it counts, so "n-two" (due 15:00) is the third and waits a day
    assert [first_reminded(out, title) for title in ("u-one", "n-one", "n-two")] == [
        "2026-11-23 11:00", "2026-11-23 13:00", "2026-11-24 09:00"]
