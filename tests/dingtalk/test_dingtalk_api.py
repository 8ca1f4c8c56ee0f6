"""Signatures (HTTP mode) and what each kind of DingTalk answer means to delivery."""

from __future__ import annotations

import httpx
import pytest

from adapters.dingtalk import signing
from adapters.dingtalk.api import DingTalkError, check
from adapters.dingtalk.sender import refusal
from bot.ports import PermanentFailure, RetryLater

NOW = 1_778_464_800.0


def headers(stamp_ms: int, secret: str = "s3cret") -> dict:
    return {"timestamp": str(stamp_ms), "sign": signing.robot_sign(str(stamp_ms), secret)}


def test_the_robot_signature_is_checked_within_an_hour():
    assert signing.verify(headers(int(NOW * 1000)), app_secret="s3cret", card_secret="", now=NOW) == signing.MESSAGE
    assert signing.verify(headers(int((NOW - 3500) * 1000)), app_secret="s3cret", card_secret="", now=NOW)
    for bad in (headers(int((NOW - 3700) * 1000)), headers(int((NOW + 3700) * 1000)), headers(int(NOW * 1000), "x"),
                {"timestamp": "abc", "sign": signing.robot_sign("abc", "s3cret")}, {"sign": "x"}, {}):
        with pytest.raises(signing.Rejected):
            signing.verify(bad, app_secret="s3cret", card_secret="", now=NOW)


def test_the_documented_formula():
    """Base64(HmacSHA256(key=appSecret, msg=timestamp + "\\n" + appSecret)), computed independently."""
    import base64
    import hashlib
    import hmac

    want = base64.b64encode(hmac.new(b"k", b"1700000000000\nk", hashlib.sha256).digest()).decode()
    assert signing.robot_sign("1700000000000", "k") == want


def test_card_callbacks_are_checked_with_the_card_secret_only():
    stamp = str(int(NOW * 1000))
    good = {"x-ddpaas-signature-timestamp": stamp, "x-ddpaas-signature": signing.card_sign(stamp, "card")}
    assert signing.verify(good, app_secret="s3cret", card_secret="card", now=NOW) == signing.CARD
    with pytest.raises(signing.Rejected):  # no card secret configured: nothing can be checked, so nothing passes
        signing.verify(good, app_secret="s3cret", card_secret="", now=NOW)
    with pytest.raises(signing.Rejected):
        signing.verify({**good, "x-ddpaas-signature": signing.card_sign(stamp, "s3cret")},
                       app_secret="s3cret", card_secret="card", now=NOW)


def answer(status: int, body: dict, headers: dict | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers or {})


@pytest.mark.parametrize("status,body,headers,seconds", [
    (403, {"code": "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi"}, {}, 1),
    (403, {"code": "Forbidden.AccessDenied.QpsLimitForApi"}, {}, 2),
    (200, {"errcode": 90018, "errmsg": "qps"}, {}, 1),
    (429, {}, {"Retry-After": "9"}, 9),
    (200, {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}, {}, 60),
    (403, {"code": "Forbidden.AccessDenied.ApiCountLimitForOrg"}, {}, 3600),
])
def test_throttling_means_wait(status, body, headers, seconds):
    with pytest.raises(RetryLater) as caught:
        check(answer(status, body, headers))
    assert caught.value.seconds == seconds


def test_success_and_refusals():
    assert check(answer(200, {"processQueryKey": "k"})) == {"processQueryKey": "k"}
    assert check(answer(200, {"errcode": 0, "errmsg": "ok"}))["errmsg"] == "ok"
    with pytest.raises(DingTalkError):
        check(answer(200, {"success": False, "code": "x"}))
    busy = DingTalkError(500, "system.busy", "busy")
    assert refusal(busy) is busy  # DingTalk's side: retried with backoff
    gone = refusal(DingTalkError(400, "resource.not.found", "robot not in the conversation"))
    assert isinstance(gone, PermanentFailure) and not gone.message_only  # the chat refuses us: logged only
    bad = refusal(DingTalkError(400, "param.contentUnsafe", "卡片数据不能通过安全审查"))
    assert isinstance(bad, PermanentFailure) and bad.message_only  # this message only: the chat is told
