"""Minutes pasted into Slack as one multi-line message: parsed, taken, and the minutes card posted."""

from __future__ import annotations

import json

from slack_support import load
from sqlalchemy import func, select

from storage.models import Item, Minutes

MINUTES = ("<@UBOT> minutes 618 kickoff\ntime: 2026-05-10 14:00 online\nrecorder: <@U1>\n"
           "- <@U2> final design by 2026-05-12 standard: approved by marketing\n"
           "- <@U3> campaign page front end by 2026-05-15")


def test_multi_line_minutes_post_one_card_with_every_item(http_bot):
    http_bot.fake.names.update({"U3": "Bo"})
    mention = load("app_mention.json")["payload"]  # as recorded; only the text differs
    mention["event"]["text"] = MINUTES
    assert http_bot.post_json(mention).status_code == 200
    assert http_bot.process() == 1
    assert http_bot.deliver() == 3  # the minutes card, then each item's card in its thread
    card, *item_cards = http_bot.fake.calls_to("chat.postMessage")
    shown = json.dumps(card["blocks"], ensure_ascii=False)
    assert card["channel"] == "C1" and "thread_ts" not in card
    assert "618 kickoff" in shown and "2026-05-10 14:00 online" in shown
    assert "#1 final design · <@U2>" in shown and "#2 campaign page front end · <@U3>" in shown
    assert '"value": "ack:1"' in shown and '"value": "ack:2"' in shown
    assert [c.get("thread_ts") for c in item_cards] == [http_bot.fake.posted[0]["ts"]] * 2
    with http_bot.app.sessions() as s:
        items = list(s.scalars(select(Item).order_by(Item.number)))
        assert [(i.owner.user_id, i.initiator.user_id, i.standard) for i in items] == [
            ("U2", "U1", "approved by marketing"), ("U3", "U1", None)]
        record = s.scalars(select(Minutes)).one()
        assert (record.title, record.recorder.user_id) == ("618 kickoff", "U1")


def test_minutes_edited_on_slack_are_not_read_again(http_bot):
    mention = load("app_mention.json")["payload"]
    mention["event"]["text"] = MINUTES
    http_bot.post_json(mention)
    http_bot.process()
    edit = load("message_changed.json")["payload"]  # the same message, edited: one more action line
    edit["event"]["message"].update(ts=mention["event"]["ts"], text=MINUTES + "\n- <@U2> book the room by 2026-05-13")
    assert http_bot.post_json(edit).status_code == 200
    http_bot.process()
    with http_bot.app.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Item)) == 2
        assert s.scalar(select(func.count()).select_from(Minutes)) == 1
