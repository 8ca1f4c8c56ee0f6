"""The long connection end to end: lark.ws.Client in its thread against the fake ws endpoint."""

from __future__ import annotations

import base64
import json

import pytest
from feishu_support import NOW, click, count, feishu_settings, inbox, item, message, wait_for
from sqlalchemy.exc import OperationalError

from adapters.feishu.runtime import FeishuRuntime
from genjin.serve import Runner
from storage.models import Item, ProcessedEvent

TODO = "@_user_1 /todo @_user_2 写活动页 by 2026-05-15"


@pytest.fixture
def ws(app, fake):
    runner = Runner(app, clock=lambda: NOW, poll_seconds=0.05)  # the production path: intake workers
    runtime = FeishuRuntime(feishu_settings(fake, mode="ws", encrypt_key="", verification_token=""), runner)
    assert runtime.routes() == []  # no public URL needed
    runner.start()
    runtime.start()
    assert fake.wait_connected(30), "the ws client never connected"
    yield runtime
    runtime.stop()  # stops receiving ...
    runner.stop()  # ... then the workers, which finish the row in hand
    runtime.close()
    assert not runtime.long_connection._thread.is_alive()


def test_command_click_and_redelivery_over_the_long_connection(app, fake, ws):
    todo = message("ev-ws-1", TODO, lee_mentioned=True)
    assert fake.push(todo)["code"] == 200
    wait_for(lambda: count(app, Item) == 1)
    assert app.deliver(platform="feishu", sender=ws.sender, now=NOW) == 1
    [card_id] = fake.messages
    assert "写活动页" in fake.messages[card_id]["content"]

    answer = fake.push(click("ev-ws-2", "done:1", user="ou_lee", message_id=card_id))
    assert answer["code"] == 200
    assert json.loads(base64.b64decode(answer["data"]))["toast"]["type"] == "success"
    assert item(app).status == "done"  # processed before the answer: the toast tells the truth

    assert fake.push(todo)["code"] == 200  # a re-push of the first event
    wait_for(lambda: all(row.status == "done" for row in inbox(app)))
    assert count(app, Item) == 1 and count(app, ProcessedEvent) == 2 and len(inbox(app)) == 2


def test_a_frame_is_answered_only_once_it_is_stored(app, fake, ws, monkeypatch):
    real = ws.runner.accept

    def broken(**kwargs):
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(ws.runner, "accept", broken)
    todo = message("ev-ws-1", TODO, lee_mentioned=True)
    assert fake.push(todo)["code"] == 500  # no ACK: Feishu pushes it again
    assert inbox(app) == []
    monkeypatch.setattr(ws.runner, "accept", real)
    assert fake.push(todo)["code"] == 200
    wait_for(lambda: count(app, Item) == 1)
