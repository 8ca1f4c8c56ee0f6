"""A small Feishu open-API client: tenant token, JSON calls, errors sorted out.

Plain httpx rather than lark-oapi's Client: every call here needs the HTTP status
and the `x-ogw-ratelimit-reset` header next to the body code, a forced token
refresh when Feishu says the token went bad, and a base URL a test can point at
any loopback port. The SDK hides the first behind `resp.raw`, caches tokens in a
process-wide store with no way to drop a bad one, and only lets http:// through
for three hosts; its generated builders would triple the code.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import httpx

from bot.ports import PermanentFailure, RetryLater

TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal"
RATE_LIMIT_CODES = {99991400, 230020}  # frequency-control doc; 230020 is IM's own
TOKEN_CODES = {99991661, 99991663}  # token missing / invalid: fetch a new one and try again
# Refusals that will not change by retrying: bot not in the chat, bot disabled, user out of
# the app's range, content too long or invalid, missing permission scope.
PERMANENT_CODES = {230001, 230002, 230006, 230013, 230025, 230099, 99991672, 99991679}
TOKEN_MARGIN = 300.0  # refresh this long before Feishu's own expiry


class FeishuError(Exception):
    """An API answer that is neither success nor a known refusal (retried with backoff)."""

    def __init__(self, status: int, code: int, msg: str) -> None:
        super().__init__(f"feishu HTTP {status} code {code}: {msg}")
        self.status, self.code = status, code


def retry_seconds(headers: httpx.Headers, default: float = 1.0) -> float:
    for name in ("x-ogw-ratelimit-reset", "retry-after"):
        try:
            return max(float(headers[name]), 0.0)
        except (KeyError, ValueError):
            continue
    return default


class FeishuApi:
    def __init__(self, *, domain: str, app_id: str, app_secret: str, timeout: float = 10.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.http = httpx.Client(base_url=domain.rstrip("/"), timeout=timeout)
        self.app_id, self.app_secret, self.clock = app_id, app_secret, clock
        self._token, self._expires = "", 0.0
        self._lock = threading.Lock()

    def close(self) -> None:
        self.http.close()

    def token(self) -> str:
        """The cached tenant_access_token, fetched again shortly before it expires."""
        with self._lock:
            if not self._token or self.clock() >= self._expires:
                body = self._check(self.http.post(TOKEN_PATH, json={"app_id": self.app_id,
                                                                    "app_secret": self.app_secret}))
                self._token = str(body["tenant_access_token"])
                self._expires = self.clock() + float(body.get("expire", 7200)) - TOKEN_MARGIN
            return self._token

    def _drop_token(self, token: str) -> None:
        with self._lock:
            if self._token == token:
                self._token = ""

    def call(self, method: str, path: str, *, json: dict | None = None, params: dict | None = None,
             data: dict | None = None, files: dict | None = None) -> dict:
        """The response body of a successful call; RetryLater / PermanentFailure / FeishuError otherwise.

        `data` + `files`: a multipart form (uploads: im/v1/files, im/v1/images)."""
        for attempt in (1, 2):
            token = self.token()
            resp = self.http.request(method, path, json=json, params=params, data=data, files=files,
                                     headers={"Authorization": f"Bearer {token}"})
            try:
                return self._check(resp)
            except FeishuError as err:
                if err.code in TOKEN_CODES and attempt == 1:
                    self._drop_token(token)
                    continue
                raise
        raise AssertionError("unreachable")

    @staticmethod
    def _check(resp: httpx.Response) -> dict:
        try:
            body = resp.json()
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        code = int(body.get("code", -1)) if str(body.get("code", "")).lstrip("-").isdigit() else -1
        if resp.status_code == 429 or code in RATE_LIMIT_CODES:
            raise RetryLater(retry_seconds(resp.headers), f"feishu rate limit (HTTP {resp.status_code}, code {code})")
        if resp.status_code == 200 and code == 0:
            return body
        msg = str(body.get("msg") or resp.reason_phrase)
        if code in PERMANENT_CODES:
            raise PermanentFailure(f"feishu refused (code {code}): {msg}")
        raise FeishuError(resp.status_code, code, msg)
