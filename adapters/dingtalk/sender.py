"""DingTalkSender: outbox messages as interactive cards, or as markdown where no card can go.

- An item card (buttons, or about one item) is a card instance from the configured template,
  created and delivered in one call under an outTrackId derived from the outbox key: a retry
  after a lost answer meets "card already exists" instead of posting twice. Its updates
  replace its data in place; plain messages cannot be edited on DingTalk.
- Text goes through the chat's sessionWebhook while it is valid (it can @mention people), else
  through the robot message API, which cannot: a text that mentions people in a group then
  goes as a card, which can.
- No template, template not published, or no card permission: the card goes as markdown
  naming the commands its buttons stand for, and the chat is told once why.
- A message's files go after it, as file (or picture) messages of the robot API (uploads.py).
Pacing (20 calls/s per API) is reminders/pacing.py's DINGTALK limits, applied by delivery.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from adapters.dingtalk import lookup
from adapters.dingtalk.api import PERMISSION, DingTalkApi, DingTalkError
from adapters.dingtalk.parse import CARD_PREFIX, DIRECT_PREFIX, PLATFORM, out_track_id
from adapters.dingtalk.render import (
    card_markdown,
    card_mentions,
    card_params,
    markdown,
    mentions_in,
    parts,
    plain,
    title_of,
)
from adapters.dingtalk.uploads import share_files
from bot.events import Card, OutgoingMessage
from bot.ports import PermanentFailure, RetryLater
from genjin.config import DingTalkSettings

log = logging.getLogger(__name__)

CARDS, CARD_DELIVER = "/v1.0/card/instances", "/v1.0/card/instances/deliver"
CREATE_AND_DELIVER = "/v1.0/card/instances/createAndDeliver"
GROUP_SEND, USER_SEND = "/v1.0/robot/groupMessages/send", "/v1.0/robot/oToMessages/batchSend"
DING_SEND = "/v1.0/robot/ding/send"
MESSAGE_PREFIX, HOOK_PREFIX = "msg:", "hook:"
MSG_PARAM_BUDGET = 14_000  # robot messages take msgParam up to 15,000 bytes
NO_TEMPLATE = {"param.templateNotExist", "param.templateUnpublished", "param.cardTemplateIdEmpty"}
CARDLESS_FOR = 600.0  # seconds without trying cards again after the template or permission failed
WHY = {
    "config": ("未配置卡片模板（card_template_id）", "no card template is configured (card_template_id)"),
    "template": ("卡片模板不存在或未发布", "the card template is missing or not published"),
    "permission": ("应用缺少互动卡片权限（Card.Instance.Write）", "the app lacks the card permission (Card.Instance.Write)"),
}
TOLD = {"zh": "（说明）这里暂时发不了互动卡片：{why}。事项先以文字消息发出，按钮请改用消息里写明的命令。管理员可参考 docs/dingtalk.md。",
        "en": "(Note) Interactive cards cannot be sent here for now: {why}. Items arrive as text; instead of "
              "buttons, type the commands they name. An admin can fix this (docs/dingtalk.md)."}


class CardsUnavailable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Answering:
    """Cards whose click is being answered: DingTalk asks that a card not be updated while its
    callback is open, so an update waits for the answer (two seconds at most)."""

    def __init__(self) -> None:
        self._open: dict[str, int] = {}
        self._changed = threading.Condition()

    def begin(self, track: str) -> None:
        with self._changed:
            self._open[track] = self._open.get(track, 0) + 1

    def end(self, track: str) -> None:
        with self._changed:
            self._open[track] -= 1
            if not self._open[track]:
                del self._open[track]
            self._changed.notify_all()

    def wait(self, track: str, timeout: float = 2.0) -> None:
        with self._changed:
            self._changed.wait_for(lambda: track not in self._open, timeout)


def refusal(err: DingTalkError) -> Exception:
    """What a refused call means to delivery: retry (DingTalk's side), or give up on the message,
    or on the chat (the robot is not there, the person is gone, a permission is missing)."""
    if err.server_side:
        return err
    gone = err.code == PERMISSION or err.status in (401, 403) or any(
        word in f"{err.code} {err.message}".lower() for word in ("conversation", "robot", "chatbot", "staff", "user"))
    return PermanentFailure(str(err), message_only=not gone)


class DingTalkSender:
    def __init__(self, api: DingTalkApi, settings: DingTalkSettings, *, sessions: sessionmaker[Session],
                 webhooks: lookup.Webhooks, tz: str = "Asia/Shanghai", answering: Answering | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.api, self.settings, self.sessions, self.webhooks = api, settings, sessions, webhooks
        self.tz, self.clock, self.monotonic = tz, clock, monotonic
        self.answering = answering or Answering()
        self.robot = settings.robot_code or settings.client_id
        self.lang = settings.lang
        self._told: set[tuple[str, str]] = set()
        # Outbox key -> (the text's id, the files sent): a message whose files are not all out yet
        # (uploads.py); its retry in this process sends only what is missing.
        self._partly_sent: dict[str, tuple[str, set[str]]] = {}
        self._cardless: tuple[str, float] | None = ("config", float("inf")) if not settings.card_template_id else None

    # -- the one entry -------------------------------------------------------------------
    def send(self, msg: OutgoingMessage, *, outbox_id: int, reply_to: str | None, edit_of: str | None,
             maybe_sent: bool = False) -> str:
        """Post `msg` (DingTalk has no threads: `reply_to` is not used) or update card `edit_of`."""
        if edit_of:
            return self._edit(msg, edit_of)
        group, user = self._target(msg)
        if not msg.attachments:
            return self._post(msg, group, user, maybe_sent)
        sent, done = self._partly_sent.get(msg.key) or (self._post(msg, group, user, maybe_sent), set())
        self._partly_sent[msg.key] = (sent, done)
        share_files(self.api, msg, robot=self.robot, group=group, user=user, done=done, lang=self.lang)
        del self._partly_sent[msg.key]
        return sent

    def _post(self, msg: OutgoingMessage, group: str | None, user: str, maybe_sent: bool) -> str:
        """The message itself: a card, or markdown (its files go after it, uploads.py)."""
        hook = self.webhooks.get(group or DIRECT_PREFIX + user) if self.settings.session_webhook else None
        as_card = msg.card is not None and (bool(msg.card.buttons) or len(msg.item_ids) == 1)
        pings = msg.card is None and group and not hook and mentions_in(msg.text)  # the API cannot @
        sent = None
        if (as_card or pings) and self._cards_ok(msg):
            try:
                sent = self._post_card(msg, group, user, maybe_sent)
            except CardsUnavailable as why:
                self._cards_down(msg, why.reason)
        if sent is None:
            sent = self._post_markdown(msg, group, user, hook)
        if self.settings.ding_emergencies and not maybe_sent:
            self._ding(msg)
        return sent

    def _target(self, msg: OutgoingMessage) -> tuple[str | None, str]:
        """(group conversation id, or None) and the person for a one-to-one message."""
        if msg.chat_id and not msg.chat_id.startswith(DIRECT_PREFIX):
            return msg.chat_id, ""
        user = msg.chat_id.removeprefix(DIRECT_PREFIX) if msg.chat_id else msg.user_id or ""
        if not user:
            raise PermanentFailure(f"message {msg.key} names neither a chat nor a person")
        return None, user

    # -- cards ---------------------------------------------------------------------------
    def _cards_ok(self, msg: OutgoingMessage) -> bool:
        if self._cardless and self._cardless[1] > self.monotonic():
            self._cards_down(msg, self._cardless[0])
            return False
        return True

    def _cards_down(self, msg: OutgoingMessage, reason: str) -> None:
        """Cards cannot go now: try again in a while, and tell the chat once why it gets text."""
        if self._cardless is None or self._cardless[0] != reason or self._cardless[1] <= self.monotonic():
            log.warning("dingtalk: cards unavailable (%s): sending markdown instead", reason)
            until = float("inf") if reason == "config" else self.monotonic() + CARDLESS_FOR
            self._cardless = (reason, until)
        zh, en = WHY[reason]
        chat = msg.chat_id or DIRECT_PREFIX + (msg.user_id or "")
        if (reason, chat) in self._told:
            return
        self._told.add((reason, chat))  # this process; the outbox key covers restarts and replicas
        note = OutgoingMessage(key=f"dingtalk:cardless:{reason}:{chat}", platform=PLATFORM, chat_id=msg.chat_id,
                               user_id=None if msg.chat_id else msg.user_id,
                               text=TOLD.get(self.lang, TOLD["zh"]).format(why=en if self.lang == "en" else zh))
        lookup.say_once(self.sessions, note, self.clock())

    def params_for(self, msg: OutgoingMessage, card: Card) -> dict[str, str]:
        pressed = ""
        if len(msg.item_ids) == 1:  # an item's card shows who did what
            pressed = lookup.steps(self.sessions, msg.item_ids[0], lang=self.lang, tz=self.tz)
        return card_params(card, key=msg.key, lang=self.lang, pressed=pressed)

    def _space(self, group: str | None, user: str, people: dict[str, str]) -> dict:
        if group:
            deliver: dict = {"robotCode": self.robot}
            if people:
                deliver["atUserIds"] = people
            return {"openSpaceId": f"dtv1.card//IM_GROUP.{group}", "imGroupOpenDeliverModel": deliver}
        return {"openSpaceId": f"dtv1.card//IM_ROBOT.{user}",
                "imRobotOpenDeliverModel": {"spaceType": "IM_ROBOT", "robotCode": self.robot}}

    def _post_card(self, msg: OutgoingMessage, group: str | None, user: str, maybe_sent: bool) -> str:
        card = msg.card or Card(lines=(msg.text,))
        track, people = out_track_id(msg.key), card_mentions(card)
        space = {**self._space(group, user, people), "outTrackId": track, "userIdType": 1}
        shown = title_of(card.title or msg.text)  # the chat list's preview of the card
        preview = {"supportForward": False, "lastMessageI18n": {"ZH_CN": shown, "EN_US": shown}}
        body = {**space, "cardTemplateId": self.settings.card_template_id,
                "cardData": {"cardParamMap": self.params_for(msg, card)},
                "imGroupOpenSpaceModel" if group else "imRobotOpenSpaceModel": preview,
                **self._callback()}
        if people:
            body["cardAtUserIds"] = list(people)
        try:
            answer = self.api.call("POST", CREATE_AND_DELIVER, json=body)
        except DingTalkError as err:
            if err.code == "param.cardAlreadyExist":  # an earlier attempt created it
                if maybe_sent:
                    return track  # and may well have delivered it: never risk a second copy
                answer = self.api.call("POST", CARD_DELIVER, json=space)
            elif err.code in NO_TEMPLATE:
                raise CardsUnavailable("template") from None
            elif err.code == PERMISSION or err.status == 403:
                raise CardsUnavailable("permission") from None
            else:
                raise refusal(err) from None
        results = (answer.get("result") or {}).get("deliverResults") or answer.get("deliverResults") or []
        failed = [r for r in results if isinstance(r, dict) and r.get("success") is False]
        if failed:  # created, not delivered: the next attempt delivers the same card
            raise RetryLater(30, f"card {track} not delivered: {failed[0].get('errorMsg')}")
        self._cardless = None  # cards work (again)
        return track

    def _callback(self) -> dict:
        if self.settings.mode == "http":
            return {"callbackType": "HTTP", "callbackRouteKey": self.settings.card_callback_route_key}
        return {"callbackType": "STREAM"}

    def _edit(self, msg: OutgoingMessage, edit_of: str) -> str:
        if not edit_of.startswith(CARD_PREFIX):
            # It went as markdown, which DingTalk cannot edit; the replies in the chat say what changed.
            return edit_of
        self.answering.wait(edit_of)
        card = msg.card or Card(lines=(msg.text,))
        body = {"outTrackId": edit_of, "cardData": {"cardParamMap": self.params_for(msg, card)},
                "cardUpdateOptions": {"updateCardDataByKey": True}, "userIdType": 1}
        try:
            self.api.call("PUT", CARDS, json=body)
        except DingTalkError as err:
            raise refusal(err) from None
        return edit_of

    # -- markdown ------------------------------------------------------------------------
    def _post_markdown(self, msg: OutgoingMessage, group: str | None, user: str, hook: str | None) -> str:
        if hook:
            try:
                return self._via_webhook(msg, hook)
            except (DingTalkError, RetryLater) as err:  # expired early, throttled: the API still works
                log.info("dingtalk: sessionWebhook refused %s (%s); using the robot API", msg.key, err)
        title, text = card_markdown(msg.card, self.lang) if msg.card else (title_of(msg.text), markdown(msg.text))
        first = None
        for part in parts(text, MSG_PARAM_BUDGET):
            param = json.dumps({"title": title, "text": part}, ensure_ascii=False)
            body = {"robotCode": self.robot, "msgKey": "sampleMarkdown", "msgParam": param}
            try:
                if group:
                    answer = self.api.call("POST", GROUP_SEND, json={**body, "openConversationId": group})
                else:
                    answer = self.api.call("POST", USER_SEND, json={**body, "userIds": [user]})
            except DingTalkError as err:
                raise refusal(err) from None
            if user in (answer.get("flowControlledStaffIdList") or []):
                raise RetryLater(60, f"dingtalk flow-controls messages to {user}")
            if user in (answer.get("invalidStaffIdList") or []):
                raise PermanentFailure(f"dingtalk: {user} cannot receive the robot's messages")
            first = first or MESSAGE_PREFIX + str(answer.get("processQueryKey") or out_track_id(msg.key))
        return first or MESSAGE_PREFIX + out_track_id(msg.key)

    def _via_webhook(self, msg: OutgoingMessage, hook: str) -> str:
        if msg.card is not None:
            title, text = card_markdown(msg.card, self.lang, "webhook")
            people = card_mentions(msg.card)
        else:
            title, text, people = title_of(msg.text), markdown(msg.text, "webhook"), mentions_in(msg.text)
        for part in parts(text, MSG_PARAM_BUDGET):
            self.api.webhook(hook, {"msgtype": "markdown", "markdown": {"title": title, "text": part},
                                    "at": {"atUserIds": list(people), "isAtAll": False}})
        return HOOK_PREFIX + out_track_id(msg.key)  # a session webhook answers with no message id

    def _ding(self, msg: OutgoingMessage) -> None:
        """特急: also DING the people a group reminder names (best effort; the message itself is out)."""
        in_group = bool(msg.chat_id) and not msg.chat_id.startswith(DIRECT_PREFIX)
        people = card_mentions(msg.card) if msg.card else mentions_in(msg.text)
        if not (in_group and msg.key.startswith("remind:") and people):
            return
        if not lookup.is_emergency(self.sessions, msg.item_ids):
            return
        content = plain(msg.card.title if msg.card else msg.text)[:500]
        try:
            self.api.call("POST", DING_SEND, json={"robotCode": self.robot, "remindType": 1,
                                                   "receiverUserIdList": list(people), "content": content})
        except Exception as err:  # no Premium.Ding.Write, not a professional edition: the message went anyway
            log.warning("dingtalk: DING for %s not sent: %s", msg.key, err)
