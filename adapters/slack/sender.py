"""SlackSender: delivers outbox messages with chat.postMessage / chat.update.

A message's platform id is "<channel>:<ts>" (parse.py reads reactions and clicks
back into the same form). Errors are sorted for the delivery loop: 429 ->
RetryLater(Retry-After), refusals that will never succeed -> PermanentFailure,
anything else is raised as is and retried with backoff.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from adapters.slack.render import render
from bot.events import OutgoingMessage
from bot.ports import PermanentFailure, RetryLater

# Web API errors that no retry can fix (the channel is gone, the bot is not let in ...).
PERMANENT_ERRORS = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "channel_is_archived", "msg_too_long",
    "no_text", "invalid_blocks", "invalid_blocks_format", "too_many_attachments", "restricted_action",
    "message_not_found", "cant_update_message", "edit_window_closed", "user_not_found",
    "user_disabled", "user_not_visible", "cannot_dm_bot", "account_inactive", "token_revoked",
    "invalid_auth", "not_authed", "missing_scope", "not_allowed_token_type", "team_access_not_granted",
})


def classify(err: SlackApiError) -> Exception:
    """The exception the delivery loop should see for a Web API error."""
    response = err.response
    code = response.get("error", "") if isinstance(response.data, dict) else ""
    if response.status_code == 429 or code == "ratelimited":
        retry_after = response.headers.get("Retry-After") or response.headers.get("retry-after") or "1"
        try:
            seconds = float(retry_after)
        except ValueError:
            seconds = 1.0
        return RetryLater(seconds, f"slack rate limited: retry after {retry_after}s")
    if code in PERMANENT_ERRORS:
        return PermanentFailure(f"slack refused: {code}")
    return err


def split_id(platform_id: str) -> tuple[str, str]:
    channel, _, ts = platform_id.rpartition(":")
    if not channel or not ts:
        raise PermanentFailure(f"not a Slack message id: {platform_id!r}")
    return channel, ts


class SlackSender:
    """One per workspace; paces posts to about one per second per channel, as Slack asks."""

    def __init__(self, client: WebClient, *, min_interval: float = 1.0,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.client, self.min_interval, self.clock, self.sleep = client, min_interval, clock, sleep
        self._last_post: dict[str, float] = {}
        self._dm_channels: dict[str, str] = {}
        self._lock = threading.Lock()

    def send(self, msg: OutgoingMessage, *, outbox_id: int, reply_to: str | None, edit_of: str | None,
             maybe_sent: bool = False) -> str:
        text, blocks = render(msg)
        try:
            if edit_of:
                channel, ts = split_id(edit_of)
                self._pace(channel)
                self.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks or [])
                return edit_of
            channel = msg.chat_id or self._dm_channel(msg.user_id)
            thread_ts = None
            if reply_to:
                parent_channel, parent_ts = split_id(reply_to)
                thread_ts = parent_ts if parent_channel == channel else None  # threads live in one channel
            self._pace(channel)
            response = self.client.chat_postMessage(channel=channel, text=text, blocks=blocks,
                                                    thread_ts=thread_ts, unfurl_links=False)
            return f"{response['channel']}:{response['ts']}"
        except SlackApiError as err:
            raise classify(err) from err

    def _dm_channel(self, user_id: str | None) -> str:
        if not user_id:
            raise PermanentFailure("message has neither a chat nor a user")
        if user_id not in self._dm_channels:
            response = self.client.conversations_open(users=user_id)
            self._dm_channels[user_id] = response["channel"]["id"]
        return self._dm_channels[user_id]

    def _pace(self, channel: str) -> None:
        # The delivery loop has its own thread, so a short wait here delays no event handling.
        with self._lock:
            last = self._last_post.get(channel)
            if last is not None:
                wait = last + self.min_interval - self.clock()
                if wait > 0:
                    self.sleep(wait)
            self._last_post[channel] = self.clock()
