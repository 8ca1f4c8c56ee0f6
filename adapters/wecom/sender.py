"""WeComSender: outbox messages through the app message API, or a group robot webhook.

- To a person ("direct:<userid>"): `message/send`. An item card with buttons is a
  button_interaction template card whose task_id is derived from the outbox key; the rest
  is markdown. A retry after a lost answer (`maybe_sent`) asks WeCom to drop it if the same
  content already went out in the last half hour (`enable_duplicate_check`); first sends do
  not, or a second /help within the half hour would go unanswered.
- To a group: a self-built app can post only in group chats it created itself
  (`appchat/send`, no template cards), so a group goes through its group robot webhook
  (`[wecom] webhooks`) when it has one, else `appchat/send`, else the default webhook.
  Neither takes buttons: cards there are markdown naming the commands.
- Card updates: `message/update_template_card` with a response code, each good once (72 h):
  the newest one from the send's answer or from a press on the card (ResponseCodes). Another
  replica (or this one after a restart) finds a press's code in the stored callback. A card
  that cannot be updated (no code left, or WeCom refuses the code) is left as it is: the
  replies in the chat say what changed.
- Files (`msg.attachments`): after the text, the way it went (uploads.py): uploaded media and
  a file or image message; once each, also when a retry follows a failed upload.
Pacing is reminders/pacing.py's WECOM limits, applied by delivery.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from adapters.wecom.api import WeComApi, WeComError
from adapters.wecom.parse import DIRECT_PREFIX, PLATFORM, TASK_PREFIX, task_id
from adapters.wecom.render import card_markdown, markdown, template_card
from adapters.wecom.uploads import Route, share_files
from bot.events import OutgoingMessage
from bot.ports import PermanentFailure, RetryLater
from genjin.config import WeComSettings
from storage.models import InboxEvent

log = logging.getLogger(__name__)

SEND, UPDATE_CARD, APPCHAT_SEND = "/cgi-bin/message/send", "/cgi-bin/message/update_template_card", "/cgi-bin/appchat/send"
DUPLICATE_WINDOW = 1800  # seconds: WeCom's duplicate check, at most 4 hours
MESSAGE_PREFIX, HOOK_PREFIX, APPCHAT_PREFIX = "msg:", "hook:", "appchat:"
GONE = {60111, 81013, 40003, 86003, 86004}  # no such user, no such chat
UNTRUSTED_IP = 60020  # the server's IP is not in the app's trusted IPs (企业可信IP)
RECENT_PRESSES = 200  # stored presses searched for a card's response code


class ResponseCodes:
    """The newest unused response code of each template card (memory: a code lives 72 hours and
    is good once; after a restart a card is updated again once someone presses it)."""

    def __init__(self) -> None:
        self._codes: dict[str, str] = {}
        self._used: set[str] = set()
        self._lock = threading.Lock()

    def learn(self, task: str, code: object) -> None:
        if task and isinstance(code, str) and code:
            with self._lock:
                if code not in self._used:
                    self._codes[task] = code

    def take(self, task: str) -> str | None:
        with self._lock:
            code = self._codes.pop(task, None)
            if code:
                self._used.add(code)
            return code

    def spend(self, code: str) -> bool:
        """Mark a code found elsewhere as used; False if this process used it already."""
        with self._lock:
            if code in self._used:
                return False
            self._used.add(code)
            return True


def refusal(err: WeComError) -> Exception:
    """What a refused call means to delivery: retry (WeCom's side, untrusted IP), give up on the
    message, or on the chat or person (gone)."""
    if err.server_side:
        return err
    if err.code == UNTRUSTED_IP:
        log.error("wecom: this server's IP is not a trusted IP of the app (企业可信IP, docs/wecom.md): %s", err)
        return RetryLater(300, str(err))
    return PermanentFailure(str(err), message_only=err.code not in GONE)


class WeComSender:
    def __init__(self, api: WeComApi, settings: WeComSettings, *, codes: ResponseCodes | None = None,
                 sessions: sessionmaker[Session] | None = None) -> None:
        self.api, self.settings, self.sessions = api, settings, sessions
        self.codes = codes or ResponseCodes()
        self.lang = settings.lang
        # Outbox key -> (the text's id, where it went, the files sent): a message whose files are
        # not all out yet (uploads.py); its retry in this process sends only what is missing.
        self._partly_sent: dict[str, tuple[str, Route, set[str]]] = {}

    def send(self, msg: OutgoingMessage, *, outbox_id: int, reply_to: str | None, edit_of: str | None,
             maybe_sent: bool = False) -> str:
        """Post `msg` (WeCom has no threads: `reply_to` is not used) or update card `edit_of`."""
        if edit_of:
            return self._edit(msg, edit_of)
        if not msg.attachments:
            return self._post(msg, maybe_sent)[0]
        partly = self._partly_sent.get(msg.key)
        if partly is None:
            sent, route = self._post(msg, maybe_sent)
            partly = self._partly_sent[msg.key] = (sent, route, set())
        sent, route, done = partly
        share_files(self.api, msg, route=route, agent_id=self.settings.agent_id, done=done, lang=self.lang)
        del self._partly_sent[msg.key]
        return sent

    def _post(self, msg: OutgoingMessage, maybe_sent: bool) -> tuple[str, Route]:
        """The message itself (its files go after it, the same way: uploads.py)."""
        chat = msg.chat_id or ""
        if chat and not chat.startswith(DIRECT_PREFIX):
            return self._to_group(msg, chat)
        user = chat.removeprefix(DIRECT_PREFIX) or msg.user_id or ""
        if not user:
            raise PermanentFailure(f"wecom: {msg.key} names neither a chat nor a person")
        return self._to_user(msg, user, maybe_sent), Route("user", user)

    # -- one person: the app message API -----------------------------------------------
    def _to_user(self, msg: OutgoingMessage, user: str, maybe_sent: bool) -> str:
        base: dict = {"touser": user, "agentid": self.settings.agent_id}
        if maybe_sent:
            base.update(enable_duplicate_check=1, duplicate_check_interval=DUPLICATE_WINDOW)
        task = task_id(msg.key)
        if msg.card is not None and msg.card.buttons:
            body = {**base, "msgtype": "template_card",
                    "template_card": template_card(msg.card, task=task, lang=self.lang)}
        else:
            content = card_markdown(msg.card, self.lang) if msg.card else markdown(msg.text)
            body = {**base, "msgtype": "markdown", "markdown": {"content": content}}
        try:
            answer = self.api.post(SEND, body)
        except WeComError as err:
            raise refusal(err) from None
        if user in str(answer.get("invaliduser") or "").split("|"):
            raise PermanentFailure(f"wecom: {user} cannot receive the app's messages (invaliduser)")
        if body["msgtype"] == "template_card":
            self.codes.learn(task, answer.get("response_code"))
            return task
        return MESSAGE_PREFIX + str(answer.get("msgid") or task)

    def _edit(self, msg: OutgoingMessage, edit_of: str) -> str:
        if not edit_of.startswith(TASK_PREFIX) or msg.card is None:
            return edit_of  # markdown cannot be edited; the replies in the chat say what changed
        code = self.codes.take(edit_of) or self._stored_code(edit_of)
        user = (msg.chat_id or "").removeprefix(DIRECT_PREFIX) or msg.user_id
        if code is None or not user:
            log.info("wecom: no response code left for card %s; it is updated after its next press", edit_of)
            return edit_of
        body = {"userids": [user], "agentid": self.settings.agent_id, "response_code": code,
                "template_card": template_card(msg.card, task=edit_of, lang=self.lang)}
        try:
            self.api.post(UPDATE_CARD, body)
        except WeComError as err:
            if err.server_side or err.code == UNTRUSTED_IP:
                raise refusal(err) from None
            log.warning("wecom: card %s not updated (the code was used or expired?): %s", edit_of, err)
        return edit_of

    def _stored_code(self, task: str) -> str | None:
        """The response code of the newest stored press on card `task` that this process has not
        used (a press another replica received, or one from before a restart)."""
        if self.sessions is None:
            return None
        with self.sessions() as session:
            rows = session.scalars(select(InboxEvent.payload).where(
                InboxEvent.platform == PLATFORM, InboxEvent.event_id.startswith("click:"))
                .order_by(InboxEvent.id.desc()).limit(RECENT_PRESSES))
            for payload in rows:
                data = payload.get("data") if isinstance(payload, dict) else None
                if isinstance(data, dict) and data.get("TaskId") == task:
                    code = data.get("ResponseCode")
                    return code if isinstance(code, str) and code and self.codes.spend(code) else None
        return None

    # -- a group: its robot webhook, else an app chat ------------------------------------
    def _to_group(self, msg: OutgoingMessage, chat: str) -> tuple[str, Route]:
        hook = self.settings.webhooks.get(chat)
        if hook:
            return self._via_webhook(msg, hook), Route("hook", hook)
        content = card_markdown(msg.card, self.lang) if msg.card else markdown(msg.text)
        try:
            answer = self.api.post(APPCHAT_SEND, {"chatid": chat, "msgtype": "markdown",
                                                  "markdown": {"content": content}})
            return APPCHAT_PREFIX + str(answer.get("msgid") or task_id(msg.key)), Route("appchat", chat)
        except WeComError as err:
            if err.server_side or not self.settings.webhook_url:
                raise refusal(err) from None
            log.info("wecom: the app cannot post in %s (%s); using the default group robot webhook", chat, err.code)
        return self._via_webhook(msg, self.settings.webhook_url), Route("hook", self.settings.webhook_url)

    def _via_webhook(self, msg: OutgoingMessage, url: str) -> str:
        content = card_markdown(msg.card, self.lang, webhook=True) if msg.card else markdown(msg.text, webhook=True)
        try:
            self.api.webhook(url, {"msgtype": "markdown", "markdown": {"content": content}})
        except WeComError as err:
            raise refusal(err) from None
        return HOOK_PREFIX + task_id(msg.key)  # a webhook answers with no message id
