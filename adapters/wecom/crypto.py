"""WeCom callbacks (WXBizMsgCrypt): msg_signature, then AES-256-CBC, through wechatpy.

wechatpy's enterprise `WeChatCrypto` is the official scheme ported to Python (signature =
sha1 of the sorted token, timestamp, nonce and ciphertext; AES key = base64 of the
EncodingAESKey; the plaintext ends with the receive id, checked). What it leaves out is
added here: a constant-time signature check before anything is decrypted, and a window on
the signed timestamp, so a captured request cannot be replayed for ever.

Two receivers share the URL: the self-built app (XML bodies, receive id = corp id) and the
smart robot (JSON bodies `{"encrypt": ...}`, receive id "" for an internal robot).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass

import xmltodict  # type: ignore[import-untyped]
from wechatpy.enterprise.crypto import PrpCrypto, WeChatCrypto  # type: ignore[import-untyped]

WINDOW_SECONDS = 300
APP, ROBOT = "app", "robot"


class Rejected(Exception):
    """Not WeCom's (or a replay): answer 401 and change nothing."""


@dataclass(frozen=True)
class Receiver:
    source: str  # APP or ROBOT
    token: str
    aes_key: str
    receive_id: str  # the corp id for the app, "" for the smart robot

    def crypto(self) -> WeChatCrypto:
        return WeChatCrypto(self.token, self.aes_key, self.receive_id)


def sign(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypted])).encode()).hexdigest()


def _fresh(timestamp: str, now: float) -> None:
    try:
        age = now - float(timestamp)
    except ValueError:
        raise Rejected("bad timestamp") from None
    if abs(age) > WINDOW_SECONDS:
        raise Rejected(f"timestamp {age:.0f}s away from now (window {WINDOW_SECONDS}s)")


def _matching(receivers: list[Receiver], query: Mapping[str, str], encrypted: str) -> Receiver:
    signature, stamp, nonce = (query.get(k) or "" for k in ("msg_signature", "timestamp", "nonce"))
    if not (signature and stamp and nonce and encrypted):
        raise Rejected("missing msg_signature, timestamp, nonce or ciphertext")
    for receiver in receivers:
        if hmac.compare_digest(sign(receiver.token, stamp, nonce, encrypted).encode(),
                               signature.encode("utf-8", "replace")):
            return receiver
    raise Rejected("bad signature")


def _decrypt(receiver: Receiver, encrypted: str) -> str:
    try:
        return PrpCrypto(receiver.crypto().key).decrypt(encrypted, receiver.receive_id)
    except Exception as err:  # bad padding, another corp's message: signed by our token, yet wrong
        raise Rejected(f"cannot decrypt: {type(err).__name__}") from None


def verify_url(receivers: list[Receiver], query: Mapping[str, str], *, now: float) -> str:
    """GET URL verification: the plaintext echostr to answer with; raises Rejected."""
    echo = query.get("echostr") or ""
    receiver = _matching(receivers, query, echo)
    _fresh(query.get("timestamp") or "", now)
    return _decrypt(receiver, echo)


def open_callback(receivers: list[Receiver], query: Mapping[str, str], body: bytes, *,
                  now: float) -> tuple[str, dict]:
    """(source, payload) of a POSTed callback: the app's XML as a flat dict, the robot's JSON.
    Raises Rejected (-> 401) or ValueError (-> 400, unreadable)."""
    text = body.decode("utf-8")
    if text.lstrip().startswith("{"):
        outer = json.loads(text)
        encrypted = str(outer.get("encrypt") or "") if isinstance(outer, dict) else ""
    else:
        outer = xmltodict.parse(text, disable_entities=True).get("xml") or {}
        encrypted = str(outer.get("Encrypt") or "")
    receiver = _matching(receivers, query, encrypted)
    _fresh(query.get("timestamp") or "", now)
    plain = _decrypt(receiver, encrypted)
    if receiver.source == ROBOT:
        payload = json.loads(plain)
    else:
        payload = xmltodict.parse(plain, disable_entities=True).get("xml") or {}
    if not isinstance(payload, dict):
        raise ValueError("not an object")
    return receiver.source, _flat(payload)


def _flat(value):
    """xmltodict's OrderedDicts as plain dicts (stored as JSON in the inbox)."""
    if isinstance(value, Mapping):
        return {str(k): _flat(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_flat(v) for v in value]
    return value


def seal(receiver: Receiver, plaintext: str, *, timestamp: str, nonce: str) -> tuple[dict[str, str], bytes]:
    """(query, body) of a callback as WeCom sends it: for tests and the fake platform."""
    encrypted = receiver.crypto().encrypt_message(plaintext, nonce, timestamp)
    outer = xmltodict.parse(encrypted)["xml"]
    query = {"msg_signature": outer["MsgSignature"], "timestamp": timestamp, "nonce": nonce}
    if receiver.source == ROBOT:
        return query, json.dumps({"encrypt": outer["Encrypt"]}).encode()
    body = (f"<xml><ToUserName><![CDATA[{receiver.receive_id}]]></ToUserName>"
            f"<AgentID><![CDATA[1000002]]></AgentID><Encrypt><![CDATA[{outer['Encrypt']}]]></Encrypt></xml>")
    return query, body.encode()
