"""A deadline proposal on DingTalk: the owner's /延期 posts a card with 同意 / 拒绝 buttons (robots see
no reactions there, so the text points to the buttons); the initiator's press applies it."""

from __future__ import annotations

import json
import warnings

import pytest
from dingtalk_support import NOW, card_signed, click, item, message, signed
from sqlalchemy import select

with warnings.catch_warnings():  # starlette 1.x nudges towards httpx2; httpx is what is installed
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from adapters.dingtalk.parse import out_track_id
from genjin.serve import build_asgi
from storage.models import DeadlineProposal

PROPOSAL = out_track_id("proposal:1")


@pytest.fixture
def client(runtime):
    with TestClient(build_asgi([runtime])) as http:
        yield http


def post(client, data: dict):
    body = json.dumps(data, ensure_ascii=False).encode()
    assert client.post("/dingtalk/events", content=body, headers=signed()).status_code == 200


def press(client, value: str, user: str):
    return client.post("/dingtalk/events", content=json.dumps(click(PROPOSAL, value, user=user)).encode(),
                       headers=card_signed())


def deliver(app, runtime) -> None:
    runtime.runner.drain()
    app.deliver(platform="dingtalk", sender=runtime.sender, now=NOW)


def status(app) -> str:
    with app.sessions() as s:
        return s.scalar(select(DeadlineProposal.status))


def test_the_proposal_card_has_two_buttons_and_the_initiators_press_applies_it(app, runtime, client, fake):
    post(client, message("msg-1", " /待办 @李雷 写活动页 截止 2026-05-15", at=("lee01",)))
    deliver(app, runtime)
    post(client, message("msg-2", " /延期 #1 2026-05-20 供应商延迟", sender="lee01", nick="李雷"))
    deliver(app, runtime)
    data = fake.cards[PROPOSAL]["data"]
    assert data["title"] == "#1 改期申请：写活动页"
    assert (data["b1_value"], data["b2_value"], data["b3_show"]) == ("approve:1", "decline:1", "false")
    shown = json.dumps(data, ensure_ascii=False)
    assert "点「同意」或「拒绝」按钮" in shown and "✅" not in shown  # no reactions on DingTalk
    assert item(app).deadline.astimezone(NOW.tzinfo).day == 15

    refused = press(client, "approve:1", "lee01").json()  # the owner may not approve their own request
    assert refused["userPrivateData"]["cardParamMap"]["notice"]
    assert status(app) == "open"

    assert press(client, "approve:1", "pm01").status_code == 200
    deliver(app, runtime)
    assert status(app) == "approved"
    assert item(app).deadline.astimezone(NOW.tzinfo).day == 20
    assert fake.cards[PROPOSAL]["data"]["b1_show"] == "false"  # decided: its buttons are gone
