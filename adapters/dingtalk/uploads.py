"""A message's files on DingTalk: uploaded as media (oapi /media/upload), then sent by the robot
message API as a file message (sampleFile) or a picture (sampleImageMsg, the media id as its
photoURL), after the text. Session webhooks cannot carry files, so files always take the API.

Idempotency: DingTalk's robot messages have no idempotency key and cannot be looked up. The
sender remembers, in this process, a text already posted and the files already sent for an
outbox key, so a retry after a partial success (an upload failed) sends only what is missing.
A failure here is raised as `FilesPending` (never RetryLater / PermanentFailure, which would tell
delivery that nothing was posted). After a restart between the two, a markdown text may show
twice (as any markdown message DingTalk took without answering); a card never does (its
outTrackId). A file DingTalk refuses for good (too large, a type it will not take, no
permission) becomes a line in the chat saying so.
"""

from __future__ import annotations

import json
import logging
from pathlib import PurePath

from adapters.dingtalk.api import DingTalkApi, DingTalkError
from adapters.dingtalk.render import markdown
from bot.events import Attachment, OutgoingMessage
from bot.ports import PermanentFailure

log = logging.getLogger(__name__)
GROUP_SEND, USER_SEND = "/v1.0/robot/groupMessages/send", "/v1.0/robot/oToMessages/batchSend"
NOT_ATTACHED = {"zh": "📎 文件「{name}」无法发送到钉钉（{why}），请联系管理员。",
                "en": "📎 The file {name} could not be sent on DingTalk ({why}); tell your admin."}


class FilesPending(RuntimeError):
    """The text is posted, some of its files are not yet: retried with backoff."""


def _robot_message(attachment: Attachment, media_id: str) -> tuple[str, dict]:
    if attachment.kind == "image":
        return "sampleImageMsg", {"photoURL": media_id}
    suffix = PurePath(attachment.name).suffix.lstrip(".").lower() or "file"
    return "sampleFile", {"mediaId": media_id, "fileName": attachment.name, "fileType": suffix}


def _send(api: DingTalkApi, robot: str, group: str | None, user: str, key: str, param: dict) -> None:
    body = {"robotCode": robot, "msgKey": key, "msgParam": json.dumps(param, ensure_ascii=False)}
    if group:
        api.call("POST", GROUP_SEND, json={**body, "openConversationId": group})
    else:
        api.call("POST", USER_SEND, json={**body, "userIds": [user]})


def _refused_for_good(err: Exception) -> bool:
    return isinstance(err, PermanentFailure) or (isinstance(err, DingTalkError) and not err.server_side
                                                 and err.status not in (401, 429))


def share_files(api: DingTalkApi, msg: OutgoingMessage, *, robot: str, group: str | None, user: str,
                done: set[str], lang: str) -> None:
    """Send each of `msg`'s files not in `done` (names), adding each to `done` once it went."""
    for attachment in msg.attachments:
        if attachment.name in done:
            continue
        try:
            try:
                kind = "image" if attachment.kind == "image" else "file"
                media = api.upload_media(kind=kind, name=attachment.name, data=attachment.data or b"")
                _send(api, robot, group, user, *_robot_message(attachment, media))
            except Exception as err:
                if not _refused_for_good(err):
                    raise
                log.warning("dingtalk refused the file %s of %s: %s", attachment.name, msg.key, err)
                why = err.code if isinstance(err, DingTalkError) else str(err)
                text = NOT_ATTACHED.get(lang, NOT_ATTACHED["zh"]).format(name=attachment.name, why=why)
                _send(api, robot, group, user, "sampleMarkdown", {"title": attachment.name, "text": markdown(text)})
        except Exception as err:
            raise FilesPending(f"{msg.key}: posted, its file {attachment.name} not yet: {err}"[:500]) from err
        done.add(attachment.name)
