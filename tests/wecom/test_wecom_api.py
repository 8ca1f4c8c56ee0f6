"""The qyapi client and the sender's reading of WeCom's answers: tokens, throttling, refusals."""

from __future__ import annotations

import httpx
import pytest
from wecom_fake import CORP_ID, SECRET
from wecom_support import wecom_settings

from adapters.wecom.api import WeComApi, WeComError, check
from adapters.wecom.sender import WeComSender
from bot.events import OutgoingMessage
from bot.ports import PermanentFailure, RetryLater


def answer(body: dict, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=body, request=httpx.Request("POST", "https://qyapi.weixin.qq.com/x"))


@pytest.mark.parametrize("code, wait", [(45009, 60), (45033, 2), (45011, 2), (-1, 2)])
def test_throttling_and_busy_codes_mean_wait(code, wait):
    with pytest.raises(RetryLater) as caught:
        check(answer({"errcode": code, "errmsg": "limit"}))
    assert caught.value.seconds == wait


def test_success_and_refusals():
    assert check(answer({"errcode": 0, "errmsg": "ok", "msgid": "m1"}))["msgid"] == "m1"
    with pytest.raises(WeComError) as caught:
        check(answer({"errcode": 81013, "errmsg": "user & party & tag all invalid"}))
    assert caught.value.code == 81013 and not caught.value.server_side
    with pytest.raises(WeComError) as caught:
        check(httpx.Response(502, text="bad gateway", request=httpx.Request("GET", "https://x")))
    assert caught.value.server_side


def test_the_token_is_renewed_shortly_before_it_expires(fake):
    now = [0.0]
    api = WeComApi(base=fake.url, corp_id=CORP_ID, secret=SECRET, clock=lambda: now[0])
    try:
        first = api.token()
        now[0] = 7200 - 301
        assert api.token() == first and fake.tokens_issued == 1
        now[0] = 7200 - 299  # within five minutes of WeCom's expiry
        assert api.token() != first and fake.tokens_issued == 2
    finally:
        api.close()


@pytest.mark.parametrize("code, expected, message_only", [
    (60020, RetryLater, None),  # the server's IP is not trusted yet: wait for the admin
    (81013, PermanentFailure, False),  # nobody there: the person is gone
    (44004, PermanentFailure, True),  # this message is refused (empty content)
])
def test_a_refused_send_means_what_it_says(fake, code, expected, message_only):
    api = WeComApi(base=fake.url, corp_id=CORP_ID, secret=SECRET)
    sender = WeComSender(api, wecom_settings(fake))
    fake.fail_next("/cgi-bin/message/send", {"errcode": code, "errmsg": "refused"})
    try:
        with pytest.raises(expected) as caught:
            sender.send(OutgoingMessage(key="k1", platform="wecom", user_id="LiLei", text="hi"), outbox_id=1,
                        reply_to=None, edit_of=None)
        if message_only is not None:
            assert caught.value.message_only is message_only
    finally:
        api.close()


def test_a_revoked_secret_makes_messages_wait_not_vanish(fake):
    api = WeComApi(base=fake.url, corp_id=CORP_ID, secret="revoked")
    sender = WeComSender(api, wecom_settings(fake))
    try:
        with pytest.raises(RetryLater, match="no access token.*40001"):
            sender.send(OutgoingMessage(key="k1", platform="wecom", user_id="LiLei", text="hi"), outbox_id=1,
                        reply_to=None, edit_of=None)
    finally:
        api.close()
