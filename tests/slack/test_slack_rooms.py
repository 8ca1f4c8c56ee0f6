"""/emergency … --room on Slack: a private channel made once (conversations.create + invite), the
facts posted in it, /plan and /resolve mirrored; switched off, the reply says so plainly."""

from __future__ import annotations

import copy
import itertools
from dataclasses import replace
from datetime import timedelta

import pytest
from slack_fake import BOT_USER_ID
from slack_support import NOW, HttpBot, load
from sqlalchemy import select

from genjin.config import load_settings
from storage.models import Issue

STAMPS = itertools.count(100)  # each message its own ts (Slack's id of a message)
EMERGENCY = "<@UBOT> emergency checkout is down <@U2> impact all online orders --room"


@pytest.fixture
def settings():
    return load_settings(None, environ={"GENJIN_SLACK_EMERGENCY_ROOMS": "true"})


def say(bot: HttpBot, event_id: str, text: str, *, user: str = "U1", channel: str = "C1") -> None:
    mention = copy.deepcopy(load("app_mention.json")["payload"])
    mention["event_id"] = event_id
    mention["event"].update(text=text, user=user, channel=channel, ts=f"1778464800.{next(STAMPS):06d}",
                            client_msg_id=event_id)
    assert bot.post_json(mention).status_code == 200
    bot.process()
    while bot.deliver():
        pass


def posts_in(fake, channel: str) -> list[str]:
    return [p["text"] for p in fake.calls_to("chat.postMessage") if p.get("channel") == channel]


def emergency(app) -> Issue:
    with app.sessions() as s:
        found = s.scalars(select(Issue)).one()
        s.expunge_all()
        return found


def test_a_private_channel_is_made_once_with_the_people_and_gets_the_facts(http_bot, fake):
    say(http_bot, "EvE1", EMERGENCY)
    [create] = fake.calls_to("conversations.create")
    assert create["name"].startswith("emergency-1-") and create["is_private"] in (True, "1", "true")
    [(room, channel)] = fake.channels.items()
    assert channel["members"] == [BOT_USER_ID, "U1", "U2"]  # the bot made it; reporter and the person named
    [facts] = posts_in(fake, room)
    assert facts.startswith("🆘 Coordination group for emergency #1 of #C1\n🆘 Emergency #1: checkout is down")
    assert "Impact: all online orders" in facts and "People: <@U2>" in facts and "Reported by: <@U1>" in facts
    assert "Respond by 2026-05-11 10:30" in facts and "post a plan by 2026-05-11 12:00" in facts
    origin = posts_in(fake, "C1")
    assert "Opening a coordination group with <@U1> <@U2>" in origin[0]
    assert origin[1] == "🆘 The coordination group of emergency #1 is open; plans and results are mirrored here."
    assert emergency(http_bot.app).room_chat_id == room


def test_a_create_whose_answer_was_lost_finds_its_channel_instead_of_making_another(http_bot, fake):
    fake.lose_answer_next("conversations.create")  # Slack made it, we never heard
    say(http_bot, "EvE1", EMERGENCY)
    assert emergency(http_bot.app).room_chat_id is None and len(fake.channels) == 1
    while http_bot.deliver(now=NOW + timedelta(minutes=1)):  # the retry: name_taken, found among the bot's
        pass
    [room] = fake.channels
    assert emergency(http_bot.app).room_chat_id == room
    assert len(fake.calls_to("conversations.create")) == 2 and len(posts_in(fake, room)) == 1
    assert fake.channels[room]["members"] == [BOT_USER_ID, "U1", "U2"]


def test_plan_and_resolve_are_mirrored_both_ways(http_bot, fake):
    say(http_bot, "EvE1", EMERGENCY)
    room = emergency(http_bot.app).room_chat_id
    say(http_bot, "EvP1", "<@UBOT> plan #1 roll back to the old checkout", user="U2")
    assert posts_in(fake, "C1")[-1] == "🛠 #1 plan (<@U2>): roll back to the old checkout"
    assert posts_in(fake, room)[-1] == "🛠 #1 plan (<@U2>): roll back to the old checkout (from #C1)"
    say(http_bot, "EvR1", "<@UBOT> resolve #1 orders flow again", user="U2", channel=room)
    assert posts_in(fake, room)[-1].startswith('✅ #1 "checkout is down" resolved (took 0 minutes): orders flow again')
    assert posts_in(fake, "C1")[-1] == ('✅ #1 "checkout is down" resolved (took 0 minutes): orders flow again'
                                        ' (from the coordination group)')
    assert emergency(http_bot.app).status == "resolved"


def test_switched_off_the_emergency_stands_and_the_reply_says_why(app, fake):
    app.policies = {**app.policies, "slack": replace(app.policies["slack"], emergency_rooms=False)}
    bot = HttpBot(app, fake)
    try:
        say(bot, "EvE1", EMERGENCY)
    finally:
        bot.close()
    [reply] = posts_in(fake, "C1")
    assert "🆘 Emergency #1: checkout is down" in reply
    assert "(No group opened: emergency groups are not turned on here (emergency_rooms = true in the config); " \
           "coordinate here.)" in reply
    assert fake.calls_to("conversations.create") == [] and emergency(app).room_chat_id is None


def test_with_several_workspaces_the_new_channel_is_spoken_to_with_its_workspaces_token(app, fake):
    from test_slack_oauth import CREDENTIALS, command, install

    bot = HttpBot(app, fake, **CREDENTIALS)
    try:
        install(bot, "T2", "UBOT2")
        form = command("T2", "C22", "U1", "1.1.a", "")
        form["text"] = "emergency checkout is down <@U2|lee> --room"
        assert bot.post_form(form).status_code == 200
        bot.process()
        while bot.deliver():
            pass
    finally:
        bot.close()
    [room] = fake.channels
    assert emergency(app).room_chat_id == room and len(posts_in(fake, room)) == 1
    assert set(fake.tokens_for("conversations.create") + fake.tokens_for("chat.postMessage")) == {"xoxb-T2"}
