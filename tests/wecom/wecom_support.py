"""Helpers for the WeCom tests: the clock, recorded callbacks (sealed as WeCom sends them), records."""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from wecom_fake import CORP_ID, SECRET

from adapters.wecom.crypto import APP, ROBOT, Receiver, seal
from genjin.config import WeComSettings
from storage.models import InboxEvent, Item

NOW = datetime(2026, 5, 11, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TOKEN, AES_KEY = "wecomToken0001", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
ROBOT_TOKEN, ROBOT_AES_KEY = "robotToken0001", "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut"
AGENT_ID = 1000002
GROUP = "wrkSFfCgAAtMQKg4xqDatM5C9IeGeP3A"
DATA = os.path.join(os.path.dirname(__file__), "data")
APP_RECEIVER = Receiver(APP, TOKEN, AES_KEY, CORP_ID)
ROBOT_RECEIVER = Receiver(ROBOT, ROBOT_TOKEN, ROBOT_AES_KEY, "")


def load(name: str) -> str:
    with open(os.path.join(DATA, name), encoding="utf-8") as f:
        return f.read()


def wecom_settings(fake, **overrides) -> WeComSettings:
    values = dict(corp_id=CORP_ID, agent_id=AGENT_ID, secret=SECRET, token=TOKEN, encoding_aes_key=AES_KEY,
                  robot_token=ROBOT_TOKEN, robot_encoding_aes_key=ROBOT_AES_KEY, api_base=fake.url)
    return WeComSettings(**{**values, **overrides})


def _set(xml: str, tag: str, value: str) -> str:
    """The recorded XML with one field's value replaced."""
    return re.sub(rf"<{tag}>.*?</{tag}>", f"<{tag}><![CDATA[{value}]]></{tag}>", xml, flags=re.S)


def app_text(msg_id: str, text: str, *, user: str = "WangJingLi", at: datetime = NOW) -> str:
    xml = _set(_set(load("app_text.xml"), "Content", text), "FromUserName", user)
    xml = re.sub(r"<MsgId>\d+</MsgId>", f"<MsgId>{msg_id}</MsgId>", xml)
    return re.sub(r"<CreateTime>\d+</CreateTime>", f"<CreateTime>{int(at.timestamp())}</CreateTime>", xml)


def app_click(task: str, key: str, *, code: str, user: str = "WangJingLi", at: datetime = NOW) -> str:
    xml = load("app_card_click.xml")
    for tag, value in (("TaskId", task), ("EventKey", key), ("ResponseCode", code), ("FromUserName", user)):
        xml = _set(xml, tag, value)
    return re.sub(r"<CreateTime>\d+</CreateTime>", f"<CreateTime>{int(at.timestamp())}</CreateTime>", xml)


def robot_text(msg_id: str, text: str, *, user: str = "WangJingLi", chat: str = GROUP) -> str:
    data = json.loads(load("robot_group_text.json"))
    data.update(msgid=msg_id, chatid=chat, text={"content": text}, **{"from": {"userid": user}})
    return json.dumps(data, ensure_ascii=False)


def sealed(plaintext: str, *, receiver: Receiver = APP_RECEIVER, at: datetime = NOW,
           nonce: str = "1372623149") -> tuple[dict[str, str], bytes]:
    """(query, body) of the callback as WeCom posts it: encrypted and signed."""
    return seal(receiver, plaintext, timestamp=str(int(at.timestamp())), nonce=nonce)


def inbox(app) -> list[InboxEvent]:
    with app.sessions() as s:
        return list(s.scalars(select(InboxEvent).order_by(InboxEvent.id)))


def item(app, item_id: int = 1) -> Item | None:
    with app.sessions() as s:
        return s.get(Item, item_id)


def count(app, model) -> int:
    with app.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))
