"""The one parse function, on recorded (decrypted) callbacks as WeCom documents them."""

from __future__ import annotations

import json

import pytest
import xmltodict
from wecom_support import GROUP, NOW, app_click, app_text, load, robot_text

from adapters.wecom.parse import envelope, event_key, parse, task_id
from bot.events import INERT_AT, EventKind, Mention


def app_env(xml: str) -> dict:
    return envelope("app", dict(xmltodict.parse(xml)["xml"]))


def robot_env(text: str) -> dict:
    return envelope("robot", json.loads(text))


def test_a_one_to_one_app_message_is_a_direct_command():
    event = parse(app_env(load("app_text.xml")), received_at=NOW)
    assert (event.kind, event.chat_id, event.user_id, event.text) == (EventKind.MESSAGE, "direct:WangJingLi",
                                                                      "WangJingLi", "/帮助")
    assert event.is_direct and event.addressed_to_bot and event.event_id == "msg:7380000000000000001"
    assert event.received_at == NOW  # CreateTime


def test_a_group_mention_of_the_smart_robot_drops_its_name():
    event = parse(robot_env(load("robot_group_text.json")), received_at=NOW)
    assert (event.chat_id, event.user_id, event.text) == (GROUP, "WangJingLi", "/待办 写活动页 截止 2026-05-15")
    assert not event.is_direct and event.addressed_to_bot
    assert event.event_id == "robot:CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI="


def test_the_smart_robots_own_chat_is_a_direct_one():
    event = parse(robot_env(load("robot_single_text.json")), received_at=NOW)
    assert (event.chat_id, event.text, event.is_direct) == ("direct:LiLei", "/帮助", True)


@pytest.mark.parametrize("name", ["app_image.xml", "app_enter_agent.xml"])
def test_what_has_no_text_is_nothing(name):
    assert parse(app_env(load(name)), received_at=NOW) is None


def test_only_people_on_record_become_mentions():
    known = {"LiLei": "LiLei", "韩梅梅": "HanMeiMei"}
    text = "/待办 @LiLei @韩梅梅，@张三 @所有人 <@HanMeiMei|韩梅梅> 写活动页"
    event = parse(app_env(app_text("1", text)), received_at=NOW, known=known)
    assert event.mentions == (Mention("LiLei", "LiLei"), Mention("HanMeiMei", "韩梅梅"))
    assert event.text == f"/待办 <@LiLei> <@HanMeiMei|韩梅梅>，@张三 @所有人 {INERT_AT}HanMeiMei|韩梅梅> 写活动页"
    nobody = parse(robot_env(robot_text("m", "@跟进 /待办 @LiLei 写")), received_at=NOW)
    assert nobody.mentions == () and nobody.text == "/待办 @LiLei 写"  # not on record: plain text


def test_a_press_on_a_card_is_a_button_event_in_the_cards_chat():
    task = task_id("card:1")
    env = app_env(app_click(task, "done:1", code="rc-9", user="LiLei"))
    event = parse(env, received_at=NOW, chat_id="direct:LiLei")
    assert (event.kind, event.button_value, event.target_message_id, event.user_id) == (
        EventKind.BUTTON, "done:1", task, "LiLei")
    assert parse(env, received_at=NOW, chat_id=None) is None  # not a card Genjin sent


def test_a_redelivered_press_has_the_same_key_and_another_press_another():
    task = task_id("card:1")
    first = event_key(app_env(app_click(task, "done:1", code="rc-1")))
    assert first == event_key(app_env(app_click(task, "done:1", code="rc-1")))
    assert first != event_key(app_env(app_click(task, "confirm:1", code="rc-2")))
    assert event_key(envelope("app", {"MsgType": "event", "Event": "enter_agent"})) == ""
