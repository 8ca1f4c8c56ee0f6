"""HTTP mode: is a request DingTalk's? Two signatures, both HmacSHA256, Base64.

- Robot messages: headers `timestamp` (ms) and `sign` = HmacSHA256(appSecret, timestamp + "\\n"
  + appSecret); DingTalk's rule is to refuse a timestamp more than an hour from now.
- Card callbacks (to the URL registered for a route key): headers
  `x-ddpaas-signature-timestamp` and `x-ddpaas-signature` = HmacSHA256(apiSecret, timestamp),
  apiSecret being the secret given when the URL was registered. The same hour applies.

Neither signature covers the body, so within the hour a captured request can be replayed:
the inbox key (msgId, or the click's card, person, button and rendering) makes a replay
change nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping

WINDOW_SECONDS = 3600
MESSAGE, CARD = "message", "card"


class Rejected(Exception):
    """Not DingTalk's (or too old): answer 401 and change nothing."""


def _hmac(secret: str, text: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()).decode()


def robot_sign(timestamp: str, app_secret: str) -> str:
    return _hmac(app_secret, f"{timestamp}\n{app_secret}")


def card_sign(timestamp: str, api_secret: str) -> str:
    return _hmac(api_secret, timestamp)


def _header(headers: Mapping[str, str], name: str) -> str:
    return headers.get(name) or headers.get(name.lower()) or ""


def _seconds(timestamp: str) -> float:
    """A signed timestamp in seconds: milliseconds (as DingTalk sends) or seconds."""
    value = float(timestamp)
    return value / 1000 if value > 10**11 else value


def verify(headers: Mapping[str, str], *, app_secret: str, card_secret: str, now: float) -> str:
    """Which signature a request carries (MESSAGE or CARD), once checked; raises Rejected."""
    if _header(headers, "x-ddpaas-signature"):
        kind, stamp, sent, secret = (CARD, _header(headers, "x-ddpaas-signature-timestamp"),
                                     _header(headers, "x-ddpaas-signature"), card_secret)
        expected = card_sign(stamp, secret) if secret else ""
    else:
        kind, stamp, sent, secret = MESSAGE, _header(headers, "timestamp"), _header(headers, "sign"), app_secret
        expected = robot_sign(stamp, secret) if secret else ""
    if not secret:
        raise Rejected(f"no secret configured to check a {kind} signature")
    if not stamp or not sent:
        raise Rejected("missing timestamp or signature header")
    # bytes: compare_digest refuses a str with non-ASCII characters
    if not hmac.compare_digest(expected.encode(), sent.encode("utf-8", "replace")):
        raise Rejected("bad signature")
    try:
        age = now - _seconds(stamp)
    except ValueError:
        raise Rejected("bad timestamp") from None
    if abs(age) > WINDOW_SECONDS:
        raise Rejected(f"timestamp {age:.0f}s away from now (window {WINDOW_SECONDS}s)")
    return kind
