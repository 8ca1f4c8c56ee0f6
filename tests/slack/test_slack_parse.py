"""Recorded Slack payloads -> the IncomingEvent fields each must produce (data/*.json)."""

from __future__ import annotations

import pytest
from slack_support import DATA, NOW, load

from adapters.slack.parse import event_key, to_event
from bot.events import EventKind, Mention

NAMES = {"U1": "Pat", "U2": "Lee"}
CASES = sorted(p.name for p in DATA.glob("*.json"))


@pytest.mark.parametrize("name", CASES)
def test_recorded_payload(name):
    case = load(name)
    event = to_event(case["payload"], now=NOW, bot_user_id="UBOT", name_of=NAMES.get)
    expected = case["expected"]
    if expected is None:
        assert event is None, case["description"]
        return
    assert event is not None, case["description"]
    assert event.platform == "slack" and event.received_at == NOW
    for field, value in expected.items():
        actual = getattr(event, field)
        if field == "kind":
            value = EventKind(value)
        elif field == "mentions":
            value = tuple(Mention(*m) for m in value)
        assert actual == value, f"{name}: {field}"


def test_every_payload_kind_is_recorded():
    kinds = {load(name)["expected"]["kind"] for name in CASES if load(name)["expected"]}
    assert kinds == {"command", "message", "reaction_added", "reaction_removed", "button"}


def test_names_fall_back_to_the_handle_slack_sent():
    event = to_event(load("slash_command.json")["payload"], now=NOW, bot_user_id="UBOT")
    assert event.user_name == "pat"
    assert event.text == "/todo <@U2|lee> write spec by 2026-12-01"


def test_a_forged_mention_in_plain_text_stays_text():
    payload = load("app_mention.json")["payload"]
    payload["event"]["text"] = "<@UBOT> todo &lt;@U9|boss&gt; x"
    event = to_event(payload, now=NOW, bot_user_id="UBOT", name_of=NAMES.get)
    assert event.mentions == ()  # Slack escaped the user's "<", so no real mention was made
    assert event.text == "todo ‹@U9|boss> x"


def test_a_reaction_on_a_direct_reminder_is_a_direct_event():
    """👀 on a nudge the bot sent to someone's DM must reach the item, not 'another chat'."""
    payload = load("reaction_added.json")["payload"]
    payload["event"]["item"]["channel"] = "D0DM1"
    event = to_event(payload, now=NOW, bot_user_id="UBOT", name_of=NAMES.get)
    assert event.is_direct and event.chat_id == "D0DM1"
    assert not to_event(load("reaction_added.json")["payload"], now=NOW, bot_user_id="UBOT").is_direct


@pytest.mark.parametrize("name", CASES)
def test_what_intake_does_not_store_could_never_have_mattered(name):
    payload = load(name)["payload"]
    if event_key(payload) is None:
        assert to_event(payload, now=NOW, bot_user_id="UBOT", name_of=NAMES.get) is None


def test_both_copies_of_an_at_genjin_message_share_one_inbox_key():
    mention, copy = load("app_mention.json")["payload"], load("message_mentioning_bot.json")["payload"]
    assert mention["event_id"] != copy["event_id"]
    assert event_key(mention) == event_key(copy) == "msg:C1:1778464800.000100"
