"""Opening an HTTP callback: decrypt, check signature, token and timestamp.

lark-oapi's EventDispatcherHandler does the first three but answers every failure
with HTTP 500 (which makes Feishu retry a forged request) and has no timestamp
window; this module does all four and says why a request was refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping

from Crypto.Cipher import AES  # pycryptodome, a dependency of lark-oapi

from adapters.feishu.parse import epoch_seconds

WINDOW_SECONDS = 300  # a signed request older (or newer) than this is a replay


class Rejected(Exception):
    """The request is not from Feishu (or is a replay): answer 401, change nothing."""


def decrypt(encrypted: str, encrypt_key: str) -> str:
    """`{"encrypt": ...}` -> plaintext JSON: base64(iv + AES-256-CBC(PKCS7)), key = sha256(encrypt_key)."""
    raw = base64.b64decode(encrypted)
    if len(raw) < 32 or len(raw) % 16:
        raise ValueError("bad ciphertext length")
    cipher = AES.new(hashlib.sha256(encrypt_key.encode()).digest(), AES.MODE_CBC, raw[:16])
    plain = cipher.decrypt(raw[16:])
    pad = plain[-1]
    if not 1 <= pad <= 16 or plain[-pad:] != bytes([pad]) * pad:
        raise ValueError("bad padding")
    return plain[:-pad].decode()


def encrypt(plaintext: str, encrypt_key: str, iv: bytes) -> str:
    """The inverse of `decrypt` (for tests and the fake platform)."""
    data = plaintext.encode()
    pad = 16 - len(data) % 16
    cipher = AES.new(hashlib.sha256(encrypt_key.encode()).digest(), AES.MODE_CBC, iv)
    return base64.b64encode(iv + cipher.encrypt(data + bytes([pad]) * pad)).decode()


def signature(timestamp: str, nonce: str, encrypt_key: str, body: bytes) -> str:
    return hashlib.sha256((timestamp + nonce + encrypt_key).encode("utf-8", "replace") + body).hexdigest()


def _header(headers: Mapping[str, str], name: str) -> str:
    return headers.get(name) or headers.get(name.lower()) or ""


def open_callback(body: bytes, headers: Mapping[str, str], *, encrypt_key: str, verification_token: str,
                  now: float) -> dict:
    """The verified, decrypted payload of one callback; raises Rejected (-> 401) or ValueError (-> 400).

    With an encrypt key every event must carry a valid X-Lark-Signature made at most five
    minutes from `now`, checked on the raw bytes before the body is parsed. Only the URL
    check (url_verification) comes unsigned: it is accepted on the verification token, or
    on decrypting with the encrypt key. Without an encrypt key, the token and the event's
    own create_time are checked.
    """
    if not encrypt_key and not verification_token:
        raise Rejected("neither encrypt_key nor verification_token is configured")
    signed = bool(encrypt_key and _header(headers, "X-Lark-Signature"))
    if signed:
        _check_signature(body, headers, encrypt_key, now)
    outer = _object(body)
    data, encrypted = outer, "encrypt" in outer
    if encrypted:
        if not encrypt_key:
            raise Rejected("encrypted callback but no encrypt_key configured")
        try:
            data = _object(decrypt(str(outer["encrypt"]), encrypt_key).encode())
        except ValueError:
            if signed:  # Feishu signed it, so the key is right: the content is broken
                raise
            raise Rejected("cannot decrypt: wrong encrypt_key?") from None
    is_url_check = data.get("type") == "url_verification"
    header = data.get("header") if isinstance(data.get("header"), dict) else {}
    if encrypt_key and not signed and not is_url_check:
        raise Rejected("missing X-Lark-Signature")
    if not encrypt_key and not is_url_check:  # no signature to date the request: the event's own time
        _check_created(header, now)
    if verification_token:
        token = str(header.get("token") or data.get("token") or "")
        if not hmac.compare_digest(token.encode(), verification_token.encode()):
            raise Rejected("wrong verification token")
    elif is_url_check and not encrypted:  # decrypting at all proves the sender knows the key
        raise Rejected("url_verification needs a verification_token to check")
    return data


def _object(raw: bytes) -> dict:
    data = json.loads(raw)  # ValueError (UnicodeDecodeError, JSONDecodeError) -> 400
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return data


def _check_created(header: Mapping, now: float) -> None:
    try:
        age = now - epoch_seconds(header.get("create_time"))
    except (TypeError, ValueError):
        raise Rejected("no usable header.create_time to check the request's age") from None
    if abs(age) > WINDOW_SECONDS:
        raise Rejected(f"event created {age:.0f}s away from now (window {WINDOW_SECONDS}s)")


def _check_signature(body: bytes, headers: Mapping[str, str], encrypt_key: str, now: float) -> None:
    timestamp = _header(headers, "X-Lark-Request-Timestamp")
    nonce = _header(headers, "X-Lark-Request-Nonce")
    sent = _header(headers, "X-Lark-Signature")
    if not (timestamp and sent):
        raise Rejected("missing X-Lark-Signature / X-Lark-Request-Timestamp")
    expected = signature(timestamp, nonce, encrypt_key, body)
    # bytes: compare_digest raises TypeError on a str with non-ASCII characters
    if not hmac.compare_digest(expected.encode(), sent.encode("utf-8", "replace")):
        raise Rejected("bad signature")
    try:
        age = now - float(timestamp)
    except ValueError:
        raise Rejected("bad timestamp") from None
    if abs(age) > WINDOW_SECONDS:
        raise Rejected(f"timestamp {age:.0f}s away from now (window {WINDOW_SECONDS}s)")
