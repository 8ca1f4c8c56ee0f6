"""A deadline proposal on Feishu: the owner's /extend posts a card with 同意 / 拒绝 buttons under the
item's card; the initiator's click (a recorded card.action.trigger) or ✅ reaction applies it."""

from __future__ import annotations

import warnings

import pytest
from feishu_support import NOW, callback, click, message, reaction
from sqlalchemy import select

with warnings.catch_warnings():  # starlette 1.x nudges towards httpx2; httpx is what is installed
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from genjin.serve import build_asgi
from storage.models import DeadlineProposal, Item


@pytest.fixture
def client(runtime):
    with TestClient(build_asgi([runtime])) as http:
        yield http


def post(client, payload: dict):
    body, headers = callback(payload)
    assert client.post("/feishu/events", content=body, headers=headers).status_code == 200


def deliver(app, runtime) -> None:
    runtime.runner.drain()
    app.deliver(platform="feishu", sender=runtime.sender, now=NOW)


def propose(app, runtime, client, fake) -> str:
    """pm asks lee for the page; lee asks for five more days: the proposal card's message id."""
    post(client, message("ev1", "@_user_1 /todo @_user_2 写活动页 by 2026-05-15", lee_mentioned=True))
    deliver(app, runtime)
    card_id = next(iter(fake.messages))
    post(client, message("ev2", "@_user_1 /extend #1 2026-05-20 供应商延迟", sender="ou_lee"))
    deliver(app, runtime)
    [proposal_id] = [m for m, v in fake.messages.items() if v["parent_id"] == card_id and "改期申请" in v["content"]]
    return proposal_id


def decided(app) -> tuple[int, str, str | None]:
    with app.sessions() as s:
        asked = s.scalar(select(DeadlineProposal))
        return (s.scalar(select(Item)).deadline.astimezone(NOW.tzinfo).day, asked.status,
                asked.decided_by.user_id if asked.decided_by else None)


def test_the_proposal_card_has_two_buttons_and_the_initiators_click_applies_it(app, runtime, client, fake):
    proposal_id = propose(app, runtime, client, fake)
    content = fake.messages[proposal_id]["content"]
    assert '"genjin":"approve:1"' in content and '"genjin":"decline:1"' in content
    assert "同意" in content and "拒绝" in content and "<at id=ou_pm></at>" in content
    assert decided(app) == (15, "open", None)  # the deadline in force stays until it is approved

    post(client, click("ev3", "approve:1", user="ou_pm", message_id=proposal_id))
    deliver(app, runtime)
    assert decided(app) == (20, "approved", "ou_pm")
    content = fake.messages[proposal_id]["content"]
    assert "已同意" in content and "approve:1" not in content  # updated in place, its buttons gone


def test_the_owners_click_is_refused_and_the_initiators_check_mark_applies_it(app, runtime, client, fake):
    proposal_id = propose(app, runtime, client, fake)
    post(client, click("ev3", "approve:1", user="ou_lee", message_id=proposal_id))
    deliver(app, runtime)
    assert decided(app) == (15, "open", None)
    post(client, reaction("ev4", "DONE", user="ou_pm", message_id=proposal_id))
    deliver(app, runtime)
    assert decided(app) == (20, "approved", "ou_pm")
