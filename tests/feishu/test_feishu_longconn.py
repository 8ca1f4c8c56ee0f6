"""The long connection end to end: lark.ws.Client in its thread against the fake ws endpoint."""

from __future__ import annotations

import base64
import json

from feishu_support import NOW, click, count, feishu_settings, item, message, wait_for

from adapters.feishu.runtime import FeishuRuntime
from genjin.serve import Runner
from storage.models import Item, ProcessedEvent


def test_command_click_and_redelivery_over_the_long_connection(app, fake):
    runner = Runner(app, clock=lambda: NOW)  # the production path: intake thread, runner pool
    runtime = FeishuRuntime(feishu_settings(fake, mode="ws", encrypt_key="", verification_token=""), runner)
    assert runtime.routes() == []  # no public URL needed
    runtime.start()
    try:
        assert fake.wait_connected(30), "the ws client never connected"
        todo = message("ev-ws-1", "@_user_1 /todo @_user_2 写活动页 by 2026-05-15", lee_mentioned=True)
        assert fake.push(todo)["code"] == 200
        wait_for(lambda: count(app, Item) == 1)
        assert app.deliver(platform="feishu", sender=runtime.sender, now=NOW) == 1
        [card_id] = fake.messages
        assert "写活动页" in fake.messages[card_id]["content"]

        answer = fake.push(click("ev-ws-2", "done:1", user="ou_lee", message_id=card_id))
        assert answer["code"] == 200
        assert json.loads(base64.b64decode(answer["data"]))["toast"]["type"] == "success"
        wait_for(lambda: item(app).status == "done")

        assert fake.push(todo)["code"] == 200  # a re-push of the first event
    finally:
        runtime.stop()  # drains the intake queue into the runner ...
        runner.stop()  # ... which finishes what it was given
        runtime.close()
    assert count(app, Item) == 1 and count(app, ProcessedEvent) == 2
    assert not runtime.long_connection._thread.is_alive()
