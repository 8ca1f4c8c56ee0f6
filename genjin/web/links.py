"""Signed links to the web view: itsdangerous, with the time passed in.

A link's token carries its scope (one chat, or one project of it) and its language, signed with
[web] secret and stamped with the moment it was made; it is refused (403) when forged, altered,
or older than `days`. No table: nothing to revoke one by one (change the secret to revoke all).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

from bot.ports import ViewScope

LINK_DAYS = 7
SALT = "genjin.dashboard.v1"  # a token made for anything else (another salt) never reads as a link
PATH = "/dashboard"
LANGS = ("zh", "en")


class BadLink(Exception):
    """Forged, altered, expired, or not a link of ours at all."""


class _ClockedSigner(TimestampSigner):
    """itsdangerous stamps and checks with time.time(); Genjin passes time in, so a test can age a link."""

    def __init__(self, *args: Any, now: Callable[[], datetime], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._now = now

    def get_timestamp(self) -> int:
        return int(self._now().timestamp())


@dataclass(frozen=True)
class Grant:
    """What a valid link lets its holder see, and in which language."""

    scope: ViewScope
    lang: str


@dataclass(frozen=True)
class SignedLinks:
    """Makes and reads the links (the core's ViewLinks port; the pages read them back)."""

    base_url: str
    secret: str
    days: int = LINK_DAYS

    def _serializer(self, now: datetime) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret, salt=SALT, signer=_ClockedSigner,
                                      signer_kwargs={"now": lambda: now})

    def token(self, scope: ViewScope, *, lang: str, now: datetime) -> str:
        payload: dict[str, Any] = {"c": scope.chat_id, "l": lang if lang in LANGS else "zh"}
        if scope.project_id is not None:
            payload["p"] = scope.project_id
        return str(self._serializer(now).dumps(payload))

    def link(self, scope: ViewScope, *, lang: str, now: datetime) -> str:
        return f"{self.base_url.rstrip('/')}{PATH}/{self.token(scope, lang=lang, now=now)}"

    def read(self, token: str, *, now: datetime) -> Grant:
        """The grant of a link made by us less than `days` before `now`; BadLink otherwise."""
        try:
            payload = self._serializer(now).loads(token, max_age=self.days * 86400)
        except BadSignature as err:  # SignatureExpired is one too
            raise BadLink(type(err).__name__) from None
        chat, project, lang = (payload.get(k) for k in ("c", "p", "l")) if isinstance(payload, dict) else (None,) * 3
        if type(chat) is not int or (project is not None and type(project) is not int) or lang not in LANGS:
            raise BadLink("payload")  # signed by us, so only an older format could get here
        return Grant(ViewScope(chat_id=chat, project_id=project), lang)
