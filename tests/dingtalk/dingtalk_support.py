"""Helpers for the DingTalk tests: the clock, recorded envelopes, signed callbacks, records."""

from __future__ import annotations

import copy
import json
import os
import time
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from adapters.dingtalk.signing import card_sign, robot_sign
from genjin.config import DingTalkSettings
from storage.models import InboxEvent, Item

NOW = datetime(2026, 5, 11, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SECRET, CARD_SECRET, TEMPLATE = "app-secret-0001", "card-secret-0001", "tpl-genjin.schema"
CID = "cidGroupAAAA1234567890=="
DATA = os.path.join(os.path.dirname(__file__), "data")


def load(name: str) -> dict:
    with open(os.path.join(DATA, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


def dingtalk_settings(fake, **overrides) -> DingTalkSettings:
    values = dict(mode="http", client_id="dingclient0001", client_secret=SECRET, card_template_id=TEMPLATE,
                  openapi_endpoint=fake.url, oapi_endpoint=fake.url, card_callback_secret=CARD_SECRET)
    return DingTalkSettings(**{**values, **overrides})


def message(msg_id: str, text: str, *, sender: str = "pm01", nick: str = "王经理", at: tuple[str, ...] = (),
            direct: bool = False, webhook: str | None = None, created: datetime = NOW) -> dict:
    """A robot message's data, from the recorded one."""
    data = copy.deepcopy(load("group_at_command")["envelope"]["data"])
    bot = data["atUsers"][0]
    data.update(msgId=msg_id, senderStaffId=sender, senderNick=nick, text={"content": text},
                atUsers=[bot] + [{"dingtalkId": f"$:LWCP_v1:${s}", "staffId": s} for s in at],
                createAt=int(created.timestamp() * 1000),
                sessionWebhookExpiredTime=int(created.timestamp() * 1000) + 90 * 60 * 1000)
    if webhook:
        data["sessionWebhook"] = webhook
    else:
        data.pop("sessionWebhook")
    if direct:
        data.update(conversationType="1", conversationId=f"cidDirect{sender}==", atUsers=[], isInAtList=False)
    return data


def click(track: str, value: str, *, user: str, render: str | None = None) -> dict:
    """A card callback's data."""
    data = copy.deepcopy(load("card_click")["envelope"]["data"])
    params = {"genjin": value, **({"render": render} if render else {})}
    data.update(outTrackId=track, userId=user, content=json.dumps({"cardPrivateData": {"actionIds": ["b1"],
                                                                                       "params": params}}))
    return data


def signed(at: datetime = NOW, secret: str = SECRET) -> dict:
    stamp = str(int(at.timestamp() * 1000))
    return {"timestamp": stamp, "sign": robot_sign(stamp, secret), "Content-Type": "application/json"}


def card_signed(at: datetime = NOW, secret: str = CARD_SECRET) -> dict:
    stamp = str(int(at.timestamp() * 1000))
    return {"x-ddpaas-signature-timestamp": stamp, "x-ddpaas-signature": card_sign(stamp, secret),
            "Content-Type": "application/json"}


def inbox(app) -> list[InboxEvent]:
    with app.sessions() as s:
        return list(s.scalars(select(InboxEvent).order_by(InboxEvent.id)))


def item(app, item_id: int = 1) -> Item | None:
    with app.sessions() as s:
        return s.get(Item, item_id)


def count(app, model) -> int:
    with app.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def wait_for(check: Callable[[], bool], timeout: float = 15.0) -> None:
    """Poll `check` until it holds; fail after `timeout` (threads are at work, no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)
