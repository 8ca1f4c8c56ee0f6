"""Thread replies on Slack: the owner's plain reply in the thread of an item's card (a recorded
message.channels payload with thread_ts) is a follow-up record; "done" asks with a button."""

from __future__ import annotations

import json

from slack_support import load
from sqlalchemy import select
from test_slack_proposal_buttons import click, slash

from storage.models import Item


def reply(bot, user: str, text: str, *, thread_ts: str, n: int) -> None:
    """`user` writes `text` in the thread under `thread_ts`, as recorded in data/message_in_thread.json."""
    payload = load("message_in_thread.json")["payload"]
    ts = f"1778465000.{n:06d}"
    payload["event_id"] = f"EvThread{n}"
    payload["event"].update(user=user, text=text, ts=ts, event_ts=ts, thread_ts=thread_ts)
    assert bot.post_json(payload).status_code == 200
    bot.process()
    bot.deliver()


def history(bot) -> list[tuple[str, str, str | None]]:
    with bot.app.sessions() as s:
        return [(h.action, h.actor.user_id, h.note) for h in s.scalar(select(Item)).history]


def posts(bot) -> list[dict]:
    return bot.fake.calls_to("chat.postMessage")


def test_the_owners_reply_is_a_note_and_a_percentage_is_progress(http_bot):
    slash(http_bot, "U1", "pat", "todo <@U2|lee> write spec by 2026-12-01")
    card = http_bot.fake.posted[0]
    reply(http_bot, "U2", "waiting for the API docs, then the copy", thread_ts=card["ts"], n=1)
    said = posts(http_bot)[-1]
    assert said["thread_ts"] == card["ts"] and "Added to #1's follow-up record" in said["text"]
    reply(http_bot, "U2", "60% done", thread_ts=card["ts"], n=2)
    assert posts(http_bot)[-1]["thread_ts"] == card["ts"] and "#1 at 60%" in posts(http_bot)[-1]["text"]
    assert history(http_bot)[1:] == [("note", "U2", "waiting for the API docs, then the copy"),
                                     ("progress", "U2", "60%")]
    updated = json.dumps(http_bot.fake.calls_to("chat.update")[-1]["blocks"])
    assert "60%" in updated


def test_done_asks_with_a_button_and_only_the_owners_click_counts(http_bot):
    slash(http_bot, "U1", "pat", "todo <@U2|lee> write spec by 2026-12-01")
    card = http_bot.fake.posted[0]
    reply(http_bot, "U2", "done ✅", thread_ts=card["ts"], n=1)
    ask = http_bot.fake.posted[-1]
    assert ask["thread_ts"] == card["ts"]
    shown = json.dumps(ask["blocks"], ensure_ascii=False)
    assert "Mark #1 done?" in shown and '"value": "done:1"' in shown
    click(http_bot, ask, "U1", "done:1")
    with http_bot.app.sessions() as s:
        assert s.scalar(select(Item)).status == "open"
    click(http_bot, ask, "U2", "done:1")
    with http_bot.app.sessions() as s:
        assert s.scalar(select(Item)).status == "done"
    assert [h[0] for h in history(http_bot)] == ["created", "done"]


def test_others_chatter_other_threads_and_redeliveries(http_bot):
    slash(http_bot, "U1", "pat", "todo <@U2|lee> write spec by 2026-12-01")
    card = http_bot.fake.posted[0]
    before = len(posts(http_bot))
    reply(http_bot, "U1", "how far along is it? 60%?", thread_ts=card["ts"], n=1)  # the initiator
    reply(http_bot, "U2", "thanks!", thread_ts=card["ts"], n=2)  # chatter
    reply(http_bot, "U2", "60% done", thread_ts="1700000000.999999", n=3)  # a thread about no item
    assert len(posts(http_bot)) == before and history(http_bot) == [("created", "U1", None)]
    reply(http_bot, "U2", "on the copy now", thread_ts=card["ts"], n=4)
    reply(http_bot, "U2", "on the copy now", thread_ts=card["ts"], n=4)  # Slack retries the same event
    assert [h[0] for h in history(http_bot)] == ["created", "note"]
    assert len(posts(http_bot)) == before + 1
