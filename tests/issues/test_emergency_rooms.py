"""/emergency --room in the core: who is asked into the room, where rooms cannot be opened, and how
a command typed in the room finds its emergency. The platforms' own calls are tested against
their fakes in tests/feishu/test_feishu_rooms.py and tests/slack/test_slack_rooms.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from issue_support import TEAM, issues
from sqlalchemy import select

from bot.events import EventKind, IncomingEvent, Mention, OutgoingMessage
from storage.models import OutboxMessage

NOW = datetime(2026, 5, 11, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
PEOPLE = {"pm": "Pat", "bob": "Bob", "wang": "Wang", "li": "Li", "zhao": "Zhao", "qian": "Qian", "boss": "Boss"}


class Platform:
    """A platform that can open rooms: each room request gets a new chat id; every post is kept
    (a card as its title)."""

    def __init__(self) -> None:
        self.rooms: list[tuple[str, list[str]]] = []
        self.posts: list[tuple[str, str]] = []
        self._ids = count(1)

    def send(self, msg: OutgoingMessage, *, outbox_id: int, reply_to: str | None, edit_of: str | None,
             maybe_sent: bool = False) -> str:
        if msg.extra.get("action") == "create_room":
            room = f"room{next(self._ids)}"
            self.rooms.append((room, msg.extra["members"].split(",")))
            return room
        self.posts.append((msg.chat_id or "", msg.card.title if msg.card else msg.text))
        return f"m{outbox_id}"

    def said(self, chat: str) -> list[str]:
        return [text for where, text in self.posts if where == chat]


class Team:
    def __init__(self, app, platform: str = "feishu") -> None:
        self.app, self.platform, self.fake, self.n = app, platform, Platform(), count(1)
        app.policies = {**app.policies, platform: replace(app.policy_for(platform), emergency_rooms=True)}
        for line in TEAM.strip().splitlines():
            who, text = line.split(": ", 1)
            self.say(who[1:], text)

    def say(self, who: str, text: str, chat: str = "group") -> None:
        mentions = tuple(Mention(uid, name) for uid, name in PEOPLE.items() if f"@{uid}" in text.split())
        for m in mentions:
            text = " ".join(f"<@{m.user_id}|{m.name}>" if w == f"@{m.user_id}" else w for w in text.split())
        self.app.process(IncomingEvent(platform=self.platform, event_id=f"e{next(self.n)}", chat_id=chat,
                                       user_id=who, user_name=PEOPLE[who], kind=EventKind.MESSAGE, text=text,
                                       mentions=mentions, addressed_to_bot=True, received_at=NOW), now=NOW)
        while self.app.deliver(platform=self.platform, sender=self.fake, now=NOW):
            pass


def test_the_room_takes_the_reporter_the_people_named_and_their_heads(app):
    team = Team(app)
    team.say("pm", "/emergency checkout is down @bob @Mkt impact all orders 【建群】")
    [(room, members)] = team.fake.rooms
    assert members == ["pm", "bob", "qian", "wang", "zhao"]  # reporter; Bob, Mkt's liaison; their heads
    assert team.fake.said("group")[-2].endswith(
        "正在建立临时协调群，拉入 <@pm|Pat> <@bob|Bob> <@qian|Qian> <@wang|Wang> <@zhao|Zhao>；群建好后会在群里发出事件概要。")
    assert issues(app)[0].room_chat_id == room and issues(app)[0].description == "checkout is down"


@pytest.mark.parametrize("flag", ["--room", "--群", "建群"])
def test_each_spelling_of_the_flag_asks_for_a_room_and_is_not_part_of_the_description(app, flag):
    team = Team(app)
    team.say("pm", f"/紧急 {flag} 支付页无法下单 @bob")
    assert len(team.fake.rooms) == 1 and issues(app)[0].description == "支付页无法下单"


def test_in_the_room_ack_plan_and_resolve_need_no_number_and_reach_the_group(app):
    team = Team(app)
    team.say("pm", "/emergency checkout is down @bob --room")
    room = team.fake.rooms[0][0]
    team.say("bob", "/ack", chat=room)
    assert team.fake.said(room)[-1] == "✔ <@bob|Bob> 已响应紧急事务 #1（0 分钟）。"
    assert team.fake.said("group")[-1] == "✔ <@bob|Bob> 已响应紧急事务 #1（0 分钟）。（来自协调群）"
    team.say("bob", "/plan #1 roll back", chat=room)
    assert team.fake.said("group")[-1] == "🛠 #1 处理方案（<@bob|Bob>）：roll back（来自协调群）"
    team.say("bob", "/show", chat=room)
    assert team.fake.said(room)[-1] == "#1 紧急事务：checkout is down"
    team.say("bob", "/show #2", chat=room)  # #N is the original chat's: there is no #2 there
    assert team.fake.said(room)[-1] == "找不到 #2。用「/列表」看本群的事项。"
    assert issues(app)[0].plan == "roll back" and issues(app)[0].responded_at is not None


@pytest.mark.parametrize("platform", ["console", "dingtalk"])
def test_where_the_platform_cannot_open_rooms_the_emergency_stands_and_the_reply_says_so(app, platform):
    team = Team(app, platform)
    team.say("pm", "/emergency checkout is down @bob --room")
    [reply] = team.fake.said("group")[-1:]
    assert "🆘 紧急事务 #1：checkout is down" in reply
    assert reply.endswith("（未建群：本平台不支持由机器人建群，请在本群协调。）")
    assert team.fake.rooms == [] and issues(app)[0].status == "open"
    with app.sessions() as s:
        assert not any(r.key.startswith("room:") for r in s.scalars(select(OutboxMessage)))


def test_without_the_flag_nothing_is_asked_of_the_platform(app):
    team = Team(app)
    team.say("pm", "/emergency checkout is down @bob")
    assert team.fake.rooms == [] and "协调群" not in team.fake.said("group")[-1]


def test_the_rooms_reminders_reach_the_room_too(app):
    team = Team(app)
    team.say("pm", "/emergency checkout is down @bob --room")
    room = team.fake.rooms[0][0]
    app.sweep(now=NOW + timedelta(minutes=31))
    while app.deliver(platform="feishu", sender=team.fake, now=NOW + timedelta(minutes=31)):
        pass
    pinged = "🆘 紧急事务 #1「checkout is down」30 分钟无人响应，已通知 <@bob|Bob> <@wang|Wang>。"
    assert team.fake.said("group")[-1] == pinged and team.fake.said(room)[-1] == pinged


def test_a_plan_made_before_the_room_exists_is_in_its_facts(app):
    team = Team(app)  # nothing is delivered between the two commands: the room is not made yet
    team.app.process(IncomingEvent(platform="feishu", event_id="x1", chat_id="group", user_id="pm", user_name="Pat",
                                   kind=EventKind.MESSAGE, text="/emergency checkout is down --room",
                                   addressed_to_bot=True, received_at=NOW), now=NOW)
    team.app.process(IncomingEvent(platform="feishu", event_id="x2", chat_id="group", user_id="pm", user_name="Pat",
                                   kind=EventKind.MESSAGE, text="/plan #1 roll back", addressed_to_bot=True,
                                   received_at=NOW), now=NOW)
    while app.deliver(platform="feishu", sender=team.fake, now=NOW):
        pass
    [(room, _)] = team.fake.rooms
    assert team.fake.said(room)[0].endswith("\n方案：roll back")
