"""Display names from users.info, cached, so cards and lists say "Lee" rather than "U02AB3CD"."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)


def display_name(user: dict) -> str | None:
    """The name Slack shows for a user: display name, else real name, else the handle."""
    profile = user.get("profile") or {}
    for name in (profile.get("display_name"), profile.get("real_name"), user.get("real_name"), user.get("name")):
        if name and name.strip():
            return name.strip()
    return None


class UserNames:
    """`names(user_id, client=…) -> str | None`, asked with the user's workspace's client
    (user ids are unique across Slack, so one cache serves every workspace); a failed
    lookup answers None and is tried again later."""

    def __init__(self, *, ttl: float = 6 * 3600, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.clock = ttl, clock
        self._cache: dict[str, tuple[str | None, float]] = {}
        self._lock = threading.Lock()

    def __call__(self, user_id: str, *, client: WebClient) -> str | None:
        with self._lock:
            hit = self._cache.get(user_id)
        if hit is not None and self.clock() - hit[1] < self.ttl:
            return hit[0]
        try:
            name = display_name(client.users_info(user=user_id)["user"])
        except (SlackApiError, OSError, KeyError) as err:
            log.info("users.info %s failed: %s", user_id, err)
            return hit[0] if hit else None  # a stale name beats none
        with self._lock:
            self._cache[user_id] = (name, self.clock())
        return name
