"""Helpers for the Feishu tests: the clock, recorded payloads, signed callbacks."""

from __future__ import annotations

import copy
import json
import os
import time
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from adapters.feishu.crypto import encrypt, signature
from genjin.config import FeishuSettings
from storage.models import InboxEvent, Item

NOW = datetime(2026, 5, 11, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
KEY, TOKEN = "test-encrypt-key", "vtoken"
DATA = os.path.join(os.path.dirname(__file__), "data")


def load(name: str) -> dict:
    with open(os.path.join(DATA, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


def feishu_settings(fake, **overrides) -> FeishuSettings:
    values = dict(mode="http", app_id="cli_test", app_secret="secret", encrypt_key=KEY,
                  verification_token=TOKEN, domain=fake.url)
    return FeishuSettings(**{**values, **overrides})


def callback(payload: dict, *, key: str = KEY, at: datetime = NOW, sign_with: str | None = None,
             encrypted: bool = True) -> tuple[bytes, dict]:
    """A callback body and headers as Feishu sends them (encrypted and signed with `key`)."""
    text = json.dumps(payload, ensure_ascii=False)
    body = json.dumps({"encrypt": encrypt(text, key, os.urandom(16))}) if encrypted else text
    stamp, nonce = str(int(at.timestamp())), f"nonce-{time.monotonic_ns()}"
    headers = {"Content-Type": "application/json", "X-Lark-Request-Timestamp": stamp,
               "X-Lark-Request-Nonce": nonce,
               "X-Lark-Signature": signature(stamp, nonce, sign_with if sign_with is not None else key,
                                             body.encode())}
    return body.encode(), headers


def message(event_id: str, text: str, *, sender: str = "ou_pm", chat_type: str = "group",
            chat: str = "oc_group", lee_mentioned: bool = False) -> dict:
    data = copy.deepcopy(load("group_at_bot_command")["payload"])
    data["header"]["event_id"] = event_id
    msg = data["event"]["message"]
    msg.update(chat_id=chat, chat_type=chat_type, content=json.dumps({"text": text}, ensure_ascii=False),
               message_id=f"om_user_{event_id}")
    msg["mentions"] = msg["mentions"] if lee_mentioned else msg["mentions"][:1]
    data["event"]["sender"]["sender_id"]["open_id"] = sender
    return data


def click(event_id: str, value: str, *, user: str, message_id: str) -> dict:
    data = copy.deepcopy(load("card_action")["payload"])
    data["header"]["event_id"] = event_id
    data["event"]["operator"]["open_id"] = user
    data["event"]["action"]["value"] = {"genjin": value}
    data["event"]["context"]["open_message_id"] = message_id
    return data


def reaction(event_id: str, emoji: str, *, user: str, message_id: str) -> dict:
    data = copy.deepcopy(load("reaction_created")["payload"])
    data["header"]["event_id"] = event_id
    data["event"].update(message_id=message_id, reaction_type={"emoji_type": emoji})
    data["event"]["user_id"]["open_id"] = user
    return data


def inbox(app) -> list[InboxEvent]:
    with app.sessions() as s:
        return list(s.scalars(select(InboxEvent).order_by(InboxEvent.id)))


def item(app) -> Item | None:
    with app.sessions() as s:
        return s.scalar(select(Item))


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
