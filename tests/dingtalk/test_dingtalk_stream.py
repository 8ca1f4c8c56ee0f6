"""Stream mode end to end: the real dingtalk_stream client in its thread, against the fake gateway.

DINGTALK_OPENAPI_ENDPOINT is left alone: the SDK read it at import (its default, the public
host), and the connection still reaches the loopback fake, because Genjin opens it itself
with the configured endpoint.
"""

from __future__ import annotations

import warnings

import dingtalk_stream
import pytest
from dingtalk_support import NOW, click, count, dingtalk_settings, inbox, item, message, wait_for
from sqlalchemy.exc import OperationalError

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from adapters.dingtalk.parse import CARD_TOPIC, MESSAGE_TOPIC, out_track_id
from adapters.dingtalk.runtime import DingTalkRuntime
from genjin.serve import Runner, build_asgi
from storage.models import Item

TODO = " /待办 @李雷 写活动页 截止 2026-05-15"
CARD = out_track_id("card:1")


@pytest.fixture
def stream(app, fake):
    runner = Runner(app, clock=lambda: NOW, poll_seconds=0.05)  # the production path: intake workers
    runtime = DingTalkRuntime(dingtalk_settings(fake, mode="stream"), runner)
    assert runtime.routes() == []  # no public URL needed
    runner.start()
    runtime.start()
    assert fake.wait_connected(30), "the stream client never connected"
    yield runtime
    runtime.stop()  # stops receiving ...
    runner.stop()  # ... then the workers, which finish the row in hand
    runtime.close()
    assert not runtime.stream._thread.is_alive()


def test_the_sdk_endpoint_variable_is_not_what_connects(fake, stream):
    assert dingtalk_stream.utils.DINGTALK_OPENAPI_ENDPOINT != fake.url
    [opened] = fake.opened
    assert opened["clientId"] == "dingclient0001"
    assert {s["topic"] for s in opened["subscriptions"]} == {MESSAGE_TOPIC, CARD_TOPIC}


def test_command_in_card_out_button_answered_with_the_updated_card(app, fake, stream):
    ack = fake.push(MESSAGE_TOPIC, message("msg-1", TODO, at=("lee01",)))
    assert ack["code"] == 200 and ack["headers"]["messageId"]
    wait_for(lambda: count(app, Item) == 1)
    assert app.deliver(platform="dingtalk", sender=stream.sender, now=NOW) == 1
    assert fake.cards[CARD]["body"]["callbackType"] == "STREAM"
    render = fake.cards[CARD]["data"]["render"]

    ack = fake.push(CARD_TOPIC, click(CARD, "done:1", user="lee01", render=render))
    assert ack["code"] == 200
    answer = ack["data"]["response"]  # the SDK wraps the handler's answer
    assert item(app).status == "done"  # processed before the ACK: the answer tells the truth
    assert answer["cardData"]["cardParamMap"]["b1_value"] == "confirm:1"
    assert answer["cardUpdateOptions"] == {"updateCardDataByKey": True, "updatePrivateDataByKey": True}
    app.deliver(platform="dingtalk", sender=stream.sender, now=NOW)
    assert fake.cards[CARD]["data"]["b1_value"] == "confirm:1" and fake.cards[CARD]["edits"] == 1


def test_the_same_msg_id_three_times_is_one_item(app, fake, stream):
    data = message("msg-dup", TODO, at=("lee01",))
    for n in range(3):  # as new frames: DingTalk's re-push of the same message
        assert fake.push(MESSAGE_TOPIC, data, message_id=f"frame-dup-{n}")["code"] == 200
    wait_for(lambda: all(row.status == "done" for row in inbox(app)) and count(app, Item) == 1)
    assert len(inbox(app)) == 1 and count(app, Item) == 1


def test_a_frame_not_stored_is_not_acknowledged_as_done(app, fake, stream, monkeypatch):
    real = stream.runner.accept

    def broken(**kwargs):
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(stream.runner, "accept", broken)
    assert fake.push(MESSAGE_TOPIC, message("msg-1", TODO, at=("lee01",)))["code"] == 500
    assert inbox(app) == []
    monkeypatch.setattr(stream.runner, "accept", real)
    assert fake.push(MESSAGE_TOPIC, message("msg-1", TODO, at=("lee01",)))["code"] == 200
    wait_for(lambda: count(app, Item) == 1)


def test_pings_are_answered_and_a_dropped_stream_reconnects(app, fake, stream):
    fake.ping()
    fake.drop_connection()  # DingTalk closed it (a deploy on their side): the SDK opens a new one
    assert fake.wait_connected(30)
    wait_for(lambda: stream.stream.connected)
    assert fake.ws_connections == 2 and stream.healthy()
    assert fake.push(MESSAGE_TOPIC, message("msg-1", TODO, at=("lee01",)))["code"] == 200
    wait_for(lambda: count(app, Item) == 1)


def test_healthz_reports_a_dead_stream(app, fake, stream):
    with TestClient(build_asgi([stream], app)) as http:
        assert http.get("/healthz").json()["platforms"] == {"dingtalk": True}
        stream.stream.dead_after = 0.2
        fake.gateway_up = False  # the app's credentials revoked, or DingTalk unreachable
        fake.drop_connection()
        wait_for(lambda: not stream.healthy())
        answer = http.get("/healthz")
        assert answer.status_code == 503 and answer.json()["platforms"] == {"dingtalk": False}
        wait_for(lambda: stream.stream.failures >= 1)  # and it keeps trying
