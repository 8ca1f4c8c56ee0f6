"""A message's files on WeCom, sent after its text, the way the text went:

- to a person (`message/send`) or an app chat (`appchat/send`): uploaded as temporary media
  (`media/upload`, the app's token), then a "file" or "image" message with the media_id;
- through a group robot webhook: a file is uploaded with the robot's own key
  (`webhook/upload_media`) and sent as msgtype "file"; a picture goes inline as msgtype "image"
  (base64 and the md5 of its bytes), which needs no upload.

WeCom's documented limits: any upload 5 bytes to 20 MB; an app image up to 10 MB, a webhook
image up to 2 MB, both JPG or PNG. A picture over its limit (or of another format) goes as a
file; a file over 20 MB (or under 5 bytes) is not sent, and a line in the chat says so, as it
does for a file WeCom refuses for good.

Idempotency: WeCom's messages carry no idempotency key, a webhook answers with no id, and
neither can be looked up. The sender remembers, in this process, the text already posted and
the files already sent for an outbox key, so a retry after a partial success (an upload failed)
sends only what is missing. A failure here is raised as `FilesPending` (never RetryLater /
PermanentFailure, which would tell delivery that nothing was posted). When the retry runs in
another process (a restart, another replica), it posts the text again: to a person WeCom drops
it (a retry asks for its half-hour duplicate check), through a webhook or an app chat it may
show twice.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from dataclasses import dataclass
from pathlib import PurePath

from adapters.wecom.api import WeComApi, WeComError
from adapters.wecom.render import markdown
from bot.events import Attachment, OutgoingMessage

log = logging.getLogger(__name__)
SEND, APPCHAT_SEND = "/cgi-bin/message/send", "/cgi-bin/appchat/send"
MB = 1024 * 1024
SMALLEST, LARGEST = 5, 20 * MB  # bytes: any upload (media/upload, webhook/upload_media)
APP_IMAGE_MAX, HOOK_IMAGE_MAX = 10 * MB, 2 * MB  # an image message: through the app, through a webhook
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}  # the only pictures WeCom shows as pictures
UNTRUSTED_IP = 60020  # a setting to fix (docs/wecom.md), not a refusal of the file: retried
NOT_ATTACHED = {"zh": "📎 文件「{name}」无法发送到企业微信（{why}），请联系管理员。",
                "en": "📎 The file {name} could not be sent on WeCom ({why}); tell your admin."}
TOO_LARGE = {"zh": "超过企业微信 20 MB 的上限", "en": "larger than WeCom's 20 MB limit"}
EMPTY = {"zh": "文件为空", "en": "the file is empty"}


class FilesPending(RuntimeError):
    """The text is posted, some of its files are not yet: retried with backoff (maybe_sent)."""


@dataclass(frozen=True)
class Route:
    """Where a message's text went, so that its files follow it: "user" (a userid), "appchat"
    (a chat id) or "hook" (the group robot webhook's URL)."""

    kind: str
    to: str


def _say(api: WeComApi, route: Route, agent_id: int, body: dict) -> None:
    """Post one message body (msgtype and its part) where `route` points."""
    if route.kind == "hook":
        api.webhook(route.to, body)
    elif route.kind == "appchat":
        api.post(APPCHAT_SEND, {"chatid": route.to, **body})
    else:
        api.post(SEND, {"touser": route.to, "agentid": agent_id, **body})


def _as_picture(attachment: Attachment, limit: int) -> bool:
    data = attachment.data or b""
    return (attachment.kind == "image" and PurePath(attachment.name).suffix.lower() in IMAGE_SUFFIXES
            and len(data) <= limit)


def _send_one(api: WeComApi, route: Route, agent_id: int, attachment: Attachment) -> None:
    data = attachment.data or b""
    if route.kind == "hook":
        if _as_picture(attachment, HOOK_IMAGE_MAX):
            _say(api, route, agent_id, {"msgtype": "image", "image": {
                "base64": base64.b64encode(data).decode(), "md5": hashlib.md5(data).hexdigest()}})
            return
        media = api.webhook_upload(route.to, attachment.name, data)
        _say(api, route, agent_id, {"msgtype": "file", "file": {"media_id": media}})
        return
    kind = "image" if _as_picture(attachment, APP_IMAGE_MAX) else "file"
    media = api.upload(kind, attachment.name, data)
    _say(api, route, agent_id, {"msgtype": kind, kind: {"media_id": media}})


def _too_big_or_empty(attachment: Attachment, lang: str) -> str | None:
    """Why WeCom would refuse the file by its size, before uploading it; None when it fits."""
    size = len(attachment.data or b"")
    if size > LARGEST:
        return TOO_LARGE.get(lang, TOO_LARGE["zh"]) + f" ({size / MB:.1f} MB)"
    return EMPTY.get(lang, EMPTY["zh"]) if size < SMALLEST else None


def _refused_for_good(err: Exception) -> bool:
    """WeCom said no to this file (its size or type, errcode 40004-40009, 44001 ...), not "later"."""
    return isinstance(err, WeComError) and not err.server_side and err.code != UNTRUSTED_IP


def share_files(api: WeComApi, msg: OutgoingMessage, *, route: Route, agent_id: int, done: set[str],
                lang: str) -> None:
    """Send each of `msg`'s files not in `done` (names) where its text went, adding each to `done`
    once it is out (or a line saying why it cannot be)."""
    for attachment in msg.attachments:
        if attachment.name in done:
            continue
        try:
            why = _too_big_or_empty(attachment, lang)
            if why is None:
                try:
                    _send_one(api, route, agent_id, attachment)
                except Exception as err:
                    if not _refused_for_good(err):
                        raise
                    why = f"errcode {err.code}" if isinstance(err, WeComError) else str(err)
            if why is not None:
                log.warning("wecom: the file %s of %s is not sent: %s", attachment.name, msg.key, why)
                text = NOT_ATTACHED.get(lang, NOT_ATTACHED["zh"]).format(name=attachment.name, why=why)
                _say(api, route, agent_id, {"msgtype": "markdown",
                                            "markdown": {"content": markdown(text, webhook=route.kind == "hook")}})
        except Exception as err:
            raise FilesPending(f"{msg.key}: posted, its file {attachment.name} not yet: {err}"[:500]) from err
        done.add(attachment.name)
