"""A small DingTalk open-API client: the app's access token, JSON calls, errors sorted out.

Plain httpx rather than dingtalk_stream's helpers: those read the API host from the
DINGTALK_OPENAPI_ENDPOINT variable once, at import, log failures instead of raising them,
and hide the HTTP status and error code that decide between waiting, retrying and giving
up. Here the host is a setting, and every call says how it went.

New-style APIs (api.dingtalk.com/v1.0/...) answer errors with an HTTP status and a body
`{"code": "...", "message": "..."}`; old-style ones and session webhooks with HTTP 200 and
`{"errcode": n, "errmsg": "..."}`. Both spellings of throttling are honoured.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import httpx

from bot.ports import RetryLater

TOKEN_PATH = "/v1.0/oauth2/accessToken"
TOKEN_MARGIN = 300.0  # refresh this long before DingTalk's own expiry
# Per app and API (standard edition: 20/s), per API for everyone (busy at the top of the hour),
# a custom robot's 20 a minute: all pass after a short wait.
THROTTLED = {"Forbidden.AccessDenied.QpsLimitForAppkeyAndApi": 1.0, "90018": 1.0,
             "Forbidden.AccessDenied.QpsLimitForApi": 2.0, "90002": 2.0,
             "130101": 60.0, "Forbidden.AccessDenied.IpLimit": 300.0}
# The organisation's monthly call quota (standard edition): nothing to do but wait and say so.
QUOTA = {"Forbidden.AccessDenied.ApiCountLimitForOrg", "90020"}
TOKEN_BAD = {"InvalidAuthentication", "Unauthorized", "40014", "42001", "InvalidAccessToken"}
PERMISSION = "Forbidden.AccessDenied.AccessTokenPermissionDenied"


class DingTalkError(Exception):
    """An answer that is neither success nor throttling; the caller decides what it means."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"dingtalk HTTP {status} {code}: {message}"[:500])
        self.status, self.code, self.message = status, code, message

    @property
    def server_side(self) -> bool:
        return self.status >= 500 or self.code in ("system.busy", "15", "88", "-1")


def _retry_after(resp: httpx.Response, default: float) -> float:
    try:
        return max(float(resp.headers["retry-after"]), default)
    except (KeyError, ValueError):
        return default


def check(resp: httpx.Response) -> dict:
    """The body of a successful answer; RetryLater or DingTalkError otherwise."""
    try:
        body = resp.json()
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    code = str(body.get("code") or body.get("errcode") or "")
    if code == "0":
        code = ""
    message = str(body.get("message") or body.get("errmsg") or resp.reason_phrase)
    if resp.status_code == 429 or code in THROTTLED:
        raise RetryLater(_retry_after(resp, THROTTLED.get(code, 1.0)),
                         f"dingtalk throttled (HTTP {resp.status_code} {code or 'rate limit'})")
    if code in QUOTA:
        raise RetryLater(3600, f"dingtalk: the organisation's monthly API quota is used up ({code})")
    if resp.is_success and not code and body.get("success") is not False:
        return body
    raise DingTalkError(resp.status_code, code or str(resp.status_code), message)


class DingTalkApi:
    def __init__(self, *, endpoint: str, client_id: str, client_secret: str, timeout: float = 10.0,
                 clock: Callable[[], float] = time.monotonic, oapi: str = "https://oapi.dingtalk.com") -> None:
        self.http = httpx.Client(base_url=endpoint.rstrip("/"), timeout=timeout)
        self.oapi = oapi.rstrip("/")  # the older API host, where media is uploaded
        self.client_id, self.client_secret, self.clock = client_id, client_secret, clock
        self._token, self._expires = "", 0.0
        self._lock = threading.Lock()
        self.tokens_fetched = 0

    def close(self) -> None:
        self.http.close()

    def token(self) -> str:
        """The cached access token, fetched again shortly before DingTalk's expiry."""
        with self._lock:
            if not self._token or self.clock() >= self._expires:
                body = check(self.http.post(TOKEN_PATH, json={"appKey": self.client_id,
                                                              "appSecret": self.client_secret}))
                self._token = str(body["accessToken"])
                self._expires = self.clock() + float(body.get("expireIn", 7200)) - TOKEN_MARGIN
                self.tokens_fetched += 1
            return self._token

    def _drop(self, token: str) -> None:
        with self._lock:
            if self._token == token:
                self._token = ""

    def call(self, method: str, path: str, *, json: dict | None = None) -> dict:
        """A call with the access token; a token DingTalk calls bad is fetched again, once."""
        for attempt in (1, 2):
            token = self.token()
            resp = self.http.request(method, path, json=json, headers={"x-acs-dingtalk-access-token": token})
            try:
                return check(resp)
            except DingTalkError as err:
                if attempt == 1 and (err.status == 401 or err.code in TOKEN_BAD):
                    self._drop(token)
                    continue
                raise
        raise AssertionError("unreachable")

    def upload_media(self, *, kind: str, name: str, data: bytes) -> str:
        """Upload a file ("file") or a picture ("image") for a robot message; its media id.

        Only the older API (oapi, access token in the query) takes uploads; the app's token serves it."""
        for attempt in (1, 2):
            token = self.token()
            resp = self.http.post(f"{self.oapi}/media/upload", params={"access_token": token, "type": kind},
                                  files={"media": (name, data)})
            try:
                return str(check(resp)["media_id"])
            except DingTalkError as err:
                if attempt == 1 and (err.status == 401 or err.code in TOKEN_BAD):
                    self._drop(token)
                    continue
                raise
        raise AssertionError("unreachable")

    def webhook(self, url: str, body: dict) -> dict:
        """POST to a sessionWebhook (a full URL that is its own credential)."""
        return check(self.http.post(url, json=body))
