"""A small WeCom (qyapi) client: the app's access token, JSON calls, error codes sorted out.

Plain httpx rather than wechatpy's WeChatClient: that client reads no rate-limit codes,
retries on its own with `time.sleep`, and hides which call failed how. Here every answer
`{"errcode": n, "errmsg": ...}` is sorted into success, "wait" (RetryLater), "token bad"
(fetched again, once) or a WeComError the sender turns into a delivery decision.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import httpx

from bot.ports import RetryLater

TOKEN_PATH, UPLOAD_PATH = "/cgi-bin/gettoken", "/cgi-bin/media/upload"
TOKEN_MARGIN = 300.0  # refresh this long before WeCom's own expiry (expires_in 7200)
TOKEN_BAD = {40014, 42001, 40082}  # invalid access_token, expired, invalid suite token
# Frequency limits: 45009 API calls over the limit (also a group robot's 20 a minute), 45033
# concurrent calls over the limit, 45011 calls too frequent, -1 system busy.
THROTTLED = {45009: 60.0, 45033: 2.0, 45011: 2.0, -1: 2.0}


class WeComError(Exception):
    """An answer that is neither success nor throttling; the caller decides what it means."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(f"wecom HTTP {status} errcode {code}: {message}"[:500])
        self.status, self.code, self.message = status, code, message

    @property
    def server_side(self) -> bool:
        return self.status >= 500


def check(resp: httpx.Response) -> dict:
    """The body of a successful answer; RetryLater or WeComError otherwise."""
    try:
        body = resp.json()
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    try:
        code = int(body.get("errcode", 0 if resp.is_success else resp.status_code))
    except (TypeError, ValueError):
        code = resp.status_code
    if resp.status_code == 429 or code in THROTTLED:
        raise RetryLater(THROTTLED.get(code, 60.0), f"wecom throttled (errcode {code}: {body.get('errmsg', '')})")
    if resp.is_success and code == 0:
        return body
    raise WeComError(resp.status_code, code, str(body.get("errmsg") or resp.reason_phrase))


class WeComApi:
    def __init__(self, *, base: str, corp_id: str, secret: str, timeout: float = 10.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.http = httpx.Client(base_url=base.rstrip("/"), timeout=timeout)
        self.corp_id, self.secret, self.clock = corp_id, secret, clock
        self._token, self._expires = "", 0.0
        self._lock = threading.Lock()
        self.tokens_fetched = 0

    def close(self) -> None:
        self.http.close()

    def token(self) -> str:
        """The cached access token, fetched again shortly before it expires."""
        with self._lock:
            if not self._token or self.clock() >= self._expires:
                body = check(self.http.get(TOKEN_PATH, params={"corpid": self.corp_id, "corpsecret": self.secret}))
                self._token = str(body["access_token"])
                self._expires = self.clock() + float(body.get("expires_in", 7200)) - TOKEN_MARGIN
                self.tokens_fetched += 1
            return self._token

    def _drop(self, token: str) -> None:
        with self._lock:
            if self._token == token:
                self._token = ""

    def _with_token(self, call: Callable[[str], httpx.Response]) -> dict:
        """`call(token)`'s answer; a token WeCom calls bad (42001, 40014) is fetched again, once."""
        for attempt in (1, 2):
            try:
                token = self.token()
            except WeComError as err:  # the Secret revoked or changed: every message waits, none is dropped
                raise RetryLater(300, f"wecom: no access token ({err})") from None
            try:
                return check(call(token))
            except WeComError as err:
                if attempt == 1 and err.code in TOKEN_BAD:
                    self._drop(token)
                    continue
                raise
        raise AssertionError("unreachable")

    def post(self, path: str, body: dict) -> dict:
        """POST JSON with the access token."""
        return self._with_token(lambda token: self.http.post(path, params={"access_token": token}, json=body))

    def upload(self, kind: str, name: str, data: bytes) -> str:
        """Upload a temporary media file ("file" or "image", multipart field "media"): its media_id
        (good for three days). The filename is the name WeCom shows on the file message."""
        answer = self._with_token(lambda token: self.http.post(
            UPLOAD_PATH, params={"access_token": token, "type": kind}, files={"media": (name, data)}))
        return str(answer["media_id"])

    def webhook(self, url: str, body: dict) -> dict:
        """POST to a group robot webhook (a full URL whose key is its own credential)."""
        return check(self.http.post(url, json=body))

    def webhook_upload(self, url: str, name: str, data: bytes) -> str:
        """Upload a file for group robot webhook `url` (`…/webhook/send?key=KEY`): its media_id.
        The robot's own upload API is the same URL with `upload_media` for `send` (the key kept)."""
        hook = httpx.URL(url)
        target = hook.copy_with(path=hook.path.rsplit("/", 1)[0] + "/upload_media").copy_merge_params({"type": "file"})
        answer = check(self.http.post(target, files={"media": (name, data)}))
        return str(answer["media_id"])
