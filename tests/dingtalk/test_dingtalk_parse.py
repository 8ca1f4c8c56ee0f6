"""Recorded DingTalk envelopes -> the IncomingEvent each must produce (table-driven).

The payloads follow the fields DingTalk documents for robot messages and card callbacks
(and dingtalk_stream's ChatbotMessage / CardCallbackMessage read); none was captured from a
live DingTalk, which this project has no tenant for.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from dingtalk_support import DATA, load

from adapters.dingtalk.parse import event_key, parse

CASES = sorted(name[:-5] for name in os.listdir(DATA) if name.endswith(".json"))
RECEIVED = datetime(2026, 5, 11, 2, 0, 5, tzinfo=UTC)


@pytest.mark.parametrize("name", CASES)
def test_recorded_envelope(name):
    case = load(name)
    event = parse(case["envelope"], received_at=RECEIVED, **case["context"])
    if case["expect"] is None:
        assert event is None, case["description"]
        return
    assert event is not None, case["description"]
    for field, want in case["expect"].items():
        got = getattr(event, field)
        if field == "mentions":
            got = [[m.user_id, m.name] for m in got]
        elif field == "received_at":
            got = got.isoformat()
        assert got == want, f"{name}: {field}"
    assert event.platform == "dingtalk" and event.event_id == event_key(case["envelope"])


def test_every_kind_is_recorded():
    kinds = {(load(name)["expect"] or {}).get("kind") for name in CASES}
    assert {"message", "button"} <= kinds


def test_a_click_is_keyed_by_card_person_button_and_rendering():
    click = load("card_click")["envelope"]
    again = {**click, "push": "frame-0002"}  # a redelivery: another frame, the same rendering
    assert event_key(again) == event_key(click)
    later = {**click, "data": {**click["data"], "content": click["data"]["content"].replace("3f2a9c0b1d4e", "77")}}
    assert event_key(later) != event_key(click)  # the same button on a newer rendering of the card
    other = {**click, "data": {**click["data"], "userId": "pm01"}}
    assert event_key(other) != event_key(click)


def test_without_a_rendering_parameter_the_frame_tells_clicks_apart():
    click = load("card_click")["envelope"]
    bare = {**click, "data": {**click["data"], "content": '{"cardPrivateData":{"params":{"genjin":"done:12"}}}'}}
    assert event_key(bare) != event_key({**bare, "push": "frame-0002"})
