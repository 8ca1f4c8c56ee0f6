"""SlackSender: delivers outbox messages with chat.postMessage / chat.update.

A message's platform id is "<channel>:<ts>" (parse.py reads reactions and clicks
back into the same form). Errors are sorted for the delivery loop: 429 ->
RetryLater(Retry-After), refusals that will never succeed -> PermanentFailure,
anything else is raised as is and retried with backoff.

chat.postMessage has no idempotency key, so every post carries its outbox key in
message metadata; when an earlier try may have landed (a timeout, a crash), the
recent history is searched for that tag before posting again. A message's files go up
after it, into its thread (uploads.py), and are found again by name on a retry.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from adapters.slack.render import render
from adapters.slack.uploads import share_files
from bot.events import OutgoingMessage
from bot.ports import PermanentFailure, RetryLater

log = logging.getLogger(__name__)
METADATA_TYPE = "genjin_outbox"
LOOKBACK = 24 * 3600  # seconds of history searched for an earlier try (delivery retries for a day)
PAGES = 5  # of 200 messages: a busy channel's day

# Web API errors that no retry can fix (the channel is gone, the bot is not let in ...).
PERMANENT_ERRORS = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "channel_is_archived", "msg_too_long",
    "no_text", "invalid_blocks", "invalid_blocks_format", "too_many_attachments", "restricted_action",
    "message_not_found", "cant_update_message", "edit_window_closed", "user_not_found",
    "user_disabled", "user_not_visible", "cannot_dm_bot", "account_inactive", "token_revoked",
    "invalid_auth", "not_authed", "missing_scope", "not_allowed_token_type", "team_access_not_granted",
    "msg_blocks_too_long", "invalid_metadata_format", "invalid_metadata_schema",
})
# The client for a conversation (a channel or a user id) and the workspace, when known.
ClientFor = Callable[[str, str | None], WebClient]
# Told (origin conversation, new channel) when an emergency room is created: the new channel is
# in the origin's workspace (multi-workspace installs look the token up by conversation).
RoomCreated = Callable[[str, str], None]


def room_name(msg: OutgoingMessage) -> str:
    """A valid channel name, the same on every retry (lowercase, ≤ 80, no spaces): the number for
    people to read, a hash of the outbox key so no two emergencies ever share one."""
    digest = hashlib.sha1(msg.key.encode()).hexdigest()[:8]
    return f"emergency-{msg.extra.get('number', '')}-{digest}"


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
    """Paces posts to about one per second per channel, as Slack asks; speaks for each
    workspace with its own token (`clients`), or for one with a plain WebClient."""

    def __init__(self, clients: WebClient | ClientFor, *, lang: str = "en", min_interval: float = 1.0,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 wall: Callable[[], float] = time.time, room_created: RoomCreated | None = None) -> None:
        self.room_created = room_created
        self.client_for: ClientFor = (lambda _to, _team: clients) if isinstance(clients, WebClient) else clients
        self.lang, self.min_interval, self.clock, self.sleep, self.wall = lang, min_interval, clock, sleep, wall
        self._last_post: dict[str, float] = {}
        self._dm_channels: dict[str, str] = {}
        self._lock = threading.Lock()

    def send(self, msg: OutgoingMessage, *, outbox_id: int, reply_to: str | None, edit_of: str | None,
             maybe_sent: bool = False) -> str:
        text, blocks = render(msg, self.lang)
        team = getattr(msg, "tenant", None)
        try:
            client = self.client_for(msg.chat_id or msg.user_id or "", team)
            if msg.extra.get("action") == "create_room":
                return self._create_room(client, msg)
            if msg.extra.get("ephemeral") and msg.chat_id and msg.user_id:
                return self._post_ephemeral(client, msg, text, blocks)
            if edit_of:  # an edit is idempotent: no tag needed, no search
                channel, ts = split_id(edit_of)
                self._pace(channel)
                client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks or [])
                return edit_of
            channel = msg.chat_id or self._dm_channel(client, msg.user_id)
            thread_ts = None
            if reply_to:
                parent_channel, parent_ts = split_id(reply_to)
                thread_ts = parent_ts if parent_channel == channel else None  # threads live in one channel
            if maybe_sent:
                found = self._find_earlier_try(client, channel, thread_ts, msg.key)
                if found:
                    self._share(client, msg, channel, thread_ts or found, found, maybe_sent=True)
                    return f"{channel}:{found}"
            self._pace(channel)
            response = client.chat_postMessage(
                channel=channel, text=text, blocks=blocks, thread_ts=thread_ts, unfurl_links=False,
                metadata={"event_type": METADATA_TYPE, "event_payload": {"key": msg.key, "outbox_id": outbox_id}})
            self._share(client, msg, response["channel"], thread_ts or response["ts"], response["ts"], maybe_sent=False)
            return f"{response['channel']}:{response['ts']}"
        except SlackApiError as err:
            raise classify(err) from err

    def _share(self, client: WebClient, msg: OutgoingMessage, channel: str, thread: str, since: str, *,
               maybe_sent: bool) -> None:
        """The message's files, in its thread (uploads.py: once, even across retries)."""
        share_files(client, msg, channel=channel, thread=thread, since=since, maybe_sent=maybe_sent,
                    lang=self.lang, pace=self._pace)
    def _post_ephemeral(self, client: WebClient, msg: OutgoingMessage, text: str, blocks) -> str:
        """For one person's eyes (a suggestion, a refused click on it). Slack cannot edit an
        ephemeral message, so an update of one is a new one; a duplicate after a lost answer
        is seen by that person alone, so no earlier try is searched for."""
        channel = msg.chat_id or ""
        self._pace(channel)
        response = client.chat_postEphemeral(channel=channel, user=msg.user_id, text=text, blocks=blocks)
        return f"{channel}:{response.get('message_ts') or ''}"

    def _create_room(self, client: WebClient, msg: OutgoingMessage) -> str:
        """A private channel for the emergency, its people invited; returns the channel id.

        conversations.create has no idempotency key, but the name is fixed by the outbox key:
        when a lost answer makes us ask again, Slack says name_taken and the channel the bot
        made is found among its own conversations. Inviting someone already in is no error.
        """
        name = room_name(msg)
        try:
            channel = client.conversations_create(name=name, is_private=True)["channel"]["id"]
        except SlackApiError as err:
            if err.response.get("error") != "name_taken":
                raise
            channel = self._own_channel(client, name)
        members = [m for m in msg.extra.get("members", "").split(",") if m]
        if members:
            try:
                client.conversations_invite(channel=channel, users=",".join(members), force=True)
            except SlackApiError as err:
                if err.response.get("error") != "already_in_channel":
                    raise
        if self.room_created is not None and msg.chat_id:
            self.room_created(msg.chat_id, channel)
        return channel

    def _own_channel(self, client: WebClient, name: str) -> str:
        cursor = None
        for _page in range(PAGES):
            page = client.users_conversations(types="private_channel,public_channel", exclude_archived=True,
                                              limit=200, cursor=cursor)
            for channel in page.get("channels") or ():
                if channel.get("name") == name:
                    return channel["id"]
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        raise PermanentFailure(f"slack: the channel name {name} is taken by a channel the bot is not in")

    def _find_earlier_try(self, client: WebClient, channel: str, thread_ts: str | None, key: str) -> str | None:
        """The ts of a post tagged with `key` in the last day, if an earlier try landed."""
        window = dict(channel=channel, oldest=f"{self.wall() - LOOKBACK:.6f}", include_all_metadata=True,
                      limit=200)
        cursor = None
        for _page in range(PAGES):
            try:
                if thread_ts:  # replies are not in the channel's history, only in their thread
                    page = client.conversations_replies(ts=thread_ts, cursor=cursor, **window)
                else:
                    page = client.conversations_history(cursor=cursor, **window)
            except SlackApiError as err:
                if not isinstance(classify(err), PermanentFailure):
                    raise  # a hiccup or 429: look again later rather than risk a second post
                log.warning("cannot read %s to check for an earlier post of %s (%s); posting", channel, key,
                            err.response.get("error"))
                return None
            for message in page.get("messages") or ():
                metadata = message.get("metadata") or {}
                if (metadata.get("event_type") == METADATA_TYPE
                        and (metadata.get("event_payload") or {}).get("key") == key):
                    return message.get("ts")
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        return None

    def _dm_channel(self, client: WebClient, user_id: str | None) -> str:
        if not user_id:
            raise PermanentFailure("message has neither a chat nor a user")
        if user_id not in self._dm_channels:
            response = client.conversations_open(users=user_id)
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
