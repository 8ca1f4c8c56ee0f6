"""Inbound request checks: decryption, signature, token, the five-minute window."""

from __future__ import annotations

import json

import pytest
from feishu_support import KEY, NOW, TOKEN, callback, load

from adapters.feishu.crypto import Rejected, decrypt, encrypt, open_callback

NOW_TS = NOW.timestamp()
EVENT = load("group_at_bot_command")["payload"]


def _open(body, headers, *, key=KEY, token=TOKEN, now=NOW_TS):
    return open_callback(body, headers, encrypt_key=key, verification_token=token, now=now)


def test_recorded_encrypted_callback_decrypts():
    case = load("encrypted_callback")
    data = json.loads(decrypt(case["payload"]["encrypt"], "test-encrypt-key"))
    assert data["header"]["event_id"] == "ev_enc_0015"


def test_encrypt_then_decrypt_round_trips_any_text():
    text = json.dumps({"text": "中文 & <at> " * 7}, ensure_ascii=False)
    assert decrypt(encrypt(text, "k", b"\x01" * 16), "k") == text


def test_a_signed_encrypted_callback_opens():
    body, headers = callback(EVENT)
    assert _open(body, headers)["header"]["event_id"] == "ev_group_0001"


@pytest.mark.parametrize("tamper", ["signature", "body", "stale", "future", "missing", "wrong key"])
def test_forged_or_replayed_callbacks_are_rejected(tamper):
    body, headers = callback(EVENT)
    if tamper == "signature":
        headers["X-Lark-Signature"] = "0" * 64
    elif tamper == "body":
        body = body.replace(b'"}', b'A"}')
    elif tamper == "stale":
        body, headers = callback(EVENT, at=NOW.replace(hour=9, minute=54))
    elif tamper == "future":
        body, headers = callback(EVENT, at=NOW.replace(minute=6))
    elif tamper == "missing":
        del headers["X-Lark-Signature"]
    elif tamper == "wrong key":  # encrypted and signed with a guessed key
        body, headers = callback(EVENT, key="another-key")
    with pytest.raises(Rejected):
        _open(body, headers)


def test_four_minutes_late_is_still_inside_the_window():
    body, headers = callback(EVENT, at=NOW.replace(hour=9, minute=56))
    assert _open(body, headers)


def test_wrong_verification_token_is_rejected():
    payload = {**EVENT, "header": {**EVENT["header"], "token": "not-the-token"}}
    body, headers = callback(payload)
    with pytest.raises(Rejected):
        _open(body, headers)


def test_token_only_configuration_checks_the_token_of_plain_callbacks():
    body, headers = callback(EVENT, encrypted=False)
    assert _open(body, {}, key="")["header"]["event_id"] == "ev_group_0001"
    forged = json.dumps({**EVENT, "header": {**EVENT["header"], "token": "guess"}}).encode()
    with pytest.raises(Rejected):
        _open(forged, {}, key="")


def test_nothing_configured_accepts_nothing():
    body, headers = callback(EVENT, encrypted=False)
    with pytest.raises(Rejected):
        _open(body, headers, key="", token="")


def test_url_verification_needs_no_signature_but_the_token():
    challenge = {"challenge": "c-123", "token": TOKEN, "type": "url_verification"}
    body, _ = callback(challenge)
    assert _open(body, {})["challenge"] == "c-123"
    body, _ = callback({**challenge, "token": "guess"})
    with pytest.raises(Rejected):
        _open(body, {})


def test_garbage_is_a_bad_request_not_a_crash():
    with pytest.raises(ValueError):
        _open(b"not json", {})


def test_token_only_callbacks_must_be_recent():
    """Without an encrypt key there is no signed timestamp: the event's create_time is checked."""
    fresh = {"schema": "2.0", "header": {"event_id": "e1", "token": TOKEN, "create_time": str(int(NOW_TS * 1000))}}
    assert _open(json.dumps(fresh).encode(), {}, key="")["header"]["event_id"] == "e1"
    stale = {**fresh, "header": {**fresh["header"], "create_time": str(int((NOW_TS - 600) * 1000))}}
    with pytest.raises(Rejected, match="away from now"):
        _open(json.dumps(stale).encode(), {}, key="")
    with pytest.raises(Rejected):
        _open(json.dumps({**fresh, "header": "not an object"}).encode(), {}, key="")


def test_a_card_click_dated_in_microseconds_is_recent():
    """card.action.trigger's header.create_time is in microseconds, events' in milliseconds."""
    fresh = {"schema": "2.0", "header": {"event_id": "c1", "token": TOKEN, "create_time": str(int(NOW_TS * 10**6))}}
    assert _open(json.dumps(fresh).encode(), {}, key="")["header"]["event_id"] == "c1"
    stale = {**fresh, "header": {**fresh["header"], "create_time": str(int((NOW_TS - 600) * 10**6))}}
    with pytest.raises(Rejected, match="away from now"):
        _open(json.dumps(stale).encode(), {}, key="")


def test_a_signed_body_that_does_not_decrypt_is_malformed_not_forged():
    body, headers = callback(EVENT, key="another-key", sign_with=KEY)  # Feishu's signature, broken content
    with pytest.raises(ValueError):
        _open(body, headers)
