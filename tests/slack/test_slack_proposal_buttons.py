"""A deadline proposal on Slack: the owner's /genjin extend posts a message with Approve / Decline
buttons in the item's thread; the initiator's click (a recorded block_actions payload) applies it."""

from __future__ import annotations

import json

from slack_support import load
from sqlalchemy import select

from storage.models import DeadlineProposal, Item

COMMAND = {"team_id": "T1", "channel_id": "C1", "channel_name": "general", "command": "/genjin"}


def slash(bot, user: str, name: str, text: str) -> None:
    trigger = f"111.{len(bot.fake.posted)}.{user}"  # each command has its own trigger id (the event id)
    assert bot.post_form({**COMMAND, "user_id": user, "user_name": name, "text": text,
                          "trigger_id": trigger}).status_code == 200
    assert bot.process() == 1
    bot.deliver()


def click(bot, message: dict, user: str, value: str) -> None:
    """`user` presses the button with `value` on `message`, as recorded in data/block_actions.json."""
    payload = load("block_actions.json")["payload"]
    payload["user"].update(id=user)
    payload["channel"]["id"] = payload["container"]["channel_id"] = message["channel"]
    payload["message"]["ts"] = payload["container"]["message_ts"] = message["ts"]
    payload["actions"][0].update(value=value, action_id=f"genjin:{value}")
    assert bot.post_form({"payload": json.dumps(payload)}).status_code == 200
    assert bot.process() == 1
    bot.deliver()


def test_the_proposal_renders_two_buttons_and_the_initiators_click_applies_it(http_bot):
    slash(http_bot, "U1", "pat", "todo <@U2|lee> write spec by 2026-12-01")
    card = http_bot.fake.posted[0]
    slash(http_bot, "U2", "lee", "extend #1 2026-12-04 the vendor is late")
    proposal = http_bot.fake.calls_to("chat.postMessage")[-1]
    assert proposal["thread_ts"] == card["ts"]  # in the item's thread
    shown = json.dumps(proposal["blocks"], ensure_ascii=False)
    assert "deadline change asked: write spec" in shown and "the vendor is late" in shown
    buttons = [e for b in proposal["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [(b["text"]["text"], b["value"]) for b in buttons] == [("Approve", "approve:1"), ("Decline", "decline:1")]
    assert "<@U1>" in shown  # the initiator is asked, by a real mention
    with http_bot.app.sessions() as s:
        assert s.scalar(select(Item)).deadline.day == 1  # the deadline in force stays

    click(http_bot, http_bot.fake.posted[-1], "U1", "approve:1")
    with http_bot.app.sessions() as s:
        item, asked = s.scalar(select(Item)), s.scalar(select(DeadlineProposal))
        assert item.deadline.day == 4
        assert (asked.status, asked.decided_by.user_id) == ("approved", "U1")
        assert [h.action for h in item.history] == ["created", "propose", "extend"]
    updated = [json.dumps(u["blocks"], ensure_ascii=False) for u in http_bot.fake.calls_to("chat.update")]
    assert any("approved" in u and "approve:1" not in u for u in updated)  # its buttons are gone


def test_the_owners_own_click_on_approve_is_refused(http_bot):
    slash(http_bot, "U1", "pat", "todo <@U2|lee> write spec by 2026-12-01")
    slash(http_bot, "U2", "lee", "extend #1 2026-12-04 the vendor is late")
    click(http_bot, http_bot.fake.posted[-1], "U2", "approve:1")
    with http_bot.app.sessions() as s:
        assert s.scalar(select(Item)).deadline.day == 1
        assert s.scalar(select(DeadlineProposal)).status == "open"
