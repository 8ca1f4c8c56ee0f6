"""The callback crypto against WeCom's own sample vectors (WXBizMsgCrypt's documented example)."""

from __future__ import annotations

import pytest
from wecom_support import APP_RECEIVER, ROBOT_RECEIVER, app_text, robot_text, sealed

from adapters.wecom import crypto

# From the official WXBizMsgCrypt samples: token QDG6eK, corp id wx5823bf96d3bd56c7.
SAMPLE = crypto.Receiver(crypto.APP, "QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wx5823bf96d3bd56c7")
ECHO = {"msg_signature": "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", "timestamp": "1409659589",
        "nonce": "263014780",
        "echostr": "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="}
ENCRYPTED = ("RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/"
             "sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJ"
             "YuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGU"
             "callcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDY"
             "A5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==")
BODY = (f"<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[{ENCRYPTED}]]></Encrypt>"
        "<AgentID><![CDATA[218]]></AgentID></xml>").encode()
QUERY = {"msg_signature": "477715d11cdb4164915debcba66cb864d751f3e6", "timestamp": "1409659813", "nonce": "1372623149"}


def test_the_official_url_verification_sample_gives_its_echostr():
    assert crypto.verify_url([SAMPLE], ECHO, now=1409659589) == "1616140317555161061"


def test_the_official_message_sample_opens_to_its_xml():
    source, payload = crypto.open_callback([SAMPLE], QUERY, BODY, now=1409659813)
    assert source == "app"
    assert (payload["FromUserName"], payload["MsgType"], payload["Content"], payload["MsgId"]) == (
        "mycreate", "text", "hello", "4561255354251345929")


@pytest.mark.parametrize("change", ["signature", "nonce", "late", "early"])
def test_the_official_sample_refused_when_anything_is_off(change):
    query, now = dict(QUERY), 1409659813
    if change == "signature":
        query["msg_signature"] = query["msg_signature"].replace("4", "5")
    elif change == "nonce":
        query["nonce"] = "1372623150"
    else:
        now += 301 if change == "late" else -301
    with pytest.raises(crypto.Rejected):
        crypto.open_callback([SAMPLE], query, BODY, now=now)


def test_the_app_and_the_robot_share_the_url_and_are_told_apart_by_their_token():
    receivers = [APP_RECEIVER, ROBOT_RECEIVER]
    query, body = sealed(app_text("1", "你好"))
    source, payload = crypto.open_callback(receivers, query, body, now=int(query["timestamp"]))
    assert source == "app" and payload["Content"] == "你好"
    query, body = sealed(robot_text("m1", "@跟进 你好"), receiver=ROBOT_RECEIVER)
    source, payload = crypto.open_callback(receivers, query, body, now=int(query["timestamp"]))
    assert source == "robot" and payload["text"] == {"content": "@跟进 你好"}
    with pytest.raises(crypto.Rejected):  # the robot's callback where only the app is configured
        crypto.open_callback([APP_RECEIVER], query, body, now=int(query["timestamp"]))


def test_an_xml_bomb_is_refused_unexpanded():
    query, _ = sealed(app_text("1", "x"))
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><xml><Encrypt>&b;</Encrypt></xml>'
    with pytest.raises(ValueError, match="entities are disabled"):  # the route answers 400
        crypto.open_callback([APP_RECEIVER], query, bomb, now=int(query["timestamp"]))
