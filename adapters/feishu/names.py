"""Display names from the contact API and the bot's own open_id, cached.

A missing permission (or any failure) degrades to no name: the core then shows the
id, or keeps a name it learnt from a mention. Never an error.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from adapters.feishu.api import FeishuApi

log = logging.getLogger(__name__)

USER_PATH = "/open-apis/contact/v3/users/{}"
BOT_INFO_PATH = "/open-apis/bot/v3/info"


class Names:
    def __init__(self, api: FeishuApi, *, ttl: float = 6 * 3600, miss_ttl: float = 600,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.api, self.ttl, self.miss_ttl, self.clock = api, ttl, miss_ttl, clock
        self._cache: dict[str, tuple[str | None, float]] = {}
        self._bot: str | None = None
        self._bot_retry_at = 0.0
        self._lock = threading.Lock()

    def name(self, open_id: str) -> str | None:
        """The user's display name, or None when Feishu won't say (asked again after `miss_ttl`)."""
        with self._lock:
            hit = self._cache.get(open_id)
        if hit and hit[1] > self.clock():
            return hit[0]
        found: str | None = None
        try:
            body = self.api.call("GET", USER_PATH.format(open_id), params={"user_id_type": "open_id"})
            found = ((body.get("data") or {}).get("user") or {}).get("name") or None
        except Exception as err:  # no contact scope, user out of range, network: fall back to the id
            log.info("no name for %s: %s", open_id, err)
        with self._lock:
            self._cache[open_id] = (found, self.clock() + (self.ttl if found else self.miss_ttl))
        return found

    def bot_open_id(self) -> str | None:
        """The bot's open_id (to spot @bot in mentions); None until Feishu answers."""
        if self._bot is None and self.clock() >= self._bot_retry_at:
            try:
                body = self.api.call("GET", BOT_INFO_PATH)
                self._bot = (body.get("bot") or {}).get("open_id") or None
            except Exception as err:  # meanwhile a mention of type "bot" stands for it
                log.warning("cannot read the bot's open_id: %s", err)
                self._bot_retry_at = self.clock() + 60
        return self._bot
